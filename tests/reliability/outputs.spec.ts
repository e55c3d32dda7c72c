// Every non-plain argument of every component accepts an Output (issue 14 item 5). The fields come from
// the package schema Pulumi's analyzer infers (sdk/internal/argShapes.generated.ts, kept fresh by the
// generated-files test): for each component, valid arguments that set every one of its non-plain fields
// (some components need two sets: mutually exclusive settings), run as given and again with Outputs in
// place of the values, known (up: the same resources with the same inputs) and unknown (preview: the same
// resources, no error).
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import {
    Certificate,
    CertificateAuthority,
    FleetCertificateAuthority,
    GlooCertRotation,
    GlooMtls,
    DataPlaneMode,
    IstioMesh,
    KgatewayMtls,
    NamespaceEnrollment,
    KeyAlgorithm,
    KuadrantMtls,
    KuadrantMtlsMode,
    KyvernoAuthz,
    KyvernoAuthzFlavor,
    MtlsMode,
    MtlsPlatform,
    MtlsPolicy,
    RotationPhase,
    SidecarInjection,
    kyvernoExtensionProvider,
} from "../../sdk";
import { ARG_SHAPES } from "../../sdk/internal/argShapes.generated";
import { PLAIN_FIELDS, listedPlain } from "../gen/plainFields";
import { liveReads, RunOptions, assertRejected, registrationView, runExpectingError, runProgram } from "../harness";
import { liveFilters } from "../mocks/kuadrantOperator";

type Args = Record<string, unknown>;

/** One set of valid arguments for a component, built inside the program (some need a CA first). */
interface Base {
    token: string;
    what: string;
    args: () => Args;
    make: (args: Args) => unknown;
    options?: RunOptions;
}

/** Answers Kuadrant Manual mode's reads of the operator's EnvoyFilters. */
const kuadrantCluster: RunOptions = liveReads(liveFilters());

const ca = () => new CertificateAuthority("fixture-ca", {});
const grpcProvider = {
    name: "grpc-authz",
    envoyExtAuthzGrpc: {
        service: "authz.tools.svc.cluster.local",
        port: 9001,
        timeout: "0.25s",
        failOpen: false,
        statusOnError: "503",
        includeRequestBodyInCheck: { maxRequestBytes: 4096, allowPartialMessage: true, packAsBytes: false },
    },
};
const httpProvider = {
    name: "http-authz",
    envoyExtAuthzHttp: {
        service: "opa.tools.svc.cluster.local",
        port: 8181,
        timeout: "1.5s",
        pathPrefix: "/check",
        failOpen: false,
        statusOnError: "403",
        includeRequestHeadersInCheck: ["authorization"],
        includeAdditionalHeadersInCheck: { "x-mesh": "lab" },
        includeRequestBodyInCheck: { maxRequestBytes: 1024, allowPartialMessage: false, packAsBytes: false },
        headersToUpstreamOnAllow: ["x-user"],
        headersToDownstreamOnDeny: ["x-reason"],
        headersToDownstreamOnAllow: ["x-trace"],
    },
};
const policies = [
    {
        name: "typed-policy",
        spec: {
            failurePolicy: "Fail",
            matchConditions: [{ name: "has-path", expression: "has(object.attributes.request.http.path)" }],
            variables: [{ name: "path", expression: "object.attributes.request.http.path" }],
            validations: [{ expression: "variables.path != '/admin'", message: "admin is closed" }],
        },
    },
    {
        name: "yaml-policy",
        yaml: YAML.stringify({
            apiVersion: "policies.kyverno.io/v1alpha1",
            kind: "ValidatingPolicy",
            metadata: { name: "yaml-policy" },
            spec: { evaluation: { mode: "Envoy" }, validations: [{ expression: "true" }] },
        }),
    },
];
const targets = [
    { namespace: "shop", name: "api", selector: { app: "api" }, paths: ["/orders"], hosts: ["shop.example.com"], methods: ["POST"] },
    { namespace: "edge", name: "gw", targetRefs: [{ kind: "Gateway", name: "public", group: "gateway.networking.k8s.io" }] },
];
/** Every IstioMesh install setting (shared by the IstioMesh and the platform fixtures). */
const istioSettings = {
    version: "1.30.3",
    chartRepository: "https://istio-release.storage.googleapis.com/charts",
    namespace: "mesh-system",
    revision: "blue",
    trustDomain: "lab.example",
    meshId: "lab-mesh",
    trustDomainAliases: ["lab-b.example"],
    clusterName: "lab-a",
    network: "lab-net-a",
    holdApplicationUntilProxyStarts: true,
    rewriteAppHTTPProbe: true,
    mtlsMode: MtlsMode.STRICT,
    multiRootTrust: true,
    cni: true,
    gateway: { name: "lab-ingress", namespace: "lab-ingress", createNamespace: true },
    values: { base: "base:\n  enableIstioConfigCRDs: true\n", istiod: "pilot:\n  replicaCount: 2\n", cni: "cni:\n  logLevel: info\n", gateway: "replicaCount: 2\n" },
};
const authzServer = (): Args => ({
    namespace: "authz",
    serviceName: "kyverno-authz-server",
    providerName: "kyverno-lab",
    timeout: "2s",
    failOpen: false,
    revision: "blue",
    version: "0.4.0",
    chartRepository: "https://kyverno.github.io/kyverno-authz",
    policyApiVersion: "policies.kyverno.io/v1alpha1",
    webhookCertManagerIssuer: { name: "lab-issuer", kind: "ClusterIssuer", group: "cert-manager.io" },
    policies,
    targets,
    appMtls: [{ namespace: "shop", permissivePorts: [{ app: "api", port: 8081 }] }],
    meshExtensionProviders: [kyvernoExtensionProvider({ namespace: "authz", serviceName: "kyverno-authz-server", providerName: "kyverno-lab", timeout: "2s", failOpen: false }), grpcProvider, httpProvider],
});

