import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { resolveArgs } from "../internal/inputs";
import { childOptions, plainOutputs } from "../internal/options";
import { sidecarPatch } from "./sidecarInjectionManifests";
import { planSidecarInjection, SIDECAR_INJECTION_TYPE, SidecarInjectionArgs } from "./sidecarInjectionPlan";

// The constants and argument types live in pure modules; re-exported here where other folders have
// imported them.
export { INJECT_LABEL, REVISION_LABEL, REWRITE_PROBES_ANNOTATION } from "./labels";
export { podTemplateFields } from "./sidecarInjectionManifests";
export type { SidecarInjectionArgs } from "./sidecarInjectionPlan";

/**
 * Sets the injection label and probe-rewrite annotation on a Deployment's pod template with a
 * server-side-apply patch: only these fields are owned, and Kubernetes rolls the pods out. Destroying
 * the component gives the fields back (they are removed unless another manager owns them), which
 * rolls the pods out again without the sidecar.
 */
export class SidecarInjection extends pulumi.ComponentResource {
    /** The pod template labels this component owns. */
    public readonly podLabels!: pulumi.Output<{ [key: string]: string }>;
    /** The pod template annotations this component owns. */
    public readonly podAnnotations!: pulumi.Output<{ [key: string]: string }>;

    constructor(name: string, args: SidecarInjectionArgs, opts?: pulumi.ComponentResourceOptions) {
        const r = resolveArgs(SIDECAR_INJECTION_TYPE, name, args, (a) => planSidecarInjection(name, a));
        super(SIDECAR_INJECTION_TYPE, name, args, opts);

        const patch = sidecarPatch(r.shape);
        new k8s.apps.v1.DeploymentPatch(patch.resourceName, r.args((p) => sidecarPatch(p).args), childOptions(this, opts));
        this.registerOutputs(
            plainOutputs<SidecarInjection>(this, {
                podLabels: r.from((p) => sidecarPatch(p).args.spec.template.metadata.labels),
                podAnnotations: r.from((p) => sidecarPatch(p).args.spec.template.metadata.annotations),
            }),
        );
    }
}
