// LotteryOperator: a container in dev, an AWS Nitro Enclave in prod (or a Kubernetes Deployment).
// Exactly one instance: the operator has no shared state, two would race on the chain.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { DockerHost } from "../../platform/host";
import { HealthProbe, httpHealthcheck } from "../../platform/containerSpec";
import { enclaveKeyPolicy, EnclaveRun } from "../../platform/enclaveSpec";
import { KubeService } from "../../platform/kubeService";
import { NitroEnclaveHost } from "../../platform/nitroEnclaveHost";
import { ServiceContainer } from "../../platform/serviceContainer";

export interface LotteryChain {
    rpcUrl: string;
    chainId: number;
    contractAddress: string;
    gasMultiplier: number;
    logLevel: string;
}

/** BLOCKCHAIN_* and APP_* env except the operator key (secret). */
export function lotteryEnv(c: LotteryChain): Record<string, string> {
    return {
        BLOCKCHAIN_RPC_URL: c.rpcUrl,
        BLOCKCHAIN_CHAIN_ID: String(c.chainId),
        BLOCKCHAIN_CONTRACT_ADDRESS: c.contractAddress,
        BLOCKCHAIN_GAS_MULTIPLIER: String(c.gasMultiplier),
        APP_LOG_LEVEL: c.logLevel,
    };
}

interface Common {
    chain: LotteryChain;
    /** Operator private key, a secret. */
    operatorKey: pulumi.Output<string>;
    port: number;
    image: string;
}

export type LotteryArgs = Common & (
    | { form: "container"; host: DockerHost; bindAddress: string;
        /** Tool the container health check runs inside the image (see HEALTH_PROBES). */
        healthProbe: HealthProbe; }
    | { form: "kubernetes"; provider: k8s.Provider; namespace: string; ingressNamespace: string; after?: pulumi.Resource[];
        /** Image pull secret of a private registry (kubeSpec imagePullSecret). */
        imagePullSecret?: string }
    | { form: "enclave"; enclave: Omit<EnclaveRun, "name" | "servicePort" | "rpcHost" | "region" | "ciphertextParameter" | "appEnv">; vpcId: pulumi.Input<string>; subnetId: pulumi.Input<string>; instanceType: string; allowedCidrs: string[];
        /** Keep the KMS key on replacement and destroy (retainOnDelete, default true): a destroy leaves it, never refused; false lets destroy schedule its deletion (30-day window). */
        retainKey?: boolean }
);

/** SSM parameter holding the operator key's KMS ciphertext; the parent's config service reads it for the enclave. */
export const CIPHERTEXT_PARAMETER = "/chainfleet/lottery/operator-key.ciphertext";

/** The app's env with its port: the container's, and what the enclave's app gets at boot besides its key (enclave/enclave-init.sh exports exactly these). */
export function lotteryAppEnv(c: LotteryChain, port: number): Record<string, string> {
    return { ...lotteryEnv(c), APP_PORT: String(port) };
}

export class LotteryOperator extends pulumi.ComponentResource {
    readonly endpoint: pulumi.Output<string>;
    readonly hints: pulumi.Output<object>;
    readonly enclaveCid?: number;
    readonly expectedPcr0?: string;