const BASES: Base[] = [
    {
        token: "meshtls:index:Certificate",
        what: "a leaf with every field",
        args: () => ({
            issuer: ca().issuer,
            commonName: "api.shop.svc",
            organization: "Lab",
            dnsNames: ["api.shop.svc", "api.shop.svc.cluster.local"],
            uris: ["spiffe://cluster.local/ns/shop/sa/api"],
            ipAddresses: ["10.1.2.3"],
            serverAuth: true,
            clientAuth: true,
            keyAlgorithm: KeyAlgorithm.EcdsaP384,
            validityHours: 1500,
            earlyRenewalHours: 300,
        }),
        make: (a) => new Certificate("leaf", a as never),
    },
    {
        token: "meshtls:index:CertificateAuthority",
        what: "a root and an intermediate",
        args: () => ({
            commonName: "Lab Root",
            organization: "Lab",
            keyAlgorithm: KeyAlgorithm.EcdsaP384,
            validityHours: 60000,
            earlyRenewalHours: 0,
            intermediate: { commonName: "Lab Intermediate", validityHours: 30000, earlyRenewalHours: 2000 },
        }),
        make: (a) => new CertificateAuthority("lab-ca", a),
    },
    {
        token: "meshtls:index:FleetCertificateAuthority",
        what: "a two-cluster fleet in TrustNew with per-cluster trust domains and intermediates, held by its clusters' states",
        args: () => ({
            commonName: "Lab Fleet Root",
            organization: "Lab",
            keyAlgorithm: KeyAlgorithm.EcdsaP384,
            validityHours: 60000,
            earlyRenewalHours: 0,
            trustDomain: "lab.example",
            intermediate: { commonName: "Lab Fleet Int", validityHours: 30000, earlyRenewalHours: 2000 },
            clusters: [{ name: "lab-a", trustDomain: "a.lab.example", intermediate: { commonName: "Lab A", validityHours: 20000, earlyRenewalHours: 1000 } }, { name: "lab-b" }],
            generation: 2,
            previousGeneration: 1,
            rotationPhase: RotationPhase.TrustNew,
            clusterRotationStates: { "lab-a": { generation: 1, rotationPhase: RotationPhase.Stable } },
        }),
        make: (a) => new FleetCertificateAuthority("lab-fleet", a as never),
    },
    {
        token: "meshtls:index:IstioMesh",
        what: "a revisioned mesh with a gateway, cni, a plug-in CA and both provider kinds",
        args: () => ({
            ...istioSettings,
            pluginCa: ca().issuer,
            extensionProviders: [grpcProvider, httpProvider],
        }),
        make: (a) => new IstioMesh("lab-mesh", a),
    },
    {
        token: "meshtls:index:IstioMesh",
        what: "an ambient mesh with its ztunnel name and values",
        args: () => ({
            namespace: "mesh-system",
            revision: "blue",
            dataPlaneMode: DataPlaneMode.Ambient,
            ambient: { ztunnelName: "lab-ztunnel" },
            values: { ztunnel: "logLevel: debug\n" },
        }),
        make: (a) => new IstioMesh("lab-ambient", a),
    },
    {
        token: "meshtls:index:NamespaceEnrollment",
        what: "a revisioned sidecar enrollment of an existing namespace",
        args: () => ({ namespace: "shop", dataPlaneMode: DataPlaneMode.Sidecar, revision: "blue", createNamespace: false }),
        make: (a) => new NamespaceEnrollment("shop-enrollment", a as never),
    },
    {
        token: "meshtls:index:MtlsPolicy",
        what: "a workload policy with port-level modes and a DestinationRule",
        args: () => ({
            namespace: "shop",
            rootNamespace: "mesh-system",
            dataPlaneMode: DataPlaneMode.Sidecar,
            name: "api-mtls",
            selector: { app: "api" },
            mode: MtlsMode.STRICT,
            portLevelMtls: [{ port: 8081, mode: MtlsMode.PERMISSIVE }],
            clusterDomain: "lab.local",
            destinationRule: { name: "api-mutual", hosts: ["api.shop.svc.lab.local"] },
        }),
        make: (a) => new MtlsPolicy("api-policy", a),
    },
    {
        token: "meshtls:index:SidecarInjection",
        what: "every field",
        args: () => ({ namespace: "shop", deployment: "api", inject: true, rewriteAppHTTPProbers: true, revision: "blue" }),
        make: (a) => new SidecarInjection("api-sidecar", a as never),
    },
    {
        token: "meshtls:index:KuadrantMtls",
        what: "Manual mode",
        args: () => ({
            mode: KuadrantMtlsMode.Manual,
            kuadrantVersion: "1.2.0",
            namespace: "kuadrant-system",
            authorinoDeployment: "authorino",
            limitadorDeployment: "limitador-limitador",
            gateways: [{ name: "external", namespace: "gateway-system" }],
        }),
        make: (a) => new KuadrantMtls("kuadrant", a),
        options: kuadrantCluster,
    },
    {
        token: "meshtls:index:KuadrantMtls",
        what: "Operator mode",
        args: () => ({ kuadrantName: "kuadrant", namespace: "kuadrant-system", kuadrantVersion: "1.5.2" }),
        make: (a) => new KuadrantMtls("kuadrant", a),
    },
    {
        token: "meshtls:index:GlooMtls",
        what: "Pulumi rotation and Istio upstreams",
        args: () => ({
            version: "1.22.1",
            chartRepository: "https://storage.googleapis.com/solo-public-helm",
            namespace: "gloo-lab",
            releaseName: "gloo",
            values: "gloo:\n  deployment:\n    replicas: 2\n",
            xds: { issuer: ca().issuer, certificate: { keyAlgorithm: KeyAlgorithm.EcdsaP256, validityHours: 5000, earlyRenewalHours: 2500 } },
            istio: {
                istioVersion: "1.30.3",
                enableAutoMtls: true,
                istioDiscoveryAddress: "istiod-blue.mesh-system.svc:15012",
                customSidecarsYaml: "- name: istio-proxy\n  image: docker.io/istio/proxyv2:1.30.3\n",
                dataPlaneMode: DataPlaneMode.Sidecar,
                upstreams: [{ serviceName: "api", serviceNamespace: "shop", port: 8080 }],
            },
        }),
        make: (a) => new GlooMtls("gloo", a),
    },
    {
        token: "meshtls:index:GlooMtls",
        what: "CronJob rotation",
        args: () => ({ xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "15 3 * * 1", rotationDuration: "90s" } }),
        make: (a) => new GlooMtls("gloo", a),
    },
    {
        token: "meshtls:index:KyvernoAuthz",
        what: "the authz server with cert-manager, policies, targets and appMtls",
        args: authzServer,
        make: (a) => new KyvernoAuthz("authz", a),
    },
    {
        token: "meshtls:index:KyvernoAuthz",
        what: "the envoy plugin",
        args: () => ({ flavor: KyvernoAuthzFlavor.EnvoyPlugin, namespace: "authz", image: "ghcr.io/kyverno/kyverno-envoy-plugin:0.4.0", policies: [{ name: "allow", yaml: "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: allow\nspec:\n  rules: []\n" }] }),
        make: (a) => new KyvernoAuthz("authz", a),
    },
    {
        token: "meshtls:index:KyvernoAuthz",
        what: "the envoy plugin in ambient, a selector target on a gateway namespace",
        args: () => ({ flavor: KyvernoAuthzFlavor.EnvoyPlugin, namespace: "authz", dataPlaneMode: DataPlaneMode.Ambient, gatewayNamespaces: ["edge"], targets: [{ namespace: "edge", selector: { istio: "ingressgateway" } }] }),
        make: (a) => new KyvernoAuthz("authz-ambient", a),
    },
    {
        token: "meshtls:index:KgatewayMtls",
        what: "sidecar auto mTLS with every setting and a cross-namespace backend",
        args: () => ({
            version: "v2.4.3",
            chartRepository: "oci://cr.kgateway.dev/kgateway-dev/charts",
            namespace: "kgw",
            gateway: { name: "edge", namespace: "edge", port: 8080 },
            istio: { istioVersion: "1.30.3", discoveryAddress: "istiod-blue.mesh-system.svc:15012", meshId: "lab-mesh", clusterId: "lab" },
            backends: [{ serviceName: "api", serviceNamespace: "shop", port: 8080, pathPrefix: "/api", hostnames: ["shop.example.com"] }],
            values: "controller:\n  logLevel: debug\n",
        }),
        make: (a) => new KgatewayMtls("kgw", a),
    },
    {
        token: "meshtls:index:MtlsPlatform",
        what: "every section",
        args: () => ({
            ca: { commonName: "Lab Root", organization: "Lab", keyAlgorithm: KeyAlgorithm.EcdsaP256, validityHours: 60000, earlyRenewalHours: 0, intermediate: { commonName: "Lab Int", validityHours: 30000, earlyRenewalHours: 2000 } },
            istio: {
                ...istioSettings,
                extraExtensionProviders: [httpProvider],
            },
            kuadrant: { kuadrantName: "kuadrant", namespace: "kuadrant-system", kuadrantVersion: "1.5.2", authorinoDeployment: "authorino", limitadorDeployment: "limitador-limitador" },
            gloo: {
                version: "1.22.1",
                chartRepository: "https://storage.googleapis.com/solo-public-helm",
                namespace: "gloo-lab",
                releaseName: "gloo",
                values: "gloo:\n  deployment:\n    replicas: 2\n",
                xdsCertificate: { keyAlgorithm: KeyAlgorithm.EcdsaP256, validityHours: 5000, earlyRenewalHours: 2500 },
                enableAutoMtls: true,
                istioUpstreams: [{ serviceName: "api", serviceNamespace: "shop", port: 8080 }],
            },
            authz: { ...authzServer(), meshExtensionProviders: undefined, revision: undefined },
            policies: [
                {
                    name: "orders",
                    args: {
                        namespace: "orders",
                        name: "orders-mtls",
                        selector: { app: "orders" },
                        mode: MtlsMode.STRICT,
                        portLevelMtls: [{ port: 9090, mode: MtlsMode.PERMISSIVE }],
                        rootNamespace: "mesh-system",
                        clusterDomain: "cluster.local",
                        destinationRule: { name: "orders-mutual", hosts: ["orders.orders.svc.cluster.local"] },
                    },
                },
            ],
        }),
        make: (a) => new MtlsPlatform("lab", a),
    },
    {
        token: "meshtls:index:MtlsPlatform",
        what: "an ambient mesh",
        args: () => ({
            istio: { dataPlaneMode: DataPlaneMode.Ambient, ambient: { ztunnelName: "lab-ztunnel" }, values: { ztunnel: "logLevel: debug\n" }, enroll: [{ namespace: "shop" }] },
            policies: [{ name: "shop", args: { namespace: "shop", dataPlaneMode: DataPlaneMode.Ambient } }],
            authz: { flavor: KyvernoAuthzFlavor.EnvoyPlugin, namespace: "authz", gatewayNamespaces: ["edge"], targets: [{ namespace: "edge", selector: { istio: "ingressgateway" } }] },
            kgateway: {
                version: "v2.4.3",
                chartRepository: "oci://cr.kgateway.dev/kgateway-dev/charts",
                gateway: { namespace: "edge-gw", port: 8080 },
                backends: [{ serviceName: "api", serviceNamespace: "shop", port: 8080, pathPrefix: "/api", hostnames: ["shop.example.com"] }],
                values: "controller:\n  logLevel: debug\n",
            },
        }),
        make: (a) => new MtlsPlatform("lab-ambient", a),
    },
    {
        token: "meshtls:index:MtlsPlatform",
        what: "a one-program fleet: a sidecar cluster and an ambient one",
        args: () => ({
            ca: { commonName: "Lab Root", intermediate: { commonName: "Lab Int", validityHours: 30000, earlyRenewalHours: 2000 } },
            clusters: [
                { name: "lab-a", renderDirectory: "out/lab-a", istio: istioSettings, intermediate: { commonName: "Lab A", validityHours: 20000, earlyRenewalHours: 1000 } },
                {
                    name: "lab-b",
                    kubeconfigContext: "lab-b",
                    istio: { dataPlaneMode: DataPlaneMode.Ambient, meshId: "lab-mesh", ambient: { ztunnelName: "lab-ztunnel" }, values: { ztunnel: "logLevel: debug\n" } },
                },
            ],
        }),
        make: (a) => new MtlsPlatform("lab-fleet", a),
    },
    {
        token: "meshtls:index:MtlsPlatform",
        what: "Gloo CronJob rotation and the authz server's own provider settings",
        args: () => ({
            gloo: { xdsRotation: GlooCertRotation.CronJob, cronSchedule: "15 3 * * 1", rotationDuration: "90s", istioIntegration: false },
            authz: { namespace: "authz", serviceName: "kyverno-authz-server", providerName: "kyverno-lab", timeout: "2s", failOpen: false, revision: "blue", targets },
            istio: { revision: "blue" },
        }),
        make: (a) => new MtlsPlatform("lab", a),
    },
    {
        token: "meshtls:index:MtlsPlatform",
        what: "the envoy plugin with its own mesh provider list, and a gRPC extra provider",
        args: () => ({
            istio: { extraExtensionProviders: [grpcProvider] },
            authz: {
                flavor: KyvernoAuthzFlavor.EnvoyPlugin,
                namespace: "authz",
                image: "ghcr.io/kyverno/kyverno-envoy-plugin:0.4.0",
                meshExtensionProviders: [kyvernoExtensionProvider({ flavor: KyvernoAuthzFlavor.EnvoyPlugin, namespace: "authz" }), grpcProvider, httpProvider],
                targets: [targets[0]],
            },
        }),
        make: (a) => new MtlsPlatform("lab", a),
    },
];

