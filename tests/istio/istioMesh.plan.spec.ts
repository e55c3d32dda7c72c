// IstioMesh's plan and manifests as plain functions: no mock runtime, nothing registered.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import * as YAML from "yaml";
import {
    DataPlaneMode,
    HelmMode,
    IssuerMaterial,
    IstioMeshArgs,
    IstioMeshPlan,
    MtlsMode,
    cacertsSecret,
    istioBaseValues,
    istioCniValues,
    istioGatewayValues,
    istioMeshManifests,
    istiodValues,
    mtlsPolicyObjects,
    planIstioMesh,
    planMtlsPolicy,
} from "../../sdk";
import { K8sObject } from "../harness";
import { ISTIO_GROUPS, assertValidObjects, loadIstioCrds, unknownValuesKeys } from "../schema";
import { planProblems } from "../planErrors";

const TYPE = "meshtls:index:IstioMesh";
const REPO = "https://istio-release.storage.googleapis.com/charts";
// planIstioMesh only asks whether a plug-in CA is set; the PEMs never enter the plan.
const CA: pulumi.Unwrap<IssuerMaterial> = { certPem: "cert", privateKeyPem: "key", caChainPem: "chain", intermediatesPem: "", rootCertPem: "root", trustBundlePem: "bundle" };

/** The problems of a rejected plan, one per line. */
const problems = (args: pulumi.Unwrap<IstioMeshArgs>, name = "mesh"): string[] => planProblems(() => planIstioMesh(name, args), TYPE, name);

const DNS_LABEL = "expected a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

const DEFAULT_PLAN: IstioMeshPlan = {
    name: "mesh",
    version: "1.30.3",
    chartRepository: REPO,
    namespace: "istio-system",
    createNamespace: true,
    revision: "",
    helmMode: HelmMode.Chart,
    trustDomain: "cluster.local",
    holdApplicationUntilProxyStarts: true,
    rewriteAppHTTPProbe: true,
    mtlsMode: MtlsMode.STRICT,
    pluginCa: false,
    multiRootTrust: false,
    dataPlaneMode: DataPlaneMode.Sidecar,
    cni: false,
    extensionProviders: [],
    values: { base: {}, istiod: {}, cni: {}, gateway: {}, ztunnel: {} },
    injectionLabels: { namespace: { "istio-injection": "enabled" }, pod: { "sidecar.istio.io/inject": "true" } },
    enrollmentLabels: { "istio-injection": "enabled" },
    istiodService: "istiod",
    discoveryAddress: "istiod.istio-system.svc:15012",
};

const DEFAULT_ISTIOD_VALUES = {
    base: { validationFailurePolicy: "Fail" },
    meshConfig: { trustDomain: "cluster.local", defaultConfig: { holdApplicationUntilProxyStarts: true } },
    sidecarInjectorWebhook: { rewriteAppHTTPProbe: true },
};

const CUSTOM: pulumi.Unwrap<IstioMeshArgs> = {
    version: "1.29.6",
    chartRepository: "oci://registry.example/istio",
    namespace: "mesh-system",
    revision: "canary",
    helmMode: HelmMode.Release,
    trustDomain: "prod.example.com",
    meshId: "prod-mesh",
    holdApplicationUntilProxyStarts: false,
    rewriteAppHTTPProbe: false,
    mtlsMode: MtlsMode.PERMISSIVE,
    cni: true,
    gateway: { name: "edge", namespace: "edge-system" },
    extensionProviders: [
        { name: "kyverno-authz", envoyExtAuthzGrpc: { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081, timeout: "0.5s", failOpen: undefined } },
        { name: "http-authz", envoyExtAuthzHttp: { service: "authz/ext.authz.svc.cluster.local", port: 8000, pathPrefix: "/check", includeRequestHeadersInCheck: ["x-user"] } },
    ],
    values: { istiod: "meshConfig:\n  accessLogFile: /dev/stdout\npilot:\n  resources: { requests: { cpu: 100m } }\n", gateway: "service:\n  type: ClusterIP\n" },
};

