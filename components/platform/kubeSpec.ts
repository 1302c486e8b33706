// Pure builders of the Kubernetes objects of a KubeService. Plain JSON, validated in the tests
// against the Kubernetes schemas (kubernetes-models) and the restricted Pod Security Standard.

export interface KubeResources {
    requestCpu: string;
    requestMemory: string;
    limitCpu: string;
    limitMemory: string;
}

export interface KubeServiceSpec {
    /** App name: labels, object names. */
    app: string;
    namespace: string;
    /** Pinned image. */
    image: string;
    /** Container port. */
    port: number;
    replicas: number;
    /** Plain env (never secrets). */
    env: Record<string, string>;
    /** Name of the Secret whose keys become env through envFrom (none: no secret env). */
    secretName?: string;
    /** HTTP path of readiness and liveness probes. */
    probePath: string;
    resources: KubeResources;
    /** Read-only root filesystem; writable /tmp as emptyDir. */
    readOnlyRootFs: boolean;
    /** Non-root uid. */
    runAsUser: number;
    /** Prometheus scrape path (adds the annotations and lets the monitoring namespace in). */
    metricsPath?: string;
    /** Service port (→ container port). */
    servicePort: number;
    /** Namespaces allowed to call the pods (the ingress controller, monitoring). */
    allowFromNamespaces: string[];
    /** Extra args of the container. */
    args?: string[];
    command?: string[];
    /** Name of a kubernetes.io/dockerconfigjson Secret the pods pull their image with (a private registry). */
    imagePullSecret?: string;
    /** Why a single replica is right (e.g. a stateless operator that must not race); recorded as an annotation. */
    singleReplicaReason?: string;
}

const labelsOf = (app: string) => ({ "app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "chainfleet" });

/** The restricted Pod Security Standard, as a pod- and a container-level security context. */
export function restrictedSecurity(runAsUser: number, readOnlyRootFs: boolean) {
    return {
        pod: { runAsNonRoot: true, runAsUser, runAsGroup: runAsUser, fsGroup: runAsUser, seccompProfile: { type: "RuntimeDefault" } },
        container: {
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: readOnlyRootFs,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
    };
}

/**
 * The container's plain env, sorted. With a read-only root HOME is the writable /tmp: the image's
 * user's home is read-only, and tools that keep a cache under HOME (npx, for the migration) fail.
 */
export function podEnv(s: Pick<KubeServiceSpec, "env" | "readOnlyRootFs">): Record<string, string> {
    const env: Record<string, string> = { ...(s.readOnlyRootFs ? { HOME: "/tmp" } : {}), ...s.env };
    return Object.fromEntries(Object.keys(env).sort().map((k) => [k, env[k]]));
}

/** The pod template shared by the Deployment and the migration Job. */
export function podTemplate(s: KubeServiceSpec, overrides: { command?: string[]; args?: string[]; probes: boolean; restartPolicy?: string }) {
    const sec = restrictedSecurity(s.runAsUser, s.readOnlyRootFs);
    const probe = { httpGet: { path: s.probePath, port: s.port } };
    return {
        metadata: {
            labels: labelsOf(s.app),
            annotations: s.metricsPath && overrides.probes
                ? { "prometheus.io/scrape": "true", "prometheus.io/port": String(s.port), "prometheus.io/path": s.metricsPath }
                : undefined,
        },
        spec: {
            securityContext: sec.pod,
            automountServiceAccountToken: false,
            restartPolicy: overrides.restartPolicy,
            imagePullSecrets: s.imagePullSecret ? [{ name: s.imagePullSecret }] : undefined,
            topologySpreadConstraints: overrides.probes
                ? [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labelsOf(s.app) } }]
                : undefined,
            containers: [{
                name: s.app,
                image: s.image,
                command: overrides.command ?? s.command,
                args: overrides.args ?? s.args,
                ports: [{ name: "http", containerPort: s.port }],
                env: Object.entries(podEnv(s)).map(([name, value]) => ({ name, value })),
                envFrom: s.secretName ? [{ secretRef: { name: s.secretName } }] : undefined,
                resources: {
                    requests: { cpu: s.resources.requestCpu, memory: s.resources.requestMemory },
                    limits: { cpu: s.resources.limitCpu, memory: s.resources.limitMemory },
                },
                readinessProbe: overrides.probes ? { ...probe, periodSeconds: 10, failureThreshold: 3 } : undefined,
                livenessProbe: overrides.probes ? { ...probe, periodSeconds: 30, failureThreshold: 3, initialDelaySeconds: 15 } : undefined,
                securityContext: sec.container,
                volumeMounts: s.readOnlyRootFs ? [{ name: "tmp", mountPath: "/tmp" }] : undefined,
            }],
            volumes: s.readOnlyRootFs ? [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }] : undefined,
        },
    };
}

