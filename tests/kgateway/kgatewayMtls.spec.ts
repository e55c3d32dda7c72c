// KgatewayMtls: the plan and manifests (pure), every object against the upstream CRDs and the chart values
// against the upstream values file, the bad inputs of issue 19, and the registration order. Upstream data:
// tests/fixtures/gateway-api/{Gateway,HTTPRoute,ReferenceGrant}.crd.yaml (v1.6.1),
// tests/fixtures/kgateway/GatewayParameters.crd.yaml and kgateway.values.yaml (v2.4.3),
// tests/fixtures/istio/PeerAuthentication.crd.yaml (1.30.3).
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { DataPlaneMode, HelmMode, KgatewayMtls, KgatewayMtlsArgs, kgatewayManifests, planKgatewayMtls } from "../../sdk";
import { K8sObject, assertRejected, runProgram } from "../harness";
import { assertInvalid } from "../planErrors";
import { assertValidObjects, loadCrd, loadIstioCrds, unknownValuesKeys } from "../schema";

loadIstioCrds();
for (const crd of ["gateway-api/Gateway.crd.yaml", "gateway-api/HTTPRoute.crd.yaml", "gateway-api/ReferenceGrant.crd.yaml", "kgateway/GatewayParameters.crd.yaml"]) {
    loadCrd(crd);
}

const TYPE = "meshtls:index:KgatewayMtls";
const BACKEND = { serviceName: "productpage", serviceNamespace: "bookinfo", port: 9080 };
const SIDECAR: pulumi.Unwrap<KgatewayMtlsArgs> = { istio: { istioVersion: "1.30.3", discoveryAddress: "istiod-blue.istio-system.svc:15012", meshId: "prod" }, backends: [BACKEND] };
const AMBIENT: pulumi.Unwrap<KgatewayMtlsArgs> = { istio: { dataPlaneMode: DataPlaneMode.Ambient }, backends: [BACKEND] };
const objectsOf = (args: pulumi.Unwrap<KgatewayMtlsArgs>): K8sObject[] => {
    const m = kgatewayManifests(planKgatewayMtls("kgw", args));
    return [m.namespace, m.gatewayNamespace, m.parameters, m.gateway, ...m.routes, ...m.referenceGrants].flatMap((o) => (o ? [o.object as unknown as K8sObject] : []));
};

