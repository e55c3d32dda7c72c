import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";

import {
    CertificateAuthority,
    HelmMode,
    IstioMesh,
    IstioMeshArgs,
    MtlsMode,
    MtlsPolicy,
    MtlsPolicyArgs,
    MtlsScope,
    RotationPhase,
    SidecarInjection,
    SidecarInjectionArgs,
    convertLegacyIstioPolicy,
    istiodValues,
    planIstioMesh,
} from "../sdk";
import { retainCrdsTransform } from "../sdk/internal/helm";
import { ProgramResult, RegisteredResource, UNKNOWN, assertRejected, resolve, runExpectingError, runProgram, valueOf, registrationView } from "./harness";
import { ISTIO_GROUPS, assertValidObjects, loadIstioCrds, schemaErrors, unknownValuesKeys } from "./schema";

const CHART = "kubernetes:helm.sh/v4:Chart";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const REPO = "https://istio-release.storage.googleapis.com/charts";

loadIstioCrds();

function chartInputs(result: ProgramResult<unknown>, name: string, type = CHART) {
    return result.get(type, name).inputs as { chart: string; version: string; name: string; namespace: string; repositoryOpts: { repo: string }; values: Record<string, unknown> };
}

function depends(r: RegisteredResource, on: RegisteredResource): boolean {
    return r.dependencies.includes(on.urn);
}

const DEFAULT_ISTIOD_VALUES = {
    base: { validationFailurePolicy: "Fail" },
    meshConfig: { trustDomain: "cluster.local", defaultConfig: { holdApplicationUntilProxyStarts: true } },
    sidecarInjectorWebhook: { rewriteAppHTTPProbe: true },
};

