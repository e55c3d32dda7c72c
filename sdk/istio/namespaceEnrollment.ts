import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { resolveArgs } from "../internal/inputs";
import { childOptions, plainOutputs } from "../internal/options";
import { NAMESPACE_ENROLLMENT_TYPE, NamespaceEnrollmentArgs, namespaceEnrollmentObject, planNamespaceEnrollment } from "./namespaceEnrollmentPlan";
import { DataPlaneMode } from "./types";

export type { NamespaceEnrollmentArgs } from "./namespaceEnrollmentPlan";

/**
 * Enrolls a namespace in a mesh's data plane: the sidecar injection labels, or `istio.io/dataplane-mode:
 * ambient`. Creates the Namespace with them, or patches an existing namespace's labels with server-side
 * apply (only those labels are owned; destroying the component gives them back). Pods pick the change up
 * when they restart: sidecars at the next rollout, ambient capture as the CNI agent sees each pod.
 * For one Deployment's pods, use SidecarInjection.
 */
export class NamespaceEnrollment extends pulumi.ComponentResource {
    /** The namespace enrolled. */
    public readonly namespace!: pulumi.Output<string>;
    /** The data plane it joined. */
    public readonly dataPlaneMode!: pulumi.Output<DataPlaneMode>;
    /** The labels this component owns on the namespace. */
    public readonly labels!: pulumi.Output<{ [key: string]: string }>;

    constructor(name: string, args: NamespaceEnrollmentArgs, opts?: pulumi.ComponentResourceOptions) {
        const r = resolveArgs(NAMESPACE_ENROLLMENT_TYPE, name, args, (a) => planNamespaceEnrollment(name, a));
        super(NAMESPACE_ENROLLMENT_TYPE, name, args, opts);

        const o = namespaceEnrollmentObject(r.shape);
        const objectArgs = r.args((p) => namespaceEnrollmentObject(p).args);
        if (o.kind === "Namespace") {
            new k8s.core.v1.Namespace(o.resourceName, objectArgs, childOptions(this, opts));
        } else {
            new k8s.core.v1.NamespacePatch(o.resourceName, objectArgs, childOptions(this, opts));
        }
        this.registerOutputs(
            plainOutputs<NamespaceEnrollment>(this, {
                namespace: r.from((p) => p.namespace),
                dataPlaneMode: r.from((p) => p.dataPlaneMode),
                labels: r.from((p) => p.labels),
            }),
        );
    }
}
