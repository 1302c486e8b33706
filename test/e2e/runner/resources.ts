// Real create/delete for every resource type the dev plan registers. Docker calls mirror the
// upstream provider (kreuzwerker/terraform-provider-docker at 83c00e0, internal/provider/):
// resource_docker_volume.go, resource_docker_network_funcs.go, resource_docker_image_funcs.go.
// command:local mirrors pulumi-command's local provider (provider/pkg/provider/local/), random
// values are made with node's crypto. Any other type is an error: dev uses only these.
import { spawn, spawnSync } from "child_process";
import { randomBytes, randomInt } from "crypto";
import { api, isNotFound } from "./dockerApi";
import { createContainer, deleteContainer } from "./container";

type Inputs = Record<string, unknown>;
export interface Created { id: string; outputs: Inputs }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Image references with no local image map to a stand-in here (no registry to pull from). The
 * e2e config already points every image at a chainfleet-e2e/* tag, so this is a safety net.
 */
export const IMAGE_OVERRIDES: Record<string, string> = {
    "postgres:16.4-bookworm": "chainfleet-e2e/postgres:latest",
    "ghcr.io/chainfleet/wealth-wars-backend:0.1.0": "chainfleet-e2e/http-service-nocurl:latest",
    "eclipse-temurin:21-jre-jammy": "chainfleet-e2e/tessellation:latest",
    "ghcr.io/chainfleet/enclave-lottery:0.1.0": "chainfleet-e2e/http-service:latest",
    "ghcr.io/r3e-network/service-layer:v0.9.0": "chainfleet-e2e/http-service:latest",
};

export async function createResource(type: string, inputs: Inputs, note: (s: string) => void): Promise<Created> {
    switch (type) {
        case "docker:index/container:Container": return createContainer(inputs, note);
        case "docker:index/volume:Volume": return createVolume(inputs);
        case "docker:index/network:Network": return createNetwork(inputs);
        case "docker:index/remoteImage:RemoteImage": return remoteImage(inputs);
        case "docker:index/image:Image": return buildImage(inputs, note);
        case "command:local:Command": return runCommand(inputs, "create", note);
        case "random:index/randomPassword:RandomPassword": return randomPassword(inputs);
        case "random:index/randomBytes:RandomBytes": return randomBytesResource(inputs);
        default: throw new Error(`the e2e runner does not implement ${type} (dev should use only docker, command:local and random resources)`);
    }
}

export async function deleteResource(type: string, id: string, inputs: Inputs, outputs: Inputs, note: (s: string) => void): Promise<void> {
    switch (type) {
        case "docker:index/container:Container": return deleteContainer(id, Number(inputs.destroyGraceSeconds ?? 0));
        case "docker:index/volume:Volume": return deleteVolume(id);
        case "docker:index/network:Network": return deleteNetwork(id);
        case "docker:index/remoteImage:RemoteImage":
        case "docker:index/image:Image":
            // removeImage: keep_locally (all our images) keeps it; stand-ins are never removed here.
            return;
        case "command:local:Command":
            if (typeof inputs.delete === "string") await runCommand({ ...inputs, create: inputs.delete }, "delete", note, outputs);
            return;
        default:
            return; // random values: nothing outside state
    }
}

/** resourceDockerVolumeCreate: VolumeCreate{Name, Labels, Driver, DriverOpts}; id = volume name. */
async function createVolume(i: Inputs): Promise<Created> {
    const labels: Record<string, string> = {};
    for (const l of (i.labels as Inputs[] | undefined) ?? []) labels[String(l.label)] = String(l.value);
    const v = await api<{ Name: string; Mountpoint: string; Driver: string }>("POST", "/volumes/create", {
        Name: i.name ?? "", Labels: labels, Driver: i.driver ?? "", DriverOpts: i.driverOpts ?? {},
    });
    return { id: v.Name, outputs: { ...i, name: v.Name, mountpoint: v.Mountpoint, driver: v.Driver } };
}

/** resourceDockerVolumeRemoveRefreshFunc: VolumeRemove, retried while "volume is in use", 30 s. */
async function deleteVolume(id: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
        try {
            await api("DELETE", `/volumes/${encodeURIComponent(id)}`);
            return;
        } catch (e) {
            if (isNotFound(e)) return;
            if (!String((e as Error).message).includes("volume is in use") || Date.now() > deadline) throw e;
            await sleep(2000);
        }
    }
}

/** resourceDockerNetworkCreate: NetworkCreate(name, {Driver, Internal, Attachable, Options, Labels, IPAM}). */
async function createNetwork(i: Inputs): Promise<Created> {
    const labels: Record<string, string> = {};
    for (const l of (i.labels as Inputs[] | undefined) ?? []) labels[String(l.label)] = String(l.value);
    const n = await api<{ Id: string }>("POST", "/networks/create", {
        Name: i.name, Driver: i.driver ?? "", Internal: i.internal === true, Attachable: i.attachable === true,
        Ingress: i.ingress === true, EnableIPv6: i.ipv6 === true, Options: i.options ?? {}, Labels: labels, CheckDuplicate: true,
    });
    return { id: n.Id, outputs: { ...i, name: i.name } };
}

/** resourceDockerNetworkRemoveRefreshFunc: NetworkRemove, retried for 30 s (containers detaching). */
async function deleteNetwork(id: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
        try {
            await api("DELETE", `/networks/${id}`);
            return;
        } catch (e) {
            if (isNotFound(e)) return;
            if (Date.now() > deadline) throw e;
            await sleep(1000);
        }
    }
}

/**
 * resourceDockerImageCreate/Read: the image must be found locally (pulling is impossible here);
 * id = image ID + name, image_id = image ID, repo_digest from RepoDigests.
 */
