// Provider model of @pulumi/docker (5.x): Container, Volume, Network and RemoteImage are bridged
// from kreuzwerker/terraform-provider-docker at the commit pulumi/pulumi-docker pins as its
// `upstream` submodule (5074970c = tag v4.5.0); Image is pulumi-docker's own native resource.
// Facts below were read in those sources; each entry names file and function/schema field.
//
// Container notes that shape every entry (resource_docker_container_funcs.go):
// - Create ends with `return resourceDockerContainerRead(...)`, so Read's form is in state after the
//   first `up` and the next preview diffs the program's inputs against it.
// - Read does NOT set `env`, `labels`, `volumes`, `cgroup_parent` ("We decided not to set the
//   environment variables and labels…"): those stay as sent. TypeSet fields are unordered, so their
//   read-back is modelled as a canonical sort (forms.ts sortedSet).
// - Update applies only restart, max_retry_count, cpu_shares, memory, memory_reservation, cpu_set,
//   memory_swap and blkio throughput (the `attrs` list in resourceDockerContainerUpdate); every other
//   non-ForceNew input (healthcheck, tmpfs) is stored but never applied: notUpdatable. Update does
//   not end with Read, so after that no-op update state holds the new value and the next preview
//   is clean — until a refresh reads the container's real (old) value back and the diff returns.
// - pulumi-docker sets DeleteBeforeReplace for docker_container (provider/resources.go).
// - Delete stops with timeout `destroy_grace_seconds` (0 when unset), then force-removes.
import * as fs from "fs";
import * as path from "path";
import { TypeModel } from "./model";
import { goDurationReadBack, nanoToDecimalString, parseCpusToNanos, parseGoDuration } from "./goFormat";
import { isRecord, sortedSet } from "./forms";

const UP = "kreuzwerker/terraform-provider-docker@5074970c";
const SCHEMA = `${UP} internal/provider/resource_docker_container.go`;
const FUNCS = `${UP} internal/provider/resource_docker_container_funcs.go`;
const VALIDATORS = `${UP} internal/provider/validators.go`;

/** validateIntegerGeqThan: "'%v' cannot be lower than %d". */
function intAtLeast(threshold: number) {
    return (sent: unknown): string | undefined =>
        typeof sent === "number" && sent < threshold ? `'${sent}' cannot be lower than ${threshold}` : undefined;
}

/** cpus: Read stores nanoInt64ToDecimalString(HostConfig.NanoCPUs) when NanoCPUs > 0, where Create
 *  sent NanoCPUs = opts.ParseCPUs(cpus). "1" → "1.0", "2" → "2.0", "0.5" → "0.5", "1.5" → "1.5". */
export function cpusReadBack(sent: unknown): unknown {
    if (typeof sent !== "string") return sent;
    const nanos = parseCpusToNanos(sent);
    if (nanos === undefined || nanos <= 0n) return sent; // Create fails, or Read leaves cpus alone
    return nanoToDecimalString(nanos);
}

const DURATION_KEYS = ["interval", "timeout", "startPeriod", "startInterval"];

/** healthcheck: Read stores Duration.String() of each parsed duration ("120s" → "2m0s",
 *  "90s" → "1m30s", "30s" → "30s", "0s"/"" → "0s"); tests and retries as sent. Keys not sent
 *  are left absent (their schema default "0s" reads back as "0s", so they never diff). */
export function healthcheckReadBack(sent: unknown): unknown {
    if (!isRecord(sent)) return sent;
    const out: Record<string, unknown> = { ...sent };
    for (const k of DURATION_KEYS) {
        if (typeof out[k] === "string") out[k] = goDurationReadBack(out[k] as string);
    }
    return out;
}

function healthcheckCheck(sent: unknown): string | undefined {
    if (!isRecord(sent)) return undefined;
    for (const k of DURATION_KEYS) {
        const v = sent[k];
        if (typeof v !== "string" || v === "<unknown>") continue;
        const d = parseGoDuration(v);
        if (d === undefined) return `'${v}' is not a valid duration`;
        if (d < 0n) return `'${v}' duration must not be negative`;
    }
    return intAtLeast(0)(sent.retries);
}

/** ports: Read sets ports (only when some were configured) from NetworkSettings.Ports, sorted by
 *  internal port (flattenContainerPorts + byPortAndProtocol). With host networking Docker reports
 *  no published ports, so any configured ports read back as [] — and `ports` is ForceNew, so the
 *  container is replaced on every later `up`. Pass the resource's inputs as `all` to apply that. */
export function portsReadBack(sent: unknown, all?: Record<string, unknown>): unknown {
    if (!Array.isArray(sent) || sent.length === 0) return sent;
    if (all?.networkMode === "host") return [];
    const internal = (p: unknown): number => (isRecord(p) && typeof p.internal === "number" ? p.internal : 0);
    return [...sent].sort((a, b) => internal(a) - internal(b));
}

