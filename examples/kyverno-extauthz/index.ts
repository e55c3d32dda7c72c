// Seed 003 (kyverno-envoy-plugin as an Istio external authorizer, with mTLS) declaratively: Istio by
// Helm with the authorizer registered as an extension provider, the seed's two apps, the policies,
// an AuthorizationPolicy CUSTOM on /book and /movie, and the seed's PeerAuthentication layout.
// In your own program import from "meshtls" instead of "../../sdk".
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CertificateAuthority, IstioMesh, KyvernoAuthz, KyvernoAuthzFlavor, kyvernoExtensionProvider } from "../../sdk";

const config = new pulumi.Config();
const flavor = config.get<KyvernoAuthzFlavor>("flavor") ?? KyvernoAuthzFlavor.AuthzServer;
const plugin = flavor === KyvernoAuthzFlavor.EnvoyPlugin;

// The seed runs its plugin next to the apps in `demo`; the chart installs into `kyverno`.
const providerArgs = { flavor, namespace: plugin ? "demo" : "kyverno" };
const provider = kyvernoExtensionProvider(providerArgs);

const mesh = new IstioMesh("mesh", { extensionProviders: [provider] });

const demo = new k8s.core.v1.Namespace("demo", { metadata: { name: "demo", labels: { "istio-injection": "enabled" } } }, { dependsOn: [mesh] });

/** The seed's sample apps: testapp-1 serves /book, testapp-2 serves /movie, both on 8080. */
const apps = [
    { name: "testapp-1", image: "sanskardevops/test-application:0.0.1" },
    { name: "testapp-2", image: "sanskardevops/test-application-1:0.0.3" },
].flatMap((app) => {
    const labels = { app: app.name };
    return [
        new k8s.apps.v1.Deployment(
            app.name,
            {
                metadata: { name: app.name, namespace: "demo" },
                spec: {
                    replicas: 1,
                    selector: { matchLabels: labels },
                    template: { metadata: { labels }, spec: { containers: [{ name: app.name, image: app.image, ports: [{ containerPort: 8080 }] }] } },
                },
            },
            { dependsOn: [demo] },
        ),
        new k8s.core.v1.Service(
            app.name,
            { metadata: { name: app.name, namespace: "demo" }, spec: { selector: labels, ports: [{ port: 8080, targetPort: 8080 }] } },
            { dependsOn: [demo] },
        ),
    ];
});

const policyDir = path.join(__dirname, "policies", plugin ? "envoy-plugin" : "authz-server");
const policies = fs
    .readdirSync(policyDir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ name: f.replace(/\.yaml$/, ""), yaml: fs.readFileSync(path.join(policyDir, f), "utf8") }));

// The chart's validation webhook gets its certificate from this CA (no cert-manager needed).
const webhookCa = plugin ? undefined : new CertificateAuthority("kyverno-webhook-ca", { commonName: "kyverno webhook CA" });

const authz = new KyvernoAuthz(
    "kyverno",
    {
        ...providerArgs,
        createNamespace: !plugin,
        webhookIssuer: webhookCa?.issuer,
        policies,
        targets: [{ namespace: "demo", paths: ["/book", "/movie"] }],
        appMtls: [{ namespace: "demo", permissivePorts: [{ app: "testapp-1", port: 8080 }, { app: "testapp-2", port: 8080 }] }],
        meshExtensionProviders: [provider],
    },
    { dependsOn: [mesh, demo, ...apps] },
);

export const extensionProvider = authz.extensionProvider;
export const authorizationPolicies = authz.authorizationPolicies;
