// One directory per content under the temp dir, the same in every process: made whole or not at
// all (filled in a .partial- directory, then renamed), and reused when another process made it.
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The directory <tmp>/<area>/<digest of content>, filled by `fill` the first time; returns its path. */
export function contentDir(area: string, content: unknown, fill: (dir: string) => void, done = (dir: string) => fs.existsSync(dir)): string {
    const key = createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 16);
    const final = path.join(os.tmpdir(), area, key);
    if (done(final)) return final;
    fs.mkdirSync(path.dirname(final), { recursive: true });
    const dir = fs.mkdtempSync(`${final}.partial-`);
    fill(dir);
    // Whole or not at all; when another process made it meanwhile, theirs holds the same content.
    try { fs.renameSync(dir, final); } catch { fs.rmSync(dir, { recursive: true, force: true }); }
    return final;
}
