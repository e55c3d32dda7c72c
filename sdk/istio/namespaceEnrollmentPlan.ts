// NamespaceEnrollment's plan and manifests: pure. Which labels put a namespace in a mesh's data plane,
// validated, and the object that applies them.
import * as pulumi from "@pulumi/pulumi";
import { ArgsValidator } from "../internal/validation";
import { DEFAULT_CNI_EXCLUDE_NAMESPACES } from "../posture";
import { DEFAULT_DATA_PLANE_MODE, DEFAULT_REVISION } from "./defaults";
import { ambientNamespaceLabels, namespaceInjectionLabels, REVISION_LABEL } from "./labels";
import { DataPlaneMode } from "./types";

/** NamespaceEnrollment's type token. */
export const NAMESPACE_ENROLLMENT_TYPE = "meshtls:index:NamespaceEnrollment";

/** Arguments of a NamespaceEnrollment. */
export interface NamespaceEnrollmentArgs {
    /** The namespace to enroll. */
    namespace: pulumi.Input<string>;
    /**
     * The data plane it joins: sidecar injection labels, or `istio.io/dataplane-mode: ambient`. Use the
     * mesh's `dataPlaneMode` (an IstioMesh's `dataPlaneMode` output works).
     * @default DataPlaneMode.Sidecar
     */
    dataPlaneMode?: pulumi.Input<DataPlaneMode>;
    /**
     * Control-plane revision (sidecar only: `istio.io/rev: <revision>` instead of `istio-injection:
     * enabled`). Ambient namespaces carry no revision label: ztunnel is the node's, and `istio.io/rev`
     * would make the revisioned sidecar injector inject the namespace too.
     * @default "" (the default revision)
     */
    revision?: pulumi.Input<string>;
    /**
     * Create the Namespace with the labels. Otherwise the labels are applied to the existing namespace
     * with a server-side-apply patch that owns only them (destroying the component removes them).
     * @default false
     */
    createNamespace?: boolean;
}

/** A NamespaceEnrollment, validated and fully defaulted: plain data. */
export interface NamespaceEnrollmentPlan {
    /** The component's resource name; the child's resource name derives from it. */
    name: string;
    /** The namespace. */
    namespace: string;
    /** The data plane. */
    dataPlaneMode: DataPlaneMode;
    /** Sidecar revision ("" for the default revision; always "" in ambient). */
    revision: string;
    /** Create the Namespace (true) or patch the existing one's labels (false). */
    createNamespace: boolean;
    /** The labels that enroll it. */
    labels: Record<string, string>;
}

/** The enrollment labels of a data plane: the one place the choice between the two label sets is made. */
export function enrollmentLabels(dataPlaneMode: DataPlaneMode, revision: string): Record<string, string> {
    return dataPlaneMode === DataPlaneMode.Ambient ? ambientNamespaceLabels() : namespaceInjectionLabels(revision);
}

/** Validates NamespaceEnrollment arguments and resolves every default; throws one `pulumi.ResourceError`. */
export function planNamespaceEnrollment(name: string, args: pulumi.Unwrap<NamespaceEnrollmentArgs>): NamespaceEnrollmentPlan {
    const v = new ArgsValidator(NAMESPACE_ENROLLMENT_TYPE, name);
    v.dnsLabel("namespace", args.namespace, true);
    const modeOk = v.enumValue("dataPlaneMode", args.dataPlaneMode, DataPlaneMode);
    const dataPlaneMode = modeOk ? (args.dataPlaneMode ?? DEFAULT_DATA_PLANE_MODE) : DEFAULT_DATA_PLANE_MODE;
    if (dataPlaneMode === DataPlaneMode.Ambient && typeof args.namespace === "string" && DEFAULT_CNI_EXCLUDE_NAMESPACES.includes(args.namespace)) {
        v.fail("namespace", args.namespace, `the Istio CNI agent never redirects pods in ${DEFAULT_CNI_EXCLUDE_NAMESPACES.join(", ")} (the cni chart's default excludeNamespaces; istio 1.30.3 cni/pkg/plugin/plugin.go), so the label would enroll nothing; run the workloads in another namespace`);
    }
    if (args.revision !== undefined && args.revision !== "") {
        if (dataPlaneMode === DataPlaneMode.Ambient) {
            v.fail(
                "revision",
                args.revision,
                `ambient enrollment takes no revision: the namespace label ${REVISION_LABEL} would make the revisioned sidecar injector inject this namespace as well (ztunnel follows the mesh's revision by itself); remove revision`,
            );
        } else {
            v.dnsLabel("revision", args.revision);
        }
    }
    v.throwIfInvalid();
    const revision = dataPlaneMode === DataPlaneMode.Ambient ? DEFAULT_REVISION : (args.revision ?? DEFAULT_REVISION);
    return {
        name,
        namespace: args.namespace,
        dataPlaneMode,
        revision,
        createNamespace: args.createNamespace ?? false,
        labels: enrollmentLabels(dataPlaneMode, revision),
    };
}

/** The object a NamespaceEnrollment registers: a Namespace, or a NamespacePatch of an existing one. */
export interface NamespaceEnrollmentObject {
    /** `Namespace` (created) or `NamespacePatch` (labels on an existing namespace). */
    kind: "Namespace" | "NamespacePatch";
    /** The Pulumi resource name (part of the URN: a public contract). */
    resourceName: string;
    /** Arguments of the `kubernetes:core/v1` resource. */
    args: { metadata: { name: string; labels: Record<string, string>; annotations?: Record<string, string> } };
}

/** The object that enrolls the namespace. */
export function namespaceEnrollmentObject(plan: NamespaceEnrollmentPlan): NamespaceEnrollmentObject {
    return plan.createNamespace
        ? { kind: "Namespace", resourceName: `${plan.name}-namespace`, args: { metadata: { name: plan.namespace, labels: plan.labels } } }
        : {
              kind: "NamespacePatch",
              resourceName: `${plan.name}-labels`,
              args: {
                  // Take ownership of labels set earlier by hand (kubectl label, as runbooks do).
                  metadata: { name: plan.namespace, labels: plan.labels, annotations: { "pulumi.com/patchForce": "true" } },
              },
          };
}
