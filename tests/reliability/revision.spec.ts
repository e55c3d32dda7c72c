// A revisioned mesh with every integration (issue 15, item 3): every workload meant to be in the mesh
// gets the sidecar of the mesh's revision and nothing else does, whether or not meshtls created its
// namespace; and the ext_authz link fails closed. Injection is decided by the pure model of Istio
// 1.30.3's injector webhooks (sdk/posture/rules/sidecarInjection.ts), over the namespace and pod labels
// the program registers (Namespace objects, Deployment patches, chart values rendered through models of
// the charts' pod templates, each citing its template); client TLS by the DestinationRule model
// (sdk/posture/rules/istioDestinationRuleTls.ts); the webhook port by the inbound filter-chain model.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { KuadrantMtls, KuadrantMtlsArgs, KuadrantMtlsMode, KyvernoAuthz, KyvernoAuthzArgs, KyvernoAuthzFlavor, MtlsPlatform, MtlsPlatformArgs } from "../../sdk";
import { authzServerValues, kyvernoDestinationRule, planKyvernoAuthz } from "../../sdk/authz";
import { planGlooMtls } from "../../sdk/gloo";
import { glooChartValues } from "../../sdk/gloo/manifests";
import { istioMutualDestinationRuleObject } from "../../sdk/istio";
import { planKuadrantMtls } from "../../sdk/kuadrant";
import {
    InjectionControlPlane,
    applicableDestinationRule,
    inboundFilterChain,
    isSidecarInjected,
    upstreamTls,
    DestinationRuleView,
} from "../../sdk/posture/rules";
import { liveReads, ProgramResult, RunOptions, assertRejected, runProgram } from "../harness";
import { liveFilters } from "../mocks/kuadrantOperator";
import { ISTIO_GROUPS, assertValidObjects, loadIstioCrds, schemaErrors } from "../schema";

loadIstioCrds();

const REV = "canary";
const CM_ISSUER = { name: "mesh-ca", kind: "ClusterIssuer" };
const KUADRANT_NS = "kuadrant-system";
const DEPLOYMENT_PATCH = "kubernetes:apps/v1:DeploymentPatch";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const CHART = "kubernetes:helm.sh/v4:Chart";
const DESTINATION_RULE = "kubernetes:networking.istio.io/v1:DestinationRule";
const AUTHORIZATION_POLICY = "kubernetes:security.istio.io/v1:AuthorizationPolicy";

type Labels = Record<string, string>;
type Values = Record<string, unknown>;

const LIVE = liveFilters() as Record<string, Record<string, unknown>>;
/** Serves KuadrantMtls's reads of the operator's live EnvoyFilters (Manual mode). */
const LIVE_READS: RunOptions = liveReads(LIVE);

const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((x, k) => (x && typeof x === "object" ? (x as Values)[k] : undefined), o);

/**
 * gateway-proxy's pod labels as solo-io/gloo v1.22.1 `install/helm/gloo/templates/7-gateway-proxy-deployment.yaml`
 * renders them (spec.template.metadata.labels): the fixed ones, `podTemplate.extraGatewayProxyLabels`, then
 * `sidecar.istio.io/inject: "false"` with `global.istioIntegration.disableAutoinjection`, else with
 * `enableIstioSidecarOnGateway` either `istio.io/rev: <istioSidecarRevTag>` or `sidecar.istio.io/inject: "true"`.
 */
function gatewayProxyPodLabels(values: Values): Labels {
    const extra = (get(values, "gatewayProxies", "gatewayProxy", "podTemplate", "extraGatewayProxyLabels") ?? {}) as Labels;
    const labels: Labels = { gloo: "gateway-proxy", "gateway-proxy-id": "gateway-proxy", "gateway-proxy": "live", ...extra };
    const integration = (get(values, "global", "istioIntegration") ?? {}) as { disableAutoinjection?: boolean; enableIstioSidecarOnGateway?: boolean; istioSidecarRevTag?: string };
    if (integration.disableAutoinjection) {
        labels["sidecar.istio.io/inject"] = "false";
    } else if (integration.enableIstioSidecarOnGateway) {
        if (integration.istioSidecarRevTag) {
            labels["istio.io/rev"] = integration.istioSidecarRevTag;
        } else {
            labels["sidecar.istio.io/inject"] = "true";
        }
    }
    return labels;
}