describe("istio: IstioMesh", () => {
    it("installs base and istiod 1.30.3 from the official repository as helm.v4.Charts, with the exact default values", async () => {
        const result = await runProgram(() => new IstioMesh("mesh", {}));
        const base = chartInputs(result, "mesh-base");
        const istiod = chartInputs(result, "mesh-istiod");
        assert.deepEqual(
            { chart: base.chart, version: base.version, name: base.name, namespace: base.namespace, repo: base.repositoryOpts.repo },
            { chart: "base", version: "1.30.3", name: "istio-base", namespace: "istio-system", repo: REPO },
        );
        assert.deepEqual(base.values, { base: { validationFailurePolicy: "Fail" } });
        assert.deepEqual(
            { chart: istiod.chart, version: istiod.version, name: istiod.name, namespace: istiod.namespace, repo: istiod.repositoryOpts.repo },
            { chart: "istiod", version: "1.30.3", name: "istiod", namespace: "istio-system", repo: REPO },
        );
        assert.deepEqual(istiod.values, DEFAULT_ISTIOD_VALUES);
        assert.deepEqual(result.ofType(CHART).map((r) => r.name), ["mesh-base", "mesh-istiod"]);
        assert.equal(result.k8sObject("Namespace", "istio-system").kind, "Namespace");
        assert.deepEqual(YAML.parse(await valueOf(result.value.istiodValues)), DEFAULT_ISTIOD_VALUES);
    });

    it("creates the mesh-wide PeerAuthentication default (STRICT) in the root namespace after the CRDs and istiod", async () => {
        const result = await runProgram(() => new IstioMesh("mesh", {}));
        const pa = result.k8sObject("PeerAuthentication", "default", "istio-system");
        assert.deepEqual(pa.spec, { mtls: { mode: "STRICT" } });
        const paResource = result.k8sResource("PeerAuthentication", "default", "istio-system");
        assert.ok(depends(paResource, result.get(CHART, "mesh-istiod")), "after istiod");
        assert.ok(depends(paResource, result.get(CHART, "mesh-base")), "after the CRDs");
        const istiod = result.get(CHART, "mesh-istiod");
        assert.ok(depends(istiod, result.get(CHART, "mesh-base")));
        assert.ok(depends(istiod, result.get("kubernetes:core/v1:Namespace", "mesh-namespace")));
        assert.equal(await valueOf(result.value.mtlsMode), MtlsMode.STRICT);
    });

    it("keeps the CRDs on destroy: the base chart marks CustomResourceDefinitions retainOnDelete", async () => {
        const result = await runProgram(() => new IstioMesh("mesh", {}));
        assert.equal(result.get(CHART, "mesh-base").transforms, 1);
        assert.equal(result.get(CHART, "mesh-istiod").transforms, 0);
        const crd = retainCrdsTransform({
            type: "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
            name: "mesh-base:peerauthentications.security.istio.io",
            custom: true,
            props: { kind: "CustomResourceDefinition" },
            opts: {},
        });
        assert.ok(crd);
        assert.equal(crd.opts.retainOnDelete, true);
        assert.deepEqual(crd.props, { kind: "CustomResourceDefinition" });
        const other = retainCrdsTransform({ type: "kubernetes:apps/v1:Deployment", name: "mesh-istiod:istio-system/istiod", custom: true, props: {}, opts: {} });
        assert.equal(other, undefined);
    });

    it("renders customised mesh config, extension providers, revision, CNI and gateway", async () => {
        const args: pulumi.Unwrap<IstioMeshArgs> = {
            version: "1.29.6",
            namespace: "mesh-system",
            revision: "canary",
            trustDomain: "prod.example.com",
            meshId: "prod-mesh",
            holdApplicationUntilProxyStarts: false,
            rewriteAppHTTPProbe: false,
            mtlsMode: MtlsMode.PERMISSIVE,
            cni: true,
            gateway: { name: "edge", namespace: "edge-system" },
            extensionProviders: [
                { name: "kyverno-authz", envoyExtAuthzGrpc: { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081, timeout: "0.5s" } },
                { name: "http-authz", envoyExtAuthzHttp: { service: "authz/ext.authz.svc.cluster.local", port: 8000, pathPrefix: "/check", includeRequestHeadersInCheck: ["x-user"] } },
            ],
            values: { istiod: YAML.stringify({ meshConfig: { accessLogFile: "/dev/stdout" }, pilot: { resources: { requests: { cpu: "100m" } } } }), gateway: "service:\n  type: ClusterIP\n" },
        };
        const result = await runProgram(() => new IstioMesh("mesh", args));
        const istiod = chartInputs(result, "mesh-istiod");
        assert.equal(istiod.name, "istiod-canary");
        assert.equal(istiod.version, "1.29.6");
        assert.equal(istiod.namespace, "mesh-system");
        // The values themselves are pinned by the pure spec (tests/istio/istioMesh.plan.spec.ts); here the
        // registration must carry exactly what the plan's manifests computed.
        assert.deepEqual(istiod.values, istiodValues(planIstioMesh("mesh", args)));
        assert.deepEqual(chartInputs(result, "mesh-base").values, { base: { validationFailurePolicy: "Fail" }, global: { istioNamespace: "mesh-system" }, defaultRevision: "canary" });
        const cni = chartInputs(result, "mesh-cni");
        assert.deepEqual([cni.chart, cni.name, cni.namespace], ["cni", "istio-cni", "mesh-system"]);
        assert.ok(depends(result.get(CHART, "mesh-istiod"), result.get(CHART, "mesh-cni")), "istiod after the CNI agent");
        const gw = chartInputs(result, "mesh-gateway");
        assert.deepEqual([gw.chart, gw.name, gw.namespace, gw.version], ["gateway", "edge", "edge-system", "1.29.6"]);
        assert.deepEqual(gw.values, { revision: "canary", service: { type: "ClusterIP" } });
        assert.ok(depends(result.get(CHART, "mesh-gateway"), result.get(CHART, "mesh-istiod")));
        assert.equal(result.k8sObject("Namespace", "edge-system").kind, "Namespace");
        assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "mesh-system").spec, { mtls: { mode: "PERMISSIVE" } });
        assert.deepEqual(await valueOf(result.value.extensionProviderNames), ["kyverno-authz", "http-authz"]);
    });

    it("every values key it sets exists in the upstream 1.30.3 values files", async () => {
        const result = await runProgram(() =>
            new IstioMesh("mesh", { namespace: "mesh-system", revision: "canary", meshId: "m", cni: true, gateway: {}, pluginCa: new CertificateAuthority("ca", {}).issuer }),
        );
        // meshConfig is the MeshConfig proto and env a free map; base.validationFailurePolicy is
        // documented in the values file as a commented-out key.
        assert.deepEqual(unknownValuesKeys(chartInputs(result, "mesh-istiod").values, "istio/istiod.values.yaml", ["meshConfig", "env", "base.validationFailurePolicy"]), []);
        // base.validationFailurePolicy is read by base/templates/defaultrevision-validatingwebhookconfiguration.yaml
        // at 1.30.3 but not listed in base's values.yaml: the one cited exception (ISTIO_VALIDATION_WEBHOOK_SOURCES).
        assert.deepEqual(unknownValuesKeys(chartInputs(result, "mesh-base").values, "istio/base.values.yaml", ["base.validationFailurePolicy"]), []);
        assert.deepEqual(unknownValuesKeys(chartInputs(result, "mesh-base").values, "istio/base.values.yaml"), ["base.validationFailurePolicy"], "the exception is needed: base's values.yaml does not list the key");
        assert.deepEqual(unknownValuesKeys(chartInputs(result, "mesh-cni").values, "istio/cni.values.yaml"), []);
        assert.deepEqual(unknownValuesKeys(chartInputs(result, "mesh-gateway").values, "istio/gateway.values.yaml"), []);
        // The check itself catches a misspelt key.
        assert.deepEqual(unknownValuesKeys({ sidecarInjectorWebhook: { rewriteAppHTTPProbes: true } }, "istio/istiod.values.yaml"), ["sidecarInjectorWebhook.rewriteAppHTTPProbes"]);
    });

    it("installs with helm.v3.Release (explicit release names) when asked", async () => {
        const result = await runProgram(() => new IstioMesh("mesh", { helmMode: HelmMode.Release }));
        assert.deepEqual(result.ofType(CHART), []);
        const istiod = chartInputs(result, "mesh-istiod", RELEASE);
        assert.deepEqual([istiod.name, istiod.chart, istiod.version, istiod.repositoryOpts.repo], ["istiod", "istiod", "1.30.3", REPO]);
        assert.deepEqual(istiod.values, DEFAULT_ISTIOD_VALUES);
        assert.equal(chartInputs(result, "mesh-base", RELEASE).name, "istio-base");
    });

    it("does not create namespaces that already exist when told so", async () => {
        const result = await runProgram(() => new IstioMesh("mesh", { createNamespace: false, gateway: { createNamespace: false } }));
        assert.deepEqual(result.k8sObjects("Namespace"), []);
    });

    describe("plug-in CA", () => {
        function meshWithCa(phase: RotationPhase) {
            const ca = new CertificateAuthority("mesh-ca", {
                intermediate: {},
                generation: 2,
                previousGeneration: phase === RotationPhase.Stable ? undefined : 1,
                rotationPhase: phase,
            });
            const mesh = new IstioMesh("mesh", { pluginCa: ca.issuer });
            return { ca, mesh };
        }

        it("writes cacerts with Istio's four keys, created before istiod, root-cert.pem holding both roots during TrustNew", async () => {
            const result = await runProgram(() => meshWithCa(RotationPhase.TrustNew));
            const secret = result.k8sObject("Secret", "cacerts", "istio-system");
            const data = secret.stringData as Record<string, string>;
            assert.deepEqual(Object.keys(data).sort(), ["ca-cert.pem", "ca-key.pem", "cert-chain.pem", "root-cert.pem"]);
            const { ca, mesh } = result.value;
            assert.equal(data["ca-cert.pem"], await valueOf(ca.certPem));
            assert.match(data["ca-key.pem"], /BEGIN EC PRIVATE KEY/);
            assert.equal(data["root-cert.pem"], await valueOf(ca.trustBundlePem));
            const roots = data["root-cert.pem"].match(/BEGIN CERTIFICATE/g) ?? [];
            assert.equal(roots.length, 2, "both roots are trusted while rotating");
            const signer = new X509Certificate(data["ca-cert.pem"]);
            const chain = data["cert-chain.pem"].split(/(?<=-----END CERTIFICATE-----\n)/).filter(Boolean).map((p) => new X509Certificate(p));
            assert.equal(chain[0].fingerprint256, signer.fingerprint256, "cert-chain.pem starts with ca-cert.pem");
            assert.ok(chain[0].verify(chain[1].publicKey), "and chains to its root");
            assert.match(signer.subject, / g1 /, "generation 1 still signs in TrustNew");
            const istiod = result.get(CHART, "mesh-istiod");
            assert.ok(depends(istiod, result.k8sResource("Secret", "cacerts", "istio-system")), "cacerts exists before istiod starts");
            assert.deepEqual(await valueOf(mesh.rootFingerprints), await valueOf(ca.trustBundleFingerprints));
        });

        it("ServeNew: the new generation signs and both roots stay; Stable: one root", async () => {
            const serveNew = await runProgram(() => meshWithCa(RotationPhase.ServeNew));
            const data = serveNew.k8sObject("Secret", "cacerts").stringData as Record<string, string>;
            assert.match(new X509Certificate(data["ca-cert.pem"]).subject, / g2 /);
            assert.equal((data["root-cert.pem"].match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
            const stable = await runProgram(() => meshWithCa(RotationPhase.Stable));
            const stableData = stable.k8sObject("Secret", "cacerts").stringData as Record<string, string>;
            assert.equal((stableData["root-cert.pem"].match(/BEGIN CERTIFICATE/g) ?? []).length, 1);
            assert.equal((await valueOf(stable.value.mesh.rootFingerprints)).length, 1);
        });

        it("turns on multi-root trust in istiod and the proxies", async () => {
            const result = await runProgram(() => meshWithCa(RotationPhase.Stable));
            const values = chartInputs(result, "mesh-istiod").values as { env: unknown; meshConfig: { defaultConfig: unknown } };
            assert.deepEqual(values.env, { ISTIO_MULTIROOT_MESH: "true" });
            assert.deepEqual(values.meshConfig.defaultConfig, { holdApplicationUntilProxyStarts: true, proxyMetadata: { PROXY_CONFIG_XDS_AGENT: "true" } });
            const off = await runProgram(() => new IstioMesh("mesh", { pluginCa: new CertificateAuthority("ca", {}).issuer, multiRootTrust: false }));
            assert.equal((chartInputs(off, "mesh-istiod").values as { env?: unknown }).env, undefined);
        });

        it("keeps the CA key secret and out of the component's inputs and the chart values", async () => {
            const result = await runProgram(() => meshWithCa(RotationPhase.TrustNew));
            const secret = result.k8sResource("Secret", "cacerts", "istio-system");
            // @pulumi/kubernetes marks a Secret's stringData secret as a whole, as the provider stores it.
            assert.deepEqual(secret.secretPaths, ["stringData"]);
            const componentsAndCharts = result.resources.filter((x) => !x.custom || x.type === CHART);
            // The CA, the mesh, its mesh-wide MtlsPolicy, and the two charts (no cni, no gateway asked for).
            assert.deepEqual(componentsAndCharts.map((r) => `${r.type}::${r.name}`).sort(), [
                `${CHART}::mesh-base`,
                `${CHART}::mesh-istiod`,
                "meshtls:index:CertificateAuthority::mesh-ca",
                "meshtls:index:IstioMesh::mesh",
                "meshtls:index:MtlsPolicy::mesh-mesh-mtls",
            ]);
            for (const r of componentsAndCharts) {
                assert.doesNotMatch(JSON.stringify(r.inputs), /PRIVATE KEY/, `${r.type} ${r.name}`);
            }
            const otherK8s = result.resources.filter((x) => x.type.startsWith("kubernetes:") && x !== secret);
            // Everything else the mesh registers in Kubernetes: its namespace, the charts, the mesh-wide PeerAuthentication.
            assert.deepEqual(otherK8s.map((r) => `${r.type}::${r.name}`).sort(), [
                "kubernetes:core/v1:Namespace::mesh-namespace",
                `${CHART}::mesh-base`,
                `${CHART}::mesh-istiod`,
                "kubernetes:security.istio.io/v1:PeerAuthentication::mesh-mesh-mtls-peer-authentication",
            ]);
            for (const r of otherK8s) {
                assert.doesNotMatch(JSON.stringify(r.inputs), /PRIVATE KEY/, `${r.type} ${r.name}`);
            }
        });

        it("in preview, chart values hold no unknowns (helm.v4.Chart can render) while certificates are unknown", async () => {
            const result = await runProgram(() => meshWithCa(RotationPhase.TrustNew), { preview: true });
            const charts = result.ofType(CHART);
            assert.deepEqual(charts.map((c) => c.name), ["mesh-base", "mesh-istiod"]);
            for (const chart of charts) {
                assert.doesNotMatch(JSON.stringify(chart.inputs), new RegExp(UNKNOWN), chart.name);
            }
            assert.equal((await resolve(result.value.mesh.rootFingerprints)).known, false);
        });
    });

    it("every Istio object it emits matches the upstream CRD schema", async () => {
        const result = await runProgram(() => new IstioMesh("mesh", { mtlsMode: MtlsMode.PERMISSIVE }));
        assert.equal(assertValidObjects(result.k8sObjects(), ISTIO_GROUPS), 1);
    });

    it("is deterministic: two runs register identical resources and inputs", async () => {
        const program = () => new IstioMesh("mesh", { cni: true, gateway: {}, pluginCa: new CertificateAuthority("ca", { intermediate: {} }).issuer, extensionProviders: [{ name: "a", envoyExtAuthzGrpc: { service: "a.b.svc.cluster.local", port: 1 } }] });
        assert.deepEqual(registrationView(await runProgram(program)), registrationView(await runProgram(program)));
    });

    // Each bad input, with its exact message: tests/istio/istioMesh.plan.spec.ts (pure); that a
    // rejected mesh registers nothing: tests/istio/registration.spec.ts.
});

