// Go's value formats that providers write into state, re-implemented exactly so read-back can be
// modelled: time.ParseDuration / Duration.String (Go standard library, src/time/format.go
// ParseDuration and src/time/time.go Duration.String), docker/cli's ParseCPUs (docker/cli
// opts/opts.go: big.Rat of the string times 1e9, must be an integer) and the docker provider's
// nanoInt64ToDecimalString (kreuzwerker/terraform-provider-docker internal/provider/helpers.go).
// All functions are total: unparsable input gives undefined, never an exception.

const UNIT_NS: Record<string, bigint> = {
    ns: 1n,
    us: 1_000n,
    "\u00b5s": 1_000n, // U+00B5 micro sign
    "\u03bcs": 1_000n, // U+03BC Greek mu
    ms: 1_000_000n,
    s: 1_000_000_000n,
    m: 60_000_000_000n,
    h: 3_600_000_000_000n,
};

const isDigit = (c: string): boolean => c >= "0" && c <= "9";

/** time.ParseDuration: nanoseconds, or undefined where Go returns an error. */
export function parseGoDuration(input: string): bigint | undefined {
    let s = input;
    let neg = false;
    if (s !== "" && (s[0] === "-" || s[0] === "+")) {
        neg = s[0] === "-";
        s = s.slice(1);
    }
    if (s === "0") return 0n;
    if (s === "") return undefined;
    let total = 0n;
    while (s !== "") {
        if (!(s[0] === "." || isDigit(s[0]))) return undefined;
        let i = 0;
        while (i < s.length && isDigit(s[i])) i++;
        const pre = i > 0;
        const whole = pre ? BigInt(s.slice(0, i)) : 0n;
        s = s.slice(i);
        let frac = 0n;
        let scale = 1;
        let post = false;
        if (s !== "" && s[0] === ".") {
            s = s.slice(1);
            let j = 0;
            while (j < s.length && isDigit(s[j])) {
                // leadingFraction stops accumulating once it would overflow; our values never get there.
                if (frac < 922337203685477580n) {
                    frac = frac * 10n + BigInt(s[j]);
                    scale *= 10;
                }
                j++;
            }
            post = j > 0;
            s = s.slice(j);
        }
        if (!pre && !post) return undefined;
        let k = 0;
        while (k < s.length && s[k] !== "." && !isDigit(s[k])) k++;
        if (k === 0) return undefined; // "missing unit in duration"
        const unit = UNIT_NS[s.slice(0, k)];
        if (unit === undefined) return undefined; // "unknown unit"
        s = s.slice(k);
        let v = whole * unit;
        if (frac > 0n) v += BigInt(Math.trunc(Number(frac) * (Number(unit) / scale)));
        total += v;
    }
    return neg ? -total : total;
}

/** fmtFrac: the fraction of v/10^prec without trailing zeros ("" when zero), and v/10^prec. */
function fmtFrac(v: bigint, prec: number): [string, bigint] {
    let digits = "";
    let print = false;
    let rest = v;
    for (let i = 0; i < prec; i++) {
        const digit = rest % 10n;
        print = print || digit !== 0n;
        if (print) digits = digit.toString() + digits;
        rest /= 10n;
    }
    return [print ? "." + digits : "", rest];
}

/** time.Duration.String: "2m0s", "1m30s", "1h0m0s", "1.5s", "500ms", "0s". */
export function formatGoDuration(d: bigint): string {
    if (d === 0n) return "0s";
    const neg = d < 0n;
    const u = neg ? -d : d;
    let out: string;
    if (u < 1_000_000_000n) {
        const [prec, unit] = u < 1_000n ? [0, "ns"] : u < 1_000_000n ? [3, "\u00b5s"] : [6, "ms"];
        const [frac, whole] = fmtFrac(u, prec);
        out = `${whole}${frac}${unit}`;
    } else {
        const [frac, secs] = fmtFrac(u, 9);
        out = `${secs % 60n}${frac}s`;
        const mins = secs / 60n;
        if (mins > 0n) {
            out = `${mins % 60n}m${out}`;
            const hours = mins / 60n;
            if (hours > 0n) out = `${hours}h${out}`;
        }
    }
    return neg ? `-${out}` : out;
}

/** The Duration.String() form of what the provider parsed; a parse error gives 0 ("0s"), as
 *  resourceDockerContainerCreate ignores the error of time.ParseDuration. */
export function goDurationReadBack(sent: string): string {
    return formatGoDuration(parseGoDuration(sent) ?? 0n);
}

/** docker/cli opts.ParseCPUs: nano CPUs, or undefined ("failed to parse", "value is too precise"). */
export function parseCpusToNanos(value: string): bigint | undefined {
    let num: bigint;
    let den: bigint;
    const ratio = /^([+-]?\d+)\/(\d+)$/.exec(value);
    const dec = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(value);
    if (ratio) {
        num = BigInt(ratio[1]);
        den = BigInt(ratio[2]);
        if (den === 0n) return undefined;
    } else if (dec && (dec[2] ?? "") + (dec[3] ?? "") !== "") {
        const frac = dec[3] ?? "";
        num = BigInt((dec[2] ?? "") + frac || "0");
        den = 10n ** BigInt(frac.length);
        const exp = dec[4] ? Number(dec[4]) : 0;
        if (!Number.isSafeInteger(exp) || Math.abs(exp) > 30) return undefined;
        if (exp > 0) num *= 10n ** BigInt(exp);
        if (exp < 0) den *= 10n ** BigInt(-exp);
        if (dec[1] === "-") num = -num;
    } else {
        return undefined;
    }
    const scaled = num * 1_000_000_000n;
    if (scaled % den !== 0n) return undefined;
    return scaled / den;
}

/** nanoInt64ToDecimalString: big.Rat(n, 1e9).FloatString(9); if that string holds exactly nine
 *  '0' characters, FloatString(1) (rounded half away from zero); otherwise trailing '0's trimmed.
 *  1e9 → "1.0", 2e9 → "2.0", 5e8 → "0.5", 1.5e9 → "1.5", 1e10 → "10." (sic), 0 → "0". */
export function nanoToDecimalString(n: bigint): string {
    if (n === 0n) return "0";
    const neg = n < 0n;
    const a = neg ? -n : n;
    const sign = neg ? "-" : "";
    const str9 = `${sign}${a / 1_000_000_000n}.${(a % 1_000_000_000n).toString().padStart(9, "0")}`;
    const zeros = str9.split("").filter((c) => c === "0").length;
    if (zeros === 9) {
        const tenths = (a * 10n) / 1_000_000_000n;
        const rem = (a * 10n) % 1_000_000_000n;
        const rounded = rem * 2n >= 1_000_000_000n ? tenths + 1n : tenths;
        return `${sign}${rounded / 10n}.${rounded % 10n}`;
    }
    return str9.replace(/0+$/, "");
}
