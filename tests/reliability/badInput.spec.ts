// One table of invalid inputs across every component: each is rejected before anything registers,
// with a message naming the component, the field and the bad value.
import {
    Certificate,
    CertificateAuthority,
    GlooCertRotation,
    GlooMtls,
    IstioMesh,
    KuadrantMtls,
    KuadrantMtlsMode,
    KyvernoAuthz,
    KyvernoAuthzFlavor,
    MtlsMode,
    MtlsPlatform,
    MtlsPolicy,
    RotationPhase,
    SidecarInjection,
} from "../../sdk";
import { assertRejected } from "../harness";

const issuer = { certPem: "c", privateKeyPem: "k", caChainPem: "c", intermediatesPem: "", rootCertPem: "c", trustBundlePem: "c" };
const cm = { webhookCertManagerIssuer: { name: "x", kind: "Issuer" } };
// Values outside the declared types, as callers from other languages can send.
const bad = (v: unknown): never => v as never;

/** [component, what, constructor, field, bad value as the message shows it] */
type Case = [string, string, () => unknown, string, string];

const CASES: Case[] = [
    ["CertificateAuthority", "zero validity", () => new CertificateAuthority("x", { validityHours: 0 }), "validityHours", "0"],
    ["CertificateAuthority", "fractional validity", () => new CertificateAuthority("x", { validityHours: 2.5 }), "validityHours", "2.5"],
    ["CertificateAuthority", "early renewal >= validity", () => new CertificateAuthority("x", { validityHours: 10, earlyRenewalHours: 10 }), "earlyRenewalHours", "10"],
    ["CertificateAuthority", "TrustNew without previousGeneration", () => new CertificateAuthority("x", { generation: 2, rotationPhase: RotationPhase.TrustNew }), "previousGeneration", "nothing"],
    ["CertificateAuthority", "previousGeneration = generation", () => new CertificateAuthority("x", { generation: 3, previousGeneration: 3, rotationPhase: RotationPhase.ServeNew }), "previousGeneration", "3"],
    ["CertificateAuthority", "empty common name", () => new CertificateAuthority("x", { commonName: "" }), "commonName", '""'],
    ["CertificateAuthority", "P224 key algorithm", () => new CertificateAuthority("x", { keyAlgorithm: bad("ECDSA_P224") }), "keyAlgorithm", '"ECDSA_P224"'],
    ["CertificateAuthority", "bad intermediate validity", () => new CertificateAuthority("x", { intermediate: { validityHours: -1 } }), "intermediate.validityHours", "-1"],
    ["Certificate", "upper-case DNS name", () => new Certificate("x", { issuer, commonName: "a", dnsNames: ["A.example"] }), "dnsNames[0]", '"A.example"'],
    ["Certificate", "bad IP", () => new Certificate("x", { issuer, commonName: "a", ipAddresses: ["300.1.1.1"] }), "ipAddresses[0]", '"300.1.1.1"'],
    ["Certificate", "URI without scheme", () => new Certificate("x", { issuer, commonName: "a", uris: ["cluster.local/ns/a"] }), "uris[0]", '"cluster.local/ns/a"'],
    ["Certificate", "no usage", () => new Certificate("x", { issuer, commonName: "a", serverAuth: false }), "serverAuth/clientAuth", "serverAuth"],
    ["Certificate", "common name over 64", () => new Certificate("x", { issuer, commonName: "a".repeat(65) }), "commonName", "aaaa"],
    ["IstioMesh", "bad version", () => new IstioMesh("x", { version: "latest" }), "version", '"latest"'],
    ["IstioMesh", "bad namespace", () => new IstioMesh("x", { namespace: "Istio" }), "namespace", '"Istio"'],
    ["IstioMesh", "two provider kinds", () => new IstioMesh("x", { extensionProviders: [{ name: "p", envoyExtAuthzGrpc: { service: "a.b", port: 1 }, envoyExtAuthzHttp: { service: "a.b", port: 1 } }] }), "extensionProviders[0]", "envoyExtAuthzGrpc"],
    ["IstioMesh", "provider port 0", () => new IstioMesh("x", { extensionProviders: [{ name: "p", envoyExtAuthzGrpc: { service: "a.b", port: 0 } }] }), "extensionProviders[0].envoyExtAuthzGrpc.port", "0"],
    ["IstioMesh", "bad mtlsMode", () => new IstioMesh("x", { mtlsMode: bad("ON") }), "mtlsMode", '"ON"'],
    ["IstioMesh", "multiRootTrust without CA", () => new IstioMesh("x", { multiRootTrust: false }), "multiRootTrust", "false"],
    ["MtlsPolicy", "port-level without selector", () => new MtlsPolicy("x", { namespace: "a", portLevelMtls: [{ port: 80, mode: MtlsMode.DISABLE }] }), "portLevelMtls", "[80]"],
    ["MtlsPolicy", "selector in the root namespace", () => new MtlsPolicy("x", { selector: { app: "a" } }), "namespace", "nothing"],
    ["MtlsPolicy", "port out of range", () => new MtlsPolicy("x", { namespace: "a", selector: { app: "a" }, portLevelMtls: [{ port: 70000, mode: MtlsMode.STRICT }] }), "portLevelMtls[0].port", "70000"],
    ["MtlsPolicy", "bad namespace", () => new MtlsPolicy("x", { namespace: "A_B" }), "namespace", '"A_B"'],
    ["MtlsPolicy", "v1alpha1 document", () => new MtlsPolicy("x", bad({ apiVersion: "authentication.istio.io/v1alpha1", kind: "MeshPolicy", spec: { peers: [] } })), "apiVersion", '"authentication.istio.io/v1alpha1" (a MeshPolicy document)'],
    ["SidecarInjection", "missing deployment", () => new SidecarInjection("x", bad({ namespace: "a" })), "deployment", "nothing"],
    ["SidecarInjection", "bad namespace", () => new SidecarInjection("x", { namespace: "A", deployment: "d" }), "namespace", '"A"'],
    ["KuadrantMtls", "Manual without gateways", () => new KuadrantMtls("x", { mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0" }), "gateways", "nothing"],
    ["KuadrantMtls", "both components off", () => new KuadrantMtls("x", { authorino: false, limitador: false }), "authorino/limitador", "false"],
    ["KuadrantMtls", "gateways in Operator mode", () => new KuadrantMtls("x", { gateways: [{ name: "g", namespace: "n" }] }), "gateways", "g"],
    ["KuadrantMtls", "bad gateway namespace", () => new KuadrantMtls("x", { mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0", gateways: [{ name: "g", namespace: "N" }] }), "gateways[0].namespace", '"N"'],
    ["GlooMtls", "nothing to do", () => new GlooMtls("x", {}), "xds/istio", "nothing"],
    ["GlooMtls", "Pulumi rotation without issuer", () => new GlooMtls("x", { xds: {} }), "xds.issuer", "nothing"],
    ["GlooMtls", "CronJob with issuer", () => new GlooMtls("x", { xds: { rotation: GlooCertRotation.CronJob, issuer } }), "xds.issuer", "IssuerMaterial"],
    ["GlooMtls", "istio without version", () => new GlooMtls("x", { istio: bad({}) }), "istio.istioVersion", "nothing"],
    ["GlooMtls", "upstream port out of range", () => new GlooMtls("x", { istio: { istioVersion: "1.30.3", upstreams: [{ serviceName: "s", serviceNamespace: "n", port: 65536 }] } }), "istio.upstreams[0].port", "65536"],
    ["GlooMtls", "bad upstream service", () => new GlooMtls("x", { istio: { istioVersion: "1.30.3", upstreams: [{ serviceName: "S", serviceNamespace: "n", port: 1 }] } }), "istio.upstreams[0].serviceName", '"S"'],
    ["GlooMtls", "bad cron schedule", () => new GlooMtls("x", { xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "daily" } }), "xds.cronSchedule", '"daily"'],
    ["KyvernoAuthz", "no webhook certificate source", () => new KyvernoAuthz("x", {}), "webhookIssuer/webhookCertManagerIssuer", "nothing"],
    ["KyvernoAuthz", "json policy for the server", () => new KyvernoAuthz("x", { ...cm, policies: [{ name: "p", yaml: "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\n" }] }), "policies[0]", "json.kyverno.io"],
    ["KyvernoAuthz", "Kubernetes evaluation mode", () => new KyvernoAuthz("x", { ...cm, policies: [{ name: "p", yaml: "apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nspec:\n  evaluation:\n    mode: Kubernetes\n" }] }), "spec.evaluation.mode", '"Kubernetes"'],
    ["KyvernoAuthz", "selector and targetRefs", () => new KyvernoAuthz("x", { ...cm, targets: [{ namespace: "a", selector: { a: "b" }, targetRefs: [{ kind: "Gateway", name: "g" }] }] }), "targets[0]", "selector and targetRefs"],
    ["KyvernoAuthz", "lower-case method", () => new KyvernoAuthz("x", { ...cm, targets: [{ namespace: "a", methods: ["post"] }] }), "targets[0].methods[0]", '"post"'],
    ["KyvernoAuthz", "chart option on the plugin", () => new KyvernoAuthz("x", { flavor: KyvernoAuthzFlavor.EnvoyPlugin, installPolicyCrd: true }), "installPolicyCrd", "true"],
    ["KyvernoAuthz", "provider missing from the mesh", () => new KyvernoAuthz("x", { ...cm, meshExtensionProviders: [] }), "meshExtensionProviders", "[]"],
    ["MtlsPlatform", "Istio upstreams without Istio", () => new MtlsPlatform("x", { istio: { enabled: false }, gloo: { istioUpstreams: [{ serviceName: "s", serviceNamespace: "n", port: 1 }] } }), "gloo.istioUpstreams", "s"],
    ["MtlsPlatform", "duplicate policy names", () => new MtlsPlatform("x", { policies: [{ name: "p", args: {} }, { name: "p", args: {} }] }), "policies[1].name", '"p"'],
    ["MtlsPlatform", "bad helmMode", () => new MtlsPlatform("x", { helmMode: bad("Kustomize") }), "helmMode", '"Kustomize"'],
];

describe(`reliability: bad input, ${CASES.length} invalid inputs across ${new Set(CASES.map((c) => c[0])).size} components`, () => {
    for (const [component, what, build, field, value] of CASES) {
        it(`${component}: ${what} -> ${field}`, async () => {
            const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
            await assertRejected(build, `meshtls:index:${component}`, "x", new RegExp(`${escape(field)}.*${escape(value)}`));
        });
    }
});
