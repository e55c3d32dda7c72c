// What only registration shows for KyvernoAuthz (mock runtime): that it registers its plan's
// manifests as they are, parents, dependency edges, secrets and outputs. Objects and validation are
// covered by the pure specs beside this one.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import { CertificateAuthority, KyvernoAuthz, KyvernoAuthzArgs, KyvernoAuthzFlavor } from "../../sdk";
import { authorizationPolicyObject, authzServerValues, envoyPluginObjects, planKyvernoAuthz, validatingPolicyObject } from "../../sdk/authz";
import { ProgramResult, RegisteredResource, UNKNOWN, resolve, runProgram, valueOf } from "../harness";

const TYPE = "meshtls:index:KyvernoAuthz";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const MTLS_POLICY = "meshtls:index:MtlsPolicy";
const json = "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: allow\nspec:\n  rules: []\n";

const pluginArgs: pulumi.Unwrap<KyvernoAuthzArgs> = {
    flavor: KyvernoAuthzFlavor.EnvoyPlugin,
    namespace: "demo",
    policies: [{ name: "allow", yaml: json }],
    targets: [{ namespace: "demo", paths: ["/book"] }],
    appMtls: [{ namespace: "apps", permissivePorts: [{ app: "web", port: 8080 }] }],
};
const serverArgs: pulumi.Unwrap<KyvernoAuthzArgs> = {
    webhookCertManagerIssuer: { name: "selfsigned", kind: "ClusterIssuer" },
    installPolicyCrd: true,
    policies: [{ name: "allow", spec: { validations: [{ expression: "envoy.Allowed().Response()" }] } }],
    targets: [{ namespace: "demo" }],
    appMtls: [{ namespace: "apps" }],
};

function dependsOn(r: RegisteredResource, on: RegisteredResource): boolean {
    return r.dependencies.includes(on.urn);
}

/** The registered inputs of a Kubernetes object, as the plain object (JSON round trip drops undefined). */
function inputsOf(result: ProgramResult<unknown>, type: string, name: string): unknown {
    return JSON.parse(JSON.stringify(result.get(type, name).inputs));
}

