// What only registration shows, under the mock runtime: parents, dependencies that reach children,
// outputs, and that a rejected component registers nothing. Values and validation are in the pure specs.
import { strict as assert } from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CertificateAuthority, DataPlaneMode, IstioMesh, MtlsMode, MtlsPolicy, MtlsScope, NamespaceEnrollment, SidecarInjection } from "../../sdk";
import { RegisteredResource, assertRejected, runProgram, valueOf } from "../harness";

const CHART = "kubernetes:helm.sh/v4:Chart";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const CUSTOM_RESOURCE = "kubernetes:security.istio.io/v1:PeerAuthentication";

function depends(r: RegisteredResource, on: RegisteredResource): boolean {
    return r.dependencies.includes(on.urn);
}

describe("istio (registration): IstioMesh", () => {
    it("parents every child to the mesh, and the mesh-wide PeerAuthentication to its MtlsPolicy", async () => {
        const result = await runProgram(() => new IstioMesh("mesh", { cni: true, gateway: {}, pluginCa: new CertificateAuthority("ca", {}).issuer }));
        const mesh = result.get("meshtls:index:IstioMesh", "mesh");
        assert.deepEqual(
            result
                .childrenOf(mesh)
                .map((r) => `${r.type}::${r.name}`)
                .sort(),
            [
                `${NAMESPACE}::mesh-gateway-namespace`,
                `${NAMESPACE}::mesh-namespace`,
                "kubernetes:core/v1:Secret::mesh-cacerts",
                `${CHART}::mesh-base`,
                `${CHART}::mesh-cni`,
                `${CHART}::mesh-gateway`,
                `${CHART}::mesh-istiod`,
                "meshtls:index:MtlsPolicy::mesh-mesh-mtls",
            ],
        );
        const policy = result.get("meshtls:index:MtlsPolicy", "mesh-mesh-mtls");
        assert.deepEqual(result.childrenOf(policy).map((r) => r.name), ["mesh-mesh-mtls-peer-authentication"]);
        assert.equal(result.get(CUSTOM_RESOURCE, "mesh-mesh-mtls-peer-authentication").parent, policy.urn);
    });

    it("orders the installs: namespace, base, cacerts and CNI before istiod; gateway after istiod", async () => {
        const result = await runProgram(() => new IstioMesh("mesh", { cni: true, gateway: {}, pluginCa: new CertificateAuthority("ca", {}).issuer }));
        const [ns, base, cni, istiod, gateway] = ["mesh-namespace", "mesh-base", "mesh-cni", "mesh-istiod", "mesh-gateway"].map((n) => result.resources.find((r) => r.name === n));
        const secret = result.get("kubernetes:core/v1:Secret", "mesh-cacerts");
        assert.ok(ns && base && cni && istiod && gateway);
        assert.ok(depends(base, ns) && depends(secret, ns) && depends(cni, base));
        assert.ok(depends(istiod, ns) && depends(istiod, base) && depends(istiod, secret) && depends(istiod, cni));
        assert.ok(depends(gateway, istiod) && depends(gateway, result.get(NAMESPACE, "mesh-gateway-namespace")));
        assert.ok(!depends(base, istiod), "no edge the other way");
    });

    it("ambient: base, istiod, cni, ztunnel in that order, cacerts before istiod", async () => {
        const result = await runProgram(() => new IstioMesh("mesh", { dataPlaneMode: DataPlaneMode.Ambient, pluginCa: new CertificateAuthority("ca", {}).issuer }));
        const charts = result.resources.filter((r) => r.type === CHART);
        assert.deepEqual(charts.map((c) => c.name).sort(), ["mesh-base", "mesh-cni", "mesh-istiod", "mesh-ztunnel"]);
        const [base, istiod, cni, ztunnel] = ["mesh-base", "mesh-istiod", "mesh-cni", "mesh-ztunnel"].map((n) => result.get(CHART, n));
        const secret = result.get("kubernetes:core/v1:Secret", "mesh-cacerts");
        assert.ok(depends(istiod, base) && depends(istiod, secret));
        assert.ok(depends(cni, istiod) && depends(cni, base));
        assert.ok(depends(ztunnel, cni) && depends(ztunnel, istiod));
        assert.ok(!depends(istiod, cni), "ambient installs the CNI agent after istiod");
        const mesh = result.value;
        assert.deepEqual(await valueOf(pulumi.all([mesh.dataPlaneMode, mesh.enrollmentLabels])), [DataPlaneMode.Ambient, { "istio.io/dataplane-mode": "ambient" }]);
    });

    it("passes the component's dependsOn to every child", async () => {
        const result = await runProgram(() => {
            const first = new k8s.core.v1.Namespace("first", {});
            return new IstioMesh("mesh", { gateway: {} }, { dependsOn: [first] });
        });
        const first = result.get(NAMESPACE, "first");
        const children = result.childrenOf(result.get("meshtls:index:IstioMesh", "mesh"));
        assert.equal(children.length, 6);
        assert.deepEqual(
            children.filter((c) => !depends(c, first)).map((c) => c.name),
            [],
        );
    });

    it("outputs the resolved settings and the injection labels: default revision", async () => {
        const result = await runProgram(() => new IstioMesh("mesh", {}));
        const mesh = result.value;
        assert.deepEqual(await valueOf(pulumi.all([mesh.namespace, mesh.version, mesh.revision, mesh.mtlsMode, mesh.trustDomain])), ["istio-system", "1.30.3", "", MtlsMode.STRICT, "cluster.local"]);
        assert.deepEqual(await valueOf(pulumi.all([mesh.injectionLabels, mesh.podInjectionLabels])), [{ "istio-injection": "enabled" }, { "sidecar.istio.io/inject": "true" }]);
        assert.deepEqual(await valueOf(pulumi.all([mesh.extensionProviderNames, mesh.rootFingerprints])), [[], []]);
    });

    it("outputs the resolved settings and the injection labels: a revision", async () => {
        const result = await runProgram(() => new IstioMesh("mesh", { namespace: "mesh-system", revision: "canary", trustDomain: "prod.example.com", mtlsMode: MtlsMode.PERMISSIVE }));
        const mesh = result.value;
        assert.deepEqual(await valueOf(pulumi.all([mesh.namespace, mesh.revision, mesh.mtlsMode, mesh.trustDomain])), ["mesh-system", "canary", MtlsMode.PERMISSIVE, "prod.example.com"]);
        // No meshId given: Istio takes the trust domain as the mesh ID.
        assert.equal(await valueOf(mesh.meshId), "prod.example.com");
        assert.deepEqual(await valueOf(pulumi.all([mesh.injectionLabels, mesh.podInjectionLabels])), [{ "istio.io/rev": "canary" }, { "sidecar.istio.io/inject": "true", "istio.io/rev": "canary" }]);
    });

    it("outputs the mesh ID given", async () => {
        const result = await runProgram(() => new IstioMesh("mesh", { meshId: "prod-mesh", trustDomain: "prod.example.com" }));
        assert.equal(await valueOf(result.value.meshId), "prod-mesh");
    });

    it("a rejected mesh registers nothing", async () => {
        await assertRejected(() => new IstioMesh("mesh", { version: "1.30", multiRootTrust: true }), "meshtls:index:IstioMesh", "mesh", /version: got "1\.30".*\n.*multiRootTrust: got true/);
    });
});

