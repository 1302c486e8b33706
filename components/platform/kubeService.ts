// KubeService: a stateless HTTP service on Kubernetes. Deployment + Service, optional Ingress with
// TLS, PodDisruptionBudget, HPA and NetworkPolicy; secrets through a Secret and envFrom; an
// optional migration Job that must succeed before the Deployment rolls out.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import {
    deploymentObject, hpaObject, ingressObject, IngressSpec, KubeServiceSpec, migrationJobObject, networkPolicyObject,
    pdbObject, secretMetadata, serviceObject,
} from "./kubeSpec";

export interface KubeServiceArgs extends Omit<KubeServiceSpec, "secretName"> {
    provider: k8s.Provider;
    /** Secret env: stored in a Secret (never a ConfigMap) and read with envFrom. */
    secretEnv?: Record<string, pulumi.Input<string>>;
    /** One-shot migration run with the same image, env and secrets before the rollout. */
    migration?: { command?: string[]; args?: string[] };
    ingress?: IngressSpec;
    /** PodDisruptionBudget (default: on when replicas ≥ 2). */
    pdb?: boolean;
    autoscaling?: { maxReplicas: number; cpuPercent: number };
    /** Resources every object waits for (the namespace, the database). */
    after?: pulumi.Resource[];
}

/** Stands for the Secret's generated name in the pure objects until the component fills it in. */
const SECRET_PLACEHOLDER = "<secret-name>";

/** Points every envFrom secretRef of a workload object at the real Secret name. */
function withSecretName<T extends { spec: { template: { spec: { containers: { envFrom?: { secretRef: { name?: string } }[] }[] } } } }>(obj: T, name: pulumi.Output<string> | undefined): T {
    if (!name) return obj;
    for (const c of obj.spec.template.spec.containers) {
        for (const e of c.envFrom ?? []) if (e.secretRef.name === SECRET_PLACEHOLDER) (e.secretRef as { name: unknown }).name = name;
    }
    return obj;
}

export class KubeService extends pulumi.ComponentResource {
    readonly deployment: k8s.apps.v1.Deployment;
    readonly service: k8s.core.v1.Service;
    readonly migrationJob?: k8s.batch.v1.Job;
    /** In-cluster URL: http://<app>.<namespace>.svc.cluster.local:<servicePort>. */
    readonly clusterUrl: string;

    constructor(name: string, args: KubeServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chainfleet:platform:KubeService", name, {}, opts);
        const after = args.after ?? [];
        const child = { parent: this, provider: args.provider, dependsOn: after };
        const { provider: _p, after: _a, secretEnv, migration, ingress, pdb, autoscaling, ...rest } = args;
        void _p;
        void _a;
        const secretKeys = Object.keys(secretEnv ?? {});
        const spec: KubeServiceSpec = { ...rest, secretName: secretKeys.length ? SECRET_PLACEHOLDER : undefined };

        const dependsOn: pulumi.Resource[] = [...after];
        let secretName: pulumi.Output<string> | undefined;
        if (secretKeys.length > 0) {
            // Auto-named and replaced when its content changes: the new name reaches the pod
            // template, so rotating a secret rolls the Deployment (no hash of a secret needed).
            const stringData = pulumi.secret(pulumi.all(secretEnv!).apply((v) => v as Record<string, string>));
            const { name: _n, ...metadata } = secretMetadata(spec);
            void _n;
            const secret = new k8s.core.v1.Secret(`${name}-secrets`, { metadata, type: "Opaque", stringData }, { ...child, replaceOnChanges: ["stringData"] });
            secretName = secret.metadata.name;
            dependsOn.push(secret);
        }
        if (migration) {
            const job = withSecretName(migrationJobObject(spec, migration), secretName);
            this.migrationJob = new k8s.batch.v1.Job(`${name}-migrate`, job, { ...child, dependsOn, deleteBeforeReplace: true, replaceOnChanges: ["spec"] });
            dependsOn.push(this.migrationJob);
        }
        const deployment = withSecretName(deploymentObject(spec), secretName);
        if (autoscaling) delete (deployment.spec as { replicas?: number }).replicas; // the HPA owns replicas
        this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, deployment, { ...child, dependsOn });
        // After the Deployment: the provider awaits a Service's endpoints for 10 minutes, and the
        // pods can only be ready once the database (often slower than that) and the migration are.
        this.service = new k8s.core.v1.Service(`${name}-service`, serviceObject(spec), { ...child, dependsOn: [...after, this.deployment] });
        if (pdb ?? args.replicas >= 2) new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, pdbObject(spec), child);
        if (autoscaling) new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, hpaObject(spec, autoscaling.maxReplicas, autoscaling.cpuPercent), child);
        new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, networkPolicyObject(spec), child);
        if (ingress) new k8s.networking.v1.Ingress(`${name}-ingress`, ingressObject(spec, ingress), { ...child, dependsOn: [...after, this.service] });
        this.clusterUrl = `http://${args.app}.${args.namespace}.svc.cluster.local:${args.servicePort}`;
        this.registerOutputs({ clusterUrl: this.clusterUrl });
    }
}
