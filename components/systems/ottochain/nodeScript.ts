// The container command of a node: the readiness library (for the background rejoin) + run-node.sh.
import * as fs from "fs";
import * as path from "path";
import { shippedScript } from "../../platform/shell";

const RUN_NODE = fs.readFileSync(path.join(__dirname, "run-node.sh"), "utf8");

/** bash -c text of every node container. */
export function nodeCommandScript(): string {
    return `${shippedScript("readiness.sh")}\n${RUN_NODE}`;
}
