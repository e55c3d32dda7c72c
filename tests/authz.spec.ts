import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CertificateAuthority, KyvernoAuthz, KyvernoAuthzArgs, KyvernoAuthzFlavor, kyvernoExtensionProvider } from "../sdk";
import { ProgramResult, resolve, runProgram, valueOf, registrationView } from "./harness";
import { ISTIO_GROUPS, assertValidObjects, loadCrd, loadIstioCrds, unknownValuesKeys } from "./schema";

loadIstioCrds();
loadCrd("kyverno/ValidatingPolicy.crd.yaml");

const TYPE = "meshtls:index:KyvernoAuthz";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const seedJsonPolicies = fs.readFileSync(path.join(__dirname, "fixtures/seeds/003-json-policies.yaml"), "utf8").split(/^---$/m).map((d) => d.replace(/^#.*\n/gm, "").trim() + "\n");

/** The seed's two rules as current ValidatingPolicies (evaluation.mode Envoy, CEL). */
const booksPolicy = {
    name: "testapp-1-books",
    spec: {
        failurePolicy: "Fail",
        matchConditions: [{ name: "testapp-1", expression: "object.attributes.request.http.host == 'testapp-1.demo.svc.cluster.local:8080'" }],
        validations: [{ expression: "object.attributes.request.http.method == 'GET' && object.attributes.request.http.path == '/book' ? envoy.Allowed().Response() : envoy.Denied(403).Response()" }],
    },
};

function withCa(args: (ca: CertificateAuthority) => KyvernoAuthzArgs) {
    return () => {
        const ca = new CertificateAuthority("ca", {});
        return { ca, authz: new KyvernoAuthz("authz", args(ca)) };
    };
}

function release(result: ProgramResult<unknown>) {
    return result.get(RELEASE, "authz-server").inputs as { name: string; chart: string; version: string; namespace: string; repositoryOpts: { repo: string }; values: Record<string, unknown> };
}

describe("authz: KyvernoAuthz", () => {
    describe("kyvernoExtensionProvider", () => {
        it("describes the authz server (gRPC 9081) and the seed's plugin (gRPC 9000)", () => {
            assert.deepEqual(kyvernoExtensionProvider(), { name: "kyverno-authz-server", envoyExtAuthzGrpc: { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081 } });
            assert.deepEqual(kyvernoExtensionProvider({ flavor: KyvernoAuthzFlavor.EnvoyPlugin, namespace: "demo", timeout: "0.5s" }), {
                name: "kyverno-ext-authz-grpc",
                envoyExtAuthzGrpc: { service: "ext-authz.demo.svc.cluster.local", port: 9000, timeout: "0.5s" },
            });
            assert.throws(() => kyvernoExtensionProvider({ namespace: "Demo" }), /namespace: got "Demo"/);
        });
    });

    describe("flavor AuthzServer", () => {
        const args = (ca: CertificateAuthority): KyvernoAuthzArgs => ({
            webhookIssuer: ca.issuer,
            policies: [booksPolicy],
            targets: [{ namespace: "demo", paths: ["/book", "/movie"] }],
        });

        it("installs kyverno-authz-server 0.4.0 as a Release in an injected namespace, webhook certificate from the issuer", async () => {
            const result = await runProgram(withCa(args));
            const r = release(result);
            assert.deepEqual(
                { name: r.name, chart: r.chart, version: r.version, namespace: r.namespace, repo: r.repositoryOpts.repo },
                { name: "kyverno-authz-server", chart: "kyverno-authz-server", version: "0.4.0", namespace: "kyverno", repo: "https://kyverno.github.io/kyverno-authz" },
            );
            const values = r.values as { config: unknown; validatingWebhookConfiguration: { certificates: { static: { crt: string; key: string } } } };
            assert.deepEqual(values.config, { type: "envoy" });
            const cert = new X509Certificate(values.validatingWebhookConfiguration.certificates.static.crt);
            assert.equal(
                cert.subjectAltName,
                "DNS:kyverno-authz-server-validation, DNS:kyverno-authz-server-validation.kyverno, DNS:kyverno-authz-server-validation.kyverno.svc, DNS:kyverno-authz-server-validation.kyverno.svc.cluster.local",
            );
            assert.ok(cert.verify(new X509Certificate(await valueOf(result.value.ca.certPem)).publicKey));
            assert.equal(await valueOf(result.value.authz.webhookFingerprintSha256), cert.fingerprint256);
            assert.match(values.validatingWebhookConfiguration.certificates.static.key, /PRIVATE KEY/);
            assert.deepEqual(result.get(RELEASE, "authz-server").secretPaths, ["values.validatingWebhookConfiguration.certificates.static.key"], "only the key is secret; the rest of the values stay reviewable");
            assert.deepEqual(result.k8sObject("Namespace", "kyverno").metadata.labels, { "istio-injection": "enabled" });
            // certificates.static is `{}` in the values file, its crt/key documented in comments there.
            // The server pods carry the mesh's pod injection labels; authzServer.pod.labels is `{}` in the values file.
            assert.deepEqual((r.values as { authzServer: unknown }).authzServer, { pod: { labels: { "sidecar.istio.io/inject": "true" } } });
            assert.deepEqual(unknownValuesKeys(r.values, "kyverno/kyverno-authz-server.values.yaml", ["authzServer.pod.labels", "validatingWebhookConfiguration.pod.labels", "validatingWebhookConfiguration.certificates.static"]), []);
        });

        it("emits the policies as ValidatingPolicy with evaluation.mode Envoy, valid against the CRD, after the chart", async () => {
            const result = await runProgram(withCa(args));
            const vp = result.k8sObject("ValidatingPolicy", "testapp-1-books");
            assert.equal(vp.apiVersion, "policies.kyverno.io/v1alpha1");
            assert.deepEqual((vp.spec as { evaluation: unknown }).evaluation, { mode: "Envoy" });
            assert.equal(vp.metadata.namespace, undefined, "cluster-scoped");
            assert.equal(assertValidObjects(result.k8sObjects(), ["policies.kyverno.io"]), 1);
            assert.ok(result.k8sResource("ValidatingPolicy", "testapp-1-books").dependencies.includes(result.get(RELEASE, "authz-server").urn));
        });

        it("takes a policy from YAML text and keeps what it says", async () => {
            const yaml = `apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: demo
spec:
  failurePolicy: Fail
  evaluation:
    mode: Envoy
  validations:
  - expression: envoy.Allowed().Response()
`;
            const result = await runProgram(withCa((ca) => ({ webhookIssuer: ca.issuer, policies: [{ name: "demo", yaml }] })));
            assert.deepEqual(result.k8sObject("ValidatingPolicy", "demo").spec, { failurePolicy: "Fail", evaluation: { mode: "Envoy" }, validations: [{ expression: "envoy.Allowed().Response()" }] });
        });

        it("AuthorizationPolicy CUSTOM names the provider kyvernoExtensionProvider registers, after the server", async () => {
            const result = await runProgram(withCa(args));
            const ap = result.k8sObject("AuthorizationPolicy", "kyverno-authz-server", "demo");
            assert.deepEqual(ap.spec, { action: "CUSTOM", provider: { name: kyvernoExtensionProvider().name }, rules: [{ to: [{ operation: { paths: ["/book", "/movie"] } }] }] });
            assert.deepEqual(await valueOf(result.value.authz.extensionProvider), kyvernoExtensionProvider());
            assert.ok(result.k8sResource("AuthorizationPolicy", "kyverno-authz-server", "demo").dependencies.includes(result.get(RELEASE, "authz-server").urn));
        });

        it("STRICT in its namespace, with the webhook's port 9443 PERMISSIVE for the API server", async () => {
            const result = await runProgram(withCa(args));
            assert.deepEqual(result.k8sObject("PeerAuthentication", "default", "kyverno").spec, { mtls: { mode: "STRICT" } });
            assert.deepEqual(result.k8sObject("PeerAuthentication", "kyverno-authz-server-validation", "kyverno").spec, {
                selector: { matchLabels: { "app.kubernetes.io/component": "validation-webhook" } },
                mtls: { mode: "STRICT" },
                portLevelMtls: { "9443": { mode: "PERMISSIVE" } },
            });
            // Two PeerAuthentications, the AuthorizationPolicy and the authorizer host's ISTIO_MUTUAL DestinationRule.
            assert.equal(assertValidObjects(result.k8sObjects(), ISTIO_GROUPS), 4);
        });

        it("cert-manager instead of an issuer; nameOverride for another service name; the pinned CRD manifest on request", async () => {
            const result = await runProgram(() =>
                new KyvernoAuthz("authz", { serviceName: "authz", webhookCertManagerIssuer: { name: "selfsigned", kind: "ClusterIssuer" }, installPolicyCrd: true }),
            );
            assert.deepEqual(release(result).values, {
                config: { type: "envoy" },
                authzServer: { pod: { labels: { "sidecar.istio.io/inject": "true" } } },
                nameOverride: "authz",
                validatingWebhookConfiguration: {
                    pod: { labels: { "sidecar.istio.io/inject": "true" } },
                    certificates: { certManager: { issuerRef: { name: "selfsigned", kind: "ClusterIssuer", group: "cert-manager.io" } } },
                },
            });
            const crd = result.get("kubernetes:yaml/v2:ConfigGroup", "authz-policy-crd");
            assert.deepEqual(crd.inputs.files, ["https://raw.githubusercontent.com/kyverno/kyverno-authz/v0.4.0/.crds/policies.kyverno.io/policies.kyverno.io_validatingpolicies.yaml"]);
            assert.equal(crd.transforms, 1, "the CRD is retained on delete");
            assert.ok(result.get(RELEASE, "authz-server").dependencies.includes(crd.urn));
            assert.deepEqual(result.resources.filter((r) => r.type === "kubernetes:yaml/v2:ConfigGroup").length, 1);
        });

        it("keeps the webhook key out of every component's recorded inputs", async () => {
            const result = await runProgram(withCa(args));
            const components = result.resources.filter((x) => !x.custom);
            // The CA and the authorizer, its webhook certificate, and its two mTLS policies (namespace, webhook port).
            assert.deepEqual(components.map((r) => `${r.type}::${r.name}`).sort(), [
                "meshtls:index:Certificate::authz-webhook-cert",
                "meshtls:index:CertificateAuthority::ca",
                "meshtls:index:KyvernoAuthz::authz",
                "meshtls:index:MtlsPolicy::authz-namespace-mtls",
                "meshtls:index:MtlsPolicy::authz-webhook-mtls",
            ]);
            for (const r of components) {
                assert.doesNotMatch(JSON.stringify(r.inputs), /PRIVATE KEY/, `${r.type} ${r.name}`);
            }
        });
    });

    describe("flavor EnvoyPlugin (the seed)", () => {
        const plugin = (): KyvernoAuthzArgs => ({
            flavor: KyvernoAuthzFlavor.EnvoyPlugin,
            namespace: "demo",
            policies: [
                { name: "policy1", yaml: seedJsonPolicies[0] },
                { name: "policy2", yaml: seedJsonPolicies[1] },
            ],
            targets: [{ namespace: "demo", paths: ["/book", "/movie"] }],
            appMtls: [{ namespace: "demo", permissivePorts: [{ app: "testapp-1", port: 8080 }, { app: "testapp-2", port: 8080 }] }],
        });

        it("deploys the plugin with one --policy per file from a ConfigMap, gRPC 9000 and HTTP 8000", async () => {
            const result = await runProgram(() => new KyvernoAuthz("authz", plugin()));
            assert.deepEqual(result.ofType(RELEASE), []);
            const cm = result.k8sObject("ConfigMap", "ext-authz-policies", "demo");
            assert.deepEqual(cm.data, { "policy1.yaml": seedJsonPolicies[0], "policy2.yaml": seedJsonPolicies[1] });
            const dep = result.k8sObject("Deployment", "ext-authz", "demo") as unknown as { spec: { template: { metadata: { annotations: Record<string, string> }; spec: { containers: Array<{ image: string; args: string[]; ports: unknown[] }>; volumes: unknown[] } } } };
            const c = dep.spec.template.spec.containers[0];
            assert.equal(c.image, "sanskardevops/plugin:0.0.29");
            assert.deepEqual(c.args, ["serve", "--policy=/policies/policy1.yaml", "--policy=/policies/policy2.yaml"]);
            assert.deepEqual(c.ports, [{ name: "http", containerPort: 8000 }, { name: "grpc", containerPort: 9000 }]);
            assert.deepEqual(dep.spec.template.spec.volumes, [{ name: "policy-files", configMap: { name: "ext-authz-policies" } }]);
            assert.match(dep.spec.template.metadata.annotations["meshtls.io/policies-sha256"], /^[0-9a-f]{64}$/);
            const svc = result.k8sObject("Service", "ext-authz", "demo") as unknown as { spec: { ports: unknown[] } };
            assert.deepEqual(svc.spec.ports, [{ name: "http", port: 8000, targetPort: 8000 }, { name: "grpc", port: 9000, targetPort: 9000 }]);
            assert.deepEqual(result.k8sObject("AuthorizationPolicy", "kyverno-ext-authz-grpc", "demo").spec, {
                action: "CUSTOM",
                provider: { name: "kyverno-ext-authz-grpc" },
                rules: [{ to: [{ operation: { paths: ["/book", "/movie"] } }] }],
            });
        });

        it("a policy change rolls the plugin (the content hash in the pod template changes)", async () => {
            const hash = async (args: KyvernoAuthzArgs) => {
                const result = await runProgram(() => new KyvernoAuthz("authz", args));
                return (result.k8sObject("Deployment", "ext-authz", "demo").spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations["meshtls.io/policies-sha256"];
            };
            const a = await hash(plugin());
            const b = await hash({ ...plugin(), policies: [{ name: "policy1", yaml: seedJsonPolicies[0] }] });
            assert.notEqual(a, b);
            assert.equal(await hash(plugin()), a);
        });

        it("the seed's PeerAuthentication layout: namespace STRICT, each app STRICT with 8080 PERMISSIVE, valid against the CRD", async () => {
            const result = await runProgram(() => new KyvernoAuthz("authz", plugin()));
            const pas = Object.fromEntries(result.k8sObjects("PeerAuthentication").map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o.spec]));
            assert.deepEqual(pas, {
                // One namespace-wide policy in demo (issue 15 item 11): the apps' mtls-demo, not also the authorizer's default.
                "demo/mtls-demo": { mtls: { mode: "STRICT" } },
                "demo/mtls-testapp-1": { selector: { matchLabels: { app: "testapp-1" } }, mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "PERMISSIVE" } } },
                "demo/mtls-testapp-2": { selector: { matchLabels: { app: "testapp-2" } }, mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "PERMISSIVE" } } },
            });
            // Three PeerAuthentications, the AuthorizationPolicy and the authorizer host's ISTIO_MUTUAL DestinationRule.
            assert.equal(assertValidObjects(result.k8sObjects(), ISTIO_GROUPS), 5);
        });
    });

    describe("mesh registration", () => {
        it("passes when the mesh registered the provider from the same arguments", async () => {
            const result = await runProgram(withCa((ca) => ({ webhookIssuer: ca.issuer, meshExtensionProviders: [kyvernoExtensionProvider()] })));
            assert.equal(result.ofType(TYPE).length, 1);
        });
    });

    it("is deterministic and runs in preview", async () => {
        const program = withCa((ca) => ({ webhookIssuer: ca.issuer, policies: [booksPolicy], targets: [{ namespace: "demo" }] }));
        assert.deepEqual(registrationView(await runProgram(program)), registrationView(await runProgram(program)));
        const preview = await runProgram(program, { preview: true });
        assert.equal((await resolve(preview.value.authz.extensionProvider)).known, true, "the provider is plain data, known at preview");
    });

    it("honours policyApiVersion, failOpen and the plugin image", async () => {
        const server = await runProgram(() => new KyvernoAuthz("authz", { webhookCertManagerIssuer: { name: "x", kind: "Issuer" }, policyApiVersion: "policies.kyverno.io/v1", failOpen: true, policies: [booksPolicy] }));
        assert.equal(server.k8sObject("ValidatingPolicy", "testapp-1-books").apiVersion, "policies.kyverno.io/v1");
        assert.deepEqual(await valueOf(server.value.extensionProvider), { name: "kyverno-authz-server", envoyExtAuthzGrpc: { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081, failOpen: true } });
        const plugin = await runProgram(() => new KyvernoAuthz("authz", { flavor: KyvernoAuthzFlavor.EnvoyPlugin, image: "ghcr.io/acme/plugin:1.0.0" }));
        const dep = plugin.k8sObject("Deployment", "ext-authz", "kyverno").spec as { template: { spec: { containers: Array<{ image: string }> } } };
        assert.equal(dep.template.spec.containers[0].image, "ghcr.io/acme/plugin:1.0.0");
    });
});
