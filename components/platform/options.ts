// Resource-option helpers shared by the components.
import * as pulumi from "@pulumi/pulumi";

/** A dependsOn option (one resource, a list, or absent) as a list. */
export function dependsOnList(d: pulumi.ResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
    if (d === undefined) return [];
    return Array.isArray(d) ? d : [d as pulumi.Input<pulumi.Resource>];
}