function capabilitiesReadBack(sent: unknown): unknown {
    if (!isRecord(sent)) return sent;
    const out: Record<string, unknown> = { ...sent };
    if ("adds" in out) out.adds = sortedSet(out.adds);
    if ("drops" in out) out.drops = sortedSet(out.drops);
    return out;
}

function networksAdvancedReadBack(sent: unknown): unknown {
    if (!Array.isArray(sent)) return sent;
    return sortedSet(sent.map((n) => (isRecord(n) && Array.isArray(n.aliases) ? { ...n, aliases: sortedSet(n.aliases) } : n)));
}

function volumesCheck(sent: unknown): string | undefined {
    if (!Array.isArray(sent)) return undefined;
    for (const v of sent) {
        if (!isRecord(v) || typeof v.hostPath !== "string" || v.hostPath === "<unknown>") continue;
        if (!/^[a-zA-Z]:[\\/]|^\//.test(v.hostPath)) return `'${v.hostPath}' must be an absolute path`;
    }
    return undefined;
}

const RESTART = /^(no|on-failure|always|unless-stopped)$/;

const container: TypeModel = {
    type: "docker:index/container:Container",
    source: `${SCHEMA} (resourceDockerContainer) + ${FUNCS}; pulumi/pulumi-docker provider/resources.go (DeleteBeforeReplace)`,
    inputs: {
        capabilities: {
            forceNew: true, unordered: true, readBack: capabilitiesReadBack,
            source: `${SCHEMA} ("capabilities" TypeSet MaxItems 1, ForceNew; add/drop TypeSet); ${FUNCS} (Read: add=HostConfig.CapAdd, drop=HostConfig.CapDrop, only when either is non-empty; moby/moby daemon/container.go validateCapabilities only validates, the stored names stay as sent)`,
        },
        cgroupParent: { forceNew: true, source: `${SCHEMA} ("cgroup_parent" ForceNew); ${FUNCS} (Read does not set it)` },
        command: { forceNew: true, source: `${SCHEMA} ("command" TypeList ForceNew Computed); ${FUNCS} (Read: Config.Cmd)` },
        cpus: {
            forceNew: true, readBack: cpusReadBack,
            source: `${SCHEMA} ("cpus" TypeString ForceNew, no ValidateFunc); ${FUNCS} (Create: opts.ParseCPUs, docker/cli opts/opts.go; Read: nanoInt64ToDecimalString(HostConfig.NanoCPUs) if > 0); ${UP} internal/provider/helpers.go (nanoInt64ToDecimalString)`,
        },
        destroyGraceSeconds: {
            forceNew: false,
            source: `${SCHEMA} ("destroy_grace_seconds" Optional, not ForceNew); ${FUNCS} (Delete: ContainerStop timeout = destroy_grace_seconds, else 0; never read back)`,
        },
        devices: {
            forceNew: true, unordered: true, readBack: sortedSet,
            source: `${SCHEMA} ("devices" TypeSet ForceNew; permissions default "rwm"); ${UP} internal/provider/resource_docker_container_structures.go (flattenDevices: container_path only when configured)`,
        },
        entrypoints: { forceNew: true, source: `${SCHEMA} ("entrypoint" TypeList ForceNew Computed); ${FUNCS} (Read: Config.Entrypoint)` },
        envs: { forceNew: true, unordered: true, readBack: sortedSet, source: `${SCHEMA} ("env" TypeSet ForceNew Computed); ${FUNCS} (Read does not set env)` },
        healthcheck: {
            forceNew: false, notUpdatable: true, readBack: healthcheckReadBack, check: healthcheckCheck,
            source: `${SCHEMA} ("healthcheck" TypeList MaxItems 1 Optional Computed, not ForceNew; durations ValidateDiagFunc validateDurationGeq0, retries validateIntegerGeqThan(0)); ${FUNCS} (Create: time.ParseDuration, error ignored; Read: Healthcheck.Interval.String() etc.; Update: healthcheck not in attrs); ${VALIDATORS}`,
        },
        hosts: { forceNew: true, unordered: true, readBack: sortedSet, source: `${SCHEMA} ("host" TypeSet ForceNew); ${UP} internal/provider/resource_docker_container_structures.go (flattenExtraHosts splits HostConfig.ExtraHosts "host:ip"; that moby keeps "host-gateway" literal in HostConfig is assumed, not read)` },
        image: { forceNew: true, source: `${SCHEMA} ("image" ForceNew); ${FUNCS} (Read: Config.Image, or container.Image when the sent value starts with sha256:)` },
        labels: { forceNew: true, unordered: true, readBack: sortedSet, source: `${SCHEMA} ("labels" TypeSet ForceNew Computed, labelSchema); ${FUNCS} (Read does not set labels)` },
        logDriver: { forceNew: true, source: `${SCHEMA} ("log_driver" ForceNew Computed); ${FUNCS} (Read: LogConfig.Type)` },
        logOpts: { forceNew: true, source: `${SCHEMA} ("log_opts" TypeMap ForceNew); ${FUNCS} (containerLogOptsForState: LogConfig.Config when configured)` },
        maxRetryCount: { forceNew: false, source: `${SCHEMA} ("max_retry_count" Optional); ${FUNCS} (Update attrs; Read: RestartPolicy.MaximumRetryCount)` },
        memory: {
            forceNew: false, check: intAtLeast(0),
            source: `${SCHEMA} ("memory" MB, validateIntegerGeqThan(0)); ${FUNCS} (Create: MB*1024*1024; Read: HostConfig.Memory/1024/1024; Update attrs)`,
        },
        memorySwap: {
            forceNew: false, check: intAtLeast(-1),
            source: `${SCHEMA} ("memory_swap" MB, validateIntegerGeqThan(-1); doc: may compute to -1 when the host has no swap support — not modelled); ${FUNCS} (Read: MemorySwap/1024/1024 when > 0; Update attrs)`,
        },
        mustRun: { forceNew: false, source: `${SCHEMA} ("must_run" default true); ${FUNCS} (Read sets false when the container is stopped; Update starts it)` },
        name: { forceNew: true, source: `${SCHEMA} ("name" Required ForceNew); ${FUNCS} (Read: Name without leading "/")` },
        networkMode: { forceNew: true, source: `${SCHEMA} ("network_mode" ForceNew, default "bridge"); ${FUNCS} (Read: HostConfig.NetworkMode)` },
        networksAdvanced: {
            forceNew: true, unordered: true, readBack: networksAdvancedReadBack,
            source: `${SCHEMA} ("networks_advanced" TypeSet ForceNew; aliases TypeSet); ${FUNCS} (Read sets it only when empty, for import)`,
        },
        ports: {
            forceNew: true, readBack: portsReadBack,
            source: `${SCHEMA} ("ports" TypeList ForceNew; ip default "0.0.0.0", protocol "tcp"); ${FUNCS} (Read: flattenContainerPorts(NetworkSettings.Ports) when ports configured); ${UP} internal/provider/resource_docker_container_structures.go (flattenContainerPorts, byPortAndProtocol)`,
        },
        privileged: { forceNew: true, source: `${SCHEMA} ("privileged" ForceNew); ${FUNCS} (Read: HostConfig.Privileged)` },
        readOnly: { forceNew: true, source: `${SCHEMA} ("read_only" ForceNew); ${FUNCS} (Read: HostConfig.ReadonlyRootfs)` },
        restart: {
            forceNew: false,
            check: (sent) => (typeof sent === "string" && !RESTART.test(sent) ? `'${sent}' doesn't match the pattern '${RESTART.source}'` : undefined),
            source: `${SCHEMA} ("restart" validateStringMatchesPattern); ${VALIDATORS} (validateStringMatchesPattern message); ${FUNCS} (Update attrs)`,
        },
        securityOpts: {
            forceNew: true,
            unordered: true, readBack: (sent) => (Array.isArray(sent) ? sortedSet(sent.filter((o) => o !== "systempaths=unconfined")) : sent),
            source: `${SCHEMA} ("security_opts" TypeSet ForceNew Computed); ${FUNCS} (parseSystemPaths drops "systempaths=unconfined" before create; Read: HostConfig.SecurityOpt)`,
        },
        stopTimeout: { forceNew: true, source: `${SCHEMA} ("stop_timeout" ForceNew Computed); ${FUNCS} (Read: Config.StopTimeout; not used by Delete)` },
        tmpfs: {
            forceNew: false, notUpdatable: true,
            source: `${SCHEMA} ("tmpfs" TypeMap Optional, not ForceNew); ${FUNCS} (Read: HostConfig.Tmpfs; Update: not in attrs)`,
        },
        user: { forceNew: true, source: `${SCHEMA} ("user" ForceNew; DiffSuppress treats "" as no-op); ${FUNCS} (Read: Config.User)` },
        volumes: {
            forceNew: true, unordered: true, readBack: sortedSet, check: volumesCheck,
            source: `${SCHEMA} ("volumes" TypeSet ForceNew; host_path validateDockerContainerPath); ${VALIDATORS} (validateDockerContainerPath); ${FUNCS} (Read does not set volumes)`,
        },
        wait: { forceNew: false, source: `${SCHEMA} ("wait" default false); ${FUNCS} (Create only: polls health up to wait_timeout; errors when no healthcheck)` },
        waitTimeout: { forceNew: false, source: `${SCHEMA} ("wait_timeout" default 60); ${FUNCS} (Create only)` },
    },
};

const volume: TypeModel = {
    type: "docker:index/volume:Volume",
    source: `${UP} internal/provider/resource_docker_volume.go`,
    inputs: {
        labels: { forceNew: true, unordered: true, readBack: sortedSet, source: `${UP} internal/provider/resource_docker_volume.go ("labels" TypeSet ForceNew; Read: mapToLabelSet(volume.Labels))` },
        name: { forceNew: true, source: `${UP} internal/provider/resource_docker_volume.go ("name" ForceNew Computed; Read: volume.Name)` },
    },
};

const network: TypeModel = {
    type: "docker:index/network:Network",
    source: `${UP} internal/provider/resource_docker_network.go`,
    inputs: {
        driver: { forceNew: true, source: `${UP} internal/provider/resource_docker_network.go ("driver" ForceNew Computed); resource_docker_network_funcs.go (Read: Driver)` },
        internal: { forceNew: true, source: `${UP} internal/provider/resource_docker_network.go ("internal" ForceNew Computed); resource_docker_network_funcs.go (Read: Internal)` },
        name: { forceNew: true, source: `${UP} internal/provider/resource_docker_network.go ("name" ForceNew); resource_docker_network_funcs.go (Read: Name)` },
    },
};

const remoteImage: TypeModel = {
    type: "docker:index/remoteImage:RemoteImage",
    source: `${UP} internal/provider/resource_docker_image.go (docker_image → RemoteImage in pulumi/pulumi-docker provider/resources.go)`,
    inputs: {
        keepLocally: { forceNew: false, source: `${UP} internal/provider/resource_docker_image.go ("keep_locally" Optional, not ForceNew; used on Delete)` },
        name: { forceNew: true, source: `${UP} internal/provider/resource_docker_image.go ("name" Required ForceNew; Read sets image_id/repo_digest only)` },
    },
};

const exists = (p: string): boolean => {
    try {
        fs.statSync(p);
        return true;
    } catch {
        return false;
    }
};

/** pulumi-docker Check: the Dockerfile is stat'ed relative to the program's directory, not the
 *  build context (issue pulumi/pulumi-docker#572). Default dockerfile = <context>/Dockerfile. */
export function imageBuildCheck(sent: unknown, _all: Record<string, unknown>, ctx: { cwd: string }): string | undefined {
    if (!isRecord(sent)) return undefined;
    const context = typeof sent.context === "string" ? sent.context : ".";
    const dockerfile = typeof sent.dockerfile === "string" ? sent.dockerfile : path.posix.join(context, "Dockerfile");
    if (dockerfile.includes("<unknown>") || context.includes("<unknown>")) return undefined;
    if (exists(path.resolve(ctx.cwd, dockerfile))) return undefined;
    const statErr = `stat ${dockerfile}: no such file or directory`;
    if (path.isAbsolute(dockerfile)) return `expected a relative Dockerfile path; got ${JSON.stringify(dockerfile)} instead: ${statErr}`;
    const relPath = path.join(context, dockerfile);
    if (!exists(path.resolve(ctx.cwd, relPath))) return `could not open dockerfile at relative path ${JSON.stringify(dockerfile)}: ${statErr}`;
    return `could not open dockerfile at relative path ${JSON.stringify(dockerfile)}. Try setting \`dockerfile\` to ${JSON.stringify(relPath)}`;
}

const NATIVE = "pulumi/pulumi-docker provider/provider.go";
const image: TypeModel = {
    type: "docker:index/image:Image",
    source: `${NATIVE} (dockerNativeProvider Check/Diff) + provider/image.go`,
    inputs: {
        build: {
            forceNew: false, check: imageBuildCheck,
            source: `${NATIVE} (Check: os.Stat(build.Dockerfile) relative to the provider's cwd; adds build.contextDigest and a default build.platform to the checked inputs; Diff: every change is UPDATE) + provider/image.go (marshalBuildAndApplyDefaults)`,
        },
        buildOnPreview: { forceNew: false, source: `${NATIVE} (Check: marshalBuildOnPreview; Diff: UPDATE only)` },
        imageName: { forceNew: false, source: `${NATIVE} (Diff: UPDATE only; Check canonicalises only when pushing or using cacheFrom)` },
        skipPush: { forceNew: false, source: `${NATIVE} (Diff: UPDATE only)` },
    },
};

export const DOCKER_MODELS: readonly TypeModel[] = [container, volume, network, remoteImage, image];
