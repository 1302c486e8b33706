// The container command of a node: the readiness library (for the background rejoin) + run-node.sh.
import * as fs from "fs";
import * as path from "path";
import { shippedScript } from "../../platform/shell";
import { HealthcheckSpec } from "../../platform/containerSpec";

const RUN_NODE = fs.readFileSync(path.join(__dirname, "run-node.sh"), "utf8");

/** bash -c text of every node container. */
export function nodeCommandScript(): string {
    return `${shippedScript("readiness.sh")}\n${RUN_NODE}`;
}

/**
 * The container health check of a node: the readiness library's node_healthy (state == "Ready"
 * from /node/info), with curl when the image has it and bash's /dev/tcp otherwise.
 */
export function nodeHealthcheck(publicPort: number): HealthcheckSpec {
    return {
        test: ["CMD", "bash", "-c", `${shippedScript("readiness.sh")}\nnode_healthy http://127.0.0.1:${publicPort}`],
        intervalSeconds: 15,
        timeoutSeconds: 10,
        retries: 4,
        startPeriodSeconds: 120,
    };
}
