import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CUSTOM_RESOURCE_PLAIN_KEYS, ResolvedArgs, resolveArgs } from "../internal/inputs";
import { childOptions, plainOutputs } from "../internal/options";
import { NamespaceEnrollment, SidecarInjection } from "../istio";
import { kuadrantEnvoyFilterPatch, kuadrantEnvoyFilterPatchSpec, kuadrantEnvoyFilterReadArgs, kuadrantCrPatch, kuadrantPeerAuthentication, kuadrantRevisionLabelPatch } from "./manifests";
import { KUADRANT_MTLS_TYPE, KuadrantAmbientPlan, KuadrantManualPlan, KuadrantMtlsPlan, KuadrantOperatorPlan, KuadrantStep, planKuadrantMtls } from "./plan";
import { KuadrantMtlsArgs, KuadrantMtlsMode } from "./types";
import type { LinkPosture } from "../posture";
import { kuadrantPosture } from "./posture";

// Kept importable from this file, where they were defined before the plan/manifests split.
export { KuadrantMtlsMode } from "./types";
export type { KuadrantGatewayRef, KuadrantMtlsArgs } from "./types";
export { AUTH_CLUSTER, RATELIMIT_CLUSTER } from "./defaults";
export { kuadrantEnvoyFilterName } from "./plan";
export { KUADRANT_TLS_TRANSPORT_SOCKET, withTransportSocket } from "./manifests";

/**
 * mTLS between an Istio gateway (Kuadrant's Wasm plugin) and Authorino / Limitador.
 *
 * Operator mode patches `spec.mtls` on the Kuadrant CR (server-side apply); destroying the component
 * gives those fields back, which turns mTLS off. Manual mode automates the manual procedure: sidecar
 * labels, the TLS transport socket in the operator's per-gateway EnvoyFilters (read live, changed,
 * applied back whole; ALPN `istio`, so PERMISSIVE sidecars take it as mTLS too), and a STRICT
 * PeerAuthentication. Enabling orders sidecars -> client TLS ->
 * STRICT; disabling orders PERMISSIVE -> client TLS removed -> sidecars (if removed). The operator may
 * rewrite its EnvoyFilters: run `pulumi up` on a schedule (or `pulumi refresh` + `preview` in CI) to
 * re-assert and detect that.
 *
 * Manual mode is for Kuadrant before 1.3 only and is refused when `kuadrantVersion` (default the pinned
 * "1.5.2") is 1.3 or later: from 1.3 the operator writes `sidecar.istio.io/inject: "false"` on
 * Authorino and Limitador and rewrites its EnvoyFilters without TLS unless `spec.mtls` is on, so use
 * Operator mode there. The version is taken from the arguments; nothing checks the live cluster (in
 * render mode there is none, and no live check of the Kuadrant CRD is made in cluster mode either).
 *
 * Removing Manual mode takes two `pulumi up`s. The EnvoyFilter patches force-apply
 * `spec.configPatches`, an atomic list; if a patch were deleted, pulumi-kubernetes would relinquish the
 * field and the API server would reset it, dropping the operator's `kuadrant-auth-service` /
 * `kuadrant-ratelimit-service` clusters until the operator reconciles. So: first set `enabled: false`
 * (the operator's list is re-applied without the transport socket, PERMISSIVE first), then delete the
 * component; the patches carry `retainOnDelete`, so the delete leaves the EnvoyFilters as the first step
 * wrote them (the operator's content) and the operator keeps owning them.
 */
export class KuadrantMtls extends pulumi.ComponentResource {
    /** Whether mTLS is on. */
    public readonly enabled!: pulumi.Output<boolean>;
    /** The mode used. */
    public readonly mode!: pulumi.Output<KuadrantMtlsMode>;
    /**
     * The gateway -> Authorino / Limitador links, keyed by link id, with their effective state computed by
     * the posture engine from what this component declares (see `kuadrantPosture`).
     */
    public readonly posture!: pulumi.Output<{ [link: string]: LinkPosture }>;

    constructor(name: string, args: KuadrantMtlsArgs, opts?: pulumi.ComponentResourceOptions) {
        // An Output namespace cannot name a resource (its stand-in would): see planKuadrantMtls.
        const namespaceKnown = args.namespace === undefined || typeof args.namespace === "string";
        const r = resolveArgs(KUADRANT_MTLS_TYPE, name, args, (a) => planKuadrantMtls(name, a, namespaceKnown));
        const plan = r.shape;
        super(KUADRANT_MTLS_TYPE, name, args, opts);

        const before: pulumi.Resource[] = [];
        if (plan.operator) {
            const patch = r.args((p) => (p.operator ? kuadrantCrPatch(p, p.operator) : {}), CUSTOM_RESOURCE_PLAIN_KEYS);
            before.push(new k8s.apiextensions.CustomResourcePatch(plan.operator.resourceName, patch as k8s.apiextensions.CustomResourcePatchArgs, childOptions(this, opts)));
            plan.operator.revisionLabels.forEach((label, k) => {
                const labelPatch = r.args((p) => (p.operator ? kuadrantRevisionLabelPatch(p, p.operator, p.operator.revisionLabels[k]) : kuadrantRevisionLabelPatch(p, plan.operator as KuadrantOperatorPlan, label)));
                new k8s.apps.v1.DeploymentPatch(label.resourceName, labelPatch, childOptions(this, opts));
            });
        }
        if (plan.manual) {
            this.manual(r, plan.manual, opts);
        }
        if (plan.ambient) {
            this.ambient(r, plan.ambient, opts, before);
        }

        this.registerOutputs(plainOutputs<KuadrantMtls>(this, { enabled: plan.enabled, mode: plan.mode, posture: r.from((p) => kuadrantPosture(p)) }));
    }