describe("istio (pure): planIstioMesh", () => {
    it("resolves every default from empty arguments", () => {
        assert.deepEqual(planIstioMesh("mesh", {}), DEFAULT_PLAN);
    });

    it("keeps every given setting, with a revision's labels, Service and discovery address", () => {
        const plan = planIstioMesh("mesh", CUSTOM);
        assert.deepEqual(plan, {
            name: "mesh",
            version: "1.29.6",
            chartRepository: "oci://registry.example/istio",
            namespace: "mesh-system",
            createNamespace: true,
            revision: "canary",
            helmMode: HelmMode.Release,
            trustDomain: "prod.example.com",
            meshId: "prod-mesh",
            holdApplicationUntilProxyStarts: false,
            rewriteAppHTTPProbe: false,
            mtlsMode: MtlsMode.PERMISSIVE,
            pluginCa: false,
            multiRootTrust: false,
            dataPlaneMode: DataPlaneMode.Sidecar,
            cni: true,
            gateway: { name: "edge", namespace: "edge-system", createNamespace: true },
            // Undefined fields are dropped, so values stay minimal and diffs quiet.
            extensionProviders: [
                { name: "kyverno-authz", envoyExtAuthzGrpc: { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081, timeout: "0.5s" } },
                { name: "http-authz", envoyExtAuthzHttp: { service: "authz/ext.authz.svc.cluster.local", port: 8000, pathPrefix: "/check", includeRequestHeadersInCheck: ["x-user"] } },
            ],
            values: { base: {}, istiod: { meshConfig: { accessLogFile: "/dev/stdout" }, pilot: { resources: { requests: { cpu: "100m" } } } }, cni: {}, gateway: { service: { type: "ClusterIP" } }, ztunnel: {} },
            injectionLabels: { namespace: { "istio.io/rev": "canary" }, pod: { "sidecar.istio.io/inject": "true", "istio.io/rev": "canary" } },
            enrollmentLabels: { "istio.io/rev": "canary" },
            istiodService: "istiod-canary",
            discoveryAddress: "istiod-canary.mesh-system.svc:15012",
        });
    });

    it("defaults the gateway's name, namespace and namespace creation", () => {
        assert.deepEqual(planIstioMesh("mesh", { gateway: {} }).gateway, { name: "istio-ingressgateway", namespace: "istio-ingress", createNamespace: true });
        assert.deepEqual(planIstioMesh("mesh", { createNamespace: false, gateway: { createNamespace: false } }), {
            ...DEFAULT_PLAN,
            createNamespace: false,
            gateway: { name: "istio-ingressgateway", namespace: "istio-ingress", createNamespace: false },
        });
    });

    it("turns multi-root trust on with a plug-in CA unless told not to, and never without one", () => {
        assert.deepEqual([planIstioMesh("mesh", { pluginCa: CA }).pluginCa, planIstioMesh("mesh", { pluginCa: CA }).multiRootTrust], [true, true]);
        assert.equal(planIstioMesh("mesh", { pluginCa: CA, multiRootTrust: false }).multiRootTrust, false);
        assert.equal(planIstioMesh("mesh", {}).multiRootTrust, false);
    });

    it("reads empty escape-hatch text as no values", () => {
        assert.deepEqual(planIstioMesh("mesh", { values: { base: "", istiod: "# nothing\n", cni: "{}", gateway: "null" } }).values, { base: {}, istiod: {}, cni: {}, gateway: {}, ztunnel: {} });
    });

    it("is deterministic plain data and leaves the arguments alone", () => {
        const args = { ...CUSTOM, pluginCa: CA };
        const before = JSON.stringify(args);
        const a = planIstioMesh("mesh", args);
        const b = planIstioMesh("mesh", args);
        assert.equal(JSON.stringify(a), JSON.stringify(b));
        assert.deepEqual(JSON.parse(JSON.stringify(a)), a, "JSON round trip keeps the plan: plain data");
        assert.equal(JSON.stringify(args), before);
        assert.doesNotMatch(JSON.stringify(a), /"(cert|key|bundle|chain)"/, "no PEM enters the plan");
    });

    describe("rejects, naming the field, the value and what is accepted", () => {
        const cases: Array<[string, pulumi.Unwrap<IstioMeshArgs>, string[]]> = [
            ["a malformed version", { version: "1.30" }, ['version: got "1.30"; expected a version such as 1.30.3 (optionally with a pre-release suffix)']],
            ["a bad namespace", { namespace: "Istio_System" }, [`namespace: got "Istio_System"; ${DNS_LABEL}`]],
            ["a bad revision", { revision: "1.30" }, [`revision: got "1.30"; ${DNS_LABEL}`]],
            ["an unknown helmMode", { helmMode: "Kustomize" as unknown as HelmMode }, ['helmMode: got "Kustomize"; expected one of "Chart", "Release"']],
            ["an unknown mtlsMode", { mtlsMode: "ON" as unknown as MtlsMode }, ['mtlsMode: got "ON"; expected one of "UNSET", "DISABLE", "PERMISSIVE", "STRICT"']],
            ["a bad trust domain", { trustDomain: "Prod_Example" }, ["trustDomain: got \"Prod_Example\"; expected a DNS-1123 name: lower-case letters, digits, '-' and '.', at most 253 characters"]],
            ["an empty mesh ID", { meshId: " " }, ['meshId: got " "; expected a non-empty string of at most 63 characters']],
            ["a mesh ID over 63 characters", { meshId: "m".repeat(64) }, [`meshId: got "${"m".repeat(64)}"; expected a non-empty string of at most 63 characters`]],
            ["a non-URL chart repository", { chartRepository: "istio-release" }, ['chartRepository: got "istio-release"; expected an https://, http:// or oci:// URL']],
            ["a bad gateway name", { gateway: { name: "Edge" } }, [`gateway.name: got "Edge"; ${DNS_LABEL}`]],
            ["a bad gateway namespace", { gateway: { namespace: "edge.system" } }, [`gateway.namespace: got "edge.system"; ${DNS_LABEL}`]],
            ["multiRootTrust without a plug-in CA", { multiRootTrust: true }, ["multiRootTrust: got true; it only applies with pluginCa (istiod's own self-signed CA has one root); remove it or set pluginCa"]],
            ["multiRootTrust: false without a plug-in CA", { multiRootTrust: false }, ["multiRootTrust: got false; it only applies with pluginCa (istiod's own self-signed CA has one root); remove it or set pluginCa"]],
            [
                "a provider with both kinds",
                { extensionProviders: [{ name: "x", envoyExtAuthzGrpc: { service: "a.b", port: 1 }, envoyExtAuthzHttp: { service: "a.b", port: 1 } }] },
                ['extensionProviders[0]: got ["envoyExtAuthzGrpc","envoyExtAuthzHttp"]; set exactly one of envoyExtAuthzGrpc and envoyExtAuthzHttp'],
            ],
            ["a provider with neither kind", { extensionProviders: [{ name: "x" }] }, ["extensionProviders[0]: got []; set exactly one of envoyExtAuthzGrpc and envoyExtAuthzHttp"]],
            ["a provider without a name", { extensionProviders: [{ envoyExtAuthzGrpc: { service: "a.b", port: 1 } } as unknown as { name: string }] }, ["extensionProviders[0].name: got nothing; it is required: a non-empty string"]],
            [
                "duplicate provider names",
                { extensionProviders: [{ name: "x", envoyExtAuthzGrpc: { service: "a.b", port: 1 } }, { name: "x", envoyExtAuthzGrpc: { service: "c.d", port: 2 } }] },
                ['extensionProviders[1].name: got "x"; provider names must be unique (AuthorizationPolicy refers to them by name)'],
            ],
            [
                "a provider service with a scheme",
                { extensionProviders: [{ name: "x", envoyExtAuthzGrpc: { service: "grpc://a.b", port: 1 } }] },
                ['extensionProviders[0].envoyExtAuthzGrpc.service: got "grpc://a.b"; expected [<namespace>/]<fully qualified host>, e.g. kyverno-authz-server.kyverno.svc.cluster.local'],
            ],
            [
                "a provider service with a bad namespace part",
                { extensionProviders: [{ name: "x", envoyExtAuthzHttp: { service: "Kyverno/a.b", port: 1 } }] },
                ['extensionProviders[0].envoyExtAuthzHttp.service: got "Kyverno/a.b"; expected [<namespace>/]<fully qualified host>, e.g. kyverno-authz-server.kyverno.svc.cluster.local'],
            ],
            [
                "a provider port out of range",
                { extensionProviders: [{ name: "x", envoyExtAuthzGrpc: { service: "a.b", port: 70000 } }] },
                ["extensionProviders[0].envoyExtAuthzGrpc.port: got 70000; expected a port number from 1 to 65535"],
            ],
            [
                "a Go-style timeout",
                { extensionProviders: [{ name: "x", envoyExtAuthzHttp: { service: "a.b", port: 1, timeout: "500ms" } }] },
                ['extensionProviders[0].envoyExtAuthzHttp.timeout: got "500ms"; expected a protobuf duration in seconds, e.g. "0.5s" or "10s"'],
            ],
            [
                "a status that is not an HTTP code",
                { extensionProviders: [{ name: "x", envoyExtAuthzGrpc: { service: "a.b", port: 1, statusOnError: "5xx" } }] },
                ['extensionProviders[0].envoyExtAuthzGrpc.statusOnError: got "5xx"; expected an HTTP status code as a string, e.g. "503"'],
            ],
            ["values that are not a mapping", { values: { cni: "just text" } }, ['values.cni: got "<yaml>"; expected YAML text of a mapping (chart values), e.g. "meshConfig:\\n  accessLogFile: /dev/stdout"']],
            ["gateway values that are a list", { values: { gateway: "- a\n- b\n" } }, ['values.gateway: got "<yaml>"; expected YAML text of a mapping (chart values), e.g. "meshConfig:\\n  accessLogFile: /dev/stdout"']],
        ];
        assert.equal(cases.length, 24);
        for (const [what, args, expected] of cases) {
            it(what, () => {
                assert.deepEqual(problems(args), expected);
            });
        }

        it("values that do not parse, with the parser's message", () => {
            const lines = problems({ values: { base: "a: [" } });
            assert.equal(lines.length, 1);
            assert.match(lines[0], /^values\.base: got "<yaml>"; it does not parse as YAML: \S/);
        });

        it("every problem at once, in argument order, under the component's name", () => {
            assert.deepEqual(problems({ version: "x", namespace: "A", multiRootTrust: true, values: { istiod: "1" } }, "prod-mesh"), [
                'version: got "x"; expected a version such as 1.30.3 (optionally with a pre-release suffix)',
                `namespace: got "A"; ${DNS_LABEL}`,
                "multiRootTrust: got true; it only applies with pluginCa (istiod's own self-signed CA has one root); remove it or set pluginCa",
                'values.istiod: got "<yaml>"; expected YAML text of a mapping (chart values), e.g. "meshConfig:\\n  accessLogFile: /dev/stdout"',
            ]);
        });
    });
});