/** A field's path with `[]` for list indices (the form ARG_SHAPES uses). */
const shapePath = (at: string) => at.replace(/\[\d+\]/g, "[]");

/** The non-plain fields present in `args` (paths with indices), outermost first. */
function nonPlainPaths(token: string, args: unknown): string[] {
    const shape = ARG_SHAPES[token];
    const out: string[] = [];
    const walk = (value: unknown, at: string): void => {
        if (at !== "") {
            const kind = shape.kinds[shapePath(at)] as string | undefined;
            if (kind === "opaque") {
                return;
            }
            if (kind !== undefined && !shape.plain.includes(shapePath(at)) && value !== undefined) {
                out.push(at);
            }
        }
        if (Array.isArray(value)) {
            value.forEach((v, i) => {
                walk(v, `${at}[${i}]`);
            });
        } else if (typeof value === "object" && value !== null && !pulumi.Output.isInstance(value) && !pulumi.Resource.isInstance(value)) {
            for (const [k, v] of Object.entries(value)) {
                walk(v, at === "" ? k : `${at}.${k}`);
            }
        }
    };
    walk(args, "");
    return out;
}

const isUnder = (inner: string, outer: string) => inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);

/** A copy of `args` with `wrap(value)` at each of `paths` (a path inside an already wrapped one is wrapped inside its value). */
function withOutputs(args: unknown, paths: string[], wrap: (value: unknown) => unknown): unknown {
    const walk = (value: unknown, at: string): unknown => {
        let out: unknown = value;
        if (Array.isArray(value)) {
            out = value.map((v, i) => walk(v, `${at}[${i}]`));
        } else if (typeof value === "object" && value !== null && !pulumi.Output.isInstance(value) && !pulumi.Resource.isInstance(value)) {
            out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, at === "" ? k : `${at}.${k}`)]));
        }
        return paths.includes(at) ? wrap(out) : out;
    };
    return walk(args, "");
}

