// Pure unit specs of the KyvernoAuthz manifests: plan -> Kubernetes objects, Helm values and child
// arguments. No mock runtime; objects of CRD kinds are checked against the upstream schemas.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { HelmMode, IssuerMaterial, MtlsMode } from "../../sdk";
import {
    authorizationPolicyObject,
    authzNamespaceObject,
    authzServerInstall,
    authzServerValues,
    envoyPluginObjects,
    envoyPluginPolicyFiles,
    KyvernoAuthzArgs,
    KyvernoAuthzFlavor,
    KyvernoAuthzPlan,
    kyvernoMtlsPolicies,
    planKyvernoAuthz,
    policyCrdArgs,
    validatingPolicyObject,
    webhookCertificateArgs,
} from "../../sdk/authz";
import { ISTIO_GROUPS, assertValidObjects, loadCrd, loadIstioCrds, unknownValuesKeys } from "../schema";

loadIstioCrds();
loadCrd("kyverno/ValidatingPolicy.crd.yaml");

const seedJsonPolicies = fs
    .readFileSync(path.join(__dirname, "../fixtures/seeds/003-json-policies.yaml"), "utf8")
    .split(/^---$/m)
    .map((d) => d.replace(/^#.*\n/gm, "").trim() + "\n");
const cm = { webhookCertManagerIssuer: { name: "selfsigned", kind: "ClusterIssuer" } };
const issuer: pulumi.Unwrap<IssuerMaterial> = { certPem: "cert", privateKeyPem: "key", caChainPem: "chain", intermediatesPem: "", rootCertPem: "root", trustBundlePem: "bundle" };
const pems = { crt: "-----BEGIN CERTIFICATE-----\n...", key: "-----BEGIN PRIVATE KEY-----\n..." };

function plan(args: pulumi.Unwrap<KyvernoAuthzArgs>): KyvernoAuthzPlan {
    return planKyvernoAuthz("authz", args);
}

function server(args: pulumi.Unwrap<KyvernoAuthzArgs>) {
    const s = plan(args).server;
    assert.ok(s, "an AuthzServer plan");
    return s;
}

const pluginArgs = (): pulumi.Unwrap<KyvernoAuthzArgs> => ({
    flavor: KyvernoAuthzFlavor.EnvoyPlugin,
    namespace: "demo",
    policies: [
        { name: "policy2", yaml: seedJsonPolicies[1] },
        { name: "policy1", yaml: seedJsonPolicies[0] },
    ],
});

describe("authz manifests (pure)", () => {
    describe("the authz server chart", () => {
        it("values: envoy config and the cert-manager issuer; no nameOverride for the default service", () => {
            const values = authzServerValues(server(cm));
            assert.deepEqual(values, {
                config: { type: "envoy" },
                // The mesh's pod injection labels (default revision): injected in any namespace.
                authzServer: { pod: { labels: { "sidecar.istio.io/inject": "true" } } },
                validatingWebhookConfiguration: {
                    // The validation-webhook pods get the same labels (their port 9443 stays PERMISSIVE).
                    pod: { labels: { "sidecar.istio.io/inject": "true" } },
                    certificates: { certManager: { issuerRef: { name: "selfsigned", kind: "ClusterIssuer", group: "cert-manager.io" } } },
                },
            });
            // certificates.certManager is `{}` in the values file, its issuerRef documented in comments there.
            assert.deepEqual(unknownValuesKeys(values, "kyverno/kyverno-authz-server.values.yaml", ["authzServer.pod.labels", "validatingWebhookConfiguration.pod.labels", "validatingWebhookConfiguration.certificates.certManager"]), []);
        });

        it("values: nameOverride for another service name; the issued certificate's PEMs at certificates.static", () => {
            const values = authzServerValues(server({ serviceName: "authz", webhookIssuer: issuer }), pems);
            assert.deepEqual(values, {
                config: { type: "envoy" },
                authzServer: { pod: { labels: { "sidecar.istio.io/inject": "true" } } },
                nameOverride: "authz",
                validatingWebhookConfiguration: { pod: { labels: { "sidecar.istio.io/inject": "true" } }, certificates: { static: { crt: pems.crt, key: pems.key } } },
            });
            // certificates.static is `{}` in the values file, its crt/key documented in comments there.
            assert.deepEqual(unknownValuesKeys(values, "kyverno/kyverno-authz-server.values.yaml", ["authzServer.pod.labels", "validatingWebhookConfiguration.pod.labels", "validatingWebhookConfiguration.certificates.static"]), []);
        });

        it("values: the server pods carry the mesh's pod injection labels, with istio.io/rev for a revision", () => {
            const values = authzServerValues(server({ ...cm, revision: "1-30" }));
            assert.deepEqual(values.authzServer, { pod: { labels: { "sidecar.istio.io/inject": "true", "istio.io/rev": "1-30" } } });
            assert.deepEqual((values.validatingWebhookConfiguration as { pod: unknown }).pod, { labels: { "sidecar.istio.io/inject": "true", "istio.io/rev": "1-30" } });
            // authzServer.pod.labels and validatingWebhookConfiguration.pod.labels are `{}` in the values file ("Additional labels to add to each pod").
            assert.deepEqual(
                unknownValuesKeys(values, "kyverno/kyverno-authz-server.values.yaml", ["authzServer.pod.labels", "validatingWebhookConfiguration.pod.labels", "validatingWebhookConfiguration.certificates.certManager"]),
                [],
            );
            assert.deepEqual(unknownValuesKeys({ authzServer: { pod: { label: {} } } }, "kyverno/kyverno-authz-server.values.yaml", ["authzServer.pod.labels"]), ["authzServer.pod.label"]);
        });

        it("values: refuses to leave out a certificate the plan issues", () => {
            assert.throws(() => authzServerValues(server({ webhookIssuer: issuer })), /meshtls:index:KyvernoAuthz: internal error: the plan issues the webhook certificate \(kyverno-authz-server-validation\.kyverno\.svc\), so its PEMs must be passed/);
        });

        it("install: the plan's chart, version, repository, mode, release and namespace", () => {
            assert.deepEqual(authzServerInstall(server({ ...cm, namespace: "authz", version: "0.5.0", chartRepository: "oci://r/c", helmMode: HelmMode.Chart })), {
                mode: HelmMode.Chart,
                chart: "kyverno-authz-server",
                version: "0.5.0",
                repo: "oci://r/c",
                releaseName: "kyverno-authz-server",
                namespace: "authz",
                values: authzServerValues(server(cm)),
            });
            assert.equal(authzServerInstall(server(cm)).mode, HelmMode.Release);
        });

        it("webhook certificate: for the webhook Service's names, server auth, from the issuer; none with cert-manager", () => {
            assert.equal(webhookCertificateArgs(server(cm)), undefined);
            const args = webhookCertificateArgs(server({ webhookIssuer: issuer }));
            assert.deepEqual(args, {
                issuer,
                commonName: "kyverno-authz-server-validation.kyverno.svc",
                dnsNames: ["kyverno-authz-server-validation", "kyverno-authz-server-validation.kyverno", "kyverno-authz-server-validation.kyverno.svc", "kyverno-authz-server-validation.kyverno.svc.cluster.local"],
                serverAuth: true,
            });
        });

        it("policy CRD: only on request, pinned to the chart version", () => {
            assert.equal(policyCrdArgs(server(cm)), undefined);
            assert.deepEqual(policyCrdArgs(server({ ...cm, installPolicyCrd: true, version: "0.4.1" })), {
                files: ["https://raw.githubusercontent.com/kyverno/kyverno-authz/v0.4.1/.crds/policies.kyverno.io/policies.kyverno.io_validatingpolicies.yaml"],
            });
        });

        it("ValidatingPolicies: cluster-scoped, evaluation.mode Envoy, valid against the CRD", () => {
            const p = plan({
                ...cm,
                policies: [
                    { name: "books", spec: { failurePolicy: "Fail", matchConditions: [{ name: "m", expression: "true" }], variables: [{ name: "v", expression: "1" }], validations: [{ expression: "envoy.Allowed().Response()", message: "ok" }] } },
                    { name: "yaml", yaml: "apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nspec:\n  validations:\n  - expression: 'null'\n" },
                ],
            });
            const objects = p.policies.map(validatingPolicyObject);
            assert.deepEqual(objects.map((o) => [o.kind, (o.metadata as { name: string; namespace?: string }).name, (o.metadata as { namespace?: string }).namespace]), [
                ["ValidatingPolicy", "books", undefined],
                ["ValidatingPolicy", "yaml", undefined],
            ]);
            assert.deepEqual(objects.map((o) => (o.spec as { evaluation: unknown }).evaluation), [{ mode: "Envoy" }, { mode: "Envoy" }]);
            assert.equal(assertValidObjects(objects as unknown as Parameters<typeof assertValidObjects>[0], ["policies.kyverno.io"]), 2);
        });
    });

    describe("the envoy plugin", () => {
        it("policy files: one per policy, `<name>.yaml`, text verbatim, in file-name order", () => {
            const files = envoyPluginPolicyFiles(plan(pluginArgs()).policies);
            assert.deepEqual(Object.keys(files), ["policy1.yaml", "policy2.yaml"]);
            assert.deepEqual(files, { "policy1.yaml": seedJsonPolicies[0], "policy2.yaml": seedJsonPolicies[1] });
        });

        it("ConfigMap, Deployment (one --policy per file, hash of the files) and Service (gRPC 9000, HTTP 8000)", () => {
            const p = plan(pluginArgs());
            assert.ok(p.plugin);
            const { configMap, deployment, service } = envoyPluginObjects(p.plugin, p.policies);
            const data = { "policy1.yaml": seedJsonPolicies[0], "policy2.yaml": seedJsonPolicies[1] };
            assert.deepEqual(configMap, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ext-authz-policies", namespace: "demo" }, data });
            const labels = { app: "ext-authz" };
            assert.deepEqual(deployment, {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: "ext-authz", namespace: "demo", labels },
                spec: {
                    replicas: 1,
                    selector: { matchLabels: labels },
                    template: {
                        // The injection label only on the pods: the selector cannot change.
                        metadata: { labels: { ...labels, "sidecar.istio.io/inject": "true" }, annotations: { "meshtls.io/policies-sha256": crypto.createHash("sha256").update(JSON.stringify(data)).digest("hex") } },
                        spec: {
                            containers: [
                                {
                                    name: "ext-authz",
                                    image: "sanskardevops/plugin:0.0.29",
                                    imagePullPolicy: "IfNotPresent",
                                    args: ["serve", "--policy=/policies/policy1.yaml", "--policy=/policies/policy2.yaml"],
                                    ports: [
                                        { name: "http", containerPort: 8000 },
                                        { name: "grpc", containerPort: 9000 },
                                    ],
                                    volumeMounts: [{ name: "policy-files", mountPath: "/policies", readOnly: true }],
                                },
                            ],
                            volumes: [{ name: "policy-files", configMap: { name: "ext-authz-policies" } }],
                        },
                    },
                },
            });
            assert.deepEqual(service, {
                apiVersion: "v1",
                kind: "Service",
                metadata: { name: "ext-authz", namespace: "demo", labels },
                spec: {
                    selector: labels,
                    ports: [
                        { name: "http", port: 8000, targetPort: 8000 },
                        { name: "grpc", port: 9000, targetPort: 9000 },
                    ],
                },
            });
        });

        it("the pod template's hash follows the policy files and nothing else", () => {
            const hash = (args: pulumi.Unwrap<KyvernoAuthzArgs>) => {
                const p = plan(args);
                assert.ok(p.plugin);
                const d = envoyPluginObjects(p.plugin, p.policies).deployment as unknown as { spec: { template: { metadata: { annotations: Record<string, string> } } } };
                return d.spec.template.metadata.annotations["meshtls.io/policies-sha256"];
            };
            const base = hash(pluginArgs());
            assert.match(base, /^[0-9a-f]{64}$/);
            assert.equal(hash({ ...pluginArgs(), policies: [...(pluginArgs().policies ?? [])].reverse() }), base, "file order is not content");
            assert.equal(hash({ ...pluginArgs(), image: "ghcr.io/acme/plugin:1.0.0" }), base);
            assert.notEqual(hash({ ...pluginArgs(), policies: [{ name: "policy1", yaml: seedJsonPolicies[0] }] }), base);
            assert.notEqual(hash({ ...pluginArgs(), policies: [{ name: "policy1", yaml: seedJsonPolicies[0] }, { name: "policy3", yaml: seedJsonPolicies[1] }] }), base);
        });
    });

    describe("the mesh around the authorizer", () => {
        it("namespace: the authorizer's, labelled for injection", () => {
            assert.deepEqual(authzNamespaceObject(plan({ ...cm, namespace: "authz" }).provider), { apiVersion: "v1", kind: "Namespace", metadata: { name: "authz", labels: { "istio-injection": "enabled" } } });
        });

        it("namespace: with a revision, labelled only istio.io/rev (istio-injection would keep the revisioned injector away)", () => {
            const p = plan({ ...cm, namespace: "authz", revision: "1-30" });
            assert.deepEqual(authzNamespaceObject(p.provider, p.revision), { apiVersion: "v1", kind: "Namespace", metadata: { name: "authz", labels: { "istio.io/rev": "1-30" } } });
        });

        it("AuthorizationPolicy: action CUSTOM naming the plan's provider; operation only with what is set; valid against the CRD", () => {
            const p = plan({
                ...cm,
                providerName: "kyverno",
                targets: [
                    { namespace: "demo", paths: ["/book", "/movie"], hosts: ["a.demo.svc.cluster.local:8080"], methods: ["GET"] },
                    { namespace: "demo", name: "whole" },
                    { namespace: "shop", selector: { version: "v1", app: "cart" } },
                    { namespace: "edge", targetRefs: [{ kind: "Gateway", name: "public" }, { kind: "Gateway", name: "internal" }] },
                ],
            });
            const objects = p.targets.map((t) => authorizationPolicyObject(t, p.provider.providerName));
            assert.deepEqual(objects, [
                {
                    apiVersion: "security.istio.io/v1",
                    kind: "AuthorizationPolicy",
                    metadata: { name: "kyverno", namespace: "demo" },
                    spec: { action: "CUSTOM", provider: { name: "kyverno" }, rules: [{ to: [{ operation: { paths: ["/book", "/movie"], hosts: ["a.demo.svc.cluster.local:8080"], methods: ["GET"] } }] }] },
                },
                { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: { name: "whole", namespace: "demo" }, spec: { action: "CUSTOM", provider: { name: "kyverno" }, rules: [{}] } },
                {
                    apiVersion: "security.istio.io/v1",
                    kind: "AuthorizationPolicy",
                    metadata: { name: "kyverno", namespace: "shop" },
                    spec: { selector: { matchLabels: { app: "cart", version: "v1" } }, action: "CUSTOM", provider: { name: "kyverno" }, rules: [{}] },
                },
                {
                    apiVersion: "security.istio.io/v1",
                    kind: "AuthorizationPolicy",
                    metadata: { name: "kyverno", namespace: "edge" },
                    spec: {
                        targetRefs: [
                            { group: "gateway.networking.k8s.io", kind: "Gateway", name: "public" },
                            { group: "gateway.networking.k8s.io", kind: "Gateway", name: "internal" },
                        ],
                        action: "CUSTOM",
                        provider: { name: "kyverno" },
                        rules: [{}],
                    },
                },
            ]);
            assert.deepEqual(Object.keys((objects[2].spec as { selector: { matchLabels: object } }).selector.matchLabels), ["app", "version"], "sorted labels");
            assert.equal(assertValidObjects(objects as unknown as Parameters<typeof assertValidObjects>[0], ISTIO_GROUPS), 4);
        });

        it("PeerAuthentications with the chart: namespace STRICT, the webhook's 9443 PERMISSIVE; then each app namespace", () => {
            const p = plan({ ...cm, appMtls: [{ namespace: "demo", permissivePorts: [{ app: "web", port: 8080 }, { app: "api", port: 9090 }, { app: "web", port: 80 }] }] });
            assert.deepEqual(kyvernoMtlsPolicies(p.provider, p.server, p.appMtls), [
                { id: "namespace-mtls", args: { namespace: "kyverno", mode: MtlsMode.STRICT }, inAuthzNamespace: true },
                {
                    id: "webhook-mtls",
                    args: {
                        namespace: "kyverno",
                        name: "kyverno-authz-server-validation",
                        selector: { "app.kubernetes.io/component": "validation-webhook" },
                        mode: MtlsMode.STRICT,
                        portLevelMtls: [{ port: 9443, mode: MtlsMode.PERMISSIVE }],
                    },
                    inAuthzNamespace: true,
                },
                { id: "demo-mtls", args: { namespace: "demo", name: "mtls-demo", mode: MtlsMode.STRICT }, inAuthzNamespace: false },
                {
                    id: "demo-api-mtls",
                    args: { namespace: "demo", name: "mtls-api", selector: { app: "api" }, mode: MtlsMode.STRICT, portLevelMtls: [{ port: 9090, mode: MtlsMode.PERMISSIVE }] },
                    inAuthzNamespace: false,
                },
                {
                    id: "demo-web-mtls",
                    args: {
                        namespace: "demo",
                        name: "mtls-web",
                        selector: { app: "web" },
                        mode: MtlsMode.STRICT,
                        portLevelMtls: [
                            { port: 8080, mode: MtlsMode.PERMISSIVE },
                            { port: 80, mode: MtlsMode.PERMISSIVE },
                        ],
                    },
                    inAuthzNamespace: false,
                },
            ]);
        });

        it("PeerAuthentications with the plugin: no webhook exception", () => {
            const p = plan({ flavor: KyvernoAuthzFlavor.EnvoyPlugin, namespace: "demo" });
            assert.deepEqual(kyvernoMtlsPolicies(p.provider, p.server, p.appMtls), [{ id: "namespace-mtls", args: { namespace: "demo", mode: MtlsMode.STRICT }, inAuthzNamespace: true }]);
        });
    });

    it("is deterministic: the same plan gives byte-identical manifests", () => {
        const render = () => {
            const s = plan({ webhookIssuer: issuer, serviceName: "authz", installPolicyCrd: true, policies: [{ name: "p", spec: { validations: [{ expression: "null" }] } }], targets: [{ namespace: "demo", selector: { b: "1", a: "2" } }], appMtls: [{ namespace: "demo", permissivePorts: [{ app: "b", port: 1 }, { app: "a", port: 2 }] }] });
            const p = plan(pluginArgs());
            assert.ok(s.server && p.plugin);
            return JSON.stringify({
                install: authzServerInstall(s.server, pems),
                crd: policyCrdArgs(s.server),
                policies: s.policies.map(validatingPolicyObject),
                plugin: envoyPluginObjects(p.plugin, p.policies),
                aps: s.targets.map((t) => authorizationPolicyObject(t, s.provider.providerName)),
                pas: kyvernoMtlsPolicies(s.provider, s.server, s.appMtls),
                ns: authzNamespaceObject(s.provider),
            });
        };
        assert.equal(render(), render());
    });
});
