// MtlsPlatform with an ambient mesh: the plan (pure), the bad inputs of issue 18, and the root program
// with Pulumi.ambient.yaml under the harness. Upstream data: the Istio CRDs and Kuadrant CRD in
// tests/fixtures (objects), tests/fixtures/istio/{istiod,cni,ztunnel}.values.yaml (values keys).
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { DataPlaneMode, MtlsMode, MtlsPlatform, MtlsPlatformArgs, planMtlsPlatform } from "../../sdk";
import { assertRejected, loadProgram, readStackConfig, runProgram } from "../harness";
import { assertInvalid } from "../planErrors";
import { ISTIO_GROUPS, assertValidObjects, loadCrd, loadIstioCrds, unknownValuesKeys } from "../schema";

loadIstioCrds();
loadCrd("kuadrant/Kuadrant.crd.yaml");

const ROOT = path.join(__dirname, "..", "..");
const TYPE = "meshtls:index:MtlsPlatform";
const AMBIENT = { dataPlaneMode: DataPlaneMode.Ambient };
const GATEWAY = { name: "external", namespace: "gateway-system" };

describe("platform (ambient): plan", () => {
    it("passes the mesh's data plane to every integration and policy, and enrolls istio.enroll's namespaces", () => {
        const plan = planMtlsPlatform("p", {
            istio: { ...AMBIENT, enroll: [{ namespace: "shop", createNamespace: true }, { namespace: "web" }] },
            kuadrant: { gateways: [GATEWAY] },
            authz: { targets: [{ namespace: "gateway-system", targetRefs: [{ kind: "Gateway", name: "external" }] }] },
            policies: [{ name: "shop", args: { namespace: "shop" } }],
        });
        assert.equal(plan.istio?.plan.dataPlaneMode, DataPlaneMode.Ambient);
        assert.equal(plan.kuadrant?.plan.dataPlaneMode, DataPlaneMode.Ambient);
        assert.equal(plan.authz?.plan.dataPlaneMode, DataPlaneMode.Ambient);
        assert.equal(plan.policies[0].plan.dataPlaneMode, DataPlaneMode.Ambient);
        assert.deepEqual(
            plan.enrollments.map((e) => [e.name, e.plan.namespace, e.plan.createNamespace, e.plan.labels]),
            [
                ["p-enroll-shop", "shop", true, { "istio.io/dataplane-mode": "ambient" }],
                ["p-enroll-web", "web", false, { "istio.io/dataplane-mode": "ambient" }],
            ],
        );
        // The authorizer's namespace is enrolled by its own labels, and its pods get no sidecar labels.
        assert.deepEqual(plan.authz.plan.server?.podLabels, {});
    });

    it("a sidecar mesh enrolls with the revision's injection labels and leaves the integrations' arguments as they were", () => {
        const plan = planMtlsPlatform("p", { istio: { revision: "blue", enroll: [{ namespace: "shop" }] }, kuadrant: {} });
        assert.deepEqual(plan.enrollments.map((e) => e.plan.labels), [{ "istio.io/rev": "blue" }]);
        assert.equal(plan.kuadrant?.args.dataPlaneMode, undefined);
        assert.equal(plan.kuadrant?.args.revision, "blue");
    });

    describe("refuses, naming the argument as written and the fix, before registering anything", () => {
        const cases: Array<[string, pulumi.Unwrap<MtlsPlatformArgs>, RegExp[]]> = [
            [
                "ambient with Gloo Edge's Istio integration (on by default)",
                { istio: AMBIENT, gloo: { istioUpstreams: [{ serviceName: "api", serviceNamespace: "shop", port: 8080 }] } },
                [/^gloo\.istioIntegration: got "true \(the default with istio\)"; Gloo Edge's Istio integration is sidecar-only: .* set gloo\.istioIntegration: false \(xDS mTLS still works\) and move mesh ingress to kgateway/],
            ],
            [
                // Quirk C of sdk/posture/rules/ztunnelPeerAuthentication.ts (ambient/authorization.go L280-284).
                "a PERMISSIVE workload with a STRICT port under a STRICT mesh, no namespace policy",
                { istio: AMBIENT, policies: [{ name: "w", args: { namespace: "shop", selector: { app: "r" }, mode: MtlsMode.PERMISSIVE, portLevelMtls: [{ port: 9080, mode: MtlsMode.STRICT }] } }] },
                [/^policies\[0\]\.args\.portLevelMtls: got \["9080: STRICT"\]; in ambient, with the mesh-wide STRICT and no namespace-wide policy, rule strict-not-enforced: port 9080 would be STRICT with sidecars but ztunnel accepts plaintext there/],
            ],
            [
                "the control plane's namespace enrolled in ambient",
                { istio: { ...AMBIENT, enroll: [{ namespace: "istio-system" }] } },
                [/^istio\.enroll\[0\]\.namespace: got "istio-system"; the control plane's namespace stays out of ambient/],
            ],
            ["an invalid data plane, reported once and nothing cascading from it", { istio: { dataPlaneMode: "ambient" as unknown as DataPlaneMode }, kuadrant: { gateways: [GATEWAY] } }, [/^istio\.dataPlaneMode: got "ambient"; expected one of "Sidecar", "Ambient"$/]],
            ["ambient with DISABLE mesh-wide", { istio: { ...AMBIENT, mtlsMode: MtlsMode.DISABLE } }, [/^istio\.mtlsMode: got "DISABLE"; in ambient, rule disable-is-permissive/]],
            ["ambient with a DISABLE policy", { istio: AMBIENT, policies: [{ name: "legacy", args: { namespace: "legacy", mode: MtlsMode.DISABLE } }] }, [/^policies\[0\]\.args\.mode: got "DISABLE"; in ambient \(dataPlaneMode Ambient\), rule disable-is-permissive/]],
            [
                "ambient with a policy's DestinationRule",
                { istio: AMBIENT, policies: [{ name: "shop", args: { namespace: "shop", destinationRule: {} } }] },
                [/^policies\[0\]\.args\.destinationRule: got \{\}; in ambient \(dataPlaneMode Ambient\), ztunnel never reads DestinationRules/],
            ],
            [
                "a namespace enrolled twice (istio.enroll and Kuadrant's ambient enrollment)",
                { istio: { ...AMBIENT, enroll: [{ namespace: "kuadrant-system" }] }, kuadrant: { gateways: [GATEWAY] } },
                [/^kuadrant\.namespace \(enrolled in ambient\): got "kuadrant-system"; namespace kuadrant-system is already enrolled by istio\.enroll\[0\]\.namespace/],
            ],
            ["a namespace listed twice in istio.enroll", { istio: { enroll: [{ namespace: "shop" }, { namespace: "shop" }] } }, [/^istio\.enroll\[1\]\.namespace: got "shop"; istio\.enroll\[0\] already lists namespace shop/]],
            [
                "an enrolled namespace the authorizer creates with its own labels",
                { istio: { enroll: [{ namespace: "kyverno" }] }, authz: {} },
                [/^istio\.enroll\[0\]\.namespace: got "kyverno"; namespace kyverno is created by authz\.namespace with its own enrollment labels/],
            ],
            ["an ambient option in sidecar mode", { istio: { ambient: { ztunnelName: "zt" } } }, [/^istio\.ambient: got \{"ztunnelName":"zt"\}; ambient settings apply only with dataPlaneMode: Ambient/]],
            ["ztunnel values in sidecar mode", { istio: { values: { ztunnel: "logLevel: debug\n" } } }, [/^istio\.values\.ztunnel: got "logLevel: debug\\n"; the ztunnel chart is installed only with dataPlaneMode: Ambient/]],
            ["Kuadrant told another data plane than the mesh's", { istio: AMBIENT, kuadrant: { dataPlaneMode: DataPlaneMode.Sidecar, gateways: [GATEWAY] } }, [/^kuadrant\.dataPlaneMode: got "Sidecar"; the platform's mesh runs the Ambient data plane/]],
            ["a policy told another data plane than the mesh's", { policies: [{ name: "x", args: { namespace: "x", dataPlaneMode: DataPlaneMode.Ambient } }] }, [/^policies\[0\]\.args\.dataPlaneMode: got "Ambient"; the platform's mesh runs the Sidecar data plane/]],
            ["Kuadrant in ambient without its gateways", { istio: AMBIENT, kuadrant: {} }, [/^kuadrant\.gateways: got nothing; in ambient, list the Gateways/]],
            [
                "a selector target for the authorizer in ambient",
                { istio: AMBIENT, authz: { targets: [{ namespace: "shop", selector: { app: "api" } }] } },
                [/^authz\.targets\[0\]\.selector: got \{"app":"api"\}; in ambient ztunnel ignores CUSTOM policies \(istio\/istio 1\.30\.3 .*only an Envoy the policy selects enforces it\. If shop runs an Istio gateway this selects, list shop in gatewayNamespaces; otherwise target a waypoint Gateway \(gatewayClassName istio-waypoint\) or an ingress Gateway with targetRefs$/],
            ],
        ];
        assert.equal(cases.length, 16);

        it("a refused ambient platform registers nothing", async () => {
            await assertRejected(
                () => new MtlsPlatform("p", { istio: AMBIENT, gloo: { istioUpstreams: [{ serviceName: "api", serviceNamespace: "shop", port: 8080 }] } }),
                TYPE,
                "p",
                /gloo\.istioIntegration: got "true \(the default with istio\)"/,
            );
        });

        it("accepts what works: a sidecar namespace's DISABLE policy in an ambient mesh, a selector target on the mesh's gateway", () => {
            const plan = planMtlsPlatform("p", {
                istio: { ...AMBIENT, gateway: {} },
                authz: { targets: [{ namespace: "istio-ingress", selector: { istio: "ingressgateway" } }] },
                policies: [{ name: "legacy", args: { namespace: "legacy", mode: MtlsMode.DISABLE, dataPlaneMode: DataPlaneMode.Sidecar } }],
            });
            assert.equal(plan.policies[0].plan.dataPlaneMode, DataPlaneMode.Sidecar);
            assert.deepEqual(plan.authz?.args.gatewayNamespaces, ["istio-ingress"]);
            assert.deepEqual(plan.authz.plan.targets.map((t) => t.selector), [{ istio: "ingressgateway" }]);
        });
        for (const [what, args, expected] of cases) {
            it(what, () => {
                assertInvalid(() => planMtlsPlatform("p", args), TYPE, "p", expected);
            });
        }
    });
});

describe("platform (ambient): the root program with Pulumi.ambient.yaml", () => {
    const run = () => runProgram(() => loadProgram(path.join(ROOT, "index.ts")), { config: readStackConfig(path.join(ROOT, "Pulumi.ambient.yaml")) });

    it("installs base, istiod, cni and ztunnel in that order, enrolls the namespaces, and writes no sidecar-mode object", async () => {
        const result = await run();
        assert.equal(result.get("pulumi:providers:kubernetes", "k8s").inputs.renderYamlToDirectory, "rendered-ambient");
        const charts = result.ofType("kubernetes:helm.sh/v4:Chart");
        assert.deepEqual(charts.map((c) => c.name).sort(), ["meshtls-authz-server", "meshtls-istio-base", "meshtls-istio-cni", "meshtls-istio-istiod", "meshtls-istio-ztunnel"]);
        const [base, istiod, cni, ztunnel] = ["base", "istiod", "cni", "ztunnel"].map((c) => result.get("kubernetes:helm.sh/v4:Chart", `meshtls-istio-${c}`));
        assert.ok(istiod.dependencies.includes(base.urn) && cni.dependencies.includes(istiod.urn) && ztunnel.dependencies.includes(cni.urn));
        assert.deepEqual(unknownValuesKeys(ztunnel.inputs.values as Record<string, unknown>, "istio/ztunnel.values.yaml"), []);
        assert.equal((istiod.inputs.values as Record<string, unknown>).profile, "ambient");
        // Enrolled: bookinfo (created), Kuadrant's namespace and its gateway's (patched), the authorizer's (created with the label).
        const labelled = [...result.ofType("kubernetes:core/v1:Namespace"), ...result.ofType("kubernetes:core/v1:NamespacePatch")]
            .map((r) => r.inputs.metadata as { name: string; labels?: Record<string, string> })
            .filter((m) => m.labels?.["istio.io/dataplane-mode"] === "ambient")
            .map((m) => m.name)
            .sort();
        assert.deepEqual(labelled, ["bookinfo", "gateway-system", "kuadrant-system", "kyverno"]);
        assert.deepEqual(result.ofType("kubernetes:networking.istio.io/v1:DestinationRule"), []);
        assert.deepEqual(result.ofType("kubernetes:apps/v1:DeploymentPatch"), []);
        const noSidecarLabels = JSON.stringify(result.resources.map((r) => r.inputs));
        assert.ok(!noSidecarLabels.includes("sidecar.istio.io/inject") && !noSidecarLabels.includes("istio-injection"), "no sidecar injection label anywhere");
        assert.ok(assertValidObjects(result.k8sObjects(), [...ISTIO_GROUPS, "kuadrant.io"]) >= 5);
    });
});

describe("platform: kgateway in the mesh (issue 19)", () => {
    const KGW_BACKEND = { serviceName: "productpage", serviceNamespace: "bookinfo", port: 9080 };
    it("takes the mesh's settings: sidecar auto mTLS pinned to the mesh, or ambient with the gateway enrolled", () => {
        const sidecar = planMtlsPlatform("p", { istio: { revision: "blue", meshId: "prod", enroll: [{ namespace: "bookinfo" }] }, kgateway: { backends: [KGW_BACKEND] } });
        assert.deepEqual(sidecar.kgateway?.args.istio, { istioVersion: "1.30.3", discoveryAddress: "istiod-blue.istio-system.svc:15012", meshId: "prod" });
        assert.equal(sidecar.kgateway.plan.istio?.autoMtls, true);
        const ambient = planMtlsPlatform("p", { istio: { ...AMBIENT, enroll: [{ namespace: "bookinfo" }] }, kgateway: { backends: [KGW_BACKEND] } });
        assert.deepEqual(ambient.kgateway?.args.istio, { dataPlaneMode: DataPlaneMode.Ambient });
        assert.equal(ambient.kgateway.plan.gateway.enroll, true);
        // The posture sees the gateway's link; the backend's Service is the user's, not declared: unknown.
        assert.equal(ambient.posture["gateway kgateway-system/mesh-ingress -> bookinfo/productpage:9080"].state, "unknown");
    });

    const cases: Array<[string, pulumi.Unwrap<MtlsPlatformArgs>, RegExp]> = [
        [
            "a backend in a namespace not in the mesh",
            { istio: { enroll: [{ namespace: "shop" }] }, kgateway: { backends: [KGW_BACKEND] } },
            /^kgateway\.backends\[0\]\.serviceNamespace: got "bookinfo"; namespace bookinfo is not in the mesh \(not in istio\.enroll\)/,
        ],
        [
            "auto mTLS with an injected gateway namespace",
            { istio: { enroll: [{ namespace: "bookinfo" }, { namespace: "edge" }] }, kgateway: { gateway: { namespace: "edge", createNamespace: false }, backends: [KGW_BACKEND] } },
            /^kgateway\.gateway\.namespace: got "edge"; namespace edge is injected .*\(kgateway-dev\/kgateway#14493\)/,
        ],
        [
            "an ambient gateway namespace enrolled twice",
            { istio: { ...AMBIENT, enroll: [{ namespace: "bookinfo" }, { namespace: "edge" }] }, kgateway: { gateway: { namespace: "edge", createNamespace: false }, backends: [KGW_BACKEND] } },
            /^kgateway\.gateway\.namespace \(enrolled in ambient\): got "edge"; namespace edge is already enrolled by istio\.enroll\[1\]\.namespace/,
        ],
        [
            "an ambient gateway left unenrolled",
            { istio: { ...AMBIENT, enroll: [{ namespace: "bookinfo" }] }, kgateway: { gateway: { enroll: false }, backends: [KGW_BACKEND] } },
            /^kgateway\.gateway\.enroll: got false; kgateway's proxy never speaks HBONE itself/,
        ],
        ["a version outside 2.4.x", { istio: { enroll: [{ namespace: "bookinfo" }] }, kgateway: { version: "2.5.0", backends: [KGW_BACKEND] } }, /^kgateway\.version: got "2\.5\.0"; expected a 2\.4\.x release/],
        [
            "duplicate backends",
            { istio: { enroll: [{ namespace: "bookinfo" }] }, kgateway: { backends: [KGW_BACKEND, { ...KGW_BACKEND, name: "again" }] } },
            /^kgateway\.backends\[1\]: got "bookinfo\/productpage:9080"; backends\[0\] already routes to bookinfo\/productpage:9080/,
        ],
        [
            "backends without a mesh",
            { istio: { enabled: false }, kgateway: { backends: [KGW_BACKEND] } },
            /^kgateway\.backends: got \["bookinfo\/productpage"\]; istio\.enabled is false: no mesh carries the gateway's hop/,
        ],
        [
            "an ambient Gateway where the CNI agent never redirects",
            { istio: { ...AMBIENT, enroll: [{ namespace: "bookinfo" }], values: { cni: "excludeNamespaces: [edge]\n" } }, kgateway: { gateway: { namespace: "edge" }, backends: [KGW_BACKEND] } },
            /^kgateway\.gateway\.namespace: got "edge"; the Istio CNI agent never redirects pods in edge/,
        ],
    ];
    assert.equal(cases.length, 8);

    it("a backend in the ambient Gateway's own namespace is in the mesh (kgateway enrolls it)", () => {
        const plan = planMtlsPlatform("p", { istio: { ...AMBIENT, enroll: [{ namespace: "bookinfo" }] }, kgateway: { backends: [{ ...KGW_BACKEND, serviceNamespace: "kgateway-system" }] } });
        assert.equal(plan.kgateway?.plan.backends[0].serviceNamespace, "kgateway-system");
    });
    for (const [what, args, expected] of cases) {
        it(`refuses ${what}`, () => {
            assertInvalid(() => planMtlsPlatform("p", args), TYPE, "p", [expected]);
        });
    }
});
