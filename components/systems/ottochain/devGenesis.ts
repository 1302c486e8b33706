// A dev genesis when none is given: a wallet keystore made with cl-keytool in the JVM image (the
// same way each node's keystore is made, keygenScript), and its address with a balance in every
// genesis CSV that is absent. Made once; an existing CSV or keystore is never overwritten.
// CSV format `address,amount` (amount in datum, 1e-8 of a token), one line per funded address, as
// Constellation-Labs/euclid-development-environment data/metagraph-l0/genesis/genesis.csv.
// The address is what `cl-wallet show-address` prints (Constellation-Labs/tessellation
// modules/wallet .../wallet/cli/method.scala ShowAddress, Main.scala showAddress).
import * as pulumi from "@pulumi/pulumi";
import { DockerHost, RunOptions } from "../../platform/host";
import { q } from "../../platform/shell";
import { keygenScript } from "./spec";

/** Balance of the dev wallet in each genesis CSV, datum: 10 000 tokens, as Euclid's dev genesis funds its wallets. */
export const DEV_GENESIS_BALANCE = 1_000_000_000_000;
/** The wallet's keystore is <keysDir>/<this>.p12 (no node is called that). */
export const DEV_GENESIS_WALLET = "dev-genesis-wallet";

export interface DevGenesisArgs {
    /** Prefix for privileged host commands ("" locally). */
    sudo: string;
    /** sudo keeping CL_PASSWORD ("" locally); see keygenScript. */
    sudoKeepingPassword: string;
    /** Pinned JVM image cl-keytool and cl-wallet run in. */
    image: string;
    /** Host directories (absolute): cl-keytool.jar and cl-wallet.jar are read from jarsDir, the wallet keystore lives in keysDir. */
    jarsDir: string;
    keysDir: string;
    /** Host directory the CSVs are written under (gl0/genesis.csv, ml0/genesis.csv). */
    genesisDir: string;
    /** The CSVs the metagraph starts from, relative to genesisDir (artifacts.ts genesisCsvs). */
    csvs: string[];
    /** CL_KEYALIAS of the wallet keystore. */
    keyAlias: string;
    /** Balance written for the wallet, datum (a positive integer). */
    balance: number;
}

/**
 * The host script: when a CSV is absent, make the wallet keystore once (keygenScript, printing the
 * address instead of the peer id), then write each absent CSV with noclobber, so a file that
 * appears meanwhile is never overwritten. Prints the wallet's address, or nothing when every CSV
 * existed. CL_PASSWORD comes from the environment (DockerHost.run's secretEnv).
 */
export function devGenesisScript(a: DevGenesisArgs): string {
    if (!Number.isSafeInteger(a.balance) || a.balance <= 0) throw new Error(`dev genesis balance must be a positive integer of datum (got ${a.balance})`);
    const keygen = keygenScript({ sudo: a.sudo, sudoKeepingPassword: a.sudoKeepingPassword, image: a.image, keysDir: a.keysDir, jarsDir: a.jarsDir, node: DEV_GENESIS_WALLET, keyAlias: a.keyAlias });
    // keygenScript ends with the peer id (show-id); the wallet's CSV line needs its address.
    const showId = "java -jar /jars/cl-wallet.jar show-id";
    if (!keygen.includes(showId)) throw new Error(`keygenScript no longer prints the id with "${showId}": update devGenesisScript`);
    const wallet = keygen.replace(showId, "java -jar /jars/cl-wallet.jar show-address");
    return [
        "set -euo pipefail",
        `genesis=${q(a.genesisDir)}`,
        "missing=()",
        `for f in ${a.csvs.map(q).join(" ")}; do [ -e "$genesis/$f" ] || missing+=("$f"); done`,
        'if [ "${#missing[@]}" -eq 0 ]; then',
        `  echo "chainfleet: dev genesis: ${a.csvs.join(", ")} exist in $genesis; nothing made" >&2`,
        "  exit 0",
        "fi",
        "address=$(",
        wallet,
        ")",
        'case "$address" in',
        "  DAG[0-9]*) ;;",
        '  *) echo "chainfleet: dev genesis: cl-wallet show-address printed no DAG address (got \\"$address\\")" >&2; exit 1 ;;',
        "esac",
        'for f in "${missing[@]}"; do',
        `  ${a.sudo}mkdir -p "$(dirname "$genesis/$f")"`,
        `  (set -o noclobber; printf '%s,%s\\n' "$address" ${a.balance} > "$genesis/$f")`,
        `  echo "chainfleet: dev genesis: $genesis/$f funds $address with ${a.balance} datum" >&2`,
        "done",
        'printf \'%s\\n\' "$address"',
    ].join("\n");
}

/**
 * The dev genesis as a host command the nodes wait for (pass it in NodeCommon.hostPrepared). It is
 * registered whether or not the CSVs exist (the script then does nothing), so a second `up` finds
 * it unchanged; nothing is deleted with it.
 */
export function devGenesis(name: string, host: DockerHost, a: DevGenesisArgs, password: pulumi.Output<string>, opts: RunOptions = {}) {
    const cmd = host.run(name, devGenesisScript(a), { ...opts, secretEnv: { CL_PASSWORD: password } });
    return { command: cmd, address: cmd.stdout.apply((s) => s.trim()), keystore: `${a.keysDir}/${DEV_GENESIS_WALLET}.p12` };
}