describe("kgateway (pure): KgatewayMtls plan and manifests", () => {
    it("sidecar: both OCI charts, auto mTLS in the controller, the class's GatewayParameters pinned to the mesh", () => {
        const m = kgatewayManifests(planKgatewayMtls("kgw", SIDECAR));
        assert.deepEqual([m.crds.install.chart, m.crds.install.repo, m.crds.install.version, m.crds.install.retainCrds], ["oci://cr.kgateway.dev/kgateway-dev/charts/kgateway-crds", undefined, "v2.4.3", true]);
        assert.deepEqual([m.kgateway.install.chart, m.kgateway.install.releaseName, m.kgateway.install.namespace], ["oci://cr.kgateway.dev/kgateway-dev/charts/kgateway", "kgateway", "kgateway-system"]);
        assert.deepEqual(m.kgateway.install.values, {
            controller: { extraEnv: { KGW_ENABLE_ISTIO_AUTO_MTLS: "true" } },
            gatewayClassParametersRefs: { kgateway: { name: "kgw-mesh", namespace: "kgateway-system" } },
        });
        assert.deepEqual(m.parameters?.object.spec, {
            kube: { istio: { istioProxyContainer: { image: { registry: "docker.io/istio", repository: "proxyv2", tag: "1.30.3" }, istioDiscoveryAddress: "istiod-blue.istio-system.svc:15012", istioMetaMeshId: "prod", istioMetaClusterId: "Kubernetes" } } },
        });
        assert.deepEqual(m.gatewayApiCrds, { resourceName: "kgw-gateway-api-crds", files: ["https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml"] });
        // The Gateway's namespace (here the controller's) carries no injection label (kgateway#14493).
        assert.deepEqual(m.namespace?.object.metadata, { name: "kgateway-system" });
        assert.equal(m.gatewayEnrollment, undefined);
        assert.equal(m.gatewayPolicy, undefined);
    });

    it("one HTTPRoute per backend in the Gateway's namespace, a ReferenceGrant naming each Service of another namespace", () => {
        const m = kgatewayManifests(planKgatewayMtls("kgw", { ...SIDECAR, backends: [BACKEND, { serviceName: "reviews", serviceNamespace: "bookinfo", port: 9080, pathPrefix: "/reviews", hostnames: ["shop.example.com"] }, { serviceName: "local", serviceNamespace: "kgateway-system", port: 8080, pathPrefix: "/local" }] }));
        assert.deepEqual(m.routes.map((r) => r.resourceName), ["kgw-route-bookinfo-productpage-9080", "kgw-route-bookinfo-reviews-9080", "kgw-route-kgateway-system-local-8080"]);
        assert.deepEqual(m.routes[1].object.spec, {
            parentRefs: [{ name: "mesh-ingress", namespace: "kgateway-system" }],
            hostnames: ["shop.example.com"],
            rules: [{ matches: [{ path: { type: "PathPrefix", value: "/reviews" } }], backendRefs: [{ name: "reviews", namespace: "bookinfo", port: 9080 }] }],
        });
        assert.equal(m.referenceGrants.length, 1, "none for the Gateway's own namespace");
        assert.deepEqual(m.referenceGrants[0].object, {
            apiVersion: "gateway.networking.k8s.io/v1beta1",
            kind: "ReferenceGrant",
            metadata: { name: "kgw-routes", namespace: "bookinfo" },
            spec: { from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "kgateway-system" }], to: [{ group: "", kind: "Service", name: "productpage" }, { group: "", kind: "Service", name: "reviews" }] },
        });
    });

    it("ambient: the Istio integration, the Gateway's namespace enrolled and its pods PERMISSIVE, no GatewayParameters", () => {
        const m = kgatewayManifests(planKgatewayMtls("kgw", { ...AMBIENT, gateway: { namespace: "edge" } }));
        assert.deepEqual(m.kgateway.install.values, { controller: { extraEnv: { KGW_ENABLE_ISTIO_INTEGRATION: "true" } } });
        assert.equal(m.parameters, undefined);
        assert.deepEqual(m.gatewayNamespace?.object.metadata, { name: "edge", labels: { "istio.io/dataplane-mode": "ambient" } });
        assert.deepEqual(m.namespace?.object.metadata, { name: "kgateway-system" });
        assert.deepEqual(m.gatewayPolicy?.args, { namespace: "edge", name: "mesh-ingress-ingress", selector: { "gateway.networking.k8s.io/gateway-name": "mesh-ingress" }, mode: "PERMISSIVE", dataPlaneMode: DataPlaneMode.Ambient });
        // An existing Gateway namespace is enrolled by a patch.
        const patched = kgatewayManifests(planKgatewayMtls("kgw", { ...AMBIENT, gateway: { namespace: "edge", createNamespace: false } }));
        assert.deepEqual([patched.gatewayNamespace, patched.gatewayEnrollment?.namespace, patched.gatewayEnrollment?.labels], [undefined, "edge", { "istio.io/dataplane-mode": "ambient" }]);
    });

    it("the settings take effect: istio.clusterId, the controller's namespace, createNamespace false, gateway.port, values merged last", () => {
        const m = kgatewayManifests(
            planKgatewayMtls("kgw", {
                ...SIDECAR,
                istio: { ...SIDECAR.istio, clusterId: "east" },
                namespace: "gw-system",
                createNamespace: false,
                gateway: { port: 8080 },
                values: "controller:\n  replicaCount: 2\n  extraEnv:\n    KGW_LOG_LEVEL: debug\n",
            }),
        );
        assert.deepEqual(m.parameters?.object.spec, {
            kube: { istio: { istioProxyContainer: { image: { registry: "docker.io/istio", repository: "proxyv2", tag: "1.30.3" }, istioDiscoveryAddress: "istiod-blue.istio-system.svc:15012", istioMetaMeshId: "prod", istioMetaClusterId: "east" } } },
        });
        assert.deepEqual([m.crds.install.namespace, m.kgateway.install.namespace, m.parameters.object.metadata.namespace, m.gateway?.object.metadata.namespace], ["gw-system", "gw-system", "gw-system", "gw-system"]);
        assert.equal(m.namespace, undefined, "createNamespace false: no Namespace object");
        assert.equal(m.gatewayNamespace, undefined, "the Gateway is in the controller's namespace");
        assert.deepEqual(m.gateway?.object.spec?.listeners, [{ name: "http", protocol: "HTTP", port: 8080, allowedRoutes: { namespaces: { from: "Same" } } }]);
        assert.deepEqual(m.kgateway.install.values, {
            controller: { replicaCount: 2, extraEnv: { KGW_ENABLE_ISTIO_AUTO_MTLS: "true", KGW_LOG_LEVEL: "debug" } },
            gatewayClassParametersRefs: { kgateway: { name: "kgw-mesh", namespace: "gw-system" } },
        });
    });

    it("every object validates against the Gateway API, kgateway and Istio CRDs; every values key is in the chart's values file", () => {
        const objects = [...objectsOf(SIDECAR), ...objectsOf({ ...AMBIENT, gateway: { namespace: "edge" }, backends: [{ ...BACKEND, hostnames: ["a.example.com"] }] })];
        assert.equal(assertValidObjects(objects, ["gateway.networking.k8s.io", "gateway.kgateway.dev"]), 7);
        const m = kgatewayManifests(planKgatewayMtls("kgw", SIDECAR));
        // extraEnv and gatewayClassParametersRefs are free maps in the values file (values.yaml:189, :279).
        assert.deepEqual(unknownValuesKeys(m.kgateway.install.values, "kgateway/kgateway.values.yaml", ["controller.extraEnv", "gatewayClassParametersRefs"]), []);
        assert.deepEqual(unknownValuesKeys({ controller: { extraEnvs: {} } }, "kgateway/kgateway.values.yaml"), ["controller.extraEnvs"]);
        assert.deepEqual(objectsOf({}).map((o) => o.kind), ["Namespace", "Gateway"], "without a mesh: kgateway alone");
    });

    describe("refuses, naming the argument, the value and the fix", () => {
        const cases: Array<[string, pulumi.Unwrap<KgatewayMtlsArgs>, RegExp]> = [
            ["a version outside 2.4.x", { ...SIDECAR, version: "2.5.0" }, /^version: got "2\.5\.0"; expected a 2\.4\.x release such as v2\.4\.3/],
            ["an older line", { ...SIDECAR, version: "v2.3.7" }, /^version: got "v2\.3\.7"; expected a 2\.4\.x release/],
            ["an ambient gateway left unenrolled", { ...AMBIENT, gateway: { enroll: false } }, /^gateway\.enroll: got false; kgateway's proxy never speaks HBONE itself .* unenrolled the gateway-to-app hop is plain text/],
            ["enroll with sidecars", { ...SIDECAR, gateway: { enroll: true } }, /^gateway\.enroll: got true; it only applies with istio\.dataPlaneMode: Ambient \(with sidecars the Gateway's namespace must not be injected: kgateway-dev\/kgateway#14493\)/],
            ["sidecar without the mesh's Istio version", { istio: {}, backends: [BACKEND] }, /^istio\.istioVersion: got nothing; the mesh's Istio version is required with sidecars/],
            ["istio-proxy settings in ambient", { istio: { dataPlaneMode: DataPlaneMode.Ambient, istioVersion: "1.30.3" } }, /^istio\.istioVersion: got "1\.30\.3"; it configures the gateway's istio-proxy container, which only the sidecar mesh's auto mTLS adds/],
            ["a bad discovery address", { istio: { istioVersion: "1.30.3", discoveryAddress: "istiod" } }, /^istio\.discoveryAddress: got "istiod"; expected host:port with a lower-case DNS host and a port from 1 to 65535, e\.g\. istiod\.istio-system\.svc:15012 \(kgateway writes it unquoted/],
            ["a backend listed twice", { ...SIDECAR, backends: [BACKEND, { ...BACKEND, name: "again" }] }, /^backends\[1\]: got "bookinfo\/productpage:9080"; backends\[0\] already routes to bookinfo\/productpage:9080/],
            ["two routes with one name", { ...SIDECAR, backends: [{ ...BACKEND, name: "r" }, { serviceName: "reviews", serviceNamespace: "bookinfo", port: 9080, name: "r", pathPrefix: "/reviews" }] }, /^backends\[1\]\.name: got "r"; backends\[0\] already has the HTTPRoute name r/],
            ["a Service name that is not a DNS-1035 label", { ...SIDECAR, backends: [{ ...BACKEND, serviceName: "9page" }] }, /^backends\[0\]\.serviceName: got "9page"; expected a Service name/],
            ["a path prefix without a slash", { ...SIDECAR, backends: [{ ...BACKEND, pathPrefix: "reviews" }] }, /^backends\[0\]\.pathPrefix: got "reviews"; it must be an absolute path starting with '\/'/],
            ["a host name with a port", { ...SIDECAR, backends: [{ ...BACKEND, hostnames: ["shop.example.com:80"] }] }, /^backends\[0\]\.hostnames\[0\]: got "shop\.example\.com:80"; expected a host name/],
            ["the controller's mesh switch set through values", { ...SIDECAR, values: "controller:\n  extraEnv:\n    KGW_ENABLE_ISTIO_AUTO_MTLS: \"false\"\n" }, /^values: got "controller\.extraEnv\.KGW_ENABLE_ISTIO_AUTO_MTLS: \\"false\\""; meshtls sets controller\.extraEnv\.KGW_ENABLE_ISTIO_AUTO_MTLS to "true": set istio\.dataPlaneMode instead/],
            ["an ambient gateway where the CNI agent never redirects", { ...AMBIENT, gateway: { namespace: "kube-system" } }, /^gateway\.namespace: got "kube-system"; the Istio CNI agent never redirects pods in kube-system/],
            ["an unknown data plane", { istio: { dataPlaneMode: "ambient" as unknown as DataPlaneMode } }, /^istio\.dataPlaneMode: got "ambient"; expected one of "Sidecar", "Ambient"$/],
            // Found by the independent review (issue 19).
            ["the controller's env replaced by a list", { ...SIDECAR, values: "controller:\n  extraEnv: []\n" }, /^values: got "controller\.extraEnv: \[\]"; meshtls sets controller\.extraEnv to a mapping/],
            ["the class's parameters dropped", { ...SIDECAR, values: "gatewayClassParametersRefs: null\n" }, /^values: got "gatewayClassParametersRefs: null"; meshtls sets gatewayClassParametersRefs to a mapping/],
            ["an ambient Gateway in the control plane's namespace", { ...AMBIENT, gateway: { namespace: "istio-system" } }, /^gateway\.namespace: got "istio-system"; the control plane's namespace stays out of ambient/],
            ["a Gateway name kgateway cannot name a Service after", { ...SIDECAR, gateway: { name: "my.gw" } }, /^gateway\.name: got "my\.gw"; expected a DNS-1035 label .* kgateway names the proxy's Service after the Gateway$/],
            ["two backends matching the same requests", { ...SIDECAR, backends: [BACKEND, { ...BACKEND, serviceName: "reviews" }] }, /^backends\[1\]\.pathPrefix: got "\/"; backends\[0\] matches the same requests .* this backend would get none/],
            ["a path with a query string", { ...SIDECAR, backends: [{ ...BACKEND, pathPrefix: "/a?b=1" }] }, /^backends\[0\]\.pathPrefix: got "\/a\?b=1"; it must only contain the characters the CRD allows/],
            ["a path with //", { ...SIDECAR, backends: [{ ...BACKEND, pathPrefix: "//x" }] }, /^backends\[0\]\.pathPrefix: got "\/\/x"; it must not contain '\/\/'/],
            ["an IP address as host name", { ...SIDECAR, backends: [{ ...BACKEND, hostnames: ["10.0.0.1"] }] }, /^backends\[0\]\.hostnames\[0\]: got "10\.0\.0\.1"; expected a host name .* no IP address/],
            ["an https chart repository", { ...SIDECAR, chartRepository: "https://charts.example" }, /^chartRepository: got "https:\/\/charts\.example"; expected the OCI registry that holds the kgateway-crds and kgateway charts/],
            ["a host name listed twice", { ...SIDECAR, backends: [{ ...BACKEND, hostnames: ["a.example.com", "b.example.com", "a.example.com"] }] }, /^backends\[0\]\.hostnames\[2\]: got "a\.example\.com"; it repeats backends\[0\]\.hostnames\[0\]; each entry must be unique$/],
            ["a listener port for a Gateway meshtls does not create", { ...SIDECAR, gateway: { create: false, port: 8080 } }, /^gateway\.port: got 8080; it sets the listener of the Gateway meshtls creates, and gateway\.create is false/],
        ];
        assert.equal(cases.length, 26);
        for (const [what, args, expected] of cases) {
            it(what, () => {
                assertInvalid(() => planKgatewayMtls("kgw", args), TYPE, "kgw", [expected]);
            });
        }

        it("each istio-proxy setting under its own argument, all at once, without restating the value", () => {
            const accepted = "expected letters, digits, '\\.', '_' or '-', starting and ending with a letter or digit, that YAML does not read as a number, boolean or null";
            assertInvalid(() => planKgatewayMtls("kgw", { istio: { istioVersion: "1.30.3", discoveryAddress: "[::1]:15012", meshId: "123", clusterId: "true" } }), TYPE, "kgw", [
                /^istio\.discoveryAddress: got "\[::1\]:15012"; expected host:port with a lower-case DNS host/,
                new RegExp(`^istio\\.meshId: got "123"; ${accepted}`),
                new RegExp(`^istio\\.clusterId: got "true"; ${accepted}`),
            ]);
        });

        it("registers nothing when refused", async () => {
            await assertRejected(() => new KgatewayMtls("kgw", { ...SIDECAR, version: "2.5.0" }), TYPE, "kgw", /version: got "2\.5\.0"/);
        });
    });
});

describe("kgateway (registration): KgatewayMtls", () => {
    it("orders the installs: Gateway API CRDs, kgateway-crds, the class's parameters, kgateway, then the Gateway, grants and routes", async () => {
        const result = await runProgram(() => new KgatewayMtls("kgw", SIDECAR));
        const get = (type: string, name: string) => result.get(type, name);
        const crds = get("kubernetes:yaml/v2:ConfigGroup", "kgw-gateway-api-crds");
        const crdChart = get("kubernetes:helm.sh/v4:Chart", "kgw-crds");
        const params = get("kubernetes:gateway.kgateway.dev/v1alpha1:GatewayParameters", "kgw-mesh-parameters");
        const chart = get("kubernetes:helm.sh/v4:Chart", "kgw-kgateway");
        const gateway = get("kubernetes:gateway.networking.k8s.io/v1:Gateway", "kgw-gateway");
        const grant = get("kubernetes:gateway.networking.k8s.io/v1beta1:ReferenceGrant", "kgw-grant-bookinfo");
        const route = get("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "kgw-route-bookinfo-productpage-9080");
        const on = (r: { dependencies: string[] }, d: { urn: string }) => r.dependencies.includes(d.urn);
        assert.ok(on(crdChart, crds) && on(params, crdChart) && on(chart, params) && on(gateway, chart) && on(route, gateway) && on(route, grant) && on(grant, crds));
        assert.ok(!on(crds, chart), "no edge the other way");
        assert.equal(result.childrenOf(result.get(TYPE, "kgw")).length, 8);
    });

    it("installs kgateway-crds as a helm.v4.Chart even in Release mode, so its CRDs are kept on destroy", async () => {
        const result = await runProgram(() => new KgatewayMtls("kgw", { ...SIDECAR, helmMode: HelmMode.Release }));
        assert.deepEqual(result.ofType("kubernetes:helm.sh/v4:Chart").map((r) => r.name), ["kgw-crds"]);
        assert.deepEqual(result.ofType("kubernetes:helm.sh/v3:Release").map((r) => r.name), ["kgw-kgateway"]);
    });

    it("installs no Gateway API CRDs when told the cluster has them, and attaches to an existing Gateway", async () => {
        const result = await runProgram(() => new KgatewayMtls("kgw", { ...SIDECAR, installGatewayApiCrds: false, gateway: { name: "public", namespace: "edge", create: false, createNamespace: false } }));
        assert.deepEqual(result.ofType("kubernetes:yaml/v2:ConfigGroup"), []);
        assert.deepEqual(result.ofType("kubernetes:gateway.networking.k8s.io/v1:Gateway"), []);
        const route = result.get("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "kgw-route-bookinfo-productpage-9080");
        assert.deepEqual((route.inputs.spec as { parentRefs: unknown }).parentRefs, [{ name: "public", namespace: "edge" }]);
    });
});