describe("istio (registration): MtlsPolicy and SidecarInjection", () => {
    it("NamespaceEnrollment patches an existing namespace's labels, or creates it, and outputs the labels", async () => {
        const result = await runProgram(() => [
            new NamespaceEnrollment("shop", { namespace: "shop", dataPlaneMode: DataPlaneMode.Ambient }),
            new NamespaceEnrollment("web", { namespace: "web", revision: "blue", createNamespace: true }),
        ]);
        const shop = result.get("meshtls:index:NamespaceEnrollment", "shop");
        assert.deepEqual(result.childrenOf(shop).map((r) => `${r.type}::${r.name}`), ["kubernetes:core/v1:NamespacePatch::shop-labels"]);
        assert.deepEqual(result.get("kubernetes:core/v1:NamespacePatch", "shop-labels").inputs.metadata, {
            name: "shop",
            labels: { "istio.io/dataplane-mode": "ambient" },
            annotations: { "pulumi.com/patchForce": "true" },
        });
        const web = result.get("meshtls:index:NamespaceEnrollment", "web");
        assert.deepEqual(result.childrenOf(web).map((r) => `${r.type}::${r.name}`), [`${NAMESPACE}::web-namespace`]);
        assert.deepEqual(result.get(NAMESPACE, "web-namespace").inputs.metadata, { name: "web", labels: { "istio.io/rev": "blue" } });
        const [enrolled] = result.value;
        assert.deepEqual(await valueOf(pulumi.all([enrolled.namespace, enrolled.dataPlaneMode, enrolled.labels])), ["shop", DataPlaneMode.Ambient, { "istio.io/dataplane-mode": "ambient" }]);
    });

    it("a rejected NamespaceEnrollment registers nothing", async () => {
        await assertRejected(() => new NamespaceEnrollment("shop", { namespace: "shop", dataPlaneMode: DataPlaneMode.Ambient, revision: "blue" }), "meshtls:index:NamespaceEnrollment", "shop", /revision: got "blue"; ambient enrollment takes no revision/);
    });

    it("MtlsPolicy parents its objects to itself and outputs its plan", async () => {
        const result = await runProgram(() => new MtlsPolicy("shop", { namespace: "shop", destinationRule: { hosts: ["a.shop.svc.cluster.local", "b.shop.svc.cluster.local"] } }));
        const policy = result.get("meshtls:index:MtlsPolicy", "shop");
        assert.deepEqual(result.childrenOf(policy).map((r) => r.name), ["shop-peer-authentication", "shop-destination-rule", "shop-destination-rule-1"]);
        const p = result.value;
        assert.deepEqual(await valueOf(pulumi.all([p.scope, p.namespace, p.policyName, p.mode, p.destinationRuleHosts])), [
            MtlsScope.Namespace,
            "shop",
            "default",
            MtlsMode.STRICT,
            ["a.shop.svc.cluster.local", "b.shop.svc.cluster.local"],
        ]);
    });

    it("a rejected MtlsPolicy registers nothing", async () => {
        await assertRejected(() => new MtlsPolicy("p", { selector: { app: "x" } }), "meshtls:index:MtlsPolicy", "p", /namespace: got nothing; a policy with a selector in the root namespace/);
    });

    it("SidecarInjection parents its patch to itself and outputs the fields it owns", async () => {
        const result = await runProgram(() => new SidecarInjection("s", { namespace: "a", deployment: "d", revision: "canary" }));
        const component = result.get("meshtls:index:SidecarInjection", "s");
        assert.deepEqual(result.childrenOf(component).map((r) => `${r.type}::${r.name}`), ["kubernetes:apps/v1:DeploymentPatch::s-pod-template"]);
        assert.deepEqual(await valueOf(pulumi.all([result.value.podLabels, result.value.podAnnotations])), [
            { "sidecar.istio.io/inject": "true", "istio.io/rev": "canary" },
            { "sidecar.istio.io/rewriteAppHTTPProbers": "true" },
        ]);
    });
});
