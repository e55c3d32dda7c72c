import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../internal/options";
import { ArgsValidator } from "../internal/validation";

const TYPE = "meshtls:index:SidecarInjection";

/** Pod label that turns sidecar injection on or off (the annotation form is deprecated). */
export const INJECT_LABEL = "sidecar.istio.io/inject";
/** Pod annotation that rewrites HTTP probes to go through the sidecar agent. */
export const REWRITE_PROBES_ANNOTATION = "sidecar.istio.io/rewriteAppHTTPProbers";
/** Pod and namespace label that selects a control-plane revision. */
export const REVISION_LABEL = "istio.io/rev";

/** Arguments of a SidecarInjection. */
export interface SidecarInjectionArgs {
    /** Namespace of the Deployment. */
    namespace: string;
    /** Name of the existing Deployment to patch. */
    deployment: string;
    /**
     * Inject the sidecar (`sidecar.istio.io/inject: "true"`); false sets the label to "false", which
     * removes the sidecar at the next rollout.
     * @default true
     */
    inject?: boolean;
    /**
     * Rewrite HTTP liveness/readiness probes through the sidecar so kubelet probes keep working under
     * STRICT mTLS.
     * @default true
     */
    rewriteAppHTTPProbers?: boolean;
    /** Control-plane revision to inject from (`istio.io/rev` pod label). */
    revision?: string;
}

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
        const v = new ArgsValidator(TYPE, name);
        v.dnsLabel("namespace", args.namespace, true);
        v.dnsSubdomain("deployment", args.deployment, true);
        v.dnsLabel("revision", args.revision);
        v.throwIfInvalid();
        super(TYPE, name, args, opts);

        const { labels, annotations } = podTemplateFields(args);
        new k8s.apps.v1.DeploymentPatch(
            `${name}-pod-template`,
            {
                metadata: {
                    name: args.deployment,
                    namespace: args.namespace,
                    // Take ownership of fields set earlier by hand (kubectl label/annotate, as old runbooks do).
                    annotations: { "pulumi.com/patchForce": "true" },
                },
                spec: { template: { metadata: { labels, annotations } } },
            },
            childOptions(this, opts),
        );
        this.podLabels = pulumi.output(labels);
        this.podAnnotations = pulumi.output(annotations);
        this.registerOutputs({ podLabels: this.podLabels, podAnnotations: this.podAnnotations });
    }
}

/** The pod template labels and annotations for the given arguments. */
export function podTemplateFields(args: Pick<SidecarInjectionArgs, "inject" | "rewriteAppHTTPProbers" | "revision">): {
    labels: Record<string, string>;
    annotations: Record<string, string>;
} {
    const labels: Record<string, string> = { [INJECT_LABEL]: String(args.inject ?? true) };
    if (args.revision !== undefined) {
        labels[REVISION_LABEL] = args.revision;
    }
    return { labels, annotations: { [REWRITE_PROBES_ANNOTATION]: String(args.rewriteAppHTTPProbers ?? true) } };
}
