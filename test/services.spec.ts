// Neo service layer and Wealth Wars backend: Kubernetes objects against the schemas and the
// restricted rules, migrations before rollouts, and the dev containers.
import { strict as assert } from "assert";
import { allSystemsPlan, byName, defaultPlan, dependsOnTransitively, DEV_ALL_SYSTEMS, FAKE_PROD_SECRETS, Graph, ofType, planStack, PlannedResource } from "./harness/graph";
import { expectProblem, problems } from "./harness/configLoad";
import { kubeObjectOf, validateKube } from "./util/kube";
import { violations } from "../policy/rules";
import { PROD_SITE_VALUES } from "./harness/prodSiteValues";

const kubeResources = (g: Graph) => g.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
const named = (g: Graph, type: string, prefix: string): PlannedResource => {
    const r = ofType(g, type).find((x) => x.name.startsWith(prefix));
    if (!r) throw new Error(`no ${type} named ${prefix}…`);
    return r;
};

describe("Kubernetes objects in the prod graph", () => {
    let prod: Graph;
    before(async () => {
        prod = await defaultPlan("prod");
    });

    it("every generated object passes the Kubernetes schema", async () => {
        const objs = kubeResources(prod);
        assert.ok(objs.length >= 14, `only ${objs.length} objects`);
        for (const r of objs) {
            const inputs = { ...r.inputs };
            // stringData is secret: validate its shape with placeholder values.
            if (r.type === "kubernetes:core/v1:Secret") inputs.stringData = Object.fromEntries(Object.keys(inputs.stringData as object).map((k) => [k, "x"]));
            await validateKube(kubeObjectOf(r.type, inputs));
        }
    });

    it("the Neo Deployment meets every Kubernetes rule of docs/hardening.md", () => {
        const d = named(prod, "kubernetes:apps/v1:Deployment", "neo");
        assert.deepEqual(violations({ type: d.type, name: d.name, props: d.inputs }), []);
        const spec = d.inputs.spec as { replicas: number; template: { metadata: { annotations: Record<string, string> }; spec: { topologySpreadConstraints: unknown[]; containers: Record<string, unknown>[] } } };
        const c = spec.template.spec.containers[0] as { image: string; envFrom: { secretRef: { name: string } }[]; readinessProbe: { httpGet: { path: string; port: number } }; resources: unknown };
        assert.equal(spec.replicas, 2);
        assert.equal(c.image, PROD_SITE_VALUES["neo.image"], "the operator's image (the stack file leaves it to them)");
        assert.deepEqual(c.readinessProbe.httpGet, { path: "/healthz", port: 8080 });
        assert.deepEqual(c.resources, { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } });
        assert.equal(spec.template.spec.topologySpreadConstraints.length, 1);
        assert.equal(spec.template.metadata.annotations["prometheus.io/path"], "/metrics");
        const secret = named(prod, "kubernetes:core/v1:Secret", "neo");
        // Auto-named and replaced on change, so a rotated secret reaches the pods by a rollout.
        assert.equal((secret.inputs.metadata as { name?: string }).name, undefined);
        assert.deepEqual(secret.replaceOnChanges, ["stringData"]);
        assert.match(c.envFrom[0].secretRef.name, /^neo-secrets-[0-9a-f]{7}$/);
        const job = named(prod, "kubernetes:batch/v1:Job", "neo").inputs.spec as { template: { spec: { containers: { envFrom: { secretRef: { name: string } }[] }[] } } };
        assert.equal(job.template.spec.containers[0].envFrom[0].secretRef.name, c.envFrom[0].secretRef.name);
        assert.deepEqual(Object.keys(secret.inputs.stringData as object).sort(), ["API_TOKENS", "DATABASE_URL", "SECRET_ENCRYPTION_KEY"]);
        assert.ok(secret.secretPaths.includes("stringData"));
        assert.match(String((secret.inputs.stringData as Record<string, string>).DATABASE_URL), /sslmode=require$/);
        assert.equal(ofType(prod, "kubernetes:core/v1:ConfigMap").length, 0);
    });

    it("Neo has a PDB, an Ingress with TLS, a NetworkPolicy, and a migration Job before the rollout", () => {
        const pdb = named(prod, "kubernetes:policy/v1:PodDisruptionBudget", "neo");
        assert.equal((pdb.inputs.spec as { minAvailable: number }).minAvailable, 1);
        const ing = named(prod, "kubernetes:networking.k8s.io/v1:Ingress", "neo").inputs.spec as { tls: { hosts: string[] }[] };
        assert.deepEqual(ing.tls[0].hosts, ["neo.example.com"]);
        // The stack file's choice: cert-manager issues the secret; no wait for an address few controllers publish.
        assert.deepEqual(named(prod, "kubernetes:networking.k8s.io/v1:Ingress", "neo").inputs.metadata, {
            name: "neo-service-layer", namespace: "chainfleet", labels: { "app.kubernetes.io/name": "neo-service-layer", "app.kubernetes.io/part-of": "chainfleet" },
            annotations: { "pulumi.com/skipAwait": "true", "cert-manager.io/cluster-issuer": "letsencrypt-prod" },
        });
        const np = named(prod, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "neo").inputs.spec as { ingress: { from: unknown[] }[] };
        assert.equal(np.ingress[0].from.length, 2, "ingress controller and monitoring only");
        const job = named(prod, "kubernetes:batch/v1:Job", "neo");
        const jc = (job.inputs.spec as { template: { spec: { containers: { args: string[] }[] } } }).template.spec.containers[0];
        assert.deepEqual(jc.args, ["-migrate-only"]);
        assert.ok(dependsOnTransitively(prod, named(prod, "kubernetes:apps/v1:Deployment", "neo"), job));
        assert.ok(dependsOnTransitively(prod, job, byName(prod, "neo-db-db")), "migrations wait for RDS");
    });

    it("an optional HPA owns the replicas when enabled", async () => {
        const g = await planStack("prod", { "neo.autoscaling.enabled": true });
        const hpa = named(g, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "neo").inputs.spec as { minReplicas: number; maxReplicas: number };
        assert.deepEqual([hpa.minReplicas, hpa.maxReplicas], [2, 6]);
        assert.equal((named(g, "kubernetes:apps/v1:Deployment", "neo").inputs.spec as { replicas?: number }).replicas, undefined);
    });

    it("Wealth Wars: prisma migrate deploy runs as a Job before the Deployment; RDS behind it", () => {
        const job = named(prod, "kubernetes:batch/v1:Job", "wealthwars");
        const jc = (job.inputs.spec as { template: { spec: { containers: { command: string[] }[] } } }).template.spec.containers[0];
        assert.deepEqual(jc.command, ["npx", "prisma", "migrate", "deploy"]);
        const d = named(prod, "kubernetes:apps/v1:Deployment", "wealthwars");
        assert.ok(dependsOnTransitively(prod, d, job));
        assert.deepEqual(violations({ type: d.type, name: d.name, props: d.inputs }), []);
        const c = (d.inputs.spec as { template: { spec: { containers: { livenessProbe: { httpGet: { path: string } }; resources: { limits: { memory: string } } }[] } } }).template.spec.containers[0];
        assert.equal(c.livenessProbe.httpGet.path, "/health");
        assert.equal(c.resources.limits.memory, "2048Mi");
        const db = byName(prod, "wealthwars-db-db").inputs;
        assert.equal(db.multiAz, true);
        assert.equal(db.publiclyAccessible, false);
    });
});

