// Small schema builders shared by the config schema. Each builder's error message is the *rule*
// ("an integer ≥ 1"); stacks/config/load.ts turns it into "<key> must be <rule> (got <value>)".
import * as path from "path";
import { z } from "zod";
import { dockerCpus, parseDockerCpus } from "../../components/platform/containerSpec";
import { cidrParts } from "../../components/platform/ipv4";
import { POSIX_USER } from "../../components/platform/shell";

/** An integer in [min, max] (max optional). */
export function int(min: number, max?: number) {
    const rule = max === undefined ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    let s = z.number({ error: rule }).int({ error: rule }).min(min, { error: rule });
    if (max !== undefined) s = s.max(max, { error: rule });
    return s;
}

/** A number in [min, max]. */
export function num(min: number, max: number) {
    const rule = `a number from ${min} to ${max}`;
    return z.number({ error: rule }).min(min, { error: rule }).max(max, { error: rule });
}

/**
 * A container CPU limit in cores that the Docker provider reads back as the same value
 * (`cpus` forces replacement; see dockerCpus): e.g. 20.05 reads back as "20.1" and would replace
 * the container on every `up`.
 */
export function cpus(min: number, max: number) {
    const rule = `a number of cores from ${min} to ${max} with at most two decimals that Docker reads back unchanged`;
    return num(min, max).refine((n) => !(n > 0) || Math.abs(n * 100 - Math.round(n * 100)) < 1e-9 && parseDockerCpus(dockerCpus(n)) === Math.round(n * 1e9), { error: rule });
}

/**
 * Kubernetes quantities (k8s.io/apimachinery resource.Quantity), the forms our manifests use:
 * CPU as cores or millicores ("1", "0.5", "250m"); memory as bytes with a binary or decimal
 * suffix ("512Mi", "1Gi", "500M", "1e9"). Parsed to millicores and bytes for the request ≤ limit rule.
 */
const CPU_RULE = 'a Kubernetes CPU quantity like "250m" or "1.5"';
const MEMORY_RULE = 'a Kubernetes memory quantity like "256Mi", "1Gi" or "500M"';
const MEMORY_SUFFIX: Record<string, number> = {
    "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export function parseCpuMillis(q: string): number | undefined {
    const m = /^(\d+(?:\.\d+)?|\.\d+)(m?)$/.exec(q);
    if (!m) return undefined;
    return m[2] === "m" ? Number(m[1]) : Number(m[1]) * 1000;
}

export function parseMemoryBytes(q: string): number | undefined {
    const m = /^(\d+(?:\.\d+)?)(?:([eE]\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E))?$/.exec(q);
    if (!m) return undefined;
    return m[2] ? Number(`${m[1]}${m[2]}`) : Number(m[1]) * MEMORY_SUFFIX[m[3] ?? ""];
}

export const cpuQuantity = () => z.string({ error: CPU_RULE }).refine((q) => (parseCpuMillis(q) ?? 0) > 0, { error: CPU_RULE });
export const memoryQuantity = () => z.string({ error: MEMORY_RULE }).refine((q) => (parseMemoryBytes(q) ?? 0) > 0, { error: MEMORY_RULE });

export const port = () => int(1, 65535);
export const bool = () => z.boolean({ error: "true or false" });
export const str = (rule = "a non-empty string") => z.string({ error: rule }).min(1, { error: rule });
/** A login name (components/platform/shell.ts POSIX_USER says why this grammar). */
export const posixUser = () =>
    z.string({ error: "a POSIX user name" }).regex(POSIX_USER, {
        error: "a POSIX user name: a lowercase letter or _, then up to 31 of a-z 0-9 _ - (as useradd accepts; no space, newline or quote)",
    });
/** Any string (for optional free-form values). */
export const text = () => z.string({ error: "a string" });

/** An AWS resource id: "<prefix>-" and 8 to 17 lowercase hex digits (vpc-…, subnet-…, sg-…); `what` names it ("a VPC id"). */
export const awsId = (prefix: string, what: string) =>
    text().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), { error: `${what} like ${prefix}-0abc12345def67890` });

/** One of the given strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
    return z.enum(values, { error: `one of ${values.map((v) => `"${v}"`).join(", ")}` });
}

/** A dotted quad's shape; octetsInRange checks its values. */
const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;
/** Every octet of a dotted quad (already matched by IPV4) is at most 255. */
const octetsInRange = (a: string) => a.split(".").every((o) => Number(o) <= 255);
/** A CIDR's address has no bits set past its prefix (10.0.0.1/16 is not canonical: AWS and routing read it as 10.0.0.0/16). */
function canonicalCidr(c: string): boolean {
    const { start, size } = cidrParts(c);
    return start % size === 0;
}

/**
 * An IPv4 CIDR such as 10.0.0.0/16: octets 0–255, prefix 0–32, no host bits set. Each check
 * aborts the next, so a value gets the one message of the first rule it breaks.
 */