describe("istio: MtlsPolicy", () => {
    it("mesh scope: PeerAuthentication default in the root namespace, no selector", async () => {
        const result = await runProgram(() => new MtlsPolicy("mesh-strict", {}));
        const pa = result.k8sObject("PeerAuthentication", "default", "istio-system");
        assert.deepEqual(pa, { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "default", namespace: "istio-system" }, spec: { mtls: { mode: "STRICT" } } });
        assert.equal(await valueOf(result.value.scope), MtlsScope.Mesh);
        assert.deepEqual(result.k8sObjects("DestinationRule"), []);
    });

    it("namespace scope with the client DestinationRule for *.<ns>.svc.cluster.local", async () => {
        const result = await runProgram(() => new MtlsPolicy("bookinfo", { namespace: "bookinfo", destinationRule: {} }));
        assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "bookinfo").spec, { mtls: { mode: "STRICT" } });
        assert.deepEqual(result.k8sObject("DestinationRule", "default", "bookinfo"), {
            apiVersion: "networking.istio.io/v1",
            kind: "DestinationRule",
            metadata: { name: "default", namespace: "bookinfo" },
            spec: { host: "*.bookinfo.svc.cluster.local", trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } },
        });
        assert.equal(await valueOf(result.value.scope), MtlsScope.Namespace);
        assert.deepEqual(await valueOf(result.value.destinationRuleHosts), ["*.bookinfo.svc.cluster.local"]);
    });

    it("mesh scope DestinationRule needs explicit hosts; given hosts get one rule each", async () => {
        await assertRejected(() => new MtlsPolicy("m", { destinationRule: {} }), "meshtls:index:MtlsPolicy", "m", /destinationRule\.hosts: got nothing; it is required at mesh scope \(root namespace istio-system\)/);
        const mesh = await runProgram(() => new MtlsPolicy("m", { destinationRule: { hosts: ["reviews.bookinfo.svc.cluster.local"] } }));
        assert.equal((mesh.k8sObject("DestinationRule", "default", "istio-system").spec as { host: string }).host, "reviews.bookinfo.svc.cluster.local");
        const many = await runProgram(() => new MtlsPolicy("r", { namespace: "shop", destinationRule: { name: "shop-mtls", hosts: ["cart.shop.svc.cluster.local", "pay.shop.svc.cluster.local"] } }));
        assert.deepEqual(
            many.k8sObjects("DestinationRule").map((o) => [o.metadata.name, (o.spec as { host: string }).host]),
            [["shop-mtls", "cart.shop.svc.cluster.local"], ["shop-mtls-1", "pay.shop.svc.cluster.local"]],
        );
    });

    it("workload scope with port-level exceptions, ports in ascending order, named after the component", async () => {
        const result = await runProgram(() =>
            new MtlsPolicy("reviews", {
                namespace: "bookinfo",
                selector: { app: "reviews", version: "v1" },
                mode: MtlsMode.STRICT,
                portLevelMtls: [{ port: 9090, mode: MtlsMode.DISABLE }, { port: 8080, mode: MtlsMode.PERMISSIVE }],
            }),
        );
        assert.deepEqual(result.k8sObject("PeerAuthentication", "reviews", "bookinfo").spec, {
            selector: { matchLabels: { app: "reviews", version: "v1" } },
            mtls: { mode: "STRICT" },
            portLevelMtls: { "8080": { mode: "PERMISSIVE" }, "9090": { mode: "DISABLE" } },
        });
        assert.equal(await valueOf(result.value.scope), MtlsScope.Workload);
    });

    it("every object matches the CRD schema, and the schema check catches an unknown field", async () => {
        const result = await runProgram(() => {
            new MtlsPolicy("a", { namespace: "x", destinationRule: {} });
            new MtlsPolicy("b", { namespace: "x", selector: { app: "b" }, portLevelMtls: [{ port: 80, mode: MtlsMode.DISABLE }], destinationRule: { hosts: ["b.x.svc.cluster.local"] } });
            new MtlsPolicy("c", { mode: MtlsMode.PERMISSIVE });
        });
        assert.equal(assertValidObjects(result.k8sObjects(), ISTIO_GROUPS), 5);
        const pa = result.k8sObject("PeerAuthentication", "b", "x");
        const broken = { ...pa, spec: { ...(pa.spec as object), mtls: { mode: "STRICT", enabled: true } } };
        assert.match(schemaErrors(broken).join(), /must NOT have additional properties: enabled/);
    });

    describe("bad input", () => {
        // Each bad input, with its exact message: tests/istio/mtlsPolicy.plan.spec.ts (pure).
        it("rejects a v1alpha1 document passed as arguments, naming the replacement", async () => {
            const legacy = { apiVersion: "authentication.istio.io/v1alpha1", kind: "Policy", metadata: { name: "default" }, spec: { peers: [{ mtls: {} }] } };
            const { error, resources } = await runExpectingError(() => new MtlsPolicy("p", legacy as unknown as pulumi.Unwrap<MtlsPolicyArgs>));
            assert.match(error.message, /apiVersion: got "authentication\.istio\.io\/v1alpha1" \(a Policy document\); that API was removed in Istio 1\.6\. Use security\.istio\.io\/v1 PeerAuthentication/);
            assert.match(error.message, /convertLegacyIstioPolicy/);
            assert.deepEqual(resources, []);
        });
    });
});

