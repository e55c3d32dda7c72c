// KyvernoAuthz's part of the posture engine's input: its namespace and policies, the ISTIO_MUTUAL
// DestinationRule for its host, the server's pods (the chart's, described from its values; or the
// EnvoyPlugin's Deployment and Service), and the API server -> validation webhook link. Pure.
//
// The chart's pods (kyverno/kyverno-authz v0.4.0 charts/kyverno-authz-server/templates/authz-server/
// {deployment,service}.yaml and validation-webhook/{deployment,service}.yaml, charts/kyverno-lib/
// templates/_labels.tpl): labels `app.kubernetes.io/instance: <release>` and `app.kubernetes.io/component:
// authz-server | validation-webhook` (both in the Service selector) plus `pod.labels`; the server's
// Service port `grpc` -> container port `authz` (9081), the webhook's `webhook` 9443 -> `webhook` (9443).
import { DataPlaneMode, istioMutualDestinationRuleObject, mtlsPolicyObjects, planMtlsPolicy } from "../istio";
import type { DeclaredLink, KubeObject, LinkPosture, PostureInput, WorkloadFact } from "../posture";
import { DEFAULT_MESH_FACTS, ownPosture } from "../posture";
import { envoyPluginObjects } from "./envoyPlugin";
import { authorizationPolicyObject, authzNamespaceObject, kyvernoDestinationRule, kyvernoMtlsPolicies } from "./meshPolicies";
import { KyvernoAuthzPlan } from "./plan";

/** The chart's container port for the authorization server (values.yaml `authzServer.container.ports`, name `authz`). */
const AUTHZ_SERVER_CONTAINER_PORT = 9081;

/** The posture input KyvernoAuthz declares; `name` is the component's resource name. */
export function kyvernoPostureInput(name: string, plan: KyvernoAuthzPlan): Required<Pick<PostureInput, "objects" | "workloads" | "declaredLinks">> {
    const objects: KubeObject[] = [];
    const workloads: WorkloadFact[] = [];
    const declaredLinks: DeclaredLink[] = [];
    if (plan.createNamespace) {
        objects.push(authzNamespaceObject(plan.provider, plan.revision, plan.dataPlaneMode));
    }
    for (const p of kyvernoMtlsPolicies(plan.provider, plan.server, plan.appMtls, plan.dataPlaneMode)) {
        objects.push(...mtlsPolicyObjects(planMtlsPolicy(`${name}-${p.id}`, p.args)).map((o) => o.object as unknown as KubeObject));
    }
    if (plan.dataPlaneMode !== DataPlaneMode.Ambient) {
        objects.push(istioMutualDestinationRuleObject(kyvernoDestinationRule(plan.provider).spec) as unknown as KubeObject);
    }
    // In ambient the CUSTOM policies decide which proxies call the authorizer (ztunnel ignores them; a
    // waypoint or gateway they target enforces them). With sidecars the engine does not read them.
    if (plan.dataPlaneMode === DataPlaneMode.Ambient) {
        objects.push(...plan.targets.map((t) => authorizationPolicyObject(t, plan.provider.providerName)));
    }
    const server = plan.server;
    if (server !== undefined) {
        const release = server.releaseName;
        const source = `chart ${server.chart} ${server.version} (release ${release})`;
        workloads.push({
            name: "authz-server",
            namespace: server.namespace,
            labels: { "app.kubernetes.io/instance": release, "app.kubernetes.io/component": "authz-server", ...server.podLabels },
            serviceName: plan.provider.serviceName,
            ports: [{ port: plan.provider.port, targetPort: AUTHZ_SERVER_CONTAINER_PORT, name: "grpc" }],
            source,
        });
        workloads.push({
            name: "validation-webhook",
            namespace: server.namespace,
            labels: { "app.kubernetes.io/instance": release, ...server.webhook.selector, ...server.podLabels },
            serviceName: server.webhook.name,
            ports: [{ port: server.webhook.port, name: "webhook" }],
            source,
        });
        declaredLinks.push({
            kind: "webhook",
            name: server.webhook.name,
            service: `${server.namespace}/${server.webhook.name}:${server.webhook.port}`,
            // The static certificate is written as both the served chain and the caBundle (sdk/posture/rules/
            // webhookTrust.ts); cert-manager's cainjector fills the caBundle from the issuing CA.
            caBundleFromIssuer: server.webhook.certificate !== undefined || server.webhook.certManagerIssuer !== undefined,
            source: `${source} validatingWebhookConfiguration.certificates`,
        });
    }
    if (plan.plugin !== undefined) {
        const o = envoyPluginObjects(plan.plugin, plan.policies);
        objects.push(o.deployment, o.service);
    }
    return { objects, workloads, declaredLinks };
}

/**
 * KyvernoAuthz's `posture` output: the mesh -> ext_authz link to its provider and the API server ->
 * webhook link, over what it declares, in a mesh of its revision with the chart's default facts
 * (MtlsPlatform's posture sees the mesh's own).
 */
export function kyvernoPosture(name: string, plan: KyvernoAuthzPlan): Record<string, LinkPosture> {
    const provider = { name: plan.provider.providerName, service: plan.provider.service, port: plan.provider.port };
    return ownPosture({ ...kyvernoPostureInput(name, plan), mesh: { ...DEFAULT_MESH_FACTS, revision: plan.revision, extensionProviders: [provider] } }, ["ext-authz", "webhook"]);
}