const known = (v: unknown) => pulumi.output(v);
const unknownOutput = () => pulumi.output(pulumi.unknown as unknown);

describe("reliability: every non-plain argument accepts an Output (issue 14 item 5)", function () {
    this.timeout(60_000);

    it("the schema marks plain exactly the documented fields (docs/reference/inputs.md)", () => {
        const tokens = Object.keys(ARG_SHAPES).sort();
        assert.deepEqual(Object.keys(PLAIN_FIELDS).sort(), tokens);
        for (const token of tokens) {
            assert.deepEqual(listedPlain(ARG_SHAPES[token].plain), Object.keys(PLAIN_FIELDS[token]).sort(), token);
        }
        // The schema's own list items follow their list.
        assert.ok(ARG_SHAPES["meshtls:index:KuadrantMtls"].plain.includes("gateways[]"));
        assert.ok(!ARG_SHAPES["meshtls:index:Certificate"].plain.includes("dnsNames[]"));
    });

    it("covers every non-plain field of every component in the inferred schema", async () => {
        const tokens = Object.keys(ARG_SHAPES).sort();
        assert.equal(tokens.length, 12);
        assert.deepEqual([...new Set(BASES.map((b) => b.token))].sort(), tokens);
        for (const token of tokens) {
            const shape = ARG_SHAPES[token];
            const expected = Object.keys(shape.kinds)
                .filter((p) => !shape.plain.includes(p) && shape.kinds[p] !== "opaque")
                .sort();
            const covered = new Set<string>();
            for (const base of BASES.filter((b) => b.token === token)) {
                // Built inside a program: some fixtures make a CA for their issuer.
                let args: Args = {};
                await runProgram(() => {
                    args = base.args();
                });
                for (const p of nonPlainPaths(token, args)) {
                    covered.add(shapePath(p));
                }
            }
            const missing = expected.filter((p) => !covered.has(p));
            const unexpected = [...covered].filter((p) => !expected.includes(p));
            assert.deepEqual({ missing, unexpected }, { missing: [], unexpected: [] }, token);
            assert.ok(expected.length > 0, token);
        }
    });

    assert.equal(BASES.length, 21);
    for (const base of BASES) {
        describe(`${base.token.replace("meshtls:index:", "")}: ${base.what}`, () => {
            for (const depth of ["outermost", "innermost"] as const) {
                const pick = (all: string[]) => (depth === "outermost" ? all.filter((p) => !all.some((q) => isUnder(p, q))) : all.filter((p) => !all.some((q) => isUnder(q, p))));

                it(`known Outputs at the ${depth} non-plain fields: the same resources with the same inputs`, async () => {
                    const plain = await runProgram(() => base.make(base.args()), base.options);
                    let wrapped: string[] = [];
                    const result = await runProgram(() => {
                        const args = base.args();
                        wrapped = pick(nonPlainPaths(base.token, args));
                        return base.make(withOutputs(args, wrapped, known) as Args);
                    }, base.options);
                    assert.ok(wrapped.length > 0, "some field was given as an Output");
                    assert.deepEqual(Object.keys(registrationView(result)), Object.keys(registrationView(plain)));
                    assert.deepEqual(registrationView(result), registrationView(plain));
                });

                it(`unknown Outputs at the ${depth} non-plain fields (preview): the same resources, no error`, async () => {
                    const plain = await runProgram(() => base.make(base.args()), { ...base.options, preview: true });
                    let wrapped: string[] = [];
                    const result = await runProgram(() => {
                        const args = base.args();
                        wrapped = pick(nonPlainPaths(base.token, args));
                        return base.make(withOutputs(args, wrapped, unknownOutput) as Args);
                    }, { ...base.options, preview: true });
                    assert.ok(wrapped.length > 0, "some field was given as an Output");
                    assert.deepEqual(Object.keys(registrationView(result)), Object.keys(registrationView(plain)));
                });
            }
        });
    }
});