async function remoteImage(i: Inputs): Promise<Created> {
    const requested = String(i.name);
    const local = await api("GET", `/images/${encodeURIComponent(requested)}/json`).then(() => true, () => false);
    const ref = local ? requested : IMAGE_OVERRIDES[requested] ?? requested;
    let img: { Id: string; RepoDigests?: string[] };
    try {
        img = await api("GET", `/images/${encodeURIComponent(ref)}/json`);
    } catch (e) {
        throw new Error(`image ${ref}${ref === requested ? "" : ` (stand-in for ${requested})`} is not present locally and no registry is reachable: build the stand-ins (test/e2e/images) first (${(e as Error).message})`);
    }
    return { id: img.Id + requested, outputs: { ...i, imageId: img.Id, repoDigest: img.RepoDigests?.[0] ?? "" } };
}

/** docker:index/image:Image: `docker build` of its context and dockerfile, tagged imageName (skipPush). */
async function buildImage(i: Inputs, note: (s: string) => void): Promise<Created> {
    const b = (i.build ?? {}) as Inputs;
    const name = String(i.imageName);
    const args = ["build", "-t", name];
    if (b.dockerfile) args.push("-f", String(b.dockerfile));
    for (const [k, v] of Object.entries((b.args ?? {}) as Record<string, string>)) args.push("--build-arg", `${k}=${v}`);
    args.push(String(b.context ?? "."));
    note(`docker ${args.join(" ")}`);
    const r = spawnSync("docker", args, { encoding: "utf8", timeout: 30 * 60_000 });
    if (r.status !== 0) throw new Error(`docker build of ${name} failed (exit ${r.status}): ${(r.stderr || r.stdout || "").slice(-2000)}`);
    const img = await api<{ Id: string }>("GET", `/images/${encodeURIComponent(name)}/json`);
    return { id: name, outputs: { ...i, imageName: name, repoDigest: img.Id, baseImageName: name } };
}

/** Go's %q for the command string, as close as JSON string quoting gets. */
const goQuote = (s: string) => JSON.stringify(s);

/**
 * command:local create: runs `interpreter... create` with the process environment plus
 * `environment`, in `dir`, feeding `stdin`. stdout/stderr lines are logged as the provider
 * streams them. Failure: "%w: running %q:\n%s" (local/commandOutputs.go) with the whole command.
 */
function runCommand(i: Inputs, verb: "create" | "delete", note: (s: string) => void, prior?: Inputs): Promise<Created> {
    const interpreter = (i.interpreter as string[] | undefined) ?? ["/bin/sh", "-c"];
    const command = String(i.create ?? "");
    const env: Record<string, string> = { ...process.env as Record<string, string>, ...((i.environment ?? {}) as Record<string, string>) };
    if (prior) {
        env.PULUMI_COMMAND_STDOUT = String(prior.stdout ?? "");
        env.PULUMI_COMMAND_STDERR = String(prior.stderr ?? "");
    }
    return new Promise((resolve, reject) => {
        const child = spawn(interpreter[0], [...interpreter.slice(1), command], { cwd: typeof i.dir === "string" ? i.dir : undefined, env });
        let stdout = "", stderr = "", both = "";
        const pump = (which: "out" | "err") => (c: Buffer) => {
            const s = c.toString("utf8");
            if (which === "out") stdout += s; else stderr += s;
            both += s;
            for (const line of s.split("\n")) if (line.trim()) note(`${verb} ${which}: ${line}`);
        };
        child.stdout.on("data", pump("out"));
        child.stderr.on("data", pump("err"));
        if (typeof i.stdin === "string") child.stdin.end(i.stdin); else child.stdin.end();
        child.on("error", reject);
        child.on("close", (code, signal) => {
            if (code === 0) {
                resolve({ id: `cmd-${randomBytes(6).toString("hex")}`, outputs: { ...i, stdout: stdout.replace(/\n$/, ""), stderr: stderr.replace(/\n$/, "") } });
            } else {
                const status = signal ? `signal: ${signal}` : `exit status ${code}`;
                reject(new Error(`${status}: running ${goQuote(command)}:\n${both}`));
            }
        });
    });
}

/** random_password: length chars from the enabled classes, at least min* of each (terraform-provider-random). */
function randomPassword(i: Inputs): Created {
    const length = Number(i.length);
    const classes: { chars: string; min: number }[] = [];
    if (i.upper !== false) classes.push({ chars: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", min: Number(i.minUpper ?? 0) });
    if (i.lower !== false) classes.push({ chars: "abcdefghijklmnopqrstuvwxyz", min: Number(i.minLower ?? 0) });
    if (i.numeric !== false && i.number !== false) classes.push({ chars: "0123456789", min: Number(i.minNumeric ?? 0) });
    if (i.special !== false) classes.push({ chars: typeof i.overrideSpecial === "string" ? i.overrideSpecial : "!@#$%&*()-_=+[]{}<>:?", min: Number(i.minSpecial ?? 0) });
    const all = classes.map((c) => c.chars).join("");
    const out: string[] = [];
    for (const c of classes) for (let k = 0; k < c.min; k++) out.push(c.chars[randomInt(c.chars.length)]);
    while (out.length < length) out.push(all[randomInt(all.length)]);
    for (let k = out.length - 1; k > 0; k--) {
        const j = randomInt(k + 1);
        [out[k], out[j]] = [out[j], out[k]];
    }
    const result = out.join("");
    return { id: "none", outputs: { ...i, result } };
}

function randomBytesResource(i: Inputs): Created {
    const b = randomBytes(Number(i.length));
    return { id: "none", outputs: { ...i, hex: b.toString("hex"), base64: b.toString("base64") } };
}
