// All provider models by Pulumi type token. The lifecycle engine looks a resource's type up here;
// a type or input missing from the map is a modelling gap (the lead's spec lists those).
import { TypeModel } from "./model";
import { DOCKER_MODELS } from "./docker";
import { COMMAND_MODELS } from "./command";
import { RANDOM_MODELS } from "./random";
import { AWS_MODELS } from "./aws";
import { KUBERNETES_MODELS } from "./kubernetes";
import { CLOUDWATCH_MODELS } from "./cloudwatch";

export type { InputModel, TypeModel } from "./model";
export { FORCE_NEW_PATHS } from "./kubernetes";
export { NESTED_FORCE_NEW } from "./aws";

function byType(models: readonly TypeModel[]): ReadonlyMap<string, TypeModel> {
    const m = new Map<string, TypeModel>();
    for (const t of models) {
        if (m.has(t.type)) throw new Error(`provider model: ${t.type} defined twice`);
        m.set(t.type, t);
    }
    return m;
}

export const MODELS: ReadonlyMap<string, TypeModel> = byType([
    ...DOCKER_MODELS, ...COMMAND_MODELS, ...RANDOM_MODELS, ...AWS_MODELS, ...CLOUDWATCH_MODELS, ...KUBERNETES_MODELS,
]);

/** Types whose provider itself asks for delete-before-replace (pulumi/pulumi-docker
 *  provider/resources.go: docker_container DeleteBeforeReplace: true). */
export const PROVIDER_DELETE_BEFORE_REPLACE: ReadonlySet<string> = new Set(["docker:index/container:Container"]);
