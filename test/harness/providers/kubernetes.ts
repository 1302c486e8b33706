// Provider model of @pulumi/kubernetes (4.x), read in pulumi/pulumi-kubernetes 94977969
// provider/pkg/provider/diff.go (forceNewProperties, the forceNew table) and provider.go (Diff).
//
// What a preview diffs against: Diff takes the last live object, prunes it to the shape of the old
// inputs (pruneLiveState), normalises both sides (normalizeInputs → clients.Normalize, which for a
// Secret folds stringData into data) and patches pruned-live → new inputs. Fields the API server
// fills in that we never set are pruned away and cannot diff; fields we set diff only if the server
// stores them in another form (e.g. resource quantities like "1000m" → "1": not modelled, our
// values are already canonical). So read-back is modelled as identity.
//
// Replacement is per JSON path, not per top-level input. `forceNew` below is true only where any
// change of that input replaces; FORCE_NEW_PATHS lists the finer paths the provider uses, for the
// lifecycle engine to apply to nested changes. `.metadata.name` and `.metadata.namespace` replace for
// every kind (metadataForceNewProperties). Secrets: `.type`, `.stringData`, `.data` replace unless
// the provider has enableSecretMutable (we do not set it).
import { TypeModel } from "./model";

const DIFF = "pulumi/pulumi-kubernetes@94977969 provider/pkg/provider/diff.go";
const PROV = "pulumi/pulumi-kubernetes@94977969 provider/pkg/provider/provider.go";

/** Paths (as in diff.go) whose change replaces the resource, per type token. */
export const FORCE_NEW_PATHS: Readonly<Record<string, readonly string[]>> = {
    "kubernetes:core/v1:Namespace": [".metadata.name", ".metadata.namespace"],
    "kubernetes:core/v1:Secret": [".metadata.name", ".metadata.namespace", ".type", ".stringData", ".data"],
    "kubernetes:core/v1:Service": [".metadata.name", ".metadata.namespace", ".spec.clusterIP"],
    "kubernetes:apps/v1:Deployment": [".metadata.name", ".metadata.namespace", ".spec.selector", ".spec.selector.matchExpressions", ".spec.selector.matchLabels"],
    "kubernetes:batch/v1:Job": [".metadata.name", ".metadata.namespace", ".spec.completions", ".spec.parallelism", ".spec.selector", ".spec.template", ".spec.selector.matchExpressions", ".spec.selector.matchLabels"],
    // policy/v1 is not in the forceNew table (only policy/v1beta1 PodDisruptionBudget: ".spec").
    "kubernetes:policy/v1:PodDisruptionBudget": [".metadata.name", ".metadata.namespace"],
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": [".metadata.name", ".metadata.namespace"],
    "kubernetes:networking.k8s.io/v1:Ingress": [".metadata.name", ".metadata.namespace"],
};

const meta = { forceNew: false, source: `${DIFF} (metadataForceNewProperties: only .metadata.name / .metadata.namespace replace; labels and annotations update)` };
const header = (what: string) => ({ forceNew: false, source: `${PROV} (Diff: ${what} is part of the patched object; a kind/apiVersion change is a different resource in practice — not modelled)` });

function kube(type: string, spec: { forceNew: boolean; source: string }, extra: TypeModel["inputs"] = {}): TypeModel {
    return {
        type,
        source: `${DIFF} (forceNewProperties) + ${PROV} (Diff)`,
        inputs: { apiVersion: header("apiVersion"), kind: header("kind"), metadata: meta, spec, ...extra },
    };
}

const specUpdates = (note: string) => ({ forceNew: false, source: `${DIFF} (${note})` });

export const KUBERNETES_MODELS: readonly TypeModel[] = [
    {
        type: "kubernetes:core/v1:Namespace",
        source: `${DIFF} (forceNewProperties)`,
        inputs: { apiVersion: header("apiVersion"), kind: header("kind"), metadata: meta },
    },
    {
        type: "kubernetes:core/v1:Secret",
        source: `${DIFF} (forceNewProperties: clients.IsSecret && !enableSecretMutable)`,
        inputs: {
            apiVersion: header("apiVersion"), kind: header("kind"), metadata: meta,
            stringData: { forceNew: true, source: `${DIFF} (Secret: .stringData replaces unless enableSecretMutable); ${PROV} (normalizeInputs folds stringData into data on both sides)` },
            type: { forceNew: true, source: `${DIFF} (Secret: .type replaces)` },
        },
    },
    kube("kubernetes:core/v1:Service", specUpdates("core/v1 Service: only .spec.clusterIP replaces")),
    kube("kubernetes:apps/v1:Deployment", specUpdates("apps/v1 Deployment: only .spec.selector replaces; .spec.template updates (rolling)")),
    kube("kubernetes:batch/v1:Job", {
        forceNew: true,
        source: `${DIFF} (batch/v1 Job: .spec.template, .spec.selector, .spec.completions, .spec.parallelism replace — our spec always carries .spec.template, and other fields like backoffLimit update; see FORCE_NEW_PATHS)`,
    }),
    kube("kubernetes:policy/v1:PodDisruptionBudget", specUpdates("policy/v1 is not in the forceNew table; spec updates")),
    kube("kubernetes:networking.k8s.io/v1:NetworkPolicy", specUpdates("networking.k8s.io is not in the forceNew table; spec updates")),
    kube("kubernetes:networking.k8s.io/v1:Ingress", specUpdates("networking.k8s.io is not in the forceNew table; spec updates")),
];
