// What a planned MtlsPlatform declares, without Pulumi: every Kubernetes object meshtls itself registers
// (not the objects its charts render) with the resource name it registers it under, and every chart
// install. Built from the same manifest functions the components register, so a test can hold the two
// equal; key material is a placeholder, so the result is the same on every run and holds no secret.
// Pure.
import {
    authorizationPolicyObject,
    authzNamespaceObject,
    authzServerInstall,
    envoyPluginObjects,
    kyvernoDestinationRule,
    kyvernoMtlsPolicies,
    policyCrdArgs,
    validatingPolicyObject,
} from "../authz";
import { GlooCertRotation, glooHelmInstall, glooMtlsSecret, glooNamespace, glooUpstream } from "../gloo";
import type { HelmInstall } from "../internal/chartValues";
import { cacertsSecret, DataPlaneMode, istioMeshManifests, istioMutualDestinationRuleObject, mtlsPolicyObjects, namespaceEnrollmentObject, planMtlsPolicy, planSidecarInjection, sidecarPatch } from "../istio";
import type { MtlsPolicyPlan } from "../istio";
import { kgatewayManifests } from "../kgateway";
import { kuadrantCrPatch, kuadrantEnvoyFilterPatch, kuadrantPeerAuthentication, kuadrantRevisionLabelPatch } from "../kuadrant";
import type { PlatformPostureChildren } from "./posture";

/** Stands in for every key and certificate in the plan's output (they are made at deployment). */
export const PLAN_PEM_PLACEHOLDER = "<made at deployment>";

/** One Kubernetes object meshtls registers. */
export interface PlannedObject {
    /** The Pulumi resource name (part of the URN). */
    resource: string;
    /** The object (a patch carries only the fields it sets). */
    object: Record<string, unknown>;
    /** `patch` for a server-side-apply patch of an object another controller owns, else `object`. */
    kind: "object" | "patch";
}

/** One chart install. */
export interface PlannedChart {
    /** The Pulumi resource name. */
    resource: string;
    /** The install: chart, version, repository, release name, namespace and values. */
    install: HelmInstall;
}

/** Everything a platform plan declares. */
export interface PlatformManifests {
    /** Objects in registration order. */
    objects: PlannedObject[];
    /** Chart installs in registration order. */
    charts: PlannedChart[];
    /** What the listing does not show (so a partial view is never read as complete). */
    notes: string[];
}

const PEM = PLAN_PEM_PLACEHOLDER;

function policy(plan: MtlsPolicyPlan): PlannedObject[] {
    return mtlsPolicyObjects(plan).map((o) => ({ resource: o.resourceName, object: o.object, kind: "object" }));
}