    constructor(name: string, args: LotteryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:lottery:LotteryOperator", name, {}, opts);
        const env = lotteryEnv(args.chain);
        if (args.form === "container") {
            new ServiceContainer(name, {
                host: args.host,
                containerName: "enclave-lottery",
                image: { ref: args.image },
                env: lotteryAppEnv(args.chain, args.port),
                secretEnv: { BLOCKCHAIN_OPERATOR_PRIVATE_KEY: args.operatorKey },
                ports: [{ internal: args.port, ip: args.bindAddress }],
                extraHosts: [{ host: "host.docker.internal", ip: "host-gateway" }],
                tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
                healthcheck: httpHealthcheck(`http://127.0.0.1:${args.port}/health`, {}, args.healthProbe),
                restart: { policy: "unless-stopped" },
                memoryMiB: 512,
                stopGraceSeconds: 30, // a draw in flight finishes its transaction
                cpus: 1,
                pidsLimit: 256,
                user: "1000:1000",
            }, { parent: this });
            this.endpoint = pulumi.output(`http://${args.bindAddress}:${args.port}`);
            this.hints = pulumi.output({ logs: "docker logs -f enclave-lottery", health: `curl -s http://${args.bindAddress}:${args.port}/health` });
        } else if (args.form === "kubernetes") {
            const svc = new KubeService(name, {
                provider: args.provider, app: "enclave-lottery", namespace: args.namespace, image: args.image, port: args.port, imagePullSecret: args.imagePullSecret,
                servicePort: 80, replicas: 1, env, secretEnv: { BLOCKCHAIN_OPERATOR_PRIVATE_KEY: args.operatorKey }, probePath: "/health",
                resources: { requestCpu: "100m", requestMemory: "256Mi", limitCpu: "1", limitMemory: "512Mi" },
                readOnlyRootFs: true, runAsUser: 1000, allowFromNamespaces: [args.ingressNamespace], pdb: false, after: args.after,
                singleReplicaReason: "the operator keeps no shared state: a second replica would race on the chain",
            }, { parent: this });
            this.endpoint = pulumi.output(svc.clusterUrl);
            this.hints = pulumi.output({ logs: `kubectl -n ${args.namespace} logs deploy/enclave-lottery -f` });
        } else {
            const rpcHost = new URL(args.chain.rpcUrl).hostname;
            const host = new NitroEnclaveHost(name, {
                ...args.enclave, name: "lottery", servicePort: args.port, rpcHost,
                ciphertextParameter: CIPHERTEXT_PARAMETER, appEnv: lotteryAppEnv(args.chain, args.port),
                vpcId: args.vpcId, subnetId: args.subnetId, instanceType: args.instanceType, allowedCidrs: args.allowedCidrs,
            }, { parent: this });
            // The operator key reaches only the measured enclave: KMS decrypts it for PCR0 only.
            const identity = aws.getCallerIdentityOutput({}, { parent: this });
            const partition = aws.getPartitionOutput({}, { parent: this });
            const key = new aws.kms.Key(`${name}-key`, {
                description: "chainfleet lottery operator key: decryptable only inside the attested enclave",
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.all([identity.accountId, partition.partition, host.role.arn]).apply(([accountId, part, hostRoleArn]) =>
                    JSON.stringify(enclaveKeyPolicy({ accountId, partition: part, hostRoleArn, pcr0: args.enclave.pcr0 }))),
            }, { parent: this, retainOnDelete: args.retainKey ?? true });
            const ciphertext = new aws.kms.Ciphertext(`${name}-operator-key`, { keyId: key.keyId, plaintext: args.operatorKey }, { parent: this });
            const param = new aws.ssm.Parameter(`${name}-operator-key-ciphertext`, {
                name: CIPHERTEXT_PARAMETER,
                type: "String",
                value: ciphertext.ciphertextBlob,
                description: "KMS ciphertext of the operator key; only the attested enclave can decrypt it",
            }, { parent: this });
            new aws.iam.RolePolicy(`${name}-read-ciphertext`, {
                role: host.role.id,
                policy: param.arn.apply((arn) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [arn] }] })),
            }, { parent: this });
            this.endpoint = host.endpoint;
            this.enclaveCid = args.enclave.cid;
            this.expectedPcr0 = args.enclave.pcr0;
            this.hints = host.instance.id.apply((id) => ({
                shell: `aws ssm start-session --target ${id}`,
                describe: `aws ssm start-session --target ${id} --document-name AWS-StartInteractiveCommand --parameters command="nitro-cli describe-enclaves"`,
                logs: `aws ssm start-session --target ${id} --document-name AWS-StartInteractiveCommand --parameters command="journalctl -u chainfleet-lottery -u chainfleet-lottery-ingress -u chainfleet-lottery-config -u chainfleet-lottery-kms-proxy -u chainfleet-lottery-egress -f"`,
                // The enclave reads the ciphertext at boot only: after rotating chainfleet:lotteryOperatorKey, restart it
                // (the unit terminates the old enclave before it runs the new one: never two operators).
                restartAfterKeyRotation: `aws ssm send-command --instance-ids ${id} --document-name AWS-RunShellScript --parameters commands="systemctl restart chainfleet-lottery.service"`,
            }));
        }
        this.registerOutputs({ endpoint: this.endpoint });
    }
}
