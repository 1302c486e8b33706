// The hardening rules of docs/hardening.md as plain functions over a resource's type and inputs.
// The policy pack (index.ts) runs them at `pulumi preview`; the test suite runs the very same
// functions against the planned dev and prod graphs, and each rule against a violating resource.

import { REASON_LABELS } from "../components/platform/containerSpec";

export interface Subject {
    type: string;
    name: string;
    /** Resource inputs, as the provider schema names them. */
    props: Record<string, unknown>;
    /** Resource options where the caller knows them. */
    opts?: { protect?: boolean; retainOnDelete?: boolean };
}

export interface Rule {
    /** Policy name (the benchmark id, lower-case). */
    name: string;
    /** The rule and its source (docs/hardening.md). */
    description: string;
    /** Resource types it applies to. */
    types: string[];
    /** Advisory in dev where the rule does not fit a laptop; mandatory everywhere else. */
    devAdvisory?: boolean;
    /** Violations, as sentences naming the resource; empty when the resource complies. */
    check(s: Subject): string[];
}

const CONTAINER = "docker:index/container:Container";
const INSTANCE = "aws:ec2/instance:Instance";
const RDS = "aws:rds/instance:Instance";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const labelsOf = (p: Obj): Record<string, string> =>
    Object.fromEntries(arr(p.labels).map((l) => [String(obj(l).label), String(obj(l).value)]));
const one = (cond: boolean, msg: string) => (cond ? [] : [msg]);