describe("dev services", () => {
    let dev: Graph;
    before(async () => {
        dev = await allSystemsPlan("dev");
    });

    it("Wealth Wars: migration step before the backend; backend capped restarts, 2 GiB, non-root, read-only; database on an internal network only", () => {
        const migrate = byName(dev, "wealthwars-migrate");
        const backend = byName(dev, "wealthwars-container");
        assert.ok(dependsOnTransitively(dev, backend, migrate), "backend waits for the migration");
        assert.ok(dependsOnTransitively(dev, migrate, byName(dev, "wealthwars-db-container")), "migration waits for a healthy database");
        assert.ok(!migrate.secretPaths.includes("create") && migrate.secretPaths.includes("stdin"), "DATABASE_URL reaches the migration on a secret stdin, not in its command");
        assert.match(String(migrate.inputs.create), /docker run --rm --network wealthwars-db .* npx prisma migrate deploy/);
        const b = backend.inputs as Record<string, unknown>;
        assert.deepEqual([b.restart, b.maxRetryCount, b.memory, b.user, b.readOnly], ["unless-stopped", undefined, 2048, "1000:1000", true]);
        assert.match(JSON.stringify(b.healthcheck), /"interval":"30s"/);
        const db = byName(dev, "wealthwars-db-container").inputs as { ports: unknown[]; networksAdvanced: { name: string }[] };
        assert.deepEqual(db.ports, []);
        assert.deepEqual(db.networksAdvanced.map((n) => n.name), ["wealthwars-db"]);
        assert.equal(ofType(dev, "docker:index/network:Network").find((n) => n.name === "wealthwars-db")!.inputs.internal, true);
    });

    it("Neo: Postgres or in-memory by config, /healthz checks, generated tokens and key as secrets", async () => {
        const c = byName(dev, "neo-container");
        assert.match(JSON.stringify(c.inputs.healthcheck), /8080\/healthz/);
        const envs = c.inputs.envs as string[];
        assert.ok(envs.some((e) => e.startsWith("DATABASE_URL=postgresql://service_layer:")));
        assert.ok(c.secretPaths.includes("envs"));
        const mem = await planStack("dev", { ...DEV_ALL_SYSTEMS, "neo.database": "memory" });
        assert.ok(!(byName(mem, "neo-container").inputs.envs as string[]).some((e) => e.startsWith("DATABASE_URL=")));
        assert.equal(ofType(mem, "chainfleet:platform:PostgresDatabase").length, 1, "only Wealth Wars keeps a database");
        assert.ok(envs.some((e) => /^SECRET_ENCRYPTION_KEY=[0-9a-f]{64}$/.test(e)), "a generated 32-byte hex key");
    });
});

