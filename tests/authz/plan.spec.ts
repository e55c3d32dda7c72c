// Pure unit specs of the KyvernoAuthz plan: defaults, every validation error, determinism. No mock runtime.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DataPlaneMode, HelmMode, IssuerMaterial } from "../../sdk";
import { KyvernoAuthzArgs, KyvernoAuthzFlavor, KyvernoExtensionProviderArgs, kyvernoExtensionProvider, planKyvernoAuthz, resolveKyvernoProvider } from "../../sdk/authz";
import * as defaults from "../../sdk/authz/defaults";
import { planProblems } from "../planErrors";

const TYPE = "meshtls:index:KyvernoAuthz";
const seedJsonPolicies = fs
    .readFileSync(path.join(__dirname, "../fixtures/seeds/003-json-policies.yaml"), "utf8")
    .split(/^---$/m)
    .map((d) => d.replace(/^#.*\n/gm, "").trim() + "\n");
const cm = { webhookCertManagerIssuer: { name: "x", kind: "Issuer" } };
const plugin = KyvernoAuthzFlavor.EnvoyPlugin;
/** Stands in for CertificateAuthority.issuer: the plan only passes it on. */
const issuer: pulumi.Unwrap<IssuerMaterial> = { certPem: "cert", privateKeyPem: "key", caChainPem: "chain", intermediatesPem: "", rootCertPem: "root", trustBundlePem: "bundle" };

/** The problem lines of the ResourceError the plan throws for `args` (tests/planErrors.ts). */
const planProblemsOf = (args: pulumi.Unwrap<KyvernoAuthzArgs>): string[] => planProblems(() => planKyvernoAuthz("authz", args), TYPE, "authz");

function deepFreeze<T>(value: T): T {
    if (value !== null && typeof value === "object") {
        Object.values(value).forEach(deepFreeze);
        Object.freeze(value);
    }
    return value;
}

describe("authz plan (pure)", () => {
    describe("defaults", () => {
        it("AuthzServer: every default resolved from sdk/authz/defaults.ts", () => {
            const plan = planKyvernoAuthz("authz", { ...cm });
            assert.deepEqual(plan, {
                provider: {
                    flavor: KyvernoAuthzFlavor.AuthzServer,
                    namespace: "kyverno",
                    serviceName: "kyverno-authz-server",
                    providerName: "kyverno-authz-server",
                    service: "kyverno-authz-server.kyverno.svc.cluster.local",
                    port: 9081,
                    extensionProvider: { name: "kyverno-authz-server", envoyExtAuthzGrpc: { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081 } },
                },
                createNamespace: true,
                dataPlaneMode: DataPlaneMode.Sidecar,
                revision: "",
                server: {
                    chart: "kyverno-authz-server",
                    version: "0.4.0",
                    repository: "https://kyverno.github.io/kyverno-authz",
                    helmMode: HelmMode.Release,
                    releaseName: "kyverno-authz-server",
                    namespace: "kyverno",
                    policyApiVersion: "policies.kyverno.io/v1alpha1",
                    webhook: {
                        name: "kyverno-authz-server-validation",
                        port: 9443,
                        selector: { "app.kubernetes.io/component": "validation-webhook" },
                        certManagerIssuer: { name: "x", kind: "Issuer", group: "cert-manager.io" },
                    },
                    podLabels: { "sidecar.istio.io/inject": "true" },
                },
                policies: [],
                targets: [],
                appMtls: [],
            });
            // The literals above are the ones defaults.ts defines.
            assert.equal(plan.server.version, defaults.DEFAULT_KYVERNO_AUTHZ_VERSION);
            assert.equal(plan.revision, defaults.DEFAULT_KYVERNO_REVISION);
            assert.equal(plan.server.repository, defaults.KYVERNO_AUTHZ_CHART_REPO);
            assert.equal(plan.server.helmMode, defaults.DEFAULT_KYVERNO_HELM_MODE);
            assert.equal(plan.server.policyApiVersion, defaults.DEFAULT_KYVERNO_POLICY_API_VERSION);
            assert.equal(plan.provider.flavor, defaults.DEFAULT_KYVERNO_FLAVOR);
            assert.equal(plan.provider.namespace, defaults.DEFAULT_KYVERNO_NAMESPACE);
            assert.deepEqual(
                { serviceName: plan.provider.serviceName, providerName: plan.provider.providerName, grpcPort: plan.provider.port },
                defaults.KYVERNO_FLAVOR_DEFAULTS[KyvernoAuthzFlavor.AuthzServer],
            );
        });

        it("EnvoyPlugin: the seed's names, ports and image", () => {
            const plan = planKyvernoAuthz("authz", { flavor: plugin });
            assert.equal(plan.server, undefined);
            assert.deepEqual(plan.plugin, {
                name: "ext-authz",
                namespace: "kyverno",
                image: "sanskardevops/plugin:0.0.29",
                httpPort: 8000,
                grpcPort: 9000,
                configMapName: "ext-authz-policies",
                labels: { app: "ext-authz" },
                podLabels: { "sidecar.istio.io/inject": "true" },
            });
            assert.deepEqual(plan.provider.extensionProvider, { name: "kyverno-ext-authz-grpc", envoyExtAuthzGrpc: { service: "ext-authz.kyverno.svc.cluster.local", port: 9000 } });
            assert.deepEqual(
                { serviceName: plan.provider.serviceName, providerName: plan.provider.providerName, grpcPort: plan.provider.port },
                defaults.KYVERNO_FLAVOR_DEFAULTS[KyvernoAuthzFlavor.EnvoyPlugin],
            );
            assert.equal(plan.plugin.image, defaults.DEFAULT_ENVOY_PLUGIN_IMAGE);
            assert.equal(plan.plugin.httpPort, defaults.ENVOY_PLUGIN_HTTP_PORT);
        });

        it("honours every override", () => {
            const plan = planKyvernoAuthz("authz", {
                namespace: "authz",
                serviceName: "checker",
                providerName: "my-provider",
                timeout: "0.5s",
                failOpen: true,
                createNamespace: false,
                revision: "1-30",
                version: "0.5.1",
                chartRepository: "oci://registry.example/charts",
                helmMode: HelmMode.Chart,
                policyApiVersion: "policies.kyverno.io/v1",
                installPolicyCrd: true,
                webhookIssuer: issuer,
            });
            assert.equal(plan.createNamespace, false);
            assert.equal(plan.revision, "1-30");
            assert.deepEqual(plan.provider, {
                flavor: KyvernoAuthzFlavor.AuthzServer,
                namespace: "authz",
                serviceName: "checker",
                providerName: "my-provider",
                service: "checker.authz.svc.cluster.local",
                port: 9081,
                extensionProvider: { name: "my-provider", envoyExtAuthzGrpc: { service: "checker.authz.svc.cluster.local", port: 9081, timeout: "0.5s", failOpen: true } },
            });
            assert.deepEqual(plan.server, {
                chart: "kyverno-authz-server",
                version: "0.5.1",
                repository: "oci://registry.example/charts",
                helmMode: HelmMode.Chart,
                releaseName: "checker",
                namespace: "authz",
                nameOverride: "checker",
                policyApiVersion: "policies.kyverno.io/v1",
                policyCrdUrl: "https://raw.githubusercontent.com/kyverno/kyverno-authz/v0.5.1/.crds/policies.kyverno.io/policies.kyverno.io_validatingpolicies.yaml",
                webhook: {
                    name: "checker-validation",
                    port: 9443,
                    selector: { "app.kubernetes.io/component": "validation-webhook" },
                    certificate: {
                        issuer,
                        commonName: "checker-validation.authz.svc",
                        dnsNames: ["checker-validation", "checker-validation.authz", "checker-validation.authz.svc", "checker-validation.authz.svc.cluster.local"],
                    },
                },
                podLabels: { "sidecar.istio.io/inject": "true", "istio.io/rev": "1-30" },
            });
            assert.equal(plan.server.webhook.certificate.issuer, issuer, "the issuer is passed on as given");
            const image = planKyvernoAuthz("authz", { flavor: plugin, image: "ghcr.io/acme/plugin:1.0.0", namespace: "demo" }).plugin;
            assert.equal(image?.image, "ghcr.io/acme/plugin:1.0.0");
            assert.equal(image.namespace, "demo");
        });

        it("cert-manager issuer group: the one given, else cert-manager.io", () => {
            const plan = planKyvernoAuthz("authz", { webhookCertManagerIssuer: { name: "ca", kind: "ClusterIssuer", group: "cas-issuer.jetstack.io" } });
            assert.deepEqual(plan.server?.webhook.certManagerIssuer, { name: "ca", kind: "ClusterIssuer", group: "cas-issuer.jetstack.io" });
            assert.equal(plan.server.webhook.certificate, undefined);
        });
    });

    describe("the extension provider", () => {
        const cases: pulumi.Unwrap<KyvernoExtensionProviderArgs>[] = [
            {},
            { flavor: plugin },
            { flavor: plugin, namespace: "demo", timeout: "0.5s" },
            { namespace: "authz", serviceName: "svc", providerName: "p", failOpen: false },
        ];
        it("kyvernoExtensionProvider() and the plan resolve it the same way, the service host built once", () => {
            assert.equal(cases.length, 4);
            for (const args of cases) {
                const resolved = resolveKyvernoProvider(args);
                assert.deepEqual(kyvernoExtensionProvider(args), resolved.extensionProvider);
                assert.deepEqual(planKyvernoAuthz("authz", { ...args, ...(args.flavor === plugin ? {} : cm) }).provider, resolved);
                assert.equal(resolved.extensionProvider.envoyExtAuthzGrpc?.service, resolved.service);
                assert.equal(resolved.extensionProvider.envoyExtAuthzGrpc.port, resolved.port);
                assert.equal(resolved.extensionProvider.name, resolved.providerName);
            }
        });

        it("writes timeout and failOpen only when set (Istio's defaults apply otherwise)", () => {
            assert.deepEqual(kyvernoExtensionProvider(), { name: "kyverno-authz-server", envoyExtAuthzGrpc: { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081 } });
            assert.deepEqual(kyvernoExtensionProvider({ failOpen: false }).envoyExtAuthzGrpc, { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081, failOpen: false });
            assert.deepEqual(kyvernoExtensionProvider({ timeout: "10s" }).envoyExtAuthzGrpc, { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081, timeout: "10s" });
        });

        it("kyvernoExtensionProvider rejects bad arguments under its own name", () => {
            assert.throws(
                () => kyvernoExtensionProvider({ namespace: "Demo", timeout: "1m" }),
                (err: Error) => {
                    assert.ok(err instanceof pulumi.ResourceError);
                    return true;
                },
            );
            const lines = planProblems(() => kyvernoExtensionProvider({ namespace: "Demo", timeout: "1m" }), "kyvernoExtensionProvider", "default");
            assert.deepEqual(lines.map((p) => p.split(":")[0]), ["namespace", "timeout"]);
        });
    });

    describe("policies: the parsed documents, carried by the plan", () => {
        it("a typed spec becomes a ValidatingPolicy of policyApiVersion, evaluation.mode Envoy, undefined fields left out", () => {
            const plan = planKyvernoAuthz("authz", {
                ...cm,
                policyApiVersion: "policies.kyverno.io/v1beta1",
                policies: [{ name: "books", spec: { failurePolicy: "Ignore", matchConditions: undefined, validations: [{ expression: "envoy.Allowed().Response()" }] } }],
            });
            assert.equal(plan.policies.length, 1);
            assert.deepEqual(plan.policies[0], {
                name: "books",
                document: {
                    apiVersion: "policies.kyverno.io/v1beta1",
                    kind: "ValidatingPolicy",
                    metadata: { name: "books" },
                    spec: { failurePolicy: "Ignore", validations: [{ expression: "envoy.Allowed().Response()" }], evaluation: { mode: "Envoy" } },
                },
            });
        });

        it("YAML keeps what it says; the name and evaluation.mode Envoy are filled in when left out", () => {
            const yaml = "apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  labels:\n    team: a\nspec:\n  evaluation:\n    admission: {}\n  validations:\n  - expression: 'null'\n";
            const plan = planKyvernoAuthz("authz", { ...cm, policies: [{ name: "demo", yaml }] });
            assert.equal(plan.policies.length, 1);
            assert.deepEqual(plan.policies[0].document, {
                apiVersion: "policies.kyverno.io/v1alpha1",
                kind: "ValidatingPolicy",
                metadata: { labels: { team: "a" }, name: "demo" },
                spec: { evaluation: { admission: {}, mode: "Envoy" }, validations: [{ expression: "null" }] },
            });
            assert.equal(plan.policies[0].fileText, undefined);
        });

        it("EnvoyPlugin: the kyverno-json documents parsed, their text kept verbatim, in the order given", () => {
            const plan = planKyvernoAuthz("authz", { flavor: plugin, policies: [{ name: "policy2", yaml: seedJsonPolicies[1] }, { name: "policy1", yaml: seedJsonPolicies[0] }] });
            assert.deepEqual(plan.policies.map((p) => p.name), ["policy2", "policy1"]);
            assert.deepEqual(plan.policies.map((p) => p.fileText), [seedJsonPolicies[1], seedJsonPolicies[0]]);
            assert.deepEqual(plan.policies.map((p) => p.document.apiVersion), ["json.kyverno.io/v1alpha1", "json.kyverno.io/v1alpha1"]);
            assert.deepEqual(plan.policies[1].document.metadata, { name: "test-policy" }, "a plugin file keeps its own metadata");
        });
    });

    describe("targets and application namespaces", () => {
        it("names an AuthorizationPolicy after the provider unless told; resolves targetRef groups", () => {
            const plan = planKyvernoAuthz("authz", {
                ...cm,
                providerName: "ext",
                targets: [
                    { namespace: "demo", paths: ["/book"], methods: ["GET"] },
                    { namespace: "demo", name: "gw", targetRefs: [{ kind: "Gateway", name: "public" }, { kind: "Gateway", name: "internal", group: "gateway.networking.k8s.io" }] },
                    { namespace: "shop", selector: { app: "cart" }, hosts: ["cart.shop.svc.cluster.local:8080"] },
                ],
            });
            assert.deepEqual(plan.targets, [
                { namespace: "demo", name: "ext", paths: ["/book"], hosts: [], methods: ["GET"] },
                {
                    namespace: "demo",
                    name: "gw",
                    paths: [],
                    hosts: [],
                    methods: [],
                    targetRefs: [
                        { group: "gateway.networking.k8s.io", kind: "Gateway", name: "public" },
                        { group: "gateway.networking.k8s.io", kind: "Gateway", name: "internal" },
                    ],
                },
                { namespace: "shop", name: "ext", paths: [], hosts: ["cart.shop.svc.cluster.local:8080"], methods: [], selector: { app: "cart" } },
            ]);
        });

        it("in ambient: Gateway targets, every waypoint from the root namespace, selectors only on listed gateway namespaces", () => {
            const ambient = { ...cm, dataPlaneMode: DataPlaneMode.Ambient };
            const plan = planKyvernoAuthz("authz", {
                ...ambient,
                gatewayNamespaces: ["istio-ingress"],
                targets: [
                    { namespace: "edge", targetRefs: [{ kind: "Gateway", name: "public" }] },
                    { namespace: "istio-system", name: "waypoints", targetRefs: [{ kind: "GatewayClass", name: "istio-waypoint" }] },
                    { namespace: "istio-ingress", selector: { istio: "ingressgateway" } },
                ],
            });
            assert.deepEqual(plan.targets[1].targetRefs, [{ group: "gateway.networking.k8s.io", kind: "GatewayClass", name: "istio-waypoint" }]);
            assert.equal(plan.dataPlaneMode, DataPlaneMode.Ambient);
            const refused = (args: pulumi.Unwrap<KyvernoAuthzArgs>) => planProblems(() => planKyvernoAuthz("authz", args), TYPE, "authz");
            assert.match(refused({ ...ambient, targets: [{ namespace: "shop", selector: { app: "api" } }] })[0], /^targets\[0\]\.selector: got \{"app":"api"\}; in ambient ztunnel ignores CUSTOM policies/);
            assert.match(refused({ ...ambient, targets: [{ namespace: "shop", targetRefs: [{ kind: "GatewayClass", name: "istio-waypoint" }] }] })[0], /^targets\[0\]\.targetRefs\[0\]\.kind: got "GatewayClass"; in ambient only a waypoint or gateway enforces CUSTOM/);
            assert.match(refused({ ...ambient, targets: [{ namespace: "shop", targetRefs: [{ kind: "gateway", name: "x" }] }] })[0], /^targets\[0\]\.targetRefs\[0\]\.kind: got "gateway"; kind is case-sensitive: write Gateway$/);
            assert.match(refused({ ...cm, gatewayNamespaces: ["istio-ingress"] })[0], /^gatewayNamespaces: got \["istio-ingress"\]; it only applies with dataPlaneMode: Ambient/);
        });

        it("groups PERMISSIVE ports by app, apps in name order, ports in the order given", () => {
            const plan = planKyvernoAuthz("authz", {
                ...cm,
                appMtls: [
                    { namespace: "demo", permissivePorts: [{ app: "web", port: 8080 }, { app: "api", port: 9090 }, { app: "web", port: 80 }] },
                    { namespace: "quiet" },
                ],
            });
            assert.deepEqual(plan.appMtls, [
                { namespace: "demo", permissive: [{ app: "api", ports: [9090] }, { app: "web", ports: [8080, 80] }] },
                { namespace: "quiet", permissive: [] },
            ]);
        });

        it("accepts meshExtensionProviders that register the same provider", () => {
            const plan = planKyvernoAuthz("authz", { flavor: plugin, namespace: "demo", meshExtensionProviders: [{ name: "other" }, kyvernoExtensionProvider({ flavor: plugin, namespace: "demo" })] });
            assert.equal(plan.provider.providerName, "kyverno-ext-authz-grpc");
        });
    });

    describe("validation: each problem names the field, the value and what is accepted", () => {
        const spec = { validations: [{ expression: "null" }] };
        // [what, args, field, the value as the message prints it, what is accepted]
        const cases: Array<[string, pulumi.Unwrap<KyvernoAuthzArgs>, string, string, RegExp]> = [
            ["an unknown flavor", { flavor: "Opa" as unknown as KyvernoAuthzFlavor }, "flavor", '"Opa"', /^expected one of "AuthzServer", "EnvoyPlugin"$/],
            ["a namespace that is not a DNS label", { ...cm, namespace: "Kyverno" }, "namespace", '"Kyverno"', /^expected a DNS-1123 label/],
            ["a bad service name", { ...cm, serviceName: "my_svc" }, "serviceName", '"my_svc"', /^expected a DNS-1123 label/],
            ["a blank provider name", { ...cm, providerName: " " }, "providerName", '" "', /^expected a non-empty string of at most 253 characters$/],
            ["a bad provider timeout", { ...cm, timeout: "1m" }, "timeout", '"1m"', /^expected a protobuf duration in seconds/],
            ["a bad chart version", { ...cm, version: "latest" }, "version", '"latest"', /^expected a version such as 1\.30\.3/],
            ["an unknown helm mode", { ...cm, helmMode: "Kustomize" as unknown as HelmMode }, "helmMode", '"Kustomize"', /^expected one of "Chart", "Release"$/],
            ["an image for the chart flavor", { ...cm, image: "x:1" }, "image", '"x:1"', /^image only applies to flavor EnvoyPlugin; the chart's image follows its version$/],
            ["AuthzServer without a webhook certificate source", {}, "webhookIssuer/webhookCertManagerIssuer", "nothing", /^the chart's validation webhook needs a certificate: set exactly one of webhookIssuer .* and webhookCertManagerIssuer$/],
            ["both webhook certificate sources", { ...cm, webhookIssuer: issuer }, "webhookIssuer/webhookCertManagerIssuer", '"both"', /^the chart's validation webhook needs a certificate/],
            ["an unknown policy API version", { ...cm, policyApiVersion: "policies.kyverno.io/v2" }, "policyApiVersion", '"policies.kyverno.io/v2"', /^expected policies\.kyverno\.io\/v1alpha1, v1beta1 or v1$/],
            ["policy API version v1 with the v0.4.0 CRD installed (it serves only v1alpha1)", { ...cm, installPolicyCrd: true, policyApiVersion: "policies.kyverno.io/v1" }, "policyApiVersion", '"policies.kyverno.io/v1"', /^installPolicyCrd installs the ValidatingPolicy CRD of kyverno-authz v0\.4\.0, which serves only policies\.kyverno\.io\/v1alpha1: use policies\.kyverno\.io\/v1alpha1, or set installPolicyCrd: false/],
            ["a v1beta1 yaml policy with the v0.4.0 CRD installed", { ...cm, installPolicyCrd: true, policies: [{ name: "p", yaml: "apiVersion: policies.kyverno.io/v1beta1\nkind: ValidatingPolicy\n" }] }, "policies[0].yaml apiVersion", '"policies.kyverno.io/v1beta1"', /^installPolicyCrd installs the ValidatingPolicy CRD of kyverno-authz v0\.4\.0, which serves only/],
            ["a chart version for the plugin", { flavor: plugin, version: "0.4.0" }, "version", '"0.4.0"', /^version only applies to flavor AuthzServer \(the kyverno-authz-server chart\)$/],
            ["a chart repository for the plugin", { flavor: plugin, chartRepository: "https://x" }, "chartRepository", '"https://x"', /^chartRepository only applies to flavor AuthzServer/],
            ["a helm mode for the plugin", { flavor: plugin, helmMode: HelmMode.Chart }, "helmMode", '"Chart"', /^helmMode only applies to flavor AuthzServer/],
            ["a webhook issuer for the plugin (the key is not printed)", { flavor: plugin, webhookIssuer: issuer }, "webhookIssuer", '"<IssuerMaterial>"', /^webhookIssuer only applies to flavor AuthzServer/],
            ["a cert-manager issuer for the plugin", { flavor: plugin, ...cm }, "webhookCertManagerIssuer", '{"name":"x","kind":"Issuer"}', /^webhookCertManagerIssuer only applies to flavor AuthzServer/],
            ["installPolicyCrd for the plugin", { flavor: plugin, installPolicyCrd: true }, "installPolicyCrd", "true", /^installPolicyCrd only applies to flavor AuthzServer/],
            ["a policy API version for the plugin", { flavor: plugin, policyApiVersion: "policies.kyverno.io/v1" }, "policyApiVersion", '"policies.kyverno.io/v1"', /^policyApiVersion only applies to flavor AuthzServer/],
            ["a plugin image with a space", { flavor: plugin, image: "my image" }, "image", '"my image"', /^expected an image reference such as ghcr\.io\/org\/image:tag$/],
            ["a policy name that is not a DNS name", { ...cm, policies: [{ name: "Books", spec }] }, "policies[0].name", '"Books"', /^expected a DNS-1123 name/],
            ["duplicate policy names", { ...cm, policies: [{ name: "p", spec }, { name: "p", spec }] }, "policies[1].name", '"p"', /^policy names must be unique$/],
            ["a policy with both yaml and spec", { ...cm, policies: [{ name: "p", yaml: "a: 1", spec: { validations: [] } }] }, "policies[0]", '["yaml","spec"]', /^set exactly one of yaml and spec$/],
            ["a policy with neither", { ...cm, policies: [{ name: "p" }] }, "policies[0]", "[]", /^set exactly one of yaml and spec$/],
            ["YAML that does not parse", { ...cm, policies: [{ name: "p", yaml: "a: [" }] }, "policies[0].yaml", '"<yaml>"', /^it does not parse as YAML: /],
            ["a typed spec for the plugin", { flavor: plugin, policies: [{ name: "allow", spec }] }, "policies[0].spec", JSON.stringify(spec), /^flavor EnvoyPlugin loads kyverno-json files: give the policy as yaml$/],
            ["an unknown failurePolicy", { ...cm, policies: [{ name: "p", spec: { ...spec, failurePolicy: "Deny" } }] }, "policies[0].spec.failurePolicy", '"Deny"', /^expected Fail or Ignore$/],
            ["a spec without validations", { ...cm, policies: [{ name: "p", spec: { validations: [] } }] }, "policies[0].spec.validations", "[]", /^expected at least one validation$/],
            ["an obsolete envoy.kyverno.io policy", { ...cm, policies: [{ name: "p", yaml: "apiVersion: envoy.kyverno.io/v1alpha1\nkind: AuthorizationPolicy\n" }] }, "policies[0].apiVersion", '"envoy.kyverno.io/v1alpha1"', /^envoy\.kyverno\.io AuthorizationPolicy \(kyverno-envoy-plugin 0\.2-0\.3\) is obsolete; write a policies\.kyverno\.io ValidatingPolicy with spec\.evaluation\.mode: Envoy/],
            ["an obsolete authz.kyverno.io policy", { flavor: plugin, policies: [{ name: "p", yaml: "apiVersion: authz.kyverno.io/v1alpha1\nkind: ValidatingPolicy\n" }] }, "policies[0].apiVersion", '"authz.kyverno.io/v1alpha1"', /^authz\.kyverno\.io \(kyverno-envoy-plugin 0\.4\.0-beta\.1\) is obsolete/],
            ["a json policy for the authz server", { ...cm, policies: [{ name: "test-policy", yaml: seedJsonPolicies[0] }] }, "policies[0]", '"json.kyverno.io/v1alpha1 ValidatingPolicy"', /^flavor AuthzServer loads policies\.kyverno\.io ValidatingPolicy documents/],
            ["a server policy for the plugin", { flavor: plugin, policies: [{ name: "p", yaml: "apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\n" }] }, "policies[0]", '"policies.kyverno.io/v1alpha1 ValidatingPolicy"', /^flavor EnvoyPlugin loads kyverno-json json\.kyverno\.io\/v1alpha1 ValidatingPolicy files/],
            ["a scalar YAML document", { ...cm, policies: [{ name: "p", yaml: "42" }] }, "policies[0].yaml", "42", /^expected one YAML mapping: a whole policy document/],
            ["a policy whose YAML name differs", { ...cm, policies: [{ name: "p", yaml: "apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: q\n" }] }, "policies[0].yaml metadata.name", '"q"', /^it must equal the policy name "p" \(or be left out\)$/],
            ["a policy in Kubernetes (admission) mode", { ...cm, policies: [{ name: "p", yaml: "apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nspec:\n  evaluation:\n    mode: Kubernetes\n" }] }, "policies[0] spec.evaluation.mode", '"Kubernetes"', /^the authz server only evaluates policies with evaluation\.mode Envoy/],
            ["a bad target namespace", { ...cm, targets: [{ namespace: "Demo" }] }, "targets[0].namespace", '"Demo"', /^expected a DNS-1123 label/],
            ["a bad AuthorizationPolicy name", { ...cm, targets: [{ namespace: "a", name: "A_B" }] }, "targets[0].name", '"A_B"', /^expected a DNS-1123 name/],
            ["two targets with one name in a namespace", { ...cm, targets: [{ namespace: "a" }, { namespace: "a" }] }, "targets[1].name", '"kyverno-authz-server"', /^two targets in one namespace need different names$/],
            ["a target with selector and targetRefs", { ...cm, targets: [{ namespace: "a", selector: { app: "x" }, targetRefs: [{ kind: "Gateway", name: "gw" }] }] }, "targets[0]", '{"selector":{"app":"x"},"targetRefs":[{"kind":"Gateway","name":"gw"}]}', /^Istio allows only one of selector and targetRefs on an AuthorizationPolicy$/],
            ["an empty selector", { ...cm, targets: [{ namespace: "a", selector: {} }] }, "targets[0].selector", "{}", /^expected at least one label; omit it for the whole namespace$/],
            ["a wildcard selector value", { ...cm, targets: [{ namespace: "a", selector: { app: "*" } }] }, "targets[0].selector.app", '"*"', /^expected a label value/],
            ["a targetRef without a kind", { ...cm, targets: [{ namespace: "a", targetRefs: [{ kind: "", name: "gw" }] }] }, "targets[0].targetRefs[0].kind", '""', /^expected a non-empty string of at most 63 characters$/],
            ["a Service targetRef (waypoints only)", { ...cm, targets: [{ namespace: "a", targetRefs: [{ kind: "Gateway", name: "gw" }, { kind: "Service", name: "api" }] }] }, "targets[0].targetRefs[1].kind", '"Service"', /^in a sidecar mesh Istio honours only kind Gateway \(gateway\.networking\.k8s\.io, a Gateway API gateway in the target's namespace\); Service, ServiceEntry and GatewayClass targets attach only to waypoints and sidecars ignore any targetRefs policy: use selector for workloads$/],
            ["a ServiceEntry targetRef (waypoints only)", { ...cm, targets: [{ namespace: "a", targetRefs: [{ kind: "ServiceEntry", name: "x", group: "networking.istio.io" }] }] }, "targets[0].targetRefs[0].kind", '"ServiceEntry"', /^in a sidecar mesh Istio honours only kind Gateway/],
            ["a GatewayClass targetRef (waypoints only)", { ...cm, targets: [{ namespace: "istio-system", targetRefs: [{ kind: "GatewayClass", name: "istio-waypoint", group: "gateway.networking.k8s.io" }] }] }, "targets[0].targetRefs[0].kind", '"GatewayClass"', /^in a sidecar mesh Istio honours only kind Gateway/],
            ["a Gateway targetRef of another group", { ...cm, targets: [{ namespace: "a", targetRefs: [{ kind: "Gateway", name: "gw", group: "networking.istio.io" }] }] }, "targets[0].targetRefs[0].group", '"networking.istio.io"', /^expected gateway\.networking\.k8s\.io \(Istio matches kind Gateway of that group only\) or leave it out$/],
            ["a targetRef with a bad name", { ...cm, targets: [{ namespace: "a", targetRefs: [{ kind: "Gateway", name: "GW" }] }] }, "targets[0].targetRefs[0].name", '"GW"', /^expected a DNS-1123 name/],
            ["a relative path", { ...cm, targets: [{ namespace: "a", paths: ["book"] }] }, "targets[0].paths[0]", '"book"', /^expected a path starting with '\/' \(or a '\*' wildcard\)$/],
            ["a host with a space", { ...cm, targets: [{ namespace: "a", hosts: ["a b"] }] }, "targets[0].hosts[0]", '"a b"', /^expected a host such as testapp-1\.demo\.svc\.cluster\.local\[:port\] with a port from 1 to 65535 \(or '\*'\)$/],
            ["a lower-case method", { ...cm, targets: [{ namespace: "a", methods: ["get"] }] }, "targets[0].methods[0]", '"get"', /^expected one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH$/],
            ["a revision that is not a label", { ...cm, revision: "1.30" }, "revision", '"1.30"', /^expected a DNS-1123 label/],
            ["a bad app namespace", { ...cm, appMtls: [{ namespace: "Demo" }] }, "appMtls[0].namespace", '"Demo"', /^expected a DNS-1123 label/],
            ["a bad app label", { ...cm, appMtls: [{ namespace: "demo", permissivePorts: [{ app: "a b", port: 80 }] }] }, "appMtls[0].permissivePorts[0].app", '"a b"', /^expected a label value/],
            ["a permissive port out of range", { ...cm, appMtls: [{ namespace: "demo", permissivePorts: [{ app: "a", port: 0 }] }] }, "appMtls[0].permissivePorts[0].port", "0", /^expected a port number from 1 to 65535$/],
            ["an app/port pair twice", { ...cm, appMtls: [{ namespace: "demo", permissivePorts: [{ app: "a", port: 80 }, { app: "a", port: 80 }] }] }, "appMtls[0].permissivePorts[1]", '{"app":"a","port":80}', /^each app\/port pair may appear once$/],
            ["a mesh without the provider", { ...cm, meshExtensionProviders: [] }, "meshExtensionProviders", "[]", /^the mesh has no extension provider named "kyverno-authz-server", so AuthorizationPolicies naming it would deny or be ignored; register it: new IstioMesh\(\.\.\., \{ extensionProviders: \[kyvernoExtensionProvider\(\{ namespace: "kyverno" \}\), \.\.\.\] \}\) with the same arguments as this component$/],
            [
                "a mesh with the provider on another port",
                { ...cm, meshExtensionProviders: [{ name: "kyverno-authz-server", envoyExtAuthzGrpc: { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9000 } }] },
                "meshExtensionProviders",
                '{"name":"kyverno-authz-server","envoyExtAuthzGrpc":{"service":"kyverno-authz-server.kyverno.svc.cluster.local","port":9000}}',
                /^provider "kyverno-authz-server" is registered for another service; expected envoyExtAuthzGrpc kyverno-authz-server\.kyverno\.svc\.cluster\.local:9081; register it/,
            ],
            [
                "a mesh with the plugin's provider in another namespace",
                { flavor: plugin, namespace: "demo", meshExtensionProviders: [kyvernoExtensionProvider({ flavor: plugin })] },
                "meshExtensionProviders",
                JSON.stringify(kyvernoExtensionProvider({ flavor: plugin })),
                /expected envoyExtAuthzGrpc ext-authz\.demo\.svc\.cluster\.local:9000; register it: new IstioMesh\(\.\.\., \{ extensionProviders: \[kyvernoExtensionProvider\(\{ flavor: KyvernoAuthzFlavor\.EnvoyPlugin, namespace: "demo" \}\)/,
            ],
        ];

        it("covers every case once", () => {
            assert.equal(cases.length, 59);
            assert.equal(new Set(cases.map(([what]) => what)).size, cases.length);
        });
        for (const [what, args, field, value, accepted] of cases) {
            it(`rejects ${what}`, () => {
                const lines = planProblemsOf(args);
                assert.equal(lines.length, 1, lines.join("\n"));
                const prefix = `${field}: got ${value}; `;
                assert.ok(lines[0].startsWith(prefix), `expected "${prefix}..." in: ${lines[0]}`);
                assert.match(lines[0].slice(prefix.length), accepted);
            });
        }

        it("collects every problem into one error, in argument order", () => {
            const lines = planProblemsOf(
                {
                    namespace: "Bad",
                    image: "x:1",
                    policies: [{ name: "p" }],
                    targets: [{ namespace: "a", methods: ["get"] }],
                    appMtls: [{ namespace: "B" }],
                    meshExtensionProviders: [],
                },
            );
            assert.deepEqual(
                lines.map((l) => l.split(": got ")[0]),
                ["namespace", "image", "webhookIssuer/webhookCertManagerIssuer", "policies[0]", "targets[0].methods[0]", "appMtls[0].namespace", "meshExtensionProviders"],
            );
        });
    });

    describe("determinism", () => {
        const args = (): pulumi.Unwrap<KyvernoAuthzArgs> => ({
            webhookIssuer: issuer,
            policies: [
                { name: "b", spec: { validations: [{ expression: "null" }] } },
                { name: "a", yaml: "apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nspec:\n  validations:\n  - expression: 'null'\n" },
            ],
            targets: [{ namespace: "demo", selector: { z: "1", a: "2" }, paths: ["/x"] }],
            appMtls: [{ namespace: "demo", permissivePorts: [{ app: "b", port: 1 }, { app: "a", port: 2 }] }],
        });

        it("the same arguments give a byte-identical plan", () => {
            assert.equal(JSON.stringify(planKyvernoAuthz("authz", args())), JSON.stringify(planKyvernoAuthz("authz", args())));
        });

        it("never modifies its arguments, and the plan shares no mutable part with them", () => {
            const frozen = deepFreeze(args());
            const before = JSON.stringify(frozen);
            const plan = planKyvernoAuthz("authz", frozen);
            assert.equal(JSON.stringify(frozen), before);
            plan.targets[0].paths.push("/y");
            (plan.targets[0].selector ?? {}).extra = "1";
            assert.equal(JSON.stringify(frozen), before);
        });
    });
});