    /**
     * Ambient: after the CR patch (spec.mtls off, so the operator drops its sidecar labels), the namespaces
     * enrolled, then the servers' policies (a STRICT policy before the gateway's namespace is enrolled would
     * refuse the gateway's plain-text calls).
     */
    private ambient(r: ResolvedArgs<KuadrantMtlsPlan>, ambient: KuadrantAmbientPlan, opts: pulumi.ComponentResourceOptions | undefined, before: pulumi.Resource[]): void {
        const real = <T>(f: (a: KuadrantAmbientPlan, p: KuadrantMtlsPlan) => T) => r.from((p) => f(p.ambient ?? ambient, p));
        const enrolled = ambient.enrollments.map(
            (e, i) => new NamespaceEnrollment(e.name, { namespace: real((a) => a.enrollments[i].namespace), dataPlaneMode: e.dataPlaneMode }, childOptions(this, opts, before)),
        );
        ambient.peerAuthentications.forEach((pa, i) => {
            const object = r.args((p) => kuadrantPeerAuthentication((p.ambient ?? ambient).peerAuthentications[i]), CUSTOM_RESOURCE_PLAIN_KEYS);
            new k8s.apiextensions.CustomResource(pa.resourceName, object as unknown as k8s.apiextensions.CustomResourceArgs, childOptions(this, opts, enrolled));
        });
    }

    /** Registers the steps in the plan's order, each step waiting for every resource of the earlier ones. */
    private manual(r: ResolvedArgs<KuadrantMtlsPlan>, manual: KuadrantManualPlan, opts: pulumi.ComponentResourceOptions | undefined): void {
        // The real plan's Manual part (the shape's has the same names and counts).
        const real = <T>(f: (m: KuadrantManualPlan, p: KuadrantMtlsPlan) => T) => r.from((p) => f(p.manual ?? manual, p));
        const register: Record<KuadrantStep, (dependsOn: pulumi.Resource[]) => pulumi.Resource[]> = {
            sidecars: (dependsOn) =>
                manual.servers.map(
                    (s, i) =>
                        new SidecarInjection(
                            s.sidecarResourceName,
                            { namespace: real((_m, p) => p.namespace), deployment: real((m) => m.servers[i].deployment), inject: manual.inject, revision: manual.revision || undefined },
                            childOptions(this, opts, dependsOn),
                        ),
                ),
            clientTls: (dependsOn) =>
                manual.envoyFilters.map((f, i) => {
                    // Read what the operator wrote now, so the patch carries every field of it.
                    const live = new k8s.apiextensions.CustomResource(f.readResourceName, kuadrantEnvoyFilterReadArgs(), { ...childOptions(this, opts), id: f.readId }) as k8s.apiextensions.CustomResource & {
                        spec: pulumi.Output<unknown>;
                    };
                    const spec = pulumi.all([live.spec, r.from((p) => p)]).apply(([s, p]) => kuadrantEnvoyFilterPatchSpec(p as KuadrantMtlsPlan, (p as KuadrantMtlsPlan).manual?.envoyFilters[i] ?? f, s));
                    // retainOnDelete: see KUADRANT_ENVOY_FILTER_RETAIN_ON_DELETE (deleting must not relinquish configPatches).
                    return new k8s.apiextensions.CustomResourcePatch(f.resourceName, kuadrantEnvoyFilterPatch(f, spec), { ...childOptions(this, opts, dependsOn), retainOnDelete: f.retainOnDelete });
                }),
            serverPolicy: (dependsOn) =>
                manual.peerAuthentications.map((pa, i) => {
                    const object = r.args((p) => kuadrantPeerAuthentication((p.manual ?? manual).peerAuthentications[i]), CUSTOM_RESOURCE_PLAIN_KEYS);
                    return new k8s.apiextensions.CustomResource(pa.resourceName, object as unknown as k8s.apiextensions.CustomResourceArgs, childOptions(this, opts, dependsOn));
                }),
        };
        const done: pulumi.Resource[] = [];
        for (const step of manual.order) {
            done.push(...register[step]([...done]));
        }
    }
}