export const RULES: Rule[] = [
    {
        name: "cis-5.5-not-privileged", description: "CIS Docker 5.5: containers are not privileged", types: [CONTAINER],
        check: (s) => one(s.props.privileged !== true, `${s.name} runs privileged`),
    },
    {
        name: "cis-5.10-host-network-with-reason", description: "CIS Docker 5.10: host network only where the service needs it, with the reason recorded", types: [CONTAINER],
        check: (s) => one(s.props.networkMode !== "host" || !!labelsOf(s.props)[REASON_LABELS.hostNetwork], `${s.name} uses the host network without a recorded reason`),
    },
    {
        name: "cis-5.11-memory-limit", description: "CIS Docker 5.11: memory limit set", types: [CONTAINER],
        check: (s) => one(Number(s.props.memory) > 0, `${s.name} has no memory limit`),
    },
    {
        name: "cis-5.12-cpu-limit", description: "CIS Docker 5.12: CPU limit or shares set", types: [CONTAINER],
        check: (s) => one(Number(s.props.cpus) > 0 || Number(s.props.cpuShares) > 0, `${s.name} has no CPU limit`),
    },
    {
        name: "cis-5.13-read-only-root", description: "CIS Docker 5.13: read-only root filesystem, writable paths as volumes or tmpfs", types: [CONTAINER],
        check: (s) => one(s.props.readOnly === true, `${s.name} has a writable root filesystem`),
    },
    {
        name: "cis-5.14-bound-ports", description: "CIS Docker 5.14: published ports bound to a chosen interface, 0.0.0.0 only when public by design", types: [CONTAINER],
        check: (s) => arr(s.props.ports).flatMap((p) => {
            const ip = String(obj(p).ip ?? "0.0.0.0");
            const publicOk = !!labelsOf(s.props)[REASON_LABELS.publicPorts];
            return (ip === "0.0.0.0" || ip === "::") && !publicOk ? [`${s.name} publishes port ${obj(p).external ?? obj(p).internal} on all interfaces`] : [];
        }),
    },
    {
        name: "cis-5.15-restart-policy", description: "CIS Docker 5.15: explicit restart policy (unless-stopped, or on-failure with a retry cap)", types: [CONTAINER],
        check: (s) => {
            const r = s.props.restart;
            if (r === "unless-stopped") return [];
            if (r === "on-failure" && Number(s.props.maxRetryCount) > 0) return [];
            return [`${s.name} has restart policy ${JSON.stringify(r ?? "no")}${r === "on-failure" ? " without a retry cap" : ""}`];
        },
    },
    {
        name: "cis-5.26-no-new-privileges", description: "CIS Docker 5.26: no-new-privileges", types: [CONTAINER],
        check: (s) => one(arr(s.props.securityOpts).some((o) => /^no-new-privileges(:true)?$/.test(String(o))), `${s.name} lacks no-new-privileges`),
    },
    {
        name: "cis-5.27-healthcheck", description: "CIS Docker 5.27: healthcheck present", types: [CONTAINER],
        check: (s) => one(arr(obj(s.props.healthcheck).tests).length > 1, `${s.name} has no healthcheck`),
    },
    {
        name: "cis-5.29-pids-limit", description: "CIS Docker 5.29: PIDs limit set (a systemd slice with TasksMax on EC2 hosts)", types: [CONTAINER], devAdvisory: true,
        check: (s) => one(!!labelsOf(s.props)[REASON_LABELS.pidsLimit] && typeof s.props.cgroupParent === "string" && s.props.cgroupParent.endsWith(".slice"),
            `${s.name} has no enforced PIDs limit`),
    },
    {
        name: "cis-5.32-no-docker-socket", description: "CIS Docker 5.32: the Docker socket is not mounted", types: [CONTAINER],
        check: (s) => [...arr(s.props.volumes).map((v) => String(obj(v).hostPath ?? "")), ...arr(s.props.mounts).map((m) => String(obj(m).source ?? ""))]
            .filter((p) => p.includes("docker.sock")).map(() => `${s.name} mounts the Docker socket`),
    },
    {
        name: "log-rotation", description: "Docker rotates nothing by default: json-file with max-size and max-file, or the local driver", types: [CONTAINER],
        check: (s) => {
            if (s.props.logDriver === "local") return [];
            const o = obj(s.props.logOpts);
            return one(s.props.logDriver === "json-file" && !!o["max-size"] && !!o["max-file"], `${s.name} does not rotate its logs`);
        },
    },
    {
        name: "ec2-8-imdsv2", description: "AWS EC2.8: IMDSv2 required", types: [INSTANCE],
        check: (s) => one(obj(s.props.metadataOptions).httpTokens === "required", `${s.name} does not require IMDSv2`),
    },
    {
        name: "ec2-3-encrypted-volumes", description: "AWS EC2.3/EC2.7: root and data EBS volumes encrypted", types: [INSTANCE, "aws:ebs/volume:Volume"],
        check: (s) => s.type === INSTANCE
            ? one(obj(s.props.rootBlockDevice).encrypted === true, `${s.name} has an unencrypted root volume`)
            : one(s.props.encrypted === true, `${s.name} is not encrypted`),
    },
    {
        name: "ec2-9-no-public-ip", description: "AWS EC2.9: no public IPv4 unless the host is an ingress by design", types: [INSTANCE],
        check: (s) => one(s.props.associatePublicIpAddress !== true || obj(s.props.tags)["chainfleet:ingress"] === "true", `${s.name} has a public IPv4`),
    },
    {
        name: "ssm-1-managed", description: "AWS SSM.1: instances carry an instance profile (with AmazonSSMManagedInstanceCore)", types: [INSTANCE],
        check: (s) => one(!!s.props.iamInstanceProfile, `${s.name} has no instance profile`),
    },
    {
        name: "ec2-13-no-world-admin-ports", description: "AWS EC2.13/EC2.14: no 0.0.0.0/0 or ::/0 ingress to 22 or 3389", types: ["aws:ec2/securityGroup:SecurityGroup"],
        check: (s) => arr(s.props.ingress).flatMap((r) => {
            const rule = obj(r);
            const world = [...arr(rule.cidrBlocks), ...arr(rule.ipv6CidrBlocks)].some((c) => c === "0.0.0.0/0" || c === "::/0");
            const from = Number(rule.fromPort), to = Number(rule.toPort);
            const all = rule.protocol === "-1";
            return world && (all || [22, 3389].some((p) => from <= p && p <= to)) ? [`${s.name} opens ${all ? "all ports" : `${from}-${to}`} to the world`] : [];
        }),
    },
    {
        name: "ec2-18-restricted-ingress", description: "AWS EC2.18/EC2.19: unrestricted ingress only on ports meant to be public", types: ["aws:ec2/securityGroup:SecurityGroup"],
        check: (s) => arr(s.props.ingress).flatMap((r) => {
            const rule = obj(r);
            const world = arr(rule.cidrBlocks).includes("0.0.0.0/0");
            return world && !/public by design/.test(String(rule.description ?? "")) ? [`${s.name} allows the world to ${rule.fromPort}-${rule.toPort}`] : [];
        }),
    },
    {
        name: "rds-hardening", description: "AWS RDS.2/3/5/8/11/13/17: private, encrypted, Multi-AZ, deletion protection + final snapshot, backups ≥ 7 days, minor upgrades, tags to snapshots", types: [RDS],
        check: (s) => {
            const p = s.props;
            return [
                ...one(p.publiclyAccessible !== true, `${s.name} is publicly accessible (RDS.2)`),
                ...one(p.storageEncrypted === true, `${s.name} storage is not encrypted (RDS.3)`),
                ...one(p.multiAz === true, `${s.name} is not Multi-AZ (RDS.5)`),
                ...one(p.deletionProtection === true, `${s.name} has no deletion protection (RDS.8)`),
                ...one(p.skipFinalSnapshot !== true && !!p.finalSnapshotIdentifier, `${s.name} skips the final snapshot (RDS.8)`),
                ...one(Number(p.backupRetentionPeriod) >= 7, `${s.name} keeps backups < 7 days (RDS.11)`),
                ...one(p.autoMinorVersionUpgrade !== false, `${s.name} has minor version upgrades off (RDS.13)`),
                ...one(p.copyTagsToSnapshot === true, `${s.name} does not copy tags to snapshots (RDS.17)`),
                ...one(!!p.parameterGroupName, `${s.name} has no parameter group (TLS cannot be forced)`),
            ];
        },
    },
    {
        name: "rds-force-ssl", description: "RDS TLS: rds.force_ssl = 1 in the parameter group", types: ["aws:rds/parameterGroup:ParameterGroup"],
        check: (s) => one(arr(s.props.parameters).some((p) => obj(p).name === "rds.force_ssl" && String(obj(p).value) === "1"), `${s.name} does not force TLS`),
    },
    {
        name: "k8s-restricted-workload", description: "Kubernetes restricted PSS + Polaris/kube-score: requests and limits, probes, non-root, no escalation, drop ALL, seccomp, read-only root, pinned image",
        types: [DEPLOYMENT, "kubernetes:batch/v1:Job"],
        check: (s) => {
            const spec = obj(obj(obj(s.props.spec).template).spec);
            const podSec = obj(spec.securityContext);
            const out: string[] = [];
            for (const c of arr(spec.containers).map(obj)) {
                const n = `${s.name}/${String(c.name)}`;
                const res = obj(c.resources);
                const sec = obj(c.securityContext);
                if (!obj(res.requests).cpu || !obj(res.requests).memory || !obj(res.limits).cpu || !obj(res.limits).memory) out.push(`${n} lacks CPU/memory requests or limits`);
                if (s.type === DEPLOYMENT && (!c.readinessProbe || !c.livenessProbe)) out.push(`${n} lacks readiness or liveness probes`);
                if (!(sec.runAsNonRoot === true || podSec.runAsNonRoot === true)) out.push(`${n} may run as root`);
                if (sec.allowPrivilegeEscalation !== false) out.push(`${n} allows privilege escalation`);
                if (!arr(obj(sec.capabilities).drop).includes("ALL")) out.push(`${n} does not drop ALL capabilities`);
                if (obj(sec.seccompProfile).type !== "RuntimeDefault" && obj(podSec.seccompProfile).type !== "RuntimeDefault") out.push(`${n} has no RuntimeDefault seccomp profile`);
                if (sec.readOnlyRootFilesystem !== true) out.push(`${n} has a writable root filesystem`);
                const image = String(c.image ?? "");
                if (!/@sha256:[0-9a-f]{64}$/.test(image) && (!/:[\w][\w.-]*$/.test(image.split("/").pop() ?? "") || image.endsWith(":latest"))) out.push(`${n} image ${image} is not pinned`);
                for (const e of arr(c.env).map(obj)) {
                    if (/(KEY|TOKEN|PASSWORD|SECRET|DATABASE_URL)/i.test(String(e.name)) && e.value !== undefined) out.push(`${n} has secret-like env ${String(e.name)} as a literal value`);
                }
            }
            return out;
        },
    },
    {
        name: "k8s-replicas", description: "Kubernetes: ≥ 2 replicas for stateless services (PDB and spread come with KubeService); single-replica by design must say why",
        types: [DEPLOYMENT],
        check: (s) => {
            const replicas = obj(s.props.spec).replicas;
            const why = obj(obj(s.props.metadata).annotations)["chainfleet.io/single-replica-reason"];
            return one(replicas === undefined || Number(replicas) >= 2 || !!why, `${s.name} runs ${String(replicas)} replica(s) without a recorded reason`);
        },
    },
    {
        name: "k8s-no-secrets-in-configmaps", description: "Kubernetes: secrets in Secret objects, never ConfigMaps", types: ["kubernetes:core/v1:ConfigMap"],
        check: (s) => Object.keys(obj(s.props.data)).filter((k) => /(KEY|TOKEN|PASSWORD|SECRET)/i.test(k)).map((k) => `${s.name} holds secret-like key ${k}`),
    },
    {
        name: "data-retained", description: "Pulumi state: stateful resources (volumes, data disks, databases) are protected or retained on delete",
        types: ["docker:index/volume:Volume", "aws:ebs/volume:Volume", RDS],
        check: (s) => one(s.opts === undefined || s.opts.protect === true || s.opts.retainOnDelete === true, `${s.name} is neither protected nor retained on delete`),
    },
];

/** Every violation of every rule for one resource. */
export function violations(s: Subject): { rule: Rule; message: string }[] {
    return RULES.filter((r) => r.types.includes(s.type)).flatMap((rule) => rule.check(s).map((message) => ({ rule, message })));
}