export function deploymentObject(s: KubeServiceSpec) {
    return {
        apiVersion: "apps/v1" as const,
        kind: "Deployment" as const,
        metadata: {
            name: s.app, namespace: s.namespace, labels: labelsOf(s.app),
            annotations: s.singleReplicaReason ? { "chainfleet.io/single-replica-reason": s.singleReplicaReason } : undefined,
        },
        spec: {
            replicas: s.replicas,
            selector: { matchLabels: labelsOf(s.app) },
            // A single-instance service is replaced stop-first (Recreate): a rolling update would
            // run the new pod beside the old one, and two lottery operators race on the chain.
            strategy: s.singleReplicaReason
                ? { type: "Recreate" }
                : { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            template: podTemplate(s, { probes: true }),
        },
    };
}

export function serviceObject(s: KubeServiceSpec) {
    return {
        apiVersion: "v1" as const,
        kind: "Service" as const,
        metadata: { name: s.app, namespace: s.namespace, labels: labelsOf(s.app) },
        spec: { type: "ClusterIP", selector: labelsOf(s.app), ports: [{ name: "http", port: s.servicePort, targetPort: s.port }] },
    };
}

/** A Job running the image once (migrations); the Deployment waits for it to succeed. */
export function migrationJobObject(s: KubeServiceSpec, migration: { command?: string[]; args?: string[] }) {
    return {
        apiVersion: "batch/v1" as const,
        kind: "Job" as const,
        metadata: { namespace: s.namespace, labels: { ...labelsOf(s.app), "app.kubernetes.io/component": "migration" } },
        spec: {
            backoffLimit: 3,
            activeDeadlineSeconds: 900,
            template: podTemplate(s, { ...migration, probes: false, restartPolicy: "Never" }),
        },
    };
}

export function pdbObject(s: KubeServiceSpec) {
    return {
        apiVersion: "policy/v1" as const,
        kind: "PodDisruptionBudget" as const,
        metadata: { name: s.app, namespace: s.namespace, labels: labelsOf(s.app) },
        spec: { minAvailable: Math.max(1, s.replicas - 1), selector: { matchLabels: labelsOf(s.app) } },
    };
}

export function hpaObject(s: KubeServiceSpec, maxReplicas: number, cpuPercent: number) {
    return {
        apiVersion: "autoscaling/v2" as const,
        kind: "HorizontalPodAutoscaler" as const,
        metadata: { name: s.app, namespace: s.namespace, labels: labelsOf(s.app) },
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1" as const, kind: "Deployment", name: s.app },
            minReplicas: s.replicas,
            maxReplicas,
            metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: cpuPercent } } }],
        },
    };
}

/** Admits only the listed namespaces (ingress controller, monitoring) to the app port. */
export function networkPolicyObject(s: KubeServiceSpec) {
    return {
        apiVersion: "networking.k8s.io/v1" as const,
        kind: "NetworkPolicy" as const,
        metadata: { name: s.app, namespace: s.namespace, labels: labelsOf(s.app) },
        spec: {
            podSelector: { matchLabels: labelsOf(s.app) },
            policyTypes: ["Ingress"],
            ingress: [{
                from: s.allowFromNamespaces.map((ns) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } })),
                ports: [{ protocol: "TCP", port: s.port }],
            }],
        },
    };
}

export interface IngressSpec {
    host: string;
    className: string;
    tlsSecretName: string;
    /**
     * Where the TLS secret comes from: cert-manager (which issues it into tlsSecretName from this
     * ClusterIssuer, on the annotation below), or a secret you created there yourself.
     */
    tls: { from: "cert-manager"; clusterIssuer: string } | { from: "existing-secret" };
    /**
     * Wait in `pulumi up` until the controller publishes the Ingress's address (pulumi-kubernetes'
     * Ingress await: status.loadBalancer.ingress). Only some controllers publish one; false sets
     * pulumi.com/skipAwait (pulumi-kubernetes PR #417, issue #1810), and the up does not hang.
     */
    awaitAddress: boolean;
}

export function ingressObject(s: KubeServiceSpec, i: IngressSpec) {
    const annotations: Record<string, string> = {
        ...(i.awaitAddress ? {} : { "pulumi.com/skipAwait": "true" }),
        ...(i.tls.from === "cert-manager" ? { "cert-manager.io/cluster-issuer": i.tls.clusterIssuer } : {}),
    };
    return {
        apiVersion: "networking.k8s.io/v1" as const,
        kind: "Ingress" as const,
        metadata: { name: s.app, namespace: s.namespace, labels: labelsOf(s.app), annotations: Object.keys(annotations).length ? annotations : undefined },
        spec: {
            ingressClassName: i.className,
            tls: [{ hosts: [i.host], secretName: i.tlsSecretName }],
            rules: [{ host: i.host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: s.app, port: { number: s.servicePort } } } }] } }],
        },
    };
}

export function secretMetadata(s: KubeServiceSpec) {
    return { name: s.secretName, namespace: s.namespace, labels: labelsOf(s.app) };
}

/** The .dockerconfigjson of a registry login (kubernetes.io/dockerconfigjson; auth = base64 "user:password"). */
export function dockerConfigJson(server: string, username: string, password: string): string {
    return JSON.stringify({ auths: { [server]: { username, password, auth: Buffer.from(`${username}:${password}`).toString("base64") } } });
}