describe("reliability: Output arguments, cases a review found", function () {
    this.timeout(30_000);

    it("an Output RSA key algorithm keeps its key size (the shape's ECDSA default has no rsaBits)", async () => {
        const result = await runProgram(() => new Certificate("leaf", { issuer: new CertificateAuthority("c", {}).issuer, commonName: "a", keyAlgorithm: pulumi.output(KeyAlgorithm.Rsa4096) }));
        assert.deepEqual(result.get("tls:index/privateKey:PrivateKey", "leaf-key").inputs, { algorithm: "RSA", rsaBits: 4096 });
    });

    it("Output ports that differ are not refused as a repeated app/port pair (their stand-ins are alike)", async () => {
        const authz = (port: (p: number) => pulumi.Input<number>) =>
            new KyvernoAuthz("az", {
                webhookCertManagerIssuer: { name: "lab", kind: "ClusterIssuer" },
                appMtls: [{ namespace: "shop", permissivePorts: [{ app: "api", port: port(8081) }, { app: "api", port: port(8082) }] }],
            });
        const plain = await runProgram(() => authz((p) => p));
        const result = await runProgram(() => authz((p) => pulumi.output(p)));
        assert.ok(plain.ofType("meshtls:index:MtlsPolicy").length > 0);
        assert.deepEqual(registrationView(result), registrationView(plain));
    });

    it("an issuer left undefined stays undefined when another platform argument is an Output", async () => {
        const result = await runProgram(() => new MtlsPlatform("p", { authz: { webhookIssuer: undefined, webhookCertManagerIssuer: { name: "lab", kind: "ClusterIssuer" }, timeout: pulumi.output("2s") } }));
        assert.equal(result.ofType("meshtls:index:Certificate").filter((r) => r.name.includes("webhook")).length, 0);
        assert.equal(result.ofType("meshtls:index:KyvernoAuthz").length, 1);
    });
});

