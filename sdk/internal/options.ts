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

/**
 * Defines a component's Output properties whose values are plain data known at construction (resolved
 * settings from its plan). Each Output is made on first read: a program with hundreds of components
 * reads few of them, and every Output costs the SDK several promises (at N=1000 MtlsPolicies, five
 * eager Outputs each were a tenth of the run; see bench/RESULTS.md). Reading one gives the same
 * Output every time. The values are also what the component passes to `registerOutputs`.
 */
export function plainOutputs<C extends pulumi.ComponentResource>(component: C, values: { [K in keyof C]?: C[K] extends pulumi.Output<infer T> ? pulumi.Input<T> : never }): Record<string, unknown> {
    for (const [key, value] of Object.entries(values)) {
        let made: pulumi.Output<unknown> | undefined;
        // Replaces the class field the TypeScript declaration defined (as undefined) on the instance.
        Object.defineProperty(component, key, { enumerable: true, configurable: true, get: () => (made ??= pulumi.output(value)) });
    }
    return values;
}
