import * as pulumi from "@pulumi/pulumi";

/**
 * Options for a component's child: parented to the component, and waiting for whatever the
 * component was told to wait for (`dependsOn` on a component does not reach its children by itself)
 * plus `extra`.
 */
export function childOptions(parent: pulumi.Resource, opts: pulumi.ComponentResourceOptions | undefined, extra: pulumi.Input<pulumi.Resource>[] = []): pulumi.CustomResourceOptions {
    const inherited = opts?.dependsOn;
    if (inherited === undefined && extra.length === 0) {
        return { parent };
    }
    // The SDK flattens nested arrays and Outputs of resources when it gathers dependencies.
    const dependsOn = (inherited === undefined ? extra : [inherited, ...extra]) as pulumi.Input<pulumi.Resource>[];
    return { parent, dependsOn };
}