/**
 * The kyverno-authz-server 0.4.0 pods' labels (templates/authz-server/deployment.yaml and
 * templates/validation-webhook/deployment.yaml: the chart's own labels, then `<section>.pod.labels`). The
 * chart's own labels are stood in for by two of them: none of them is an injection label.
 */
function kyvernoChartPodLabels(values: Values, section: "authzServer" | "validatingWebhookConfiguration", component: string): Labels {
    return { "app.kubernetes.io/component": component, "app.kubernetes.io/name": "kyverno-authz-server", ...((get(values, section, "pod", "labels") ?? {}) as Labels) };
}

/**
 * What the Kuadrant operator (v1.5.2 internal/controller/authorino_istio_integration_reconciler.go and
 * limitador_istio_integration_reconciler.go) merges into Authorino's and Limitador's pod templates in
 * Operator mode: `sidecar.istio.io/inject` = spec.mtls on for the component (and effective policies).
 */
const operatorLabels = (mtls: boolean): Labels => ({ "sidecar.istio.io/inject": String(mtls), "kuadrant.io/managed": "true" });

/** A workload as the program leaves it on the cluster. */
interface Workload {
    name: string;
    namespace: string;
    namespaceLabels: Labels;
    podLabels: Labels;
    /** Whether the design puts it in the mesh (with the mesh's sidecar). */
    inMesh: boolean;
}

/** The installed control plane, from the istiod chart the program registers (`revision`, `revisionTags`). */
function controlPlane(result: ProgramResult<unknown>, name: string): InjectionControlPlane {
    const values = result.get(CHART, `${name}-istio-istiod`).inputs.values as { revision?: string; revisionTags?: string[] };
    return { revision: values.revision ?? "", revisionTags: values.revisionTags ?? [] };
}

/** The labels of a namespace the program creates, or `{}` for one it does not (created elsewhere, unlabelled). */
function namespaceLabels(result: ProgramResult<unknown>, namespace: string): Labels {
    const found = result.k8sObjects("Namespace").filter((n) => n.metadata.name === namespace);
    return found.length === 1 ? (found[0].metadata.labels ?? {}) : {};
}

/** Pod template labels a Deployment patch of the program sets on `deployment`. */
function patchedLabels(result: ProgramResult<unknown>, namespace: string, deployment: string): Labels {
    const patches = result.k8sObjects("Deployment").filter((d) => d.metadata.name === deployment && d.metadata.namespace === namespace);
    return Object.assign({}, ...patches.map((p) => get(p, "spec", "template", "metadata", "labels") ?? {})) as Labels;
}