describe("authz: KyvernoAuthz registration (mock runtime)", () => {
    it("EnvoyPlugin: registers the plan's objects as they are, every child parented to the component", async () => {
        const result = await runProgram(() => new KyvernoAuthz("authz", pluginArgs));
        const plan = planKyvernoAuthz("authz", pluginArgs);
        assert.ok(plan.plugin);
        const objects = envoyPluginObjects(plan.plugin, plan.policies);
        assert.deepEqual(inputsOf(result, "kubernetes:core/v1:ConfigMap", "authz-policies"), objects.configMap);
        assert.deepEqual(inputsOf(result, "kubernetes:apps/v1:Deployment", "authz-deployment"), objects.deployment);
        assert.deepEqual(inputsOf(result, "kubernetes:core/v1:Service", "authz-service"), objects.service);
        assert.deepEqual(inputsOf(result, "kubernetes:security.istio.io/v1:AuthorizationPolicy", "authz-authz-demo-kyverno-ext-authz-grpc"), authorizationPolicyObject(plan.targets[0], plan.provider.providerName));
        const component = result.get(TYPE, "authz");
        const children = result.childrenOf(component);
        assert.deepEqual(children.map((c) => `${c.type}::${c.name}`).sort(), [
            "kubernetes:apps/v1:Deployment::authz-deployment",
            "kubernetes:core/v1:ConfigMap::authz-policies",
            "kubernetes:core/v1:Namespace::authz-namespace",
            "kubernetes:core/v1:Service::authz-service",
            "kubernetes:networking.istio.io/v1:DestinationRule::authz-authz-dr",
            "kubernetes:security.istio.io/v1:AuthorizationPolicy::authz-authz-demo-kyverno-ext-authz-grpc",
            `${MTLS_POLICY}::authz-apps-mtls`,
            `${MTLS_POLICY}::authz-apps-web-mtls`,
            `${MTLS_POLICY}::authz-namespace-mtls`,
        ]);
    });

    it("EnvoyPlugin: the namespace first, the ConfigMap before the plugin, the plugin before requests are sent to it", async () => {
        const result = await runProgram(() => new KyvernoAuthz("authz", pluginArgs));
        const ns = result.get("kubernetes:core/v1:Namespace", "authz-namespace");
        const cm = result.get("kubernetes:core/v1:ConfigMap", "authz-policies");
        const deployment = result.get("kubernetes:apps/v1:Deployment", "authz-deployment");
        const service = result.get("kubernetes:core/v1:Service", "authz-service");
        const ap = result.get("kubernetes:security.istio.io/v1:AuthorizationPolicy", "authz-authz-demo-kyverno-ext-authz-grpc");
        assert.deepEqual([dependsOn(cm, ns), dependsOn(deployment, ns), dependsOn(deployment, cm), dependsOn(service, ns), dependsOn(service, cm)], [true, true, true, true, false]);
        assert.deepEqual([dependsOn(ap, deployment), dependsOn(ap, service)], [true, true]);
        // The authorizer namespace's PeerAuthentication waits for the namespace; the apps' do not.
        assert.deepEqual(
            [dependsOn(result.get(MTLS_POLICY, "authz-namespace-mtls"), ns), dependsOn(result.get(MTLS_POLICY, "authz-apps-mtls"), ns), dependsOn(result.get(MTLS_POLICY, "authz-apps-web-mtls"), ns)],
            [true, false, false],
        );
    });

    it("AuthzServer: the CRD and namespace before the chart, the chart before its policies and the AuthorizationPolicies", async () => {
        const result = await runProgram(() => new KyvernoAuthz("authz", serverArgs));
        const plan = planKyvernoAuthz("authz", serverArgs);
        assert.ok(plan.server);
        const ns = result.get("kubernetes:core/v1:Namespace", "authz-namespace");
        const crd = result.get("kubernetes:yaml/v2:ConfigGroup", "authz-policy-crd");
        const release = result.get(RELEASE, "authz-server");
        const vp = result.get("kubernetes:policies.kyverno.io/v1alpha1:ValidatingPolicy", "authz-policy-allow");
        const ap = result.get("kubernetes:security.istio.io/v1:AuthorizationPolicy", "authz-authz-demo-kyverno-authz-server");
        assert.deepEqual([dependsOn(crd, ns), dependsOn(release, ns), dependsOn(release, crd)], [false, true, true]);
        assert.deepEqual([dependsOn(vp, ns), dependsOn(vp, crd), dependsOn(vp, release), dependsOn(ap, release)], [true, true, true, true]);
        assert.deepEqual([dependsOn(result.get(MTLS_POLICY, "authz-webhook-mtls"), ns), dependsOn(result.get(MTLS_POLICY, "authz-apps-mtls"), ns)], [true, false]);
        assert.deepEqual((release.inputs as { values: unknown }).values, authzServerValues(plan.server));
        assert.deepEqual(inputsOf(result, "kubernetes:policies.kyverno.io/v1alpha1:ValidatingPolicy", "authz-policy-allow"), validatingPolicyObject(plan.policies[0]));
        assert.equal(result.ofType("meshtls:index:Certificate").length, 0, "cert-manager issues the webhook certificate");
    });

    it("passes the component's dependsOn to every resource it registers", async () => {
        const result = await runProgram(() => {
            const outside = new k8s.core.v1.Namespace("outside", { metadata: { name: "outside" } });
            return new KyvernoAuthz("authz", pluginArgs, { dependsOn: [outside] });
        });
        const outside = result.get("kubernetes:core/v1:Namespace", "outside");
        const custom = result.descendantsOf(result.get(TYPE, "authz")).filter((r) => r.custom);
        // Namespace, ConfigMap, Deployment, Service, DestinationRule, AuthorizationPolicy and three PeerAuthentications.
        assert.equal(custom.length, 9);
        for (const r of custom) {
            assert.ok(dependsOn(r, outside), `${r.type} ${r.name}`);
        }
    });

    it("createNamespace: false registers no namespace and nothing waits for one", async () => {
        const result = await runProgram(() => new KyvernoAuthz("authz", { ...pluginArgs, createNamespace: false }));
        assert.equal(result.ofType("kubernetes:core/v1:Namespace").length, 0);
        assert.deepEqual(result.get("kubernetes:apps/v1:Deployment", "authz-deployment").dependencies, [result.get("kubernetes:core/v1:ConfigMap", "authz-policies").urn]);
        assert.deepEqual(result.get(MTLS_POLICY, "authz-namespace-mtls").dependencies, []);
    });

    it("outputs: the plan's provider, policy names and AuthorizationPolicies; no webhook certificate facts with cert-manager", async () => {
        const result = await runProgram(() => new KyvernoAuthz("authz", serverArgs));
        const authz = result.value;
        assert.deepEqual(await valueOf(authz.extensionProvider), planKyvernoAuthz("authz", serverArgs).provider.extensionProvider);
        assert.deepEqual(await valueOf(authz.policyNames), ["allow"]);
        assert.deepEqual(await valueOf(authz.authorizationPolicies), ["demo/kyverno-authz-server"]);
        assert.deepEqual([await valueOf(authz.webhookFingerprintSha256), await valueOf(authz.webhookNotAfter), await valueOf(authz.webhookSerialNumber)], ["", "", ""]);
    });

    it("outputs: the issued webhook certificate's facts, its key a secret leaf of the values, unknown leaves at preview", async () => {
        const program = () => {
            const ca = new CertificateAuthority("ca", {});
            return new KyvernoAuthz("authz", { webhookIssuer: ca.issuer });
        };
        const result = await runProgram(program);
        const cert = result.get("meshtls:index:Certificate", "authz-webhook-cert");
        assert.equal(cert.parent, result.get(TYPE, "authz").urn);
        assert.match(await valueOf(result.value.webhookFingerprintSha256), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
        assert.match(await valueOf(result.value.webhookSerialNumber), /^[0-9A-F]+$/);
        assert.notEqual(await valueOf(result.value.webhookNotAfter), "");
        assert.deepEqual(result.get(RELEASE, "authz-server").secretPaths, ["values.validatingWebhookConfiguration.certificates.static.key"]);
        const preview = await runProgram(program, { preview: true });
        // At preview only the PEM leaves are unknown: the rest of the values stay reviewable.
        assert.deepEqual(preview.get(RELEASE, "authz-server").inputs.values, { config: { type: "envoy" }, authzServer: { pod: { labels: { "sidecar.istio.io/inject": "true" } } }, validatingWebhookConfiguration: { pod: { labels: { "sidecar.istio.io/inject": "true" } }, certificates: { static: { crt: UNKNOWN, key: UNKNOWN } } },
        });
        assert.equal((await resolve(preview.value.webhookFingerprintSha256)).known, false, "unknown until the certificate is issued");
    });
});