describe("istio (pure): IstioMesh manifests", () => {
    before(loadIstioCrds);

    it("default: namespace, base (CRDs retained), istiod, the mesh policy; no CNI, no gateway", () => {
        const m = istioMeshManifests(planIstioMesh("mesh", {}));
        const install = (chart: string, releaseName: string, values: Record<string, unknown>, retainCrds: boolean) => ({
            mode: HelmMode.Chart,
            chart,
            version: "1.30.3",
            repo: REPO,
            releaseName,
            namespace: "istio-system",
            values,
            retainCrds,
        });
        assert.deepEqual(m, {
            namespace: { resourceName: "mesh-namespace", args: { metadata: { name: "istio-system" } } },
            base: { resourceName: "mesh-base", install: install("base", "istio-base", { base: { validationFailurePolicy: "Fail" } }, true) },
            istiod: { resourceName: "mesh-istiod", install: install("istiod", "istiod", DEFAULT_ISTIOD_VALUES, false) },
            meshPolicy: { resourceName: "mesh-mesh-mtls", args: { rootNamespace: "istio-system", mode: MtlsMode.STRICT } },
        });
    });

    it("customised: every chart's values, release names and namespaces", () => {
        const plan = planIstioMesh("mesh", CUSTOM);
        const m = istioMeshManifests(plan);
        assert.ok(m.cni && m.gateway);
        assert.deepEqual(m.istiod.install.values, {
            base: { validationFailurePolicy: "Fail" },
            meshConfig: {
                trustDomain: "prod.example.com",
                defaultConfig: { holdApplicationUntilProxyStarts: false },
                extensionProviders: [
                    { name: "kyverno-authz", envoyExtAuthzGrpc: { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081, timeout: "0.5s" } },
                    { name: "http-authz", envoyExtAuthzHttp: { service: "authz/ext.authz.svc.cluster.local", port: 8000, pathPrefix: "/check", includeRequestHeadersInCheck: ["x-user"] } },
                ],
                accessLogFile: "/dev/stdout",
            },
            sidecarInjectorWebhook: { rewriteAppHTTPProbe: false },
            global: { meshID: "prod-mesh", istioNamespace: "mesh-system" },
            revision: "canary",
            cni: { enabled: true },
            pilot: { resources: { requests: { cpu: "100m" } } },
        });
        assert.deepEqual(m.istiod.install.values, istiodValues(plan));
        assert.deepEqual(m.base.install.values, { base: { validationFailurePolicy: "Fail" }, global: { istioNamespace: "mesh-system" }, defaultRevision: "canary" });
        assert.deepEqual(m.base.install.values, istioBaseValues(plan));
        assert.deepEqual(m.gateway.install.values, { revision: "canary", service: { type: "ClusterIP" } });
        assert.deepEqual(m.gateway.install.values, istioGatewayValues(plan));
        assert.deepEqual(m.cni.install.values, {});
        assert.deepEqual(istioCniValues(plan), {});
        const charts = [m.base, m.cni, m.istiod, m.gateway];
        assert.deepEqual(
            charts.map((c) => [c.resourceName, c.install.chart, c.install.releaseName, c.install.namespace, c.install.retainCrds]),
            [
                ["mesh-base", "base", "istio-base", "mesh-system", true],
                ["mesh-cni", "cni", "istio-cni", "mesh-system", false],
                ["mesh-istiod", "istiod", "istiod-canary", "mesh-system", false],
                ["mesh-gateway", "gateway", "edge", "edge-system", false],
            ],
        );
        assert.deepEqual(
            charts.map((c) => [c.install.mode, c.install.version, c.install.repo]),
            charts.map(() => [HelmMode.Release, "1.29.6", "oci://registry.example/istio"]),
        );
        assert.deepEqual(m.gatewayNamespace, { resourceName: "mesh-gateway-namespace", args: { metadata: { name: "edge-system" } } });
        assert.deepEqual(m.meshPolicy, { resourceName: "mesh-mesh-mtls", args: { rootNamespace: "mesh-system", mode: MtlsMode.PERMISSIVE } });
    });

    it("creates no namespace that already exists", () => {
        const m = istioMeshManifests(planIstioMesh("mesh", { createNamespace: false, gateway: { createNamespace: false } }));
        assert.deepEqual([m.namespace, m.gatewayNamespace, m.gateway?.resourceName], [undefined, undefined, "mesh-gateway"]);
    });

    it("turns on multi-root trust in istiod and the proxies with a plug-in CA, and off when told", () => {
        const on = istiodValues(planIstioMesh("mesh", { pluginCa: CA }));
        assert.deepEqual(on, {
            ...DEFAULT_ISTIOD_VALUES,
            meshConfig: { trustDomain: "cluster.local", defaultConfig: { holdApplicationUntilProxyStarts: true, proxyMetadata: { PROXY_CONFIG_XDS_AGENT: "true" } } },
            env: { ISTIO_MULTIROOT_MESH: "true" },
        });
        assert.deepEqual(istiodValues(planIstioMesh("mesh", { pluginCa: CA, multiRootTrust: false })), DEFAULT_ISTIOD_VALUES);
    });

    it("merges the escape hatch last: objects key by key, arrays and scalars replaced", () => {
        // Values that carry an argument (trustDomain, extensionProviders...) are refused (tests/reliability/ranges.spec.ts).
        const plan = planIstioMesh("mesh", {
            extensionProviders: [{ name: "a", envoyExtAuthzGrpc: { service: "a.b", port: 1 } }],
            values: { istiod: YAML.stringify({ base: { validationFailurePolicy: "Ignore" }, meshConfig: { accessLogFile: "/dev/stdout" }, sidecarInjectorWebhook: { neverInjectSelector: [] } }) },
        });
        assert.deepEqual(istiodValues(plan), {
            base: { validationFailurePolicy: "Ignore" },
            meshConfig: {
                trustDomain: "cluster.local",
                defaultConfig: { holdApplicationUntilProxyStarts: true },
                extensionProviders: [{ name: "a", envoyExtAuthzGrpc: { service: "a.b", port: 1 } }],
                accessLogFile: "/dev/stdout",
            },
            sidecarInjectorWebhook: { rewriteAppHTTPProbe: true, neverInjectSelector: [] },
        });
    });

    it("every values key it sets exists in the upstream 1.30.3 values files", () => {
        const m = istioMeshManifests(planIstioMesh("mesh", { namespace: "mesh-system", revision: "canary", meshId: "m", cni: true, gateway: {}, pluginCa: CA }));
        assert.ok(m.cni && m.gateway);
        // meshConfig is the MeshConfig proto and env a free map; base.validationFailurePolicy is
        // documented in the values file as a commented-out key.
        assert.deepEqual(unknownValuesKeys(m.istiod.install.values, "istio/istiod.values.yaml", ["meshConfig", "env", "base.validationFailurePolicy"]), []);
        // base.validationFailurePolicy is read by base/templates/defaultrevision-validatingwebhookconfiguration.yaml
        // at 1.30.3 but not listed in base's values.yaml: the one cited exception (ISTIO_VALIDATION_WEBHOOK_SOURCES).
        assert.deepEqual(unknownValuesKeys(m.base.install.values, "istio/base.values.yaml", ["base.validationFailurePolicy"]), []);
        assert.deepEqual(unknownValuesKeys(m.cni.install.values, "istio/cni.values.yaml"), []);
        assert.deepEqual(unknownValuesKeys(m.gateway.install.values, "istio/gateway.values.yaml"), []);
        // Each computed key is there to be checked (the check is not vacuous).
        assert.deepEqual(Object.keys(m.istiod.install.values).sort(), ["base", "cni", "env", "global", "meshConfig", "revision", "sidecarInjectorWebhook"]);
        assert.deepEqual(Object.keys(m.base.install.values).sort(), ["base", "defaultRevision", "global"]);
        assert.deepEqual(Object.keys(m.gateway.install.values), ["revision"]);
    });

    it("writes cacerts in Istio's plug-in CA layout, whatever carries the PEMs", () => {
        const plan = planIstioMesh("mesh", { namespace: "mesh-system", pluginCa: CA });
        assert.deepEqual(cacertsSecret(plan, CA), {
            resourceName: "mesh-cacerts",
            args: {
                metadata: { name: "cacerts", namespace: "mesh-system" },
                type: "Opaque",
                stringData: { "ca-cert.pem": "cert", "ca-key.pem": "key", "root-cert.pem": "bundle", "cert-chain.pem": "chain" },
            },
        });
    });

    it("the mesh policy's arguments plan to a valid mesh-wide PeerAuthentication", () => {
        const m = istioMeshManifests(planIstioMesh("mesh", { mtlsMode: MtlsMode.PERMISSIVE }));
        const objects = mtlsPolicyObjects(planMtlsPolicy(m.meshPolicy.resourceName, m.meshPolicy.args));
        assert.deepEqual(objects, [
            {
                resourceName: "mesh-mesh-mtls-peer-authentication",
                object: { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "default", namespace: "istio-system" }, spec: { mtls: { mode: "PERMISSIVE" } } },
            },
        ]);
        assert.equal(assertValidObjects(objects.map((o) => o.object as unknown as K8sObject), ISTIO_GROUPS), 1);
    });

    it("is deterministic: the same plan gives byte-identical manifests", () => {
        const args = { ...CUSTOM, pluginCa: CA };
        assert.equal(JSON.stringify(istioMeshManifests(planIstioMesh("mesh", args))), JSON.stringify(istioMeshManifests(planIstioMesh("mesh", args))));
    });
});
