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

/** The parts of @pulumi/pulumi's runtime modules that `mockRuntimeRefusesTransforms` reads. */
interface PulumiRuntimeInternals {
    mocks: { MockMonitor?: abstract new (...args: never[]) => unknown };
    state: { getStore?: () => { supportsTransforms?: boolean } };
}

/**
 * Whether the program runs under `pulumi.runtime.setMocks` with transforms refused, as the SDK's mocks
 * are (there is no engine to run them; registering one fails with "The Pulumi CLI does not support
 * transforms", which is not true of the user's CLI). Only then does meshtls leave its own transforms
 * out: a mock renders no chart objects for them to act on. Against a real engine they are always
 * registered, so an engine too old for transforms still fails with Pulumi's message rather than
 * installing CRDs a destroy would delete; a mock runtime that accepts transforms gets them too.
 * Reads two runtime modules the public typings do not declare (the same in @pulumi/pulumi 3.202 to
 * 3.259: `runtime/mocks.ts` MockMonitor, `runtime/state.ts` getStore().supportsTransforms); if they
 * ever move, the answer is "no" and the transforms are registered as before.
 */
export function mockRuntimeRefusesTransforms(): boolean {
    let runtime: PulumiRuntimeInternals;
    try {
        runtime = {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            mocks: require("@pulumi/pulumi/runtime/mocks") as PulumiRuntimeInternals["mocks"],
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            state: require("@pulumi/pulumi/runtime/state") as PulumiRuntimeInternals["state"],
        };
    } catch {
        return false;
    }
    // The engine's answer first: where transforms are supported nothing else is looked at.
    if (runtime.state.getStore?.().supportsTransforms !== false) {
        return false;
    }
    const { MockMonitor } = runtime.mocks;
    return MockMonitor !== undefined && pulumi.runtime.getMonitor() instanceof MockMonitor;
}

/**
 * `opts` with `retainCrdsTransform` added to its transforms (see `retainCrdsTransform`), except under a
 * mock runtime that refuses transforms (see `mockRuntimeRefusesTransforms`), where `opts` is returned
 * as it is.
 */
export function retainingCrds<T extends pulumi.ResourceOptions>(opts: T): T {
    if (mockRuntimeRefusesTransforms()) {
        return opts;
    }
    return { ...opts, transforms: [...(opts.transforms ?? []), retainCrdsTransform] };
}

/** Installs a chart as the mode says; returns the Chart component or the Release. */
export function installChart(resourceName: string, spec: HelmInstall, opts: pulumi.ComponentResourceOptions): pulumi.Resource {
    const common = {
        name: spec.releaseName,
        chart: spec.chart,
        version: spec.version,
        namespace: spec.namespace,
        // No repo: `chart` is a full reference (an OCI registry has no repository index).
        ...(spec.repo !== undefined ? { repositoryOpts: { repo: spec.repo } } : {}),
        values: spec.values,
    };
    if (spec.mode === HelmMode.Release) {
        // Helm itself keeps CRDs annotated `helm.sh/resource-policy: keep` on uninstall.
        return new k8s.helm.v3.Release(resourceName, common, opts);
    }
    return new k8s.helm.v4.Chart(resourceName, common, spec.retainCrds ? retainingCrds(opts) : opts);
}
