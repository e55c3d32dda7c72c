// MtlsPlatform's plan, pure: which children exist, what each gets, and which settings the platform reads
// from its children's plans instead of restating them. No mock runtime.
import { strict as assert } from "node:assert";
import { GlooCertRotation, KyvernoAuthzFlavor, MtlsMode, planMtlsPlatform } from "../../sdk";

describe("platform plan (pure)", () => {
    it("defaults: a root CA and Istio with the CA as plug-in CA; nothing else", () => {
        const plan = planMtlsPlatform("p", {});
        assert.equal(plan.ca.name, "p-ca");
        assert.equal(plan.istio?.name, "p-istio");
        assert.equal(plan.istio.usesPlatformCa, true);
        assert.deepEqual([plan.kuadrant, plan.gloo, plan.authz], [undefined, undefined, undefined]);
        assert.deepEqual(plan.policies, []);
        assert.deepEqual(plan.extensionProviders, []);
        assert.deepEqual(plan.posture, { mesh: "STRICT" });
        assert.equal(plan.istio.args.extensionProviders, undefined);
    });

    it("reads the mesh's mode from the Istio plan", () => {
        const plan = planMtlsPlatform("p", { istio: { mtlsMode: MtlsMode.PERMISSIVE } });
        assert.equal(plan.istio?.plan.mtlsMode, MtlsMode.PERMISSIVE);
        assert.deepEqual(plan.posture, { mesh: "PERMISSIVE" });
    });

    it("registers the authorizer's provider (resolved by the authz plan) first, and tells the authorizer about the mesh's providers", () => {
        const extra = { name: "other", envoyExtAuthzHttp: { service: "other.ns.svc.cluster.local", port: 8080 } };
        const plan = planMtlsPlatform("p", { authz: { flavor: KyvernoAuthzFlavor.EnvoyPlugin }, istio: { extraExtensionProviders: [extra] } });
        assert.equal(plan.extensionProviders.length, 2);
        assert.deepEqual(plan.extensionProviders[0], plan.authz?.plan.provider.extensionProvider);
        assert.deepEqual(plan.extensionProviders[0], { name: "kyverno-ext-authz-grpc", envoyExtAuthzGrpc: { service: "ext-authz.kyverno.svc.cluster.local", port: 9000 } });
        assert.deepEqual(plan.istio?.args.extensionProviders, plan.extensionProviders);
        assert.deepEqual(plan.authz?.args.meshExtensionProviders, plan.extensionProviders);
        assert.equal(plan.posture["mesh->kyverno-ext-authz-grpc"], "STRICT");
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
        assert.equal(plain.posture["gateway-proxy->shop/web:8080"], "ISTIO_MUTUAL");
        assert.equal(plain.posture["gloo<->proxies (xDS)"], "mTLS (Pulumi rotation)");

        const revisioned = planMtlsPlatform("p", { istio: { revision: "canary" }, gloo: { istioUpstreams: upstreams } });
        assert.equal(revisioned.gloo?.args.istio?.istioDiscoveryAddress, "istiod-canary.istio-system.svc:15012");
        const moved = planMtlsPlatform("p", { istio: { namespace: "mesh" }, gloo: { istioUpstreams: upstreams } });
        assert.equal(moved.gloo?.args.istio?.istioDiscoveryAddress, "istiod.mesh.svc:15012");
    });

    it("Gloo CronJob rotation takes no issuer", () => {
        const plan = planMtlsPlatform("p", { gloo: { xdsRotation: GlooCertRotation.CronJob, cronSchedule: "0 4 * * *" } });
        assert.equal(plan.gloo?.usesPlatformCa, false);
        assert.deepEqual(plan.gloo.args.xds, { rotation: GlooCertRotation.CronJob, cronSchedule: "0 4 * * *", rotationDuration: undefined });
        assert.equal(plan.posture["gloo<->proxies (xDS)"], "mTLS (CronJob rotation)");
    });

    it("extra policies: child names, and the posture key from the policy plan's namespace", () => {
        const plan = planMtlsPlatform("p", { policies: [{ name: "shop", args: { namespace: "shop" } }, { name: "mesh-wide", args: { mode: MtlsMode.PERMISSIVE } }] });
        assert.deepEqual(
            plan.policies.map((p) => [p.name, p.plan.namespace]),
            [
                ["p-policy-shop", "shop"],
                ["p-policy-mesh-wide", "istio-system"],
            ],
        );
        assert.deepEqual(plan.posture, { mesh: "STRICT", "policy istio-system/mesh-wide": "PERMISSIVE", "policy shop/shop": "STRICT" });
    });

    it("Kuadrant's links come from the Kuadrant plan", () => {
        const plan = planMtlsPlatform("p", { kuadrant: { limitador: false } });
        assert.deepEqual(plan.kuadrant?.plan.posture, { "gateway->authorino": "STRICT" });
        assert.equal(plan.posture["gateway->authorino"], "STRICT");
        assert.equal("gateway->limitador" in plan.posture, false);
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

    it("a child's invalid argument fails while planning, before anything could be registered", () => {
        assert.throws(() => planMtlsPlatform("p", { istio: { trustDomain: "Not A Domain" } }), /meshtls:index:IstioMesh "p-istio": invalid arguments:\n {2}- trustDomain/);
        assert.throws(() => planMtlsPlatform("p", { ca: { validityHours: 0 } }), /meshtls:index:CertificateAuthority "p-ca": invalid arguments/);
    });

    it("is deterministic and leaves its arguments alone", () => {
        const args = { authz: {}, gloo: { istioUpstreams: [{ serviceName: "web", serviceNamespace: "shop", port: 8080 }] }, policies: [{ name: "x", args: { namespace: "x" } }] };
        const copy = JSON.parse(JSON.stringify(args)) as typeof args;
        assert.deepEqual(JSON.stringify(planMtlsPlatform("p", args)), JSON.stringify(planMtlsPlatform("p", args)));
        assert.deepEqual(args, copy);
    });
});