describe("istio: convertLegacyIstioPolicy", () => {
    const seedDocs = fs.readFileSync(path.join(__dirname, "fixtures/seeds/002-legacy-policies.yaml"), "utf8");

    it("converts the seed's MeshPolicy and Policy documents and attaches their DestinationRules", () => {
        const { policies, notes } = convertLegacyIstioPolicy(seedDocs);
        assert.deepEqual(
            policies.map((p) => ({ source: p.source, name: p.name, args: p.args })),
            [
                { source: "MeshPolicy default", name: "mesh-mtls", args: { mode: MtlsMode.STRICT } },
                {
                    source: "Policy namespace-name/default",
                    name: "namespace-name-service-name-mtls",
                    args: {
                        namespace: "namespace-name",
                        name: "service-name",
                        selector: { app: "service-name" },
                        mode: MtlsMode.STRICT,
                        destinationRule: { hosts: ["service-name.namespace-name.svc.cluster.local"] },
                    },
                },
                { source: "Policy default/default", name: "default-mtls", args: { namespace: "default", mode: MtlsMode.STRICT, destinationRule: { hosts: ["*.default.svc.cluster.local"] } } },
            ],
        );
        assert.ok(notes.some((n) => /second mesh-wide policy .* Istio honours only one/.test(n)), notes.join("\n"));
        assert.ok(notes.some((n) => /target "service-name" became selector app=service-name/.test(n)));
    });

    it("its output builds valid current policies", async () => {
        const { policies } = convertLegacyIstioPolicy(seedDocs);
        const result = await runProgram(() => policies.map((p) => new MtlsPolicy(p.name, p.args)));
        assert.equal(assertValidObjects(result.k8sObjects(), ISTIO_GROUPS), 5);
        assert.deepEqual(result.k8sObject("PeerAuthentication", "service-name", "namespace-name").spec, { selector: { matchLabels: { app: "service-name" } }, mtls: { mode: "STRICT" } });
    });

    it("explains what it drops: permissive peers, JWT origins, unmapped Service ports, rbac, no peers", () => {
        const { policies, notes } = convertLegacyIstioPolicy(`
apiVersion: authentication.istio.io/v1alpha1
kind: Policy
metadata: { name: default, namespace: shop }
spec:
  peers: [{ mtls: { mode: PERMISSIVE } }]
  origins: [{ jwt: { issuer: "https://issuer" } }]
---
apiVersion: authentication.istio.io/v1alpha1
kind: Policy
metadata: { name: cart, namespace: shop }
spec:
  targets: [{ name: cart, ports: [{ number: 8080 }, { name: grpc }] }]
  peers: [{ mtls: {} }]
---
apiVersion: authentication.istio.io/v1alpha1
kind: Policy
metadata: { name: legacy, namespace: old }
spec: {}
---
apiVersion: rbac.istio.io/v1alpha1
kind: ServiceRole
metadata: { name: reader, namespace: shop }
`);
        assert.deepEqual(policies.map((p) => p.args), [
            { namespace: "shop", mode: MtlsMode.PERMISSIVE },
            { namespace: "old", mode: MtlsMode.DISABLE },
        ]);
        // cart's ports are Service ports and no mapping was given, so none became a portLevelMtls key.
        for (const pattern of [
            /origins\/principalBinding \(end-user JWT\) dropped; use RequestAuthentication/,
            /target "cart" Service port 8080 not converted: v1alpha1 target ports are Service ports/,
            /target "cart" Service port "grpc" not converted/,
            /target "cart" listed only Service ports .* no policy was emitted for it/,
            /no peer mtls.*converted to DISABLE/,
            /rbac\.istio\.io was removed .* AuthorizationPolicy/,
        ]) {
            assert.ok(notes.some((n) => pattern.test(n)), `${String(pattern)} in\n${notes.join("\n")}`);
        }
    });

    it("fails on malformed YAML with the parser's message", () => {
        assert.throws(() => convertLegacyIstioPolicy("kind: [unclosed"), /convertLegacyIstioPolicy: invalid YAML/);
    });
});