describe("reliability: Outputs that resolve to bad values fail the deployment, naming the argument", function () {
    this.timeout(30_000);

    const cases: Array<[string, () => unknown, RegExp]> = [
        ["MtlsPolicy namespace", () => new MtlsPolicy("p", { namespace: pulumi.output("Not_A_Namespace") }), /namespace: got "Not_A_Namespace"/],
        ["CertificateAuthority validityHours", () => new CertificateAuthority("c", { validityHours: pulumi.output(-5) }), /validityHours: got -5/],
        ["Certificate dnsNames", () => new Certificate("l", { issuer: new CertificateAuthority("c", {}).issuer, commonName: "a", dnsNames: pulumi.output(["UPPER.example"]) }), /dnsNames\[0\]: got "UPPER\.example"/],
        ["SidecarInjection deployment", () => new SidecarInjection("s", { namespace: "shop", deployment: pulumi.output("") }), /deployment: got ""/],
        ["MtlsPlatform policies[0].args.namespace", () => new MtlsPlatform("p", { policies: [{ name: "x", args: { namespace: pulumi.output("Bad") } }] }), /policies\[0\]\.args\.namespace: got "Bad"|namespace: got "Bad"/],
    ];
    assert.equal(cases.length, 5);
    for (const [what, program, message] of cases) {
        it(what, async () => {
            const { error } = await runExpectingError(program);
            assert.match(error.message, message);
        });
    }

    it("the message is the check's own, without Pulumi's per-input prefixes", async () => {
        const { error } = await runExpectingError(() => new MtlsPlatform("p", { authz: { timeout: pulumi.output("90m") } }));
        assert.match(error.message, /^meshtls:index:MtlsPlatform "p": invalid arguments:\n {2}- authz\.timeout: got "90m"/);
        assert.doesNotMatch(error.message, /error serializing property/);
    });

    it("a nested plain-field problem is refused before anything registers while another argument is an Output", async () => {
        await assertRejected(
            () =>
                new MtlsPlatform("p", {
                    istio: { trustDomain: pulumi.output("corp.example") },
                    kuadrant: { mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0", gateways: [{ name: "north", namespace: "gw" }, { name: "north", namespace: "gw" }] },
                }),
            "meshtls:index:MtlsPlatform",
            "p",
            /- kuadrant\.gateways\[1\]/,
        );
    });

    it("an Output in a plain field is refused before anything registers, naming the field", async () => {
        await assertRejected(() => new CertificateAuthority("c", { generation: pulumi.output(2) as never }), "meshtls:index:CertificateAuthority", "c", /generation: got an Output; this field is plain/);
    });
});
