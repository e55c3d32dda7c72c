// Helm installs shared by the components: one place decides between helm.v4.Chart and
// helm.v3.Release. The pure half (modes, install specs, values merging) is in chartValues.ts, so plans
// and manifests never load @pulumi/kubernetes.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HelmInstall, HelmMode } from "./chartValues";

export { HelmMode, compact, deepMerge, parseValuesYaml, valuesYaml } from "./chartValues";
export type { HelmInstall } from "./chartValues";

const CRD_TYPE = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

/**
 * Marks CustomResourceDefinitions rendered by a chart `retainOnDelete`: deleting a CRD deletes every
 * custom resource of its kind, cluster-wide. `retainOnDelete` on the Chart itself does not reach the
 * objects it renders (pulumi-kubernetes #3065), so this runs as a transform on each of them.
 */
export function retainCrdsTransform(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
    if (args.type !== CRD_TYPE) {
        return undefined;
    }
    return { props: args.props, opts: pulumi.mergeOptions(args.opts, { retainOnDelete: true }) };
}

/** Installs a chart as the mode says; returns the Chart component or the Release. */
export function installChart(resourceName: string, spec: HelmInstall, opts: pulumi.ComponentResourceOptions): pulumi.Resource {
    const common = {
        name: spec.releaseName,
        chart: spec.chart,
        version: spec.version,
        namespace: spec.namespace,
        repositoryOpts: { repo: spec.repo },
        values: spec.values,
    };
    if (spec.mode === HelmMode.Release) {
        // Helm itself keeps CRDs annotated `helm.sh/resource-policy: keep` on uninstall.
        return new k8s.helm.v3.Release(resourceName, common, opts);
    }
    return new k8s.helm.v4.Chart(resourceName, common, spec.retainCrds ? { ...opts, transforms: [...(opts.transforms ?? []), retainCrdsTransform] } : opts);
}