export const cidr = () =>
    z.string({ error: "an IPv4 CIDR like 10.0.0.0/16" })
        .regex(/^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/, { error: "an IPv4 CIDR like 10.0.0.0/16", abort: true })
        .refine((c) => octetsInRange(c.split("/")[0]), { error: "an IPv4 CIDR whose octets are 0 to 255", abort: true })
        .refine(canonicalCidr, { error: "a CIDR with no host bits set (the address must be the network's first, e.g. 10.0.0.0/16, not 10.0.0.1/16)" });

/** An IPv4 address such as 127.0.0.1 (octets 0–255; the pattern's failure aborts the range check). */
export const ipv4 = () =>
    z.string({ error: "an IPv4 address like 127.0.0.1" }).regex(IPV4, {
        error: "an IPv4 address like 127.0.0.1", abort: true,
    }).refine(octetsInRange, { error: "an IPv4 address whose octets are 0 to 255" });

/**
 * An http(s) URL: WHATWG-parsable, a host name or IPv4 host, and none of the characters a shell,
 * an env file or a YAML line would read as syntax (space, quotes, $, backslash, backtick).
 */
export function isHttpUrl(u: string): boolean {
    if (!/^https?:\/\/[^\s'"`$\\<>]+$/.test(u) || CONTROL.test(u)) return false;
    try {
        const parsed = new URL(u);
        return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.username === "" && parsed.password === "" && isHostName(parsed.hostname);
    } catch {
        return false;
    }
}
export const url = () =>
    z.string({ error: "an http(s) URL" }).refine(isHttpUrl, { error: "an http(s) URL to a host name or IPv4 address, with no credentials, space, quote, $ or backslash" });

/**
 * A container image pinned to a tag or a digest: `repo:tag` (tag not `latest`) or `repo@sha256:…`,
 * and a valid reference first (parseImageReference). Unpinned images drift between `pulumi up`
 * runs, so they are refused.
 */
export const IMAGE_REFERENCE_RULE = "an image reference by the distribution grammar: [registry[:port]/]lowercase/path[:tag][@sha256:digest], no space, quote or $";
export const PINNED_IMAGE_RULE = 'an image pinned to a tag or digest (repo:tag or repo@sha256:…, never "latest")';
export function isPinnedImage(ref: string): boolean {
    const r = parseImageReference(ref);
    if (!r) return false;
    if (r.digest !== undefined) return /^sha256:[0-9a-f]{64}$/.test(r.digest);
    return r.tag !== undefined && r.tag !== "latest";
}
export const pinnedImage = () =>
    z.string({ error: PINNED_IMAGE_RULE })
        .refine((s) => parseImageReference(s) !== undefined, { error: IMAGE_REFERENCE_RULE, abort: true })
        .refine(isPinnedImage, { error: PINNED_IMAGE_RULE });

/** A strict object whose missing keys take the defaults of its fields. */
export function section<T extends z.core.$ZodLooseShape>(shape: T) {
    return z.strictObject(shape, { error: "a section: a map of its own keys (set one with pulumi config set --path <section>.<key> <value>), not a single value" }).prefault({} as never);
}

// ---- Grammars by where a value lands (#24). Each message names the grammar; formatIssues adds key and value. ----

/** Control characters (C0, DEL, C1): never in a value that reaches a file, a command line or a URL. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A DNS-1123 label (Kubernetes names of namespaces): lowercase a-z 0-9 -, at most 63, starting and ending alphanumeric. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const dnsLabel = () =>
    z.string({ error: "a DNS-1123 label" }).regex(DNS_LABEL, { error: "a DNS-1123 label (lowercase a-z, 0-9 and -, at most 63, starting and ending with a letter or digit)" });

/** A DNS-1123 subdomain (Kubernetes object names): dot-separated labels, at most 253. */
export function isDnsSubdomain(s: string): boolean {
    return s.length <= 253 && s.split(".").every((l) => DNS_LABEL.test(l));
}
export const dnsSubdomain = () =>
    z.string({ error: "a DNS-1123 subdomain" }).refine(isDnsSubdomain, { error: "a DNS-1123 subdomain (lowercase labels of a-z, 0-9 and - joined by dots, at most 253)" });

/** An RFC 1123 host name (labels of letters, digits and -, joined by dots) or an IPv4 address. */
export function isHostName(s: string): boolean {
    if (IPV4.test(s)) return octetsInRange(s);
    return s.length <= 253 && s.split(".").every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}
export const hostName = () =>
    z.string({ error: "a host name or IPv4 address" }).refine(isHostName, { error: "a host name (letters, digits and - in dot-separated labels) or an IPv4 address" });

/** An Ingress host: a lowercase DNS subdomain, optionally a wildcard "*." in front (networking.k8s.io/v1 IngressRule.host). */
export const ingressHost = () =>
    z.string({ error: "a DNS name" }).refine((s) => isDnsSubdomain(s.startsWith("*.") ? s.slice(2) : s) && s.includes(".") && !/^[\d.]+$/.test(s), {
        error: 'a fully qualified lowercase DNS name like api.example.com (optionally "*." in front), no IP, port or space',
    });

// No ":": Docker reads a bind as host:container[:mode] and scp a source as host:path.
const PATH_CHARS = /^[A-Za-z0-9._/@+=,-]+$/;
export const PATH_RULE = "letters, digits and . _ / @ + = , - (no space, quote, :, $ or control character)";
/** An absolute path on a host, normalised (no //, /./ or /../), in a charset every script can take bare. */
export function isAbsolutePath(s: string): boolean {
    return s.startsWith("/") && PATH_CHARS.test(s) && path.posix.normalize(s) === s;
}
export const absolutePath = () =>
    z.string({ error: "an absolute path" }).refine(isAbsolutePath, { error: `an absolute, normalised path (like /opt/ottochain/jars) of ${PATH_RULE}` });

/** A path on the deployer's machine, absolute or relative to the project, in the same charset. */
export const localPath = () =>
    z.string({ error: "a path" }).refine((s) => PATH_CHARS.test(s) && !s.startsWith("-"), { error: `a path of ${PATH_RULE}, not starting with -` });

/** A relative path inside a directory (a Dockerfile in its build context): no leading /, no .. segment. */
export const relativePath = () =>
    z.string({ error: "a relative path" }).refine((s) => PATH_CHARS.test(s) && !s.startsWith("/") && !s.startsWith("-") && !s.split("/").includes(".."), {
        error: `a path relative to the build context, without .. segments, of ${PATH_RULE}`,
    });

/** EC2 instance types by AWS's naming pattern: family (letters, digits, -), a dot, size (t3.xlarge, m6i.metal, u-6tb1.112xlarge). */
export const INSTANCE_TYPE = /^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\.[a-z0-9]+$/;
export const instanceType = () =>
    z.string({ error: "an EC2 instance type" }).regex(INSTANCE_TYPE, { error: "an EC2 instance type like t3.xlarge or m6i.2xlarge (family with its generation digit, a dot, a size; lowercase)" });
/** RDS DB instance classes: "db." + an instance type (db.t4g.medium, db.r6g.large). */
export const rdsClass = () =>
    z.string({ error: "an RDS instance class" }).refine((s) => s.startsWith("db.") && INSTANCE_TYPE.test(s.slice(3)), {
        error: 'an RDS instance class like db.t4g.medium ("db." then an instance type)',
    });

/** A free-form single-line value that lands only as data (a kubeconfig context name): no control character. */
export const singleLine = (max = 253) =>
    z.string({ error: "a string" }).refine((s) => s.length >= 1 && s.length <= max && !CONTROL.test(s), { error: `a single line of 1 to ${max} characters with no control character` });

/**
 * An OpenSSH public key line: "<type> <base64 blob> [comment]", the blob's first field naming the
 * same type (RFC 4253 §6.6: a length-prefixed string), as ssh-keygen -l reads it. A private key or a
 * fingerprint is refused by name.
 */
export const SSH_KEY_TYPES = ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"] as const;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
export function sshPublicKeyProblem(line: string): string | undefined {
    if (PRIVATE_KEY.test(line)) return "a public key, not a private key (give the .pub file's line; the private half is chainfleet:sshPrivateKey)";
    if (CONTROL.test(line.replace(/\n$/, ""))) return "one line (no newline or control character)";
    const [type, blob, ...comment] = line.trim().split(" ");
    if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) return `an OpenSSH public key line "<type> <base64> [comment]" whose type is one of ${SSH_KEY_TYPES.join(", ")}`;
    if (!blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob) || blob.length % 4 !== 0) return "an OpenSSH public key whose key part is base64";
    const raw = Buffer.from(blob, "base64");
    const n = raw.length >= 4 ? raw.readUInt32BE(0) : -1;
    if (n < 0 || raw.length < 4 + n || raw.subarray(4, 4 + n).toString("latin1") !== type) return `an OpenSSH public key whose base64 part encodes a ${type} key (it does not: truncated or pasted from another key)`;
    if (comment.join(" ").length > 1024) return "an OpenSSH public key with a comment of at most 1024 characters";
    return undefined;
}
export const sshPublicKey = () =>
    z.string({ error: "an OpenSSH public key line" }).superRefine((s, ctx) => {
        const p = sshPublicKeyProblem(s);
        if (p) ctx.addIssue({ code: "custom", message: p, params: PRIVATE_KEY.test(s) ? { hideValue: true } : undefined });
    });

/**
 * A container image reference by the distribution reference grammar (distribution/reference
 * regexp.go): [domain[:port]/]path[/path…][:tag][@digest], path components lowercase.
 */
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const REFERENCE = new RegExp(
    `^((?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)` +
    "(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$",
);
export function parseImageReference(ref: string): { name: string; tag?: string; digest?: string } | undefined {
    const m = REFERENCE.exec(ref);
    if (!m || m[1].length > 255) return undefined;
    return { name: m[1], tag: m[2], digest: m[3] };
}