describe("istio: SidecarInjection", () => {
    it("patches the pod template label and probe annotation with server-side apply, forcing ownership", async () => {
        const result = await runProgram(() => new SidecarInjection("reviews-sidecar", { namespace: "bookinfo", deployment: "reviews-v1" }));
        const patch = result.get("kubernetes:apps/v1:DeploymentPatch", "reviews-sidecar-pod-template");
        assert.deepEqual(patch.inputs, {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "reviews-v1", namespace: "bookinfo", annotations: { "pulumi.com/patchForce": "true" } },
            spec: { template: { metadata: { labels: { "sidecar.istio.io/inject": "true" }, annotations: { "sidecar.istio.io/rewriteAppHTTPProbers": "true" } } } },
        });
        assert.deepEqual(await valueOf(result.value.podLabels), { "sidecar.istio.io/inject": "true" });
    });

    it("turns injection off, probe rewrite off, and selects a revision when asked", async () => {
        const result = await runProgram(() => new SidecarInjection("s", { namespace: "a", deployment: "d", inject: false, rewriteAppHTTPProbers: false, revision: "canary" }));
        const spec = result.get("kubernetes:apps/v1:DeploymentPatch", "s-pod-template").inputs.spec as { template: { metadata: unknown } };
        assert.deepEqual(spec.template.metadata, { labels: { "sidecar.istio.io/inject": "false", "istio.io/rev": "canary" }, annotations: { "sidecar.istio.io/rewriteAppHTTPProbers": "false" } });
    });

    const cases: Array<[string, Partial<SidecarInjectionArgs>, RegExp]> = [
        ["a missing deployment", { deployment: undefined }, /deployment: got nothing; it is required/],
        ["a bad namespace", { namespace: "Default" }, /namespace: got "Default"; expected a DNS-1123 label/],
        ["a bad revision", { revision: "1.30.3" }, /revision: got "1.30.3"/],
    ];
    for (const [what, args, message] of cases) {
        it(`rejects ${what}, registering nothing`, async () => {
            await assertRejected(() => new SidecarInjection("s", { namespace: "a", deployment: "d", ...args }), "meshtls:index:SidecarInjection", "s", message);
        });
    }
});

describe("istio: IstioMesh options", () => {
    it("uses the given chart repository for every chart", async () => {
        const result = await runProgram(() => new IstioMesh("mesh", { chartRepository: "oci://registry.example/istio", cni: true }));
        const charts = result.ofType(CHART);
        assert.deepEqual(charts.map((c) => c.name).sort(), ["mesh-base", "mesh-cni", "mesh-istiod"]);
        for (const chart of charts) {
            assert.equal((chart.inputs.repositoryOpts as { repo: string }).repo, "oci://registry.example/istio", chart.name);
        }
    });

    it("rejects values that are not YAML mappings, naming the chart", async () => {
        await assertRejected(() => new IstioMesh("mesh", { values: { cni: "just text" } }), "meshtls:index:IstioMesh", "mesh", /values\.cni: got "<yaml>"; expected YAML text of a mapping/);
        await assertRejected(() => new IstioMesh("mesh", { values: { base: "a: [" } }), "meshtls:index:IstioMesh", "mesh", /values\.base: got "<yaml>"; it does not parse as YAML/);
    });
});
