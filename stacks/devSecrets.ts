// Dev generates the secrets a developer has not set, as Pulumi secrets (random provider), so
// `pulumi up` on a laptop needs no key material. Prod never generates: config says what is missing.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ChainfleetConfig, SecretName } from "./config/schema";

const password = (name: string, length: number) =>
    pulumi.secret(new random.RandomPassword(`dev-${name}`, { length, special: false }).result);
const hexBytes = (name: string, length: number) => pulumi.secret(new random.RandomBytes(`dev-${name}`, { length }).hex);

const GENERATE: Partial<Record<SecretName, () => pulumi.Output<string>>> = {
    ottochainKeystorePassword: () => password("ottochain-keystore-password", 32),
    lotteryOperatorKey: () => hexBytes("lottery-operator-key", 32).apply((h) => `0x${h}`),
    neoApiTokens: () => password("neo-api-token", 40),
    neoEncryptionKey: () => hexBytes("neo-encryption-key", 32),
    // A placeholder 64-byte keypair (JSON bytes): set chainfleet:wealthwarsAuthoritySecretKey for on-chain writes.
    wealthwarsAuthoritySecretKey: () => hexBytes("wealthwars-authority-key", 64).apply((h) => JSON.stringify([...Buffer.from(h, "hex")])),
};

const generated = new WeakMap<ChainfleetConfig, Map<SecretName, pulumi.Output<string>>>();

/** The configured secret or, in dev, a generated one (registered once, only when a system asks for it). */
export function secretOrGenerated(c: ChainfleetConfig, key: SecretName): pulumi.Output<string> {
    const set = c.secrets[key];
    if (set) return set;
    const gen = GENERATE[key];
    if (c.topology !== "dev" || !gen) throw new Error(`chainfleet:${key} is not set (config validation should have said so)`);
    const cache = generated.get(c) ?? new Map<SecretName, pulumi.Output<string>>();
    generated.set(c, cache);
    if (!cache.has(key)) cache.set(key, gen());
    return cache.get(key)!;
}
