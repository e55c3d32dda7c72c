// SidecarInjection's plan: pure. Validates the arguments and resolves every default once.
import * as pulumi from "@pulumi/pulumi";
import { ArgsValidator } from "../internal/validation";
import { DEFAULT_INJECT, DEFAULT_REVISION, DEFAULT_REWRITE_APP_HTTP_PROBERS } from "./defaults";

/** SidecarInjection's type token. */
export const SIDECAR_INJECTION_TYPE = "meshtls:index:SidecarInjection";

/** Arguments of a SidecarInjection. */
export interface SidecarInjectionArgs {
    /** Namespace of the Deployment. */
    namespace: pulumi.Input<string>;
    /** Name of the existing Deployment to patch. */
    deployment: pulumi.Input<string>;
    /**
     * Inject the sidecar (`sidecar.istio.io/inject: "true"`); false sets the label to "false", which
     * removes the sidecar at the next rollout.
     * @default true
     */
    inject?: pulumi.Input<boolean>;
    /**
     * Rewrite HTTP liveness/readiness probes through the sidecar so kubelet probes keep working under
     * STRICT mTLS.
     * @default true
     */
    rewriteAppHTTPProbers?: pulumi.Input<boolean>;
    /**
     * Control-plane revision to inject from (`istio.io/rev` pod label).
     * @default "" (the default revision: no `istio.io/rev` label)
     */
    revision?: pulumi.Input<string>;
}

/** A SidecarInjection, validated and fully defaulted: plain data. */
export interface SidecarInjectionPlan {
    /** The component's resource name; the patch's resource name derives from it. */
    name: string;
    /** Namespace of the Deployment. */
    namespace: string;
    /** Name of the Deployment. */
    deployment: string;
    /** Inject the sidecar (label "true") or remove it (label "false"). */
    inject: boolean;
    /** Rewrite HTTP probes through the sidecar agent. */
    rewriteAppHTTPProbers: boolean;
    /** Control-plane revision; "" for the default revision (no `istio.io/rev` label). */
    revision: string;
}

/** Validates SidecarInjection arguments and resolves every default; throws one `pulumi.ResourceError`. */
export function planSidecarInjection(name: string, args: pulumi.Unwrap<SidecarInjectionArgs>): SidecarInjectionPlan {
    const v = new ArgsValidator(SIDECAR_INJECTION_TYPE, name);
    v.dnsLabel("namespace", args.namespace, true);
    v.dnsSubdomain("deployment", args.deployment, true);
    // "" is not a DNS label, so a given revision is never confused with the default one.
    v.dnsLabel("revision", args.revision === "" ? undefined : args.revision);
    v.throwIfInvalid();
    return {
        name,
        namespace: args.namespace,
        deployment: args.deployment,
        inject: args.inject ?? DEFAULT_INJECT,
        rewriteAppHTTPProbers: args.rewriteAppHTTPProbers ?? DEFAULT_REWRITE_APP_HTTP_PROBERS,
        revision: args.revision ?? DEFAULT_REVISION,
    };
}