describe("prod Kubernetes: no first-up await deadlock", () => {
    it("every Service is created after its Deployment, so its endpoint await never waits on the database", async () => {
        const prod = await defaultPlan("prod");
        const services = prod.resources.filter((r) => r.type === "kubernetes:core/v1:Service");
        assert.ok(services.length >= 2);
        for (const svc of services) {
            const dep = byName(prod, svc.name.replace(/-service$/, "-deployment"));
            assert.ok(dependsOnTransitively(prod, svc, dep), `${svc.name} would await endpoints before ${dep.name} exists`);
        }
    });
});

describe("a private registry (prod)", function () {
    this.timeout(60_000);

    it("the Docker hosts log in for their pulls and every pod pulls with one pull secret; the password stays a secret", async () => {
        const token = "fake-registry-token-for-plan";
        const g = await planStack("prod", { "registry.server": "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "registry.username": "AWS" }, { ...FAKE_PROD_SECRETS, registryPassword: token });
        const providers = ofType(g, "pulumi:providers:docker").filter((p) => String(p.name).startsWith("host-"));
        assert.ok(providers.length >= 3);
        for (const p of providers) {
            // Provider inputs reach the engine JSON-encoded, as provider config does.
            const auth = typeof p.inputs.registryAuth === "string" ? JSON.parse(p.inputs.registryAuth) : p.inputs.registryAuth;
            assert.deepEqual(auth, [{ address: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", username: "AWS", password: token }], p.name);
            assert.ok(p.secretPaths.some((s) => s.startsWith("registryAuth")), `${p.name}: the password is not a secret`);
        }
        const pull = byName(g, "registry-pull");
        assert.equal(pull.inputs.type, "kubernetes.io/dockerconfigjson");
        assert.ok(pull.secretPaths.some((s) => s.startsWith("stringData")));
        const auths = JSON.parse(String((pull.inputs.stringData as Record<string, string>)[".dockerconfigjson"])).auths;
        assert.equal(auths["123456789012.dkr.ecr.eu-west-1.amazonaws.com"].auth, Buffer.from(`AWS:${token}`).toString("base64"));
        for (const d of ofType(g, "kubernetes:apps/v1:Deployment")) {
            const spec = (d.inputs.spec as { template: { spec: { imagePullSecrets?: { name: string }[] } } }).template.spec;
            assert.deepEqual(spec.imagePullSecrets, [{ name: "chainfleet-registry" }], d.name);
        }
        // Without one: no login, no pull secret.
        const plain = await defaultPlan("prod");
        assert.ok(ofType(plain, "pulumi:providers:docker").every((p) => p.inputs.registryAuth === undefined));
        assert.equal(plain.resources.filter((r) => r.name === "registry-pull").length, 0);
    });

    it("server and user together, a password secret, prod only", () => {
        expectProblem(problems("prod", { "registry.server": "ghcr.io" }), 'chainfleet:registry.server and chainfleet:registry.username must be set together (got server "ghcr.io", username nothing)');
        expectProblem(problems("prod", { "registry.server": "ghcr.io", "registry.username": "ci" }), /^chainfleet:registryPassword \(password or token of chainfleet:registry\.username at chainfleet:registry\.server\) is required: run `pulumi config set/);
        expectProblem(problems("dev", { "registry.server": "ghcr.io", "registry.username": "ci" }), /^chainfleet:registry\.server is used in prod only: dev pulls with this machine's own docker login \(got "ghcr\.io"\)$/);
        expectProblem(problems("prod", { "registry.server": "https://ghcr.io" }), /^chainfleet:registry\.server must be a registry host name, optionally :port/);
    });
});
