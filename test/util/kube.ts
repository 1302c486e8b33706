// Validates Kubernetes objects against the official schemas (kubernetes-models, an ES module).
const esmImport = new Function("s", "return import(s)") as (s: string) => Promise<Record<string, unknown>>;

const MODULES: Record<string, string> = {
    v1: "kubernetes-models/v1",
    "apps/v1": "kubernetes-models/apps/v1",
    "batch/v1": "kubernetes-models/batch/v1",
    "policy/v1": "kubernetes-models/policy/v1",
    "autoscaling/v2": "kubernetes-models/autoscaling/v2",
    "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
};

/** Throws with the schema's message when the object is invalid. */
export async function validateKube(obj: { apiVersion?: string; kind?: string }): Promise<void> {
    const mod = MODULES[obj.apiVersion ?? ""];
    if (!mod || !obj.kind) throw new Error(`no schema for ${obj.apiVersion}/${obj.kind}`);
    const ctor = (await esmImport(mod))[obj.kind] as (new (o: unknown) => { validate(): void }) | undefined;
    if (!ctor) throw new Error(`no schema for ${obj.apiVersion}/${obj.kind}`);
    new ctor(obj).validate();
}

/** The Kubernetes object a planned resource stands for (type token → apiVersion/kind). */
export function kubeObjectOf(type: string, inputs: Record<string, unknown>): { apiVersion: string; kind: string } & Record<string, unknown> {
    const [, group, kind] = type.split(":");
    const [g, version] = group.split("/");
    const apiVersion = g === "core" ? version : `${g}/${version}`;
    return { ...inputs, apiVersion, kind };
}