/** Every workload the platform touches, with its namespace and pod labels, and whether it belongs in the mesh. */
function workloads(result: ProgramResult<unknown>, name: string, kuadrantMode: KuadrantMtlsMode): Workload[] {
    const out: Workload[] = [];
    const kuadrantNs = namespaceLabels(result, KUADRANT_NS);
    for (const deployment of ["authorino", "limitador-limitador"]) {
        const ours = patchedLabels(result, KUADRANT_NS, deployment);
        // Operator mode: the operator's label next to ours (it merges into the live template).
        const podLabels = kuadrantMode === KuadrantMtlsMode.Operator ? { ...operatorLabels(true), ...ours } : ours;
        out.push({ name: deployment, namespace: KUADRANT_NS, namespaceLabels: kuadrantNs, podLabels, inMesh: true });
    }
    // The Kuadrant operators' own pods: meshtls leaves them alone, and they stay out.
    out.push({ name: "kuadrant-operator", namespace: KUADRANT_NS, namespaceLabels: kuadrantNs, podLabels: { "control-plane": "controller-manager" }, inMesh: false });

    const gloo = result.get(RELEASE, `${name}-gloo-gloo`).inputs.values as Values;
    // gateway-proxy carries its own istio-proxy container: Istio must not inject it (sdk/gloo/manifests.ts).
    out.push({ name: "gateway-proxy", namespace: "gloo-system", namespaceLabels: namespaceLabels(result, "gloo-system"), podLabels: gatewayProxyPodLabels(gloo), inMesh: false });

    const authz = result.resources.filter((r) => r.type === RELEASE && r.name === `${name}-authz-server`);
    if (authz.length === 1) {
        const values = authz[0].inputs.values as Values;
        const ns = String(authz[0].inputs.namespace);
        out.push({ name: "kyverno-authz-server", namespace: ns, namespaceLabels: namespaceLabels(result, ns), podLabels: kyvernoChartPodLabels(values, "authzServer", "authz-server"), inMesh: true });
        out.push({
            name: "kyverno-authz-server-validation",
            namespace: ns,
            namespaceLabels: namespaceLabels(result, ns),
            podLabels: kyvernoChartPodLabels(values, "validatingWebhookConfiguration", "validation-webhook"),
            inMesh: true,
        });
    }
    // The EnvoyPlugin flavor's own Deployment (a full object, not a patch: it has a selector).
    for (const d of result.k8sObjects("Deployment").filter((o) => o.metadata.name === "ext-authz" && get(o, "spec", "selector") !== undefined)) {
        const ns = String(d.metadata.namespace);
        out.push({ name: "ext-authz", namespace: ns, namespaceLabels: namespaceLabels(result, ns), podLabels: get(d, "spec", "template", "metadata", "labels") as Labels, inMesh: true });
    }
    return out;
}

/** Asserts each workload's injection against the design, and that the injecting webhooks are the mesh revision's. */
function assertInjection(result: ProgramResult<unknown>, name: string, mode: KuadrantMtlsMode, expectedCount: number): void {
    const cp = controlPlane(result, name);
    const all = workloads(result, name, mode);
    assert.equal(all.length, expectedCount, all.map((w) => w.name).join(", "));
    assert.ok(all.some((w) => w.inMesh) && all.some((w) => !w.inMesh), "both kinds are checked");
    for (const w of all) {
        const decision = isSidecarInjected({ controlPlanes: [cp], namespace: w.namespace, namespaceLabels: w.namespaceLabels, podLabels: w.podLabels });
        assert.equal(decision.injected, w.inMesh, `${w.namespace}/${w.name}: ns ${JSON.stringify(w.namespaceLabels)} pod ${JSON.stringify(w.podLabels)} -> ${JSON.stringify(decision)}`);
        if (w.inMesh) {
            const rev = cp.revision === "" ? "default" : cp.revision;
            assert.ok(decision.matchedBy.length > 0 && decision.matchedBy.every((m) => m.endsWith(`@${rev}`)), `${w.name}: ${decision.matchedBy.join(", ")}`);
        }
    }
}

const GATEWAY = { name: "external", namespace: "gateway-system" };
const kuadrantArgs = (mode: KuadrantMtlsMode): pulumi.Unwrap<KuadrantMtlsArgs> =>
    mode === KuadrantMtlsMode.Manual ? { mode, kuadrantVersion: "1.1.4", gateways: [GATEWAY] } : { mode };

function platformArgs(revision: string | undefined, mode: KuadrantMtlsMode, authz: Partial<MtlsPlatformArgs["authz"]> = {}): MtlsPlatformArgs {
    return {
        istio: revision === undefined ? {} : { revision },
        kuadrant: kuadrantArgs(mode),
        gloo: { istioUpstreams: [{ serviceName: "storefront", serviceNamespace: "retail", port: 8443 }] },
        authz: { flavor: KyvernoAuthzFlavor.AuthzServer, namespace: "authz-system", targets: [{ namespace: "retail", selector: { app: "storefront" } }], ...authz },
    };
}

