// The floors of docs/architecture.md hold: a file imports only from its own floor or below
// (components/platform → components/systems → stacks → index.ts), so a platform piece never
// learns of a system, and nothing below stacks/ reads config.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const FLOORS: [string, number][] = [["components/platform", 1], ["components/systems", 2], ["stacks", 3], ["index.ts", 4]];

function floorOf(rel: string): number | undefined {
    return FLOORS.find(([prefix]) => rel === prefix || rel.startsWith(`${prefix}/`))?.[1];
}

function sources(dir: string): string[] {
    const abs = path.join(ROOT, dir);
    if (fs.statSync(abs).isFile()) return [dir];
    return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []);
}

/** Relative imports of a file (import … from, import(…), require(…)), resolved against the project. */
export function relativeImports(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const specs = [...text.matchAll(/(?:from\s+|import\(\s*|require\(\s*)"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);
    return specs.map((s) => path.relative(ROOT, path.resolve(ROOT, path.dirname(file), s)));
}

describe("architecture: imports never run back up a floor", () => {
    const files = FLOORS.flatMap(([prefix]) => sources(prefix));

    it("finds the program's files and their imports (the walk works)", () => {
        assert.ok(files.length > 40, `only ${files.length} files`);
        assert.ok(files.some((f) => relativeImports(f).some((i) => i.startsWith("components/platform"))));
    });

    it("each file imports only from its floor or a lower one", () => {
        const up: string[] = [];
        for (const f of files) {
            const mine = floorOf(f)!;
            for (const target of relativeImports(f)) {
                const theirs = floorOf(target);
                if (theirs !== undefined && theirs > mine) up.push(`${f} (floor ${mine}) imports ${target} (floor ${theirs})`);
            }
        }
        assert.deepEqual(up, []);
    });
});

describe("architecture: no import circle", () => {
    it("no file of the program reaches itself through its imports (type imports included)", () => {
        const files = new Set(FLOORS.flatMap(([prefix]) => sources(prefix)));
        const edges = new Map([...files].map((f) => [f, relativeImports(f).map((t) => (t.endsWith(".ts") ? t : `${t}.ts`)).filter((t) => files.has(t))]));
        const circles: string[] = [];
        const state = new Map<string, "open" | "done">();
        const visit = (f: string, trail: string[]): void => {
            if (state.get(f) === "done") return;
            if (state.get(f) === "open") {
                circles.push([...trail.slice(trail.indexOf(f)), f].join(" → "));
                return;
            }
            state.set(f, "open");
            for (const t of edges.get(f) ?? []) visit(t, [...trail, f]);
            state.set(f, "done");
        };
        for (const f of files) visit(f, []);
        assert.deepEqual(circles, []);
    });
});

describe("the design lives in the repository", () => {
    /** Every tracked text file of the project (not node_modules, not the e2e images' rootfs). */
    const tracked = (dir: string): string[] => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) return ["node_modules", ".git", ".chainfleet"].includes(e.name) ? [] : tracked(rel);
        return /\.(ts|sh|md|ya?ml|json|mjs)$|Dockerfile$/.test(e.name) ? [rel] : [];
    });

    it("no file points at the design notes outside the clone (../shared/, design/*.md)", () => {
        const out = tracked(".").filter((f) => f !== "test/architecture.spec.ts" && /\.\.\/shared\/|\bdesign\/[A-Z]+\.md|\b(LIFECYCLE|SYSTEMS|ARCHITECTURE|CHECKS)\.md\b/.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
        assert.deepEqual(out, []);
    });

    it("every relative link of the README and docs/ names a file that exists, and an anchor that one of its headings makes", () => {
        const pages = ["README.md", ...tracked("docs").filter((f) => f.endsWith(".md"))];
        const anchors = (f: string) => new Set(fs.readFileSync(path.join(ROOT, f), "utf8").split("\n").filter((l) => l.startsWith("#"))
            .map((l) => l.replace(/^#+\s*/, "").toLowerCase().replace(/[^\w\s-]/g, "").trim().replace(/\s/g, "-")));
        const broken: string[] = [];
        for (const page of pages) {
            const text = fs.readFileSync(path.join(ROOT, page), "utf8");
            for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
                const link = m[1];
                if (/^[a-z]+:/.test(link) || /[*[\]]/.test(link)) continue; // a URL, or a regex in a table
                const [file, anchor] = link.split("#");
                const target = file ? path.normalize(path.join(path.dirname(page), file)) : page;
                if (!fs.existsSync(path.join(ROOT, target))) broken.push(`${page}: ${link} (no ${target})`);
                else if (anchor && target.endsWith(".md") && !anchors(target).has(anchor)) broken.push(`${page}: ${link} (no heading makes #${anchor})`);
            }
        }
        assert.deepEqual(broken, []);
    });
});
