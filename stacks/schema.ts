// Small schema builders shared by the config schema. Each builder's error message is the *rule*
// ("an integer ≥ 1"); stacks/config.ts turns it into "<key> must be <rule> (got <value>)".
import { z } from "zod";
import { dockerCpus, parseDockerCpus } from "../components/platform/containerSpec";
import { POSIX_USER } from "../components/platform/shell";

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

/** One of the given strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
    return z.enum(values, { error: `one of ${values.map((v) => `"${v}"`).join(", ")}` });
}

const octets = (a: string) => a.split(".").map(Number);
/** Every octet of a dotted quad (already matched by the pattern) is at most 255. */
const octetsInRange = (a: string) => octets(a).every((o) => o <= 255);
/** A CIDR's address has no bits set past its prefix (10.0.0.1/16 is not canonical: AWS and routing read it as 10.0.0.0/16). */
function canonicalCidr(c: string): boolean {
    const [addr, bits] = c.split("/");
    const n = octets(addr).reduce((acc, o) => acc * 256 + o, 0);
    const hostBits = 32 - Number(bits);
    return hostBits === 0 || n % 2 ** hostBits === 0;
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
    z.string({ error: "an IPv4 address like 127.0.0.1" }).regex(/^(\d{1,3}\.){3}\d{1,3}$/, {
        error: "an IPv4 address like 127.0.0.1", abort: true,
    }).refine(octetsInRange, { error: "an IPv4 address whose octets are 0 to 255" });

/** An http(s) URL. */
export const url = () =>
    z.string({ error: "an http(s) URL" }).regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, { error: "an http(s) URL" });

/**
 * A container image pinned to a tag or a digest: `repo:tag` (tag not `latest`) or `repo@sha256:…`.
 * Unpinned images drift between `pulumi up` runs, so they are refused.
 */
export const PINNED_IMAGE_RULE = 'an image pinned to a tag or digest (repo:tag or repo@sha256:…, never "latest")';
export function isPinnedImage(ref: string): boolean {
    if (ref.includes("@")) return /^[^@\s]+@sha256:[0-9a-f]{64}$/.test(ref);
    const lastSegment = ref.split("/").pop() ?? "";
    const colon = lastSegment.lastIndexOf(":");
    if (colon < 0) return false;
    const tag = lastSegment.slice(colon + 1);
    return /^[\w][\w.-]{0,127}$/.test(tag) && tag !== "latest";
}
export const pinnedImage = () =>
    z.string({ error: PINNED_IMAGE_RULE }).refine(isPinnedImage, { error: PINNED_IMAGE_RULE });

/** A strict object whose missing keys take the defaults of its fields. */
export function section<T extends z.core.$ZodLooseShape>(shape: T) {
    return z.strictObject(shape).prefault({} as never);
}
