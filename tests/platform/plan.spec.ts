// MtlsPlatform's plan, pure: which children exist, what each gets, and which settings the platform reads
// from its children's plans instead of restating them. No mock runtime.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { GlooCertRotation, KyvernoAuthzFlavor, MtlsMode, MtlsPlatformArgs, planMtlsPlatform } from "../../sdk";
import { PeerAuthenticationObject, effectivePeerAuthentication } from "../../sdk/posture/rules";
import { assertInvalid } from "../planErrors";
import { OPERATOR_AUTHORINO, OPERATOR_LIMITADOR, postureStates } from "../posture/states";

const ISTIOD_XDS = "mesh -> istiod istio-system (xDS)";
const GLOO_XDS = "gateway-proxy gloo-system -> gloo gloo-system (xDS)";

describe("platform plan (pure)", () => {
    it("defaults: a root CA and Istio with the CA as plug-in CA; nothing else", () => {
        const plan = planMtlsPlatform("p", {});
        assert.equal(plan.ca.name, "p-ca");
        assert.equal(plan.istio?.name, "p-istio");
        assert.equal(plan.istio.usesPlatformCa, true);
        assert.deepEqual([plan.kuadrant, plan.gloo, plan.authz], [undefined, undefined, undefined]);
        assert.deepEqual(plan.policies, []);
        assert.deepEqual(plan.extensionProviders, []);
        // The mesh alone declares one link: proxies -> istiod, TLS with JWT client auth (sdk/posture/rules/istiodXds.ts).
        assert.deepEqual(postureStates(plan.posture), { [ISTIOD_XDS]: "tls" });
        assert.equal(plan.istio.args.extensionProviders, undefined);
    });

    it("reads the mesh's mode from the Istio plan", () => {
        const plan = planMtlsPlatform("p", { istio: { mtlsMode: MtlsMode.PERMISSIVE } });
        assert.equal(plan.istio?.plan.mtlsMode, MtlsMode.PERMISSIVE);
        // The mode is a policy, not a link: the links are the same.
        assert.deepEqual(postureStates(plan.posture), { [ISTIOD_XDS]: "tls" });
    });

    it("registers the authorizer's provider (resolved by the authz plan) first, and tells the authorizer about the mesh's providers", () => {
        const extra = { name: "other", envoyExtAuthzHttp: { service: "other.ns.svc.cluster.local", port: 8080 } };
        const plan = planMtlsPlatform("p", { authz: { flavor: KyvernoAuthzFlavor.EnvoyPlugin }, istio: { extraExtensionProviders: [extra] } });
        assert.equal(plan.extensionProviders.length, 2);
        assert.deepEqual(plan.extensionProviders[0], plan.authz?.plan.provider.extensionProvider);
        assert.deepEqual(plan.extensionProviders[0], { name: "kyverno-ext-authz-grpc", envoyExtAuthzGrpc: { service: "ext-authz.kyverno.svc.cluster.local", port: 9000 } });
        assert.deepEqual(plan.istio?.args.extensionProviders, plan.extensionProviders);
        assert.deepEqual(plan.authz?.args.meshExtensionProviders, plan.extensionProviders);
        // The plugin's Deployment is injected (pod label), its namespace STRICT, its host ISTIO_MUTUAL: mtls.
        // The extra provider's service is not among the objects: unknown, not assumed.
        assert.equal(plan.posture["mesh -> ext_authz kyverno-ext-authz-grpc (ext-authz.kyverno.svc.cluster.local:9000)"].state, "mtls");
        assert.equal(plan.posture["mesh -> ext_authz other (other.ns.svc.cluster.local:8080)"].state, "unknown");
        // The plugin flavor has no webhook, so no platform CA.
        assert.equal(plan.authz.usesPlatformCa, false);
    });

    it("gives the authz server's webhook the platform CA unless an issuer is given", () => {
        assert.equal(planMtlsPlatform("p", { authz: {} }).authz?.usesPlatformCa, true);
        assert.equal(planMtlsPlatform("p", { authz: { webhookCertManagerIssuer: { name: "ca", kind: "ClusterIssuer" } } }).authz?.usesPlatformCa, false);
    });

    it("the authorizer joins the mesh's revision (read from the Istio plan) unless it names its own", () => {
        assert.equal(planMtlsPlatform("p", { authz: {} }).authz?.args.revision, undefined);
        const revisioned = planMtlsPlatform("p", { istio: { revision: "canary" }, authz: {} });
        assert.equal(revisioned.authz?.args.revision, "canary");
        assert.equal(revisioned.authz.plan.revision, "canary");
        assert.equal(planMtlsPlatform("p", { istio: { revision: "canary" }, authz: { revision: "stable" } }).authz?.args.revision, "stable");
    });

    it("without Istio, the authorizer is not told about mesh providers", () => {
        const plan = planMtlsPlatform("p", { istio: { enabled: false }, authz: {} });
        assert.equal(plan.istio, undefined);
        assert.equal(plan.authz?.args.meshExtensionProviders, undefined);
    });

    it("Gloo: Pulumi rotation from the platform CA, the mesh's version, and istiod's address only when it is not the chart's default", () => {
        const upstreams = [{ serviceName: "web", serviceNamespace: "shop", port: 8080 }];
        const plain = planMtlsPlatform("p", { gloo: { istioUpstreams: upstreams } });
        assert.equal(plain.gloo?.usesPlatformCa, true);
        assert.equal(plain.gloo.plan.xds?.rotation, GlooCertRotation.Pulumi);
        assert.equal(plain.gloo.args.istio?.istioVersion, plain.istio?.plan.version);
        assert.equal(plain.gloo.args.istio?.istioDiscoveryAddress, undefined);
        // shop/web is not among the platform's objects: unknown. Gloo's xDS: the gateway-proxy presents the
        // gloo-mtls-certs certificate and gloo verifies it (sdk/posture/rules/glooXds.ts): mtls.
        assert.equal(plain.posture["gateway-proxy gloo-system -> shop/web:8080"].state, "unknown");
        assert.equal(plain.posture[GLOO_XDS].state, "mtls");

        const revisioned = planMtlsPlatform("p", { istio: { revision: "canary" }, gloo: { istioUpstreams: upstreams } });
        assert.equal(revisioned.gloo?.args.istio?.istioDiscoveryAddress, "istiod-canary.istio-system.svc:15012");
        const moved = planMtlsPlatform("p", { istio: { namespace: "mesh" }, gloo: { istioUpstreams: upstreams } });
        assert.equal(moved.gloo?.args.istio?.istioDiscoveryAddress, "istiod.mesh.svc:15012");
    });

    it("Gloo CronJob rotation takes no issuer", () => {
        const plan = planMtlsPlatform("p", { gloo: { xdsRotation: GlooCertRotation.CronJob, cronSchedule: "0 4 * * *" } });
        assert.equal(plan.gloo?.usesPlatformCa, false);
        assert.deepEqual(plan.gloo.args.xds, { rotation: GlooCertRotation.CronJob, cronSchedule: "0 4 * * *", rotationDuration: undefined });
        assert.equal(plan.posture[GLOO_XDS].state, "mtls");
    });

    it("extra policies: child names, and the posture key from the policy plan's namespace", () => {
        // Without the platform's Istio, a policy without namespace is the only one in the root namespace.
        const plan = planMtlsPlatform("p", { istio: { enabled: false }, policies: [{ name: "shop", args: { namespace: "shop" } }, { name: "mesh-wide", args: { mode: MtlsMode.PERMISSIVE } }] });
        assert.deepEqual(
            plan.policies.map((p) => [p.name, p.plan.namespace]),
            [
                ["p-policy-shop", "shop"],
                ["p-policy-mesh-wide", "istio-system"],
            ],
        );
        // Policies are not links; without the platform's Istio nothing declares a Service or a mesh.
        assert.deepEqual(plan.posture, {});
    });

    it("Kuadrant's links come from the Kuadrant plan", () => {
        const plan = planMtlsPlatform("p", { kuadrant: { limitador: false } });
        assert.equal(plan.posture[OPERATOR_AUTHORINO].state, "mtls");
        assert.equal(OPERATOR_LIMITADOR in plan.posture, false);
    });

    it("rejects platform-level conflicts with the field named", () => {
        assert.throws(() => planMtlsPlatform("p", { istio: { enabled: false }, gloo: { istioIntegration: true } }), /gloo\.istioIntegration: got true; it needs the platform's Istio/);
        assert.throws(
            () =>
                planMtlsPlatform("p", {
                    policies: [
                        { name: "a", args: {} },
                        { name: "a", args: {} },
                    ],
                }),
            /policies\[1\]\.name: got "a"; policy names must be unique in the platform/,
        );
        assert.throws(() => planMtlsPlatform("p", { gloo: { xds: false, istioIntegration: false } }), /^Error: meshtls:index:MtlsPlatform "p": invalid arguments:\n {2}- gloo: /);
    });

    it("a child's invalid argument fails while planning, named by the platform's path", () => {
        assert.throws(() => planMtlsPlatform("p", { istio: { trustDomain: "Not A Domain" } }), /meshtls:index:MtlsPlatform "p": invalid arguments:\n {2}- istio\.trustDomain/);
        assert.throws(() => planMtlsPlatform("p", { ca: { validityHours: 0 } }), /meshtls:index:MtlsPlatform "p": invalid arguments:\n {2}- ca\.validityHours/);
    });

    it("is deterministic and leaves its arguments alone", () => {
        const args = { authz: {}, gloo: { istioUpstreams: [{ serviceName: "web", serviceNamespace: "shop", port: 8080 }] }, policies: [{ name: "x", args: { namespace: "x" } }] };
        const copy = JSON.parse(JSON.stringify(args)) as typeof args;
        assert.deepEqual(JSON.stringify(planMtlsPlatform("p", args)), JSON.stringify(planMtlsPlatform("p", args)));
        assert.deepEqual(args, copy);
    });

    describe("one owner per namespace-wide PeerAuthentication (Istio honours only the oldest; issue 15 item 11)", () => {
        const T = "meshtls:index:MtlsPlatform";
        const upstreams = [{ serviceName: "web", serviceNamespace: "shop", port: 8080 }];

        it("a policies entry without namespace lands in the root namespace next to the mesh's default: refused", () => {
            assertInvalid(() => planMtlsPlatform("p", { policies: [{ name: "mesh-wide", args: { mode: MtlsMode.PERMISSIVE } }] }), T, "p", [
                /^policies\[0\]: got "istio-system\/default \(PERMISSIVE\)"; namespace istio-system already gets namespace-wide PeerAuthentication istio-system\/default \(STRICT\) from istio\.mtlsMode \(the mesh-wide policy\); Istio honours only the oldest/,
            ]);
        });

        it("two platform policies in one namespace: refused, naming both entries; a workload policy next to one is fine", () => {
            assertInvalid(
                () =>
                    planMtlsPlatform("p", {
                        policies: [
                            { name: "a", args: { namespace: "shop" } },
                            { name: "b", args: { namespace: "web" } },
                            { name: "c", args: { namespace: "shop", name: "other", mode: MtlsMode.PERMISSIVE } },
                        ],
                    }),
                T,
                "p",
                [/^policies\[2\]: got "shop\/other \(PERMISSIVE\)"; namespace shop already gets namespace-wide PeerAuthentication shop\/default \(STRICT\) from policies\[0\];/],
            );
            const ok = planMtlsPlatform("p", { policies: [{ name: "a", args: { namespace: "shop" } }, { name: "w", args: { namespace: "shop", selector: { app: "web" } } }] });
            assert.deepEqual(ok.namespacePeerAuthentications, [
                { namespace: "istio-system", name: "default", mode: MtlsMode.STRICT, source: "istio.mtlsMode (the mesh-wide policy)" },
                { namespace: "shop", name: "default", mode: MtlsMode.STRICT, source: "policies[0]" },
            ]);
        });

        it("Gloo's strict upstream namespaces against a platform policy: refused, naming both", () => {
            assertInvalid(
                () => planMtlsPlatform("p", { gloo: { istioUpstreams: upstreams, strictUpstreamNamespaces: true }, policies: [{ name: "shop", args: { namespace: "shop" } }] }),
                T,
                "p",
                [/^policies\[0\]: got "shop\/default \(STRICT\)"; namespace shop already gets namespace-wide PeerAuthentication shop\/default \(STRICT\) from gloo\.strictUpstreamNamespaces;/],
            );
            const ok = planMtlsPlatform("p", { gloo: { istioUpstreams: upstreams, strictUpstreamNamespaces: true } });
            assert.deepEqual(
                ok.namespacePeerAuthentications.map((p) => [p.namespace, p.source]),
                [
                    ["istio-system", "istio.mtlsMode (the mesh-wide policy)"],
                    ["shop", "gloo.strictUpstreamNamespaces"],
                ],
            );
        });

        it("the authorizer's application namespaces and its own namespace", () => {
            assertInvalid(
                () => planMtlsPlatform("p", { authz: { appMtls: [{ namespace: "shop" }] }, gloo: { istioUpstreams: upstreams, strictUpstreamNamespaces: true } }),
                T,
                "p",
                [/^authz\.appMtls\[0\]: got "shop\/mtls-shop \(STRICT\)"; namespace shop already gets namespace-wide PeerAuthentication shop\/default \(STRICT\) from gloo\.strictUpstreamNamespaces;/],
            );
            assertInvalid(() => planMtlsPlatform("p", { authz: {}, policies: [{ name: "k", args: { namespace: "kyverno", mode: MtlsMode.PERMISSIVE } }] }), T, "p", [
                /^policies\[0\]: got "kyverno\/default \(PERMISSIVE\)"; namespace kyverno already gets namespace-wide PeerAuthentication kyverno\/default \(STRICT\) from authz\.namespace \(the authorizer's namespace\);/,
            ]);
            const ok = planMtlsPlatform("p", { authz: { appMtls: [{ namespace: "shop" }, { namespace: "web", permissivePorts: [{ app: "a", port: 8080 }] }] } });
            assert.deepEqual(
                ok.namespacePeerAuthentications.map((p) => [p.namespace, p.name, p.source]),
                [
                    ["istio-system", "default", "istio.mtlsMode (the mesh-wide policy)"],
                    ["kyverno", "default", "authz.namespace (the authorizer's namespace)"],
                    ["shop", "mtls-shop", "authz.appMtls[0]"],
                    ["web", "mtls-web", "authz.appMtls[1]"],
                ],
            );
        });

        it("the authorizer's applications in its own namespace: one namespace-wide policy there (the apps'), entries named by index", () => {
            const plan = planMtlsPlatform("p", { authz: { flavor: KyvernoAuthzFlavor.EnvoyPlugin, namespace: "demo", appMtls: [{ namespace: "demo", permissivePorts: [{ app: "a", port: 8080 }] }, { namespace: "shop" }] } });
            assert.deepEqual(
                plan.namespacePeerAuthentications.map((p) => [p.namespace, p.name, p.source]),
                [
                    ["demo", "mtls-demo", "authz.appMtls[0]"],
                    ["istio-system", "default", "istio.mtlsMode (the mesh-wide policy)"],
                    ["shop", "mtls-shop", "authz.appMtls[1]"],
                ],
            );
        });

        it("what an accepted platform emits satisfies the model: each namespace's own policy is the effective one", () => {
            const args: pulumi.Unwrap<MtlsPlatformArgs> = {
                istio: { mtlsMode: MtlsMode.PERMISSIVE },
                gloo: { istioUpstreams: upstreams, strictUpstreamNamespaces: true },
                authz: { appMtls: [{ namespace: "web" }] },
                policies: [{ name: "legacy", args: { namespace: "legacy", mode: MtlsMode.DISABLE } }],
            };
            const plan = planMtlsPlatform("p", args);
            const root = plan.istio?.plan.namespace ?? "";
            // No creation times: the model answers "unknown" wherever two objects compete in one namespace.
            const objects: PeerAuthenticationObject[] = plan.namespacePeerAuthentications.map((p) => ({ name: p.name, namespace: p.namespace, mode: p.mode }));
            assert.equal(objects.length, 5);
            for (const pa of plan.namespacePeerAuthentications) {
                const effective = effectivePeerAuthentication(objects, pa.namespace, root, { app: "x" });
                assert.equal(effective.mode, pa.mode, `${pa.namespace} (${pa.source})`);
            }
            // Before this check, Gloo's and a policy's objects both landed in shop: the model cannot tell which one Istio keeps.
            const both: PeerAuthenticationObject[] = [
                { name: "default", namespace: "shop", mode: "STRICT" },
                { name: "default-2", namespace: "shop", mode: "PERMISSIVE" },
            ];
            assert.equal(effectivePeerAuthentication(both, "shop", root, {}).namespace, "unknown");
        });
    });
});