const runPlatform = (args: MtlsPlatformArgs) => runProgram(() => new MtlsPlatform("edge", args), LIVE_READS);

describe("reliability: a revisioned mesh with every integration (issue 15, item 3)", () => {
    describe("the platform: every workload in the mesh gets the revision's sidecar, nothing else does", () => {
        for (const mode of [KuadrantMtlsMode.Manual, KuadrantMtlsMode.Operator]) {
            it(`revision ${REV}, Kuadrant ${mode} mode, authorizer namespace created here`, async () => {
                const result = await runPlatform(platformArgs(REV, mode));
                assert.equal(controlPlane(result, "edge").revision, REV);
                // authorino, limitador, the Kuadrant operator, gateway-proxy, the authz server and its webhook.
                assertInjection(result, "edge", mode, 6);
            });

            it(`revision ${REV}, Kuadrant ${mode} mode, authorizer namespace created elsewhere (unlabelled)`, async () => {
                const result = await runPlatform(platformArgs(REV, mode, { createNamespace: false }));
                assert.deepEqual(result.k8sObjects("Namespace").map((n) => n.metadata.name).sort(), ["gloo-system", "istio-system"]);
                assertInjection(result, "edge", mode, 6);
            });

            it(`default revision, Kuadrant ${mode} mode: the same workloads, by the default webhooks`, async () => {
                const result = await runPlatform(platformArgs(undefined, mode, { createNamespace: false }));
                assertInjection(result, "edge", mode, 6);
            });
        }

        it("the EnvoyPlugin flavor's plugin pods too, in a namespace created elsewhere", async () => {
            const result = await runPlatform(platformArgs(REV, KuadrantMtlsMode.Manual, { flavor: KyvernoAuthzFlavor.EnvoyPlugin, createNamespace: false }));
            assert.deepEqual(result.ofType(RELEASE).map((r) => r.name), ["edge-gloo-gloo"]);
            // authorino, limitador, the Kuadrant operator, gateway-proxy, the plugin.
            assertInjection(result, "edge", KuadrantMtlsMode.Manual, 5);
        });

        it("a pre-existing namespace labelled for another revision keeps the authorizer out (documented: must not carry one)", () => {
            const values = authzServerValues(planKyvernoAuthz("a", { revision: REV, webhookCertManagerIssuer: CM_ISSUER }).server!);
            const podLabels = kyvernoChartPodLabels(values, "authzServer", "authz-server");
            const cp = { revision: REV };
            assert.equal(isSidecarInjected({ controlPlanes: [cp], namespaceLabels: {}, podLabels }).injected, true);
            assert.equal(isSidecarInjected({ controlPlanes: [cp], namespaceLabels: { "istio.io/rev": "stable" }, podLabels }).injected, false);
            assert.equal(isSidecarInjected({ controlPlanes: [cp], namespaceLabels: { "istio-injection": "enabled" }, podLabels }).injected, false);
        });
    });

    describe("Kuadrant: revision argument", () => {
        it("Manual mode: Authorino and Limitador's pod templates get sidecar.istio.io/inject and istio.io/rev", async () => {
            const result = await runProgram(() => new KuadrantMtls("kq", { ...kuadrantArgs(KuadrantMtlsMode.Manual), revision: "blue-2" }), LIVE_READS);
            const patches = result.ofType(DEPLOYMENT_PATCH);
            assert.deepEqual(patches.map((p) => p.name).sort(), ["kq-authorino-sidecar-pod-template", "kq-limitador-sidecar-pod-template"]);
            for (const deployment of ["authorino", "limitador-limitador"]) {
                const labels = patchedLabels(result, KUADRANT_NS, deployment);
                assert.deepEqual(labels, { "istio.io/rev": "blue-2", "sidecar.istio.io/inject": "true" });
                // kuadrant-system is Kuadrant's own namespace, not labelled by meshtls.
                assert.equal(isSidecarInjected({ controlPlanes: [{ revision: "blue-2" }], namespaceLabels: {}, podLabels: labels }).injected, true);
                // Without istio.io/rev (before this change) the revisioned injector ignored them.
                assert.equal(isSidecarInjected({ controlPlanes: [{ revision: "blue-2" }], namespaceLabels: {}, podLabels: { "sidecar.istio.io/inject": "true" } }).injected, false);
            }
            assert.deepEqual(result.k8sObjects("Namespace"), [], "Kuadrant's namespace is not created or labelled");
        });

        it("Manual mode, disabled with removeSidecars: inject false with the revision, so no revision injects", async () => {
            const plan = planKuadrantMtls("kq", { ...kuadrantArgs(KuadrantMtlsMode.Manual), revision: "blue-2", enabled: false, removeSidecars: true });
            assert.deepEqual([plan.manual?.inject, plan.manual?.revision], [false, "blue-2"]);
            const result = await runProgram(() => new KuadrantMtls("kq", { ...kuadrantArgs(KuadrantMtlsMode.Manual), revision: "blue-2", enabled: false, removeSidecars: true }), LIVE_READS);
            const labels = patchedLabels(result, KUADRANT_NS, "authorino");
            assert.deepEqual(labels, { "istio.io/rev": "blue-2", "sidecar.istio.io/inject": "false" });
            assert.equal(isSidecarInjected({ controlPlanes: [{ revision: "blue-2" }], namespaceLabels: { "istio.io/rev": "blue-2" }, podLabels: labels }).injected, false);
        });

        it("Operator mode with a revision: only istio.io/rev on the protected servers; the operator's label decides", async () => {
            const result = await runProgram(() => new KuadrantMtls("kq", { revision: "blue-2", limitador: false }));
            assert.deepEqual(result.ofType(DEPLOYMENT_PATCH).map((p) => p.name), ["kq-authorino-revision"]);
            const ours = patchedLabels(result, KUADRANT_NS, "authorino");
            assert.deepEqual(ours, { "istio.io/rev": "blue-2" });
            const cp = [{ revision: "blue-2" }];
            assert.equal(isSidecarInjected({ controlPlanes: cp, namespaceLabels: {}, podLabels: { ...operatorLabels(true), ...ours } }).injected, true);
            assert.equal(isSidecarInjected({ controlPlanes: cp, namespaceLabels: {}, podLabels: { ...operatorLabels(false), ...ours } }).injected, false, "mTLS off: the operator's false wins");
            assert.equal(isSidecarInjected({ controlPlanes: cp, namespaceLabels: {}, podLabels: operatorLabels(true) }).injected, false, "the operator's label alone is ignored by a revision");
        });

        it("Operator mode without a revision registers no Deployment patch (as before)", async () => {
            for (const revision of [undefined, ""]) {
                const result = await runProgram(() => new KuadrantMtls("kq", { revision }));
                assert.equal(result.k8sObjects("Kuadrant").length, 1, "the Kuadrant CR patch only");
                assert.deepEqual(result.ofType(DEPLOYMENT_PATCH), []);
            }
        });

        const bad: Array<[string, KuadrantMtlsArgs, RegExp]> = [
            ["upper case", { revision: "Blue" }, /revision: got "Blue"; expected a DNS-1123 label/],
            ["a dot", { ...kuadrantArgs(KuadrantMtlsMode.Manual), revision: "1.30" }, /revision: got "1\.30"; expected a DNS-1123 label/],
            ["too long", { revision: "r".repeat(64) }, /revision: got "r{64}"; expected a DNS-1123 label/],
        ];
        assert.equal(bad.length, 3);
        for (const [label, args, message] of bad) {
            it(`refuses a revision that is no label value (${label}), before registering anything`, async () => {
                await assertRejected(() => new KuadrantMtls("kq", args), "meshtls:index:KuadrantMtls", "kq", message);
            });
        }

        it("accepts the edges: \"\" (the default revision) and a 63-character revision", () => {
            assert.equal(planKuadrantMtls("kq", { revision: "" }).operator?.revision, "");
            assert.equal(planKuadrantMtls("kq", { revision: "r".repeat(63) }).operator?.revisionLabels.length, 2);
        });

        it("the platform passes the mesh's revision, and a kuadrant.revision of its own wins", async () => {
            const result = await runPlatform(platformArgs(REV, KuadrantMtlsMode.Manual));
            assert.equal(patchedLabels(result, KUADRANT_NS, "authorino")["istio.io/rev"], REV);
            const own = await runPlatform({ ...platformArgs(REV, KuadrantMtlsMode.Manual), kuadrant: { ...kuadrantArgs(KuadrantMtlsMode.Manual), revision: "other" } });
            assert.equal(patchedLabels(own, KUADRANT_NS, "authorino")["istio.io/rev"], "other");
        });
    });

    describe("Gloo: gateway-proxy's own istio-proxy, never an injected one", () => {
        const values = (version?: string) => glooChartValues(planGlooMtls("g", { version, istio: { istioVersion: "1.30.3", istioDiscoveryAddress: `istiod-${REV}.istio-system.svc:15012` } }));

        it("the chart labels gateway-proxy sidecar.istio.io/inject=false, so no webhook of any revision takes it, in any namespace", () => {
            const cases: Labels[] = [{ "istio-injection": "disabled" }, {}, { "istio.io/rev": REV }, { "istio-injection": "enabled" }, { "istio.io/rev": "default" }];
            const planes: InjectionControlPlane[][] = [[{ revision: REV }], [{ revision: "" }], [{ revision: REV, revisionTags: ["default"] }]];
            for (const version of [undefined, "1.16.20"]) {
                const podLabels = gatewayProxyPodLabels(values(version));
                assert.equal(podLabels["sidecar.istio.io/inject"], "false", `chart ${version ?? "default"}`);
                let checked = 0;
                for (const namespaceLabels of cases) {
                    for (const controlPlanes of planes) {
                        assert.equal(isSidecarInjected({ controlPlanes, namespaceLabels, podLabels }).injected, false, JSON.stringify({ namespaceLabels, controlPlanes }));
                        checked++;
                    }
                }
                assert.equal(checked, 15);
            }
            // Before: in a namespace labelled for the revision, gateway-proxy got a second istio-proxy.
            const before = gatewayProxyPodLabels({ global: { istioIntegration: { enabled: true } } });
            assert.equal(isSidecarInjected({ controlPlanes: [{ revision: REV }], namespaceLabels: { "istio.io/rev": REV }, podLabels: before }).injected, true);
        });

        it("the namespace Gloo creates (istio-injection: disabled) keeps every webhook of every revision away from its other pods", () => {
            const planes: InjectionControlPlane[] = [{ revision: REV }, { revision: "" }, { revision: REV, revisionTags: ["default", "prod"] }, { revision: "", enableNamespacesByDefault: true }];
            let checked = 0;
            for (const plane of planes) {
                const pods: Labels[] = [{}, { "sidecar.istio.io/inject": "true" }, { "istio.io/rev": REV }, { "istio.io/rev": "prod" }];
                for (const podLabels of pods) {
                    assert.equal(isSidecarInjected({ controlPlanes: [plane], namespace: "gloo-system", namespaceLabels: { "istio-injection": "disabled" }, podLabels }).injected, false);
                    checked++;
                }
            }
            assert.equal(checked, 16);
        });

        it("the platform points Gloo's own sidecar at the revision's istiod", async () => {
            const result = await runPlatform(platformArgs(REV, KuadrantMtlsMode.Manual));
            const gloo = result.get(RELEASE, "edge-gloo-gloo").inputs.values as Values;
            assert.equal(get(gloo, "gatewayProxies", "gatewayProxy", "istioDiscoveryAddress"), `istiod-${REV}.istio-system.svc:15012`);
            assert.equal(get(gloo, "global", "istioIntegration", "disableAutoinjection"), true);
        });
    });

    describe("kyverno-authz's validation webhook: in the mesh, its port open to the API server", () => {
        it("gets the server's pod labels, and its PERMISSIVE port passes the API server's TLS through the sidecar", async () => {
            const plan = planKyvernoAuthz("a", { revision: REV, webhookCertManagerIssuer: CM_ISSUER });
            const values = authzServerValues(plan.server!);
            assert.deepEqual(get(values, "validatingWebhookConfiguration", "pod", "labels"), { "sidecar.istio.io/inject": "true", "istio.io/rev": REV });
            // The chart's webhook Service port is named `webhook` (no protocol prefix: Istio sniffs it, `auto`);
            // KyvernoAuthz keeps 9443 PERMISSIVE. The API server sends TLS with its own ALPN, no Istio one.
            const result = await runProgram(() => new KyvernoAuthz("a", { revision: REV, webhookCertManagerIssuer: CM_ISSUER }));
            const pa = result.k8sObject("PeerAuthentication", "kyverno-authz-server-validation", "kyverno");
            assert.deepEqual(get(pa, "spec", "portLevelMtls"), { "9443": { mode: "PERMISSIVE" } });
            assert.equal(inboundFilterChain("PERMISSIVE", { kind: "tls", alpn: ["h2", "http/1.1"] }, "auto"), "tls-passthrough");
            // Without the PERMISSIVE port the sidecar would terminate it as mTLS and require a mesh client
            // certificate, which the API server does not have.
            assert.equal(inboundFilterChain("STRICT", { kind: "tls", alpn: ["h2", "http/1.1"] }, "auto"), "mtls");
        });
    });

    describe("ext_authz fails closed: an ISTIO_MUTUAL DestinationRule for the authorizer's host", () => {
        const plan = planKyvernoAuthz("a", { namespace: "authz-system", serviceName: "policy-check", webhookCertManagerIssuer: CM_ISSUER });
        const dr = kyvernoDestinationRule(plan.provider);
        const object = istioMutualDestinationRuleObject(dr.spec);
        const view: DestinationRuleView = { namespace: dr.spec.namespace, host: dr.spec.host, tlsMode: get(object, "spec", "trafficPolicy", "tls", "mode") as "ISTIO_MUTUAL" };

        it("for the provider's service FQDN, in its namespace, valid against the DestinationRule CRD", () => {
            assert.deepEqual(dr, { id: "authz-dr", spec: { name: "policy-check-mtls", namespace: "authz-system", host: "policy-check.authz-system.svc.cluster.local" } });
            assert.equal(dr.spec.host, plan.provider.extensionProvider.envoyExtAuthzGrpc?.service, "the host the mesh's extension provider calls");
            assert.deepEqual(schemaErrors(object as Parameters<typeof schemaErrors>[0]), []);
        });

        it("every client (app namespace, the root namespace's gateway) uses ISTIO_MUTUAL to it, whatever auto-mTLS decides", () => {
            const calls = [
                { clientNamespace: "retail", host: dr.spec.host, serviceNamespace: "authz-system", rootNamespace: "istio-system" },
                { clientNamespace: "istio-system", host: dr.spec.host, serviceNamespace: "authz-system", rootNamespace: "istio-system" },
            ];
            // A mesh-wide rule elsewhere for *.local without tls must not take precedence over it.
            const others: DestinationRuleView[] = [{ namespace: "istio-system", host: "*.local" }];
            let checked = 0;
            for (const call of calls) {
                const rule = applicableDestinationRule(call, [view, ...others]);
                assert.equal(rule, view, call.clientNamespace);
                for (const sidecar of [true, false]) {
                    for (const autoMtls of [true, false]) {
                        assert.deepEqual(upstreamTls(rule, sidecar, autoMtls), { mode: "ISTIO_MUTUAL", source: "DestinationRule" });
                        checked++;
                    }
                }
                // Before: to an authorizer without a sidecar, auto-mTLS sent plain text (the check went unprotected).
                assert.deepEqual(upstreamTls(applicableDestinationRule(call, others), false, true), { mode: "PLAINTEXT", source: "AutoMtls" });
            }
            assert.equal(checked, 8);
        });

        it("registered as <name>-authz-dr after the namespace, and every AuthorizationPolicy waits for it", async () => {
            for (const flavor of [KyvernoAuthzFlavor.AuthzServer, KyvernoAuthzFlavor.EnvoyPlugin]) {
                const args: pulumi.Unwrap<KyvernoAuthzArgs> = { flavor, namespace: "authz-system", targets: [{ namespace: "retail" }, { namespace: "back", selector: { app: "api" } }], ...(flavor === KyvernoAuthzFlavor.AuthzServer ? { webhookCertManagerIssuer: CM_ISSUER } : {}) };
                const result = await runProgram(() => new KyvernoAuthz("pc", args));
                const registered = result.get(DESTINATION_RULE, "pc-authz-dr");
                assert.deepEqual(registered.inputs, istioMutualDestinationRuleObject(kyvernoDestinationRule(planKyvernoAuthz("pc", args).provider).spec));
                assert.ok(result.dependsOn(registered, result.get("kubernetes:core/v1:Namespace", "pc-namespace")));
                const aps = result.ofType(AUTHORIZATION_POLICY);
                assert.equal(aps.length, 2);
                for (const ap of aps) {
                    assert.ok(result.dependsOn(ap, registered), ap.name);
                }
                assert.equal(assertValidObjects(result.k8sObjects("DestinationRule"), ISTIO_GROUPS), 1);
            }
        });
    });

    describe("transition: from the default revision to a revision", () => {
        for (const mode of [KuadrantMtlsMode.Manual, KuadrantMtlsMode.Operator]) {
            it(`Kuadrant ${mode} mode: nothing is deleted; what changes is the labels, the istiod release and Gloo's istiod address`, async () => {
                const before = await runPlatform(platformArgs(undefined, mode));
                const after = await runPlatform(platformArgs(REV, mode));
                const urns = (r: ProgramResult<unknown>) => new Set(r.resources.map((x) => x.urn));
                const [was, now] = [urns(before), urns(after)];
                assert.deepEqual([...was].filter((u) => !now.has(u)), [], "deleted");
                const added = [...now].filter((u) => !was.has(u)).map((u) => after.byUrn(u).name).sort();
                // Operator mode's revision labels are new Deployment patches; Manual mode's are the same patches, updated.
                assert.deepEqual(added, mode === KuadrantMtlsMode.Operator ? ["edge-kuadrant-authorino-revision", "edge-kuadrant-limitador-revision"] : []);
                const changed = after.resources
                    .filter((r) => was.has(r.urn) && JSON.stringify(before.byUrn(r.urn).inputs) !== JSON.stringify(r.inputs))
                    // Kubernetes objects and charts (the certificates' inputs differ between any two runs: new keys).
                    .filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:core/v1:Secret")
                    .map((r) => r.name)
                    .sort();
                const expected = [
                    "edge-authz-namespace", // istio-injection: enabled -> istio.io/rev: canary
                    "edge-authz-server", // the server's and webhook's pod labels gain istio.io/rev
                    "edge-gloo-gloo", // gatewayProxy.istioDiscoveryAddress -> istiod-canary
                    "edge-istio-base", // defaultRevision: canary (the default validator points at istiod-canary)
                    "edge-istio-istiod", // the istiod release becomes istiod-canary (Istio's own change)
                    ...(mode === KuadrantMtlsMode.Manual ? ["edge-kuadrant-authorino-sidecar-pod-template", "edge-kuadrant-limitador-sidecar-pod-template"] : []),
                ].sort();
                assert.deepEqual(changed, expected);
            });
        }
    });
});