/** Every object and chart a planned platform declares (its children's plans). */
export function platformManifests(plan: PlatformPostureChildren): PlatformManifests {
    const objects: PlannedObject[] = [];
    const charts: PlannedChart[] = [];
    const notes = ["objects the charts render (istiod, the gateways, Gloo, the authorizer) are not listed: only their values"];
    const obj = (resource: string, object: Record<string, unknown>, kind: PlannedObject["kind"] = "object") => objects.push({ resource, object, kind });
    if (plan.istio) {
        const m = istioMeshManifests(plan.istio.plan);
        for (const ns of [m.namespace, m.gatewayNamespace]) {
            if (ns !== undefined) {
                obj(ns.resourceName, { apiVersion: "v1", kind: "Namespace", ...ns.args });
            }
        }
        if (plan.istio.plan.pluginCa) {
            const secret = cacertsSecret(plan.istio.plan, { certPem: PEM, privateKeyPem: PEM, trustBundlePem: PEM, caChainPem: PEM });
            obj(secret.resourceName, { apiVersion: "v1", kind: "Secret", ...secret.args });
        }
        // In registration order: with sidecars the CNI agent precedes istiod, in ambient it follows it.
        for (const c of m.ztunnel ? [m.base, m.istiod, m.cni, m.ztunnel, m.gateway] : [m.base, m.cni, m.istiod, m.gateway]) {
            if (c !== undefined) {
                charts.push({ resource: c.resourceName, install: c.install });
            }
        }
        objects.push(...policy(planMtlsPolicy(m.meshPolicy.resourceName, m.meshPolicy.args)));
    }
    const k = plan.kuadrant?.plan;
    if (k?.operator) {
        obj(k.operator.resourceName, kuadrantCrPatch(k, k.operator), "patch");
        for (const label of k.operator.revisionLabels) {
            obj(label.resourceName, { apiVersion: "apps/v1", kind: "Deployment", ...kuadrantRevisionLabelPatch(k, k.operator, label) }, "patch");
        }
    }
    if (k?.ambient) {
        for (const e of k.ambient.enrollments) {
            const o = namespaceEnrollmentObject(e);
            obj(o.resourceName, { apiVersion: "v1", kind: "Namespace", ...o.args }, o.kind === "NamespacePatch" ? "patch" : "object");
        }
        for (const pa of k.ambient.peerAuthentications) {
            obj(pa.resourceName, kuadrantPeerAuthentication(pa));
        }
    }
    if (k?.manual) {
        const m = k.manual;
        for (const s of m.servers) {
            const p = sidecarPatch(planSidecarInjection(s.sidecarResourceName, { namespace: k.namespace, deployment: s.deployment, inject: m.inject, revision: m.revision || undefined }));
            obj(p.resourceName, { apiVersion: "apps/v1", kind: "Deployment", ...p.args }, "patch");
        }
        for (const f of m.envoyFilters) {
            obj(f.resourceName, kuadrantEnvoyFilterPatch(f, `<the live ${f.namespace}/${f.name} spec, with the TLS transport socket ${k.enabled ? "added to" : "removed from"} cluster ${f.cluster}>`), "patch");
        }
        for (const pa of m.peerAuthentications) {
            obj(pa.resourceName, kuadrantPeerAuthentication(pa));
        }
        if (m.envoyFilters.length > 0) {
            notes.push("Kuadrant Manual mode patches the EnvoyFilters the operator wrote: their spec is read from the cluster at deployment");
        }
    }
    const g = plan.gloo;
    if (g) {
        if (g.plan.createNamespace) {
            obj(`${g.name}-namespace`, { apiVersion: "v1", kind: "Namespace", ...glooNamespace(g.plan) });
        }
        const xds = g.plan.xds;
        if (xds?.rotation === GlooCertRotation.Pulumi) {
            const s = glooMtlsSecret(g.plan, xds, { trustBundlePem: PEM, chainPem: PEM, privateKeyPem: PEM });
            obj(`${g.name}-mtls-certs`, { apiVersion: "v1", kind: "Secret", ...s });
        }
        if (g.plan.install) {
            charts.push({ resource: `${g.name}-gloo`, install: glooHelmInstall(g.plan) });
        }
        for (const u of g.plan.istio?.upstreams ?? []) {
            obj(`${g.name}-upstream-${u.name}`, glooUpstream(g.plan, u) as unknown as Record<string, unknown>);
        }
        for (const ns of g.plan.istio?.strictNamespaces ?? []) {
            const name = `${g.name}-${ns}-strict`;
            objects.push(...policy(planMtlsPolicy(name, { namespace: ns })));
        }
    }
    const kg = plan.kgateway?.plan;
    if (kg) {
        const m = kgatewayManifests(kg);
        for (const ns of [m.namespace, m.gatewayNamespace]) {
            if (ns) {
                obj(ns.resourceName, ns.object);
            }
        }
        if (m.gatewayEnrollment) {
            const o = namespaceEnrollmentObject(m.gatewayEnrollment);
            obj(o.resourceName, { apiVersion: "v1", kind: "Namespace", ...o.args }, "patch");
        }
        if (m.gatewayApiCrds) {
            notes.push(`the Gateway API CRDs are applied from ${m.gatewayApiCrds.files.join(", ")}`);
        }
        charts.push({ resource: m.crds.resourceName, install: m.crds.install }, { resource: m.kgateway.resourceName, install: m.kgateway.install });
        for (const o of [m.parameters, m.gateway, ...m.referenceGrants, ...m.routes]) {
            if (o) {
                obj(o.resourceName, o.object);
            }
        }
        if (m.gatewayPolicy) {
            objects.push(...policy(planMtlsPolicy(m.gatewayPolicy.resourceName, m.gatewayPolicy.args)));
        }
    }
    const a = plan.authz;
    if (a) {
        const p = a.plan;
        if (p.createNamespace) {
            obj(`${a.name}-namespace`, authzNamespaceObject(p.provider, p.revision, p.dataPlaneMode));
        }
        if (p.server) {
            const crd = policyCrdArgs(p.server);
            if (crd) {
                notes.push(`the authorizer's policy CRD is applied from ${crd.files.join(", ")}`);
            }
            const pems = p.server.webhook.certificate ? { crt: PEM, key: PEM } : undefined;
            charts.push({ resource: `${a.name}-server`, install: authzServerInstall(p.server, pems) });
            for (const pol of p.policies) {
                obj(`${a.name}-policy-${pol.name}`, validatingPolicyObject(pol));
            }
        }
        if (p.plugin) {
            const o = envoyPluginObjects(p.plugin, p.policies);
            obj(`${a.name}-policies`, o.configMap);
            obj(`${a.name}-deployment`, o.deployment);
            obj(`${a.name}-service`, o.service);
        }
        for (const mp of kyvernoMtlsPolicies(p.provider, p.server, p.appMtls, p.dataPlaneMode)) {
            const name = `${a.name}-${mp.id}`;
            objects.push(...policy(planMtlsPolicy(name, mp.args)));
        }
        if (p.dataPlaneMode !== DataPlaneMode.Ambient) {
            const dr = kyvernoDestinationRule(p.provider);
            obj(`${a.name}-${dr.id}`, istioMutualDestinationRuleObject(dr.spec));
        }
        for (const t of p.targets) {
            obj(`${a.name}-authz-${t.namespace}-${t.name}`, authorizationPolicyObject(t, p.provider.providerName));
        }
    }
    for (const e of plan.enrollments) {
        const o = namespaceEnrollmentObject(e.plan);
        obj(o.resourceName, { apiVersion: "v1", kind: "Namespace", ...o.args }, o.kind === "NamespacePatch" ? "patch" : "object");
    }
    for (const pol of plan.policies) {
        objects.push(...policy(pol.plan));
    }
    return { objects, charts, notes };
}
