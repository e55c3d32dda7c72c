// Issue 14, items 3 and 4: YAML-text fields keep their shape, and numbers, durations, schedules, hosts,
// names and sizes stay in range. Each bad input is refused before anything registers, naming the
// argument as written and the bad value; the valid edges next to each are still accepted.
import { strict as assert } from "node:assert";
import * as YAML from "yaml";
import {
    caSigningValidityHours,
    checkLeafWithinCa,
    Certificate,
    CertificateAuthority,
    GlooCertRotation,
    GlooMtls,
    IstioMesh,
    KyvernoAuthz,
    KyvernoAuthzFlavor,
    MtlsMode,
    MtlsPolicy,
    planCertificate,
    planCertificateAuthority,
    planGlooMtls,
    planIstioMesh,
    planKyvernoAuthz,
    readPlatformConfig,
} from "../../sdk";
import { glooChartValues } from "../../sdk/gloo/manifests";
import { glooSetValues } from "../../sdk/gloo/plan";
import { valueLeaves } from "../../sdk/internal/chartValues";
import { ArgsValidator, cronScheduleProblem, durationSeconds, isHostPort, isRequestHost } from "../../sdk/internal/validation";
import { computeIstioBaseValues, computeIstiodValues, istioGatewayValues } from "../../sdk/istio/istioMeshManifests";
import { istioBaseSetValues, istioGatewaySetValues, istiodSetValues } from "../../sdk/istio/istioMeshPlan";
import { assertRejected } from "../harness";

const signer = { certPem: "pem", privateKeyPem: "key", caChainPem: "pem", intermediatesPem: "", rootCertPem: "pem", trustBundlePem: "pem" };
const unchecked = (v: unknown): never => v as never;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** A kyverno-json policy file for the plugin, padded with a comment to `bytes`. */
function pluginPolicy(name: string, bytes = 0): { name: string; yaml: string } {
    return { name, yaml: `# ${"p".repeat(bytes)}\napiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: ${name}\nspec:\n  rules: []\n` };
}

/** [component, what, constructor, field as written, bad value as the message shows it] */
type Case = [string, string, () => unknown, string, string];

const SHAPES: Case[] = [
    ["IstioMesh", "istiod meshConfig given as text", () => new IstioMesh("x", { values: { istiod: "meshConfig: off" } }), "values.istiod", 'meshConfig: \\"off\\"'],
    ["IstioMesh", "istiod meshConfig given as a list", () => new IstioMesh("x", { values: { istiod: "meshConfig: [a]" } }), "values.istiod", 'meshConfig: [\\"a\\"]'],
    ["IstioMesh", "istiod defaultConfig replaced by a number", () => new IstioMesh("x", { values: { istiod: "meshConfig:\n  defaultConfig: 3\n" } }), "values.istiod", "meshConfig.defaultConfig: 3"],
    ["IstioMesh", "trust domain overridden in values", () => new IstioMesh("x", { trustDomain: "corp.internal", values: { istiod: "meshConfig:\n  trustDomain: other.internal\n" } }), "values.istiod", 'meshConfig.trustDomain: \\"other.internal\\"'],
    ["IstioMesh", "extension providers emptied in values", () => new IstioMesh("x", { extensionProviders: [{ name: "ext", envoyExtAuthzGrpc: { service: "ext.ns.svc.cluster.local", port: 9000 } }], values: { istiod: "meshConfig:\n  extensionProviders: []\n" } }), "values.istiod", "meshConfig.extensionProviders: []"],
    ["IstioMesh", "multi-root trust turned off in env", () => new IstioMesh("x", { pluginCa: signer, values: { istiod: "env:\n  ISTIO_MULTIROOT_MESH: \"false\"\n" } }), "values.istiod", 'env.ISTIO_MULTIROOT_MESH: \\"false\\"'],
    ["IstioMesh", "revision changed in istiod values", () => new IstioMesh("x", { revision: "blue", values: { istiod: "revision: green\n" } }), "values.istiod", 'revision: \\"green\\"'],
    ["IstioMesh", "base global replaced by a scalar", () => new IstioMesh("x", { namespace: "mesh-cp", values: { base: "global: none\n" } }), "values.base", 'global: \\"none\\"'],
    ["IstioMesh", "gateway revision changed", () => new IstioMesh("x", { revision: "blue", gateway: {}, values: { gateway: "revision: green\n" } }), "values.gateway", 'revision: \\"green\\"'],
    ["GlooMtls", "global replaced by a number", () => new GlooMtls("x", { xds: { issuer: signer }, values: "global: 7\n" }), "values", "global: 7"],
    ["GlooMtls", "glooMtls switched off while the secret is issued", () => new GlooMtls("x", { xds: { issuer: signer }, values: "global:\n  glooMtls:\n    enabled: false\n" }), "values", "global.glooMtls.enabled: false"],
    ["GlooMtls", "certgen cron switched on under Pulumi rotation", () => new GlooMtls("x", { xds: { issuer: signer }, values: "gateway:\n  certGenJob:\n    cron:\n      enabled: true\n" }), "values", "gateway.certGenJob.cron.enabled: true"],
    ["GlooMtls", "certgen cron switched off under CronJob rotation", () => new GlooMtls("x", { helmMode: unchecked("Release"), xds: { rotation: GlooCertRotation.CronJob }, values: "gateway:\n  certGenJob:\n    cron:\n      enabled: false\n" }), "values", "gateway.certGenJob.cron.enabled: false"],
    ["GlooMtls", "istio integration switched off", () => new GlooMtls("x", { istio: { istioVersion: "1.30.3" }, values: "global:\n  istioIntegration:\n    enabled: false\n" }), "values", "global.istioIntegration.enabled: false"],
    ["GlooMtls", "istio-proxy tag moved off the mesh version", () => new GlooMtls("x", { istio: { istioVersion: "1.30.3" }, values: "global:\n  glooMtls:\n    istioProxy:\n      image:\n        tag: 1.29.0\n" }), "values", 'global.glooMtls.istioProxy.image.tag: \\"1.29.0\\"'],
    ["KyvernoAuthz", "a typed spec given as text", () => new KyvernoAuthz("x", { webhookIssuer: signer, policies: [{ name: "p", spec: unchecked("permit all") }] }), "policies[0].spec", '"permit all"'],
    ["KyvernoAuthz", "a typed spec given as a list", () => new KyvernoAuthz("x", { webhookIssuer: signer, policies: [{ name: "p", spec: unchecked([1, 2]) }] }), "policies[0].spec", "<a list of 2>"],
    ["KyvernoAuthz", "a YAML policy whose spec is text", () => new KyvernoAuthz("x", { webhookIssuer: signer, policies: [{ name: "p", yaml: "apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nspec: permit all\n" }] }), "policies[0].yaml spec", '"permit all"'],
    ["KyvernoAuthz", "a YAML policy that is a list", () => new KyvernoAuthz("x", { webhookIssuer: signer, policies: [{ name: "p", yaml: "- a\n- b\n" }] }), "policies[0].yaml", "<a list of 2>"],
    ["KyvernoAuthz", "a plugin policy whose metadata is text", () => new KyvernoAuthz("x", { flavor: KyvernoAuthzFlavor.EnvoyPlugin, policies: [{ name: "p", yaml: "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata: p\n" }] }), "policies[0].yaml metadata", '"p"'],
    ["KyvernoAuthz", "a validation without an expression", () => new KyvernoAuthz("x", { webhookIssuer: signer, policies: [{ name: "p", spec: { validations: [unchecked({ message: "m" })] } }] }), "policies[0].spec.validations[0]", '{"message":"m"}'],
];

const RANGES: Case[] = [
    ["GlooMtls", "minute 75", () => new GlooMtls("x", { helmMode: unchecked("Release"), xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "75 2 * * *" } }), "xds.cronSchedule", "75 2 * * *"],
    ["GlooMtls", "a zero step", () => new GlooMtls("x", { helmMode: unchecked("Release"), xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "0 */0 * * *" } }), "xds.cronSchedule", "0 */0 * * *"],
    ["GlooMtls", "day of month 0", () => new GlooMtls("x", { helmMode: unchecked("Release"), xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "0 0 0 * *" } }), "xds.cronSchedule", "0 0 0 * *"],
    ["GlooMtls", "a backwards hour range", () => new GlooMtls("x", { helmMode: unchecked("Release"), xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "0 20-4 * * *" } }), "xds.cronSchedule", "0 20-4 * * *"],
    ["GlooMtls", "weekday 8", () => new GlooMtls("x", { helmMode: unchecked("Release"), xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "0 0 * * 8" } }), "xds.cronSchedule", "0 0 * * 8"],
    ["GlooMtls", "a zero rotation duration", () => new GlooMtls("x", { helmMode: unchecked("Release"), xds: { rotation: GlooCertRotation.CronJob, rotationDuration: "0m" } }), "xds.rotationDuration", "0m"],
    ["GlooMtls", "upstream port 70000", () => new GlooMtls("x", { istio: { istioVersion: "1.30.3", upstreams: [{ serviceName: "api", serviceNamespace: "shop", port: 70000 }] } }), "istio.upstreams[0].port", "70000"],
    ["GlooMtls", "discovery address without a host", () => new GlooMtls("x", { istio: { istioVersion: "1.30.3", istioDiscoveryAddress: ":grpc" } }), "istio.istioDiscoveryAddress", ":grpc"],
    ["GlooMtls", "discovery address with port 0", () => new GlooMtls("x", { istio: { istioVersion: "1.30.3", istioDiscoveryAddress: "istiod.mesh.svc:0" } }), "istio.istioDiscoveryAddress", "istiod.mesh.svc:0"],
    ["GlooMtls", "discovery address with port 80000", () => new GlooMtls("x", { istio: { istioVersion: "1.30.3", istioDiscoveryAddress: "istiod.mesh.svc:80000" } }), "istio.istioDiscoveryAddress", "istiod.mesh.svc:80000"],
    ["MtlsPolicy", "port-level port 65536", () => new MtlsPolicy("x", { namespace: "shop", selector: { app: "api" }, portLevelMtls: [{ port: 65536, mode: MtlsMode.PERMISSIVE }] }), "portLevelMtls[0].port", "65536"],
    ["KyvernoAuthz", "a permissive port 0", () => new KyvernoAuthz("x", { webhookIssuer: signer, appMtls: [{ namespace: "shop", permissivePorts: [{ app: "api", port: 0 }] }] }), "appMtls[0].permissivePorts[0].port", "0"],
    ["KyvernoAuthz", "a target host without a name", () => new KyvernoAuthz("x", { webhookIssuer: signer, targets: [{ namespace: "shop", hosts: [":http"] }] }), "targets[0].hosts[0]", ":http"],
    ["KyvernoAuthz", "a target host with port 99999", () => new KyvernoAuthz("x", { webhookIssuer: signer, targets: [{ namespace: "shop", hosts: ["api.shop.svc:99999"] }] }), "targets[0].hosts[0]", "api.shop.svc:99999"],
    ["IstioMesh", "provider port 0", () => new IstioMesh("x", { extensionProviders: [{ name: "ext", envoyExtAuthzHttp: { service: "ext.ns.svc.cluster.local", port: 0 } }] }), "extensionProviders[0].envoyExtAuthzHttp.port", "0"],
    ["IstioMesh", "provider timeout 0.0s", () => new IstioMesh("x", { extensionProviders: [{ name: "ext", envoyExtAuthzGrpc: { service: "ext.ns.svc.cluster.local", port: 9000, timeout: "0.0s" } }] }), "extensionProviders[0].envoyExtAuthzGrpc.timeout", "0.0s"],
    ["KyvernoAuthz", "a zero check timeout", () => new KyvernoAuthz("x", { webhookIssuer: signer, timeout: "0s" }), "timeout", "0s"],
    ["CertificateAuthority", "an intermediate longer than its root", () => new CertificateAuthority("x", { validityHours: 1000, intermediate: { validityHours: 1001, earlyRenewalHours: 10 } }), "intermediate.validityHours", "1001"],
    ["CertificateAuthority", "a default intermediate under a short root", () => new CertificateAuthority("x", { validityHours: 20000, intermediate: {} }), "intermediate.validityHours", "43800"],
    ["CertificateAuthority", "a validity of a million hours", () => new CertificateAuthority("x", { validityHours: 1_000_000 }), "validityHours", "1000000"],
    ["Certificate", "a leaf valid for 2e7 hours", () => new Certificate("x", { issuer: signer, commonName: "svc", validityHours: 2e7 }), "validityHours", "20000000"],
    ["GlooMtls", "an xDS leaf valid for 9e5 hours", () => new GlooMtls("x", { xds: { issuer: signer, certificate: { validityHours: 900_000 } } }), "xds.certificate.validityHours", "900000"],
    ["CertificateAuthority", "generation 1e7", () => new CertificateAuthority("x", { generation: 1e7 }), "generation", "10000000"],
    ["CertificateAuthority", "previous generation 5e6", () => new CertificateAuthority("x", { generation: 2, previousGeneration: 5e6, rotationPhase: unchecked("TrustNew") }), "previousGeneration", "5000000"],
    ["CertificateAuthority", "a tab in the common name", () => new CertificateAuthority("x", { commonName: "corp\tCA" }), "commonName", '"corp\\tCA"'],
    ["CertificateAuthority", "a DEL in the organization", () => new CertificateAuthority("x", { organization: "Corp\u007f" }), "organization", '"Corp\u007f"'],
    ["CertificateAuthority", "a line break in the intermediate's name", () => new CertificateAuthority("x", { intermediate: { commonName: "sub\rCA" } }), "intermediate.commonName", '"sub\\rCA"'],
    ["Certificate", "a NUL in the common name", () => new Certificate("x", { issuer: signer, commonName: "svc\u0000evil" }), "commonName", '"svc\\u0000evil"'],
    ["Certificate", "a repeated DNS name", () => new Certificate("x", { issuer: signer, commonName: "svc", dnsNames: ["a.shop.svc", "b.shop.svc", "a.shop.svc"] }), "dnsNames[2]", "it repeats dnsNames[0]"],
    ["Certificate", "a repeated URI", () => new Certificate("x", { issuer: signer, commonName: "svc", uris: ["spiffe://corp/ns/a/sa/b", "spiffe://corp/ns/a/sa/b"] }), "uris[1]", "it repeats uris[0]"],
    ["Certificate", "one IPv6 address spelt twice", () => new Certificate("x", { issuer: signer, commonName: "svc", ipAddresses: ["fd00::1", "10.1.1.1", "fd00:0:0::1"] }), "ipAddresses[2]", "it repeats ipAddresses[0]"],
    ["KyvernoAuthz", "an empty issuer name", () => new KyvernoAuthz("x", { webhookCertManagerIssuer: { name: "", kind: "ClusterIssuer" } }), "webhookCertManagerIssuer.name", '""'],
    ["KyvernoAuthz", "a misspelt cert-manager kind", () => new KyvernoAuthz("x", { webhookCertManagerIssuer: { name: "corp-ca", kind: "ClusterIsuer" } }), "webhookCertManagerIssuer.kind", '"ClusterIsuer"'],
    ["KyvernoAuthz", "a misspelt kind with the explicit group", () => new KyvernoAuthz("x", { webhookCertManagerIssuer: { name: "corp-ca", kind: "issuer", group: "cert-manager.io" } }), "webhookCertManagerIssuer.kind", '"issuer"'],
    ["KyvernoAuthz", "a plugin ConfigMap over 1 MiB", () => new KyvernoAuthz("x", { flavor: KyvernoAuthzFlavor.EnvoyPlugin, policies: [pluginPolicy("a", 400_000), pluginPolicy("b", 400_000), pluginPolicy("c", 400_000)] }), "policies", "ConfigMap kyverno/ext-authz-policies (3 policy files): 1200"],
];

describe("reliability: shapes and ranges (issue 14, items 3 and 4)", () => {
    describe(`${SHAPES.length} YAML-text fields with the wrong shape, refused before anything registers`, () => {
        it("covers each component with a YAML-text field", () => {
            assert.equal(SHAPES.length, 21);
            assert.deepEqual([...new Set(SHAPES.map((c) => c[0]))].sort(), ["GlooMtls", "IstioMesh", "KyvernoAuthz"]);
        });
        for (const [component, what, build, field, value] of SHAPES) {
            it(`${component}: ${what} -> ${field}`, async () => {
                await assertRejected(build, `meshtls:index:${component}`, "x", new RegExp(`- ${escape(field)}: got [^\\n]*${escape(value)}`));
            });
        }
    });

    describe(`${RANGES.length} values out of range or format, refused before anything registers`, () => {
        it("covers cron, ports, host:port, durations, validity, generations, subjects, SANs, issuers and sizes", () => {
            assert.equal(RANGES.length, 35);
            assert.deepEqual([...new Set(RANGES.map((c) => c[0]))].sort(), ["Certificate", "CertificateAuthority", "GlooMtls", "IstioMesh", "KyvernoAuthz", "MtlsPolicy"]);
        });
        for (const [component, what, build, field, value] of RANGES) {
            it(`${component}: ${what} -> ${field}`, async () => {
                await assertRejected(build, `meshtls:index:${component}`, "x", new RegExp(`- ${escape(field)}[^\\n]*: got [^\\n]*${escape(value)}`));
            });
        }
    });

    describe("the messages say what is accepted", () => {
        const problem = (f: () => unknown): string => {
            try {
                f();
            } catch (e) {
                return (e as Error).message;
            }
            assert.fail("expected a rejection");
        };
        it("a cron field names the field and its range", () => {
            assert.match(problem(() => planGlooMtls("g", { helmMode: unchecked("Release"), xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "0 24 * * *" } })), /hour field "24": 24 is outside 0-23/);
        });
        it("a shape change names the key meshtls sets and what it holds", () => {
            assert.match(problem(() => planIstioMesh("m", { values: { istiod: "meshConfig: x" } })), /meshtls sets meshConfig to a mapping \(trustDomain, defaultConfig\)/);
        });
        it("a guarded key names the argument to use instead", () => {
            assert.match(problem(() => planGlooMtls("g", { xds: { issuer: signer }, values: "global:\n  glooMtls:\n    enabled: false\n" })), /Remove xds instead/);
        });
        it("the size check names the size and the limit", () => {
            assert.match(problem(() => planKyvernoAuthz("k", { flavor: KyvernoAuthzFlavor.EnvoyPlugin, policies: [pluginPolicy("a", 600_000), pluginPolicy("b", 600_000)] })), /1200\d{3} bytes"; Kubernetes refuses objects over 1048576 bytes/);
        });
        it("an intermediate over its root names the root's validity", () => {
            assert.match(problem(() => planCertificateAuthority("ca", { validityHours: 500, intermediate: { validityHours: 600, earlyRenewalHours: 1 } })), /expected at most validityHours \(500\): an intermediate must not outlive the root/);
        });
    });

    describe("the valid edges are still accepted", () => {
        it("cron: every field at its bounds, names, steps, lists, ? and descriptors", () => {
            const good = ["59 23 31 12 6", "0 0 1 1 0", "*/1 * * * *", "0-59/15 0-23/6 1-31/10 JAN-DEC SUN-SAT", "5,10,15 1 ? * mon-fri", "30/5 * * * *", "@weekly", "@midnight", " 0 3 1 * * ", "@every 24h", "@every 1h30m"];
            assert.equal(good.length, 11);
            for (const s of good) {
                assert.equal(cronScheduleProblem(s), undefined, s);
                assert.equal(planGlooMtls("g", { helmMode: unchecked("Release"), xds: { rotation: GlooCertRotation.CronJob, cronSchedule: s } }).xds?.rotation, GlooCertRotation.CronJob);
            }
            const bad = ["60 * * * *", "* * 32 * *", "* * * 13 *", "* * * * 7", "*/0 * * * *", "1-2-3 * * * *", "a * * * *", "0 0 * * * *", "@every 0s", "@every soon", "1/2/3 * * * *", "5-1 * * * *", "* * * FOO *"];
            assert.equal(bad.length, 13);
            for (const s of bad) {
                assert.notEqual(cronScheduleProblem(s), undefined, s);
            }
        });

        it("ports 1 and 65535, IPv4 and bracketed IPv6 discovery addresses", () => {
            const plan = planGlooMtls("g", { istio: { istioVersion: "1.30.3", istioDiscoveryAddress: "[fd00::10]:65535", upstreams: [{ serviceName: "a", serviceNamespace: "b", port: 1 }, { serviceName: "a", serviceNamespace: "b", port: 65535 }] } });
            assert.deepEqual(plan.istio?.upstreams.map((u) => u.port), [1, 65535]);
            const good = ["10.0.0.7:15012", "istiod.mesh-cp.svc:1", "[::1]:15012"];
            const bad = [":15012", "istiod", "istiod:http", "Istiod.svc:15012", "[zz::1]:1", "10.0.0.7:65536", "::1:15012"];
            assert.deepEqual([good.length, bad.length], [3, 7]);
            assert.deepEqual(good.map(isHostPort), [true, true, true]);
            assert.deepEqual(bad.map(isHostPort), bad.map(() => false));
        });

        it("request hosts: wildcards, names with and without ports 1 and 65535", () => {
            const good = ["*", "*.shop.svc", "api.shop.svc", "api.shop.svc:1", "api:65535"];
            const bad = ["", ":http", "api:0", "api:65536", "api:http", "api:80:80", "API.shop"];
            assert.deepEqual([good.length, bad.length], [5, 7]);
            assert.deepEqual(good.map(isRequestHost), good.map(() => true));
            assert.deepEqual(bad.map(isRequestHost), bad.map(() => false));
            const plan = planKyvernoAuthz("k", { webhookIssuer: signer, targets: [{ namespace: "shop", hosts: ["api.shop.svc:8080", "*.shop.svc"] }] });
            assert.deepEqual(plan.targets[0].hosts, ["api.shop.svc:8080", "*.shop.svc"]);
        });

        it("durations above zero, in protobuf and Go forms", () => {
            assert.deepEqual(["0.001s", "1ms", "2m", "1h30m", "0s", "0m0s", "soon"].map(durationSeconds), [0.001, 0.001, 120, 5400, 0, 0, undefined]);
            const mesh = planIstioMesh("m", { extensionProviders: [{ name: "ext", envoyExtAuthzGrpc: { service: "ext.ns.svc.cluster.local", port: 9000, timeout: "0.001s" } }] });
            assert.equal(mesh.extensionProviders[0].envoyExtAuthzGrpc?.timeout, "0.001s");
            assert.equal(planKyvernoAuthz("k", { webhookIssuer: signer, timeout: "0.25s" }).provider.extensionProvider.envoyExtAuthzGrpc?.timeout, "0.25s");
            assert.equal((planGlooMtls("g", { helmMode: unchecked("Release"), xds: { rotation: GlooCertRotation.CronJob, rotationDuration: "1s" } }).xds as { rotationDuration: string }).rotationDuration, "1s");
        });

        it("an intermediate exactly as long as its root, the 100-year ceiling and the highest generation", () => {
            const ca = planCertificateAuthority("ca", { validityHours: 876_000, intermediate: { validityHours: 876_000 }, generation: 1_000_000 });
            assert.equal(ca.generations.length, 1);
            assert.deepEqual([ca.generations[0].root.validityHours, ca.generations[0].intermediate?.validityHours, ca.generation], [876_000, 876_000, 1_000_000]);
            assert.equal(ca.generations[0].root.keyName, "ca-g1000000-root-key");
            assert.equal(planCertificateAuthority("ca", { validityHours: 43_800, intermediate: {} }).generations[0].intermediate?.validityHours, 43_800);
        });

        it("the signing certificate's validity (what a leaf must not outlive), defaults filled in", () => {
            assert.deepEqual(
                [caSigningValidityHours({}), caSigningValidityHours({ validityHours: 9000 }), caSigningValidityHours({ intermediate: {} }), caSigningValidityHours({ intermediate: { validityHours: 5000 } })],
                [87_600, 9000, 43_800, 5000],
            );
        });

        it("a leaf within its CA: equal lengths pass, one hour more names the CA field that signs", () => {
            const v = new ArgsValidator("meshtls:index:MtlsPlatform", "p");
            assert.equal(checkLeafWithinCa(v, "gloo.xdsCertificate.validityHours", 5000, "ca", { intermediate: { validityHours: 5000 } }), true);
            assert.equal(checkLeafWithinCa(v, "authz.webhookValidityHours", 2160, "ca", {}), true);
            v.throwIfInvalid();
            assert.equal(checkLeafWithinCa(v, "gloo.xdsCertificate.validityHours", 5001, "ca", { intermediate: { validityHours: 5000 } }), false);
            assert.equal(checkLeafWithinCa(v, "gloo.xdsCertificate.validityHours", 4320, "ca", { validityHours: 4000 }), false);
            assert.throws(
                () => {
                    v.throwIfInvalid();
                },
                (e: Error) =>
                    e.message.includes("gloo.xdsCertificate.validityHours: got 5001; expected at most ca.intermediate.validityHours (5000)") &&
                    e.message.includes("gloo.xdsCertificate.validityHours: got 4320; expected at most ca.validityHours (4000)"),
            );
        });

        it("printable subjects beyond ASCII, and distinct SANs", () => {
            const leaf = planCertificate("leaf", {
                issuer: signer,
                commonName: "Zürich façade ✓",
                organization: "Société Générale",
                dnsNames: ["a.shop.svc", "*.shop.svc", "b.shop.svc"],
                uris: ["spiffe://corp/ns/a/sa/b", "spiffe://corp/ns/a/sa/c"],
                ipAddresses: ["10.1.1.1", "fd00::1", "fd00::2"],
            });
            assert.deepEqual([leaf.subject.commonName, leaf.dnsNames?.length, leaf.uris?.length, leaf.ipAddresses?.length], ["Zürich façade ✓", 3, 2, 3]);
        });

        it("issuer references: both cert-manager kinds, the empty group, and external issuers' own kinds", () => {
            const refs = [
                { name: "corp-ca", kind: "Issuer" },
                { name: "corp.ca", kind: "ClusterIssuer", group: "cert-manager.io" },
                { name: "corp-ca", kind: "Issuer", group: "" },
                { name: "pca", kind: "AWSPCAClusterIssuer", group: "awspca.cert-manager.io" },
                { name: "vault", kind: "VaultIssuer", group: "issuers.example.com" },
            ];
            assert.equal(refs.length, 5);
            for (const ref of refs) {
                assert.equal(planKyvernoAuthz("k", { webhookCertManagerIssuer: ref }).server?.webhook.certManagerIssuer?.kind, ref.kind);
            }
        });

        it("a plugin ConfigMap just under 1 MiB", () => {
            const plan = planKyvernoAuthz("k", { flavor: KyvernoAuthzFlavor.EnvoyPlugin, policies: [pluginPolicy("a", 500_000), pluginPolicy("b", 500_000)] });
            assert.equal(plan.policies.length, 2);
        });

        it("values that neither change a shape nor a guarded key", () => {
            const mesh = planIstioMesh("m", {
                trustDomain: "corp.internal",
                revision: "blue",
                values: { istiod: "meshConfig:\n  trustDomain: corp.internal\n  accessLogFile: /dev/stdout\nrevision: blue\npilot:\n  replicaCount: 2\n", base: "base:\n  validationFailurePolicy: Ignore\n" },
            });
            assert.deepEqual(mesh.values.istiod, { meshConfig: { trustDomain: "corp.internal", accessLogFile: "/dev/stdout" }, revision: "blue", pilot: { replicaCount: 2 } });
            const gloo = planGlooMtls("g", { xds: { issuer: signer }, values: "global:\n  glooMtls:\n    enabled: true\n    sds:\n      logLevel: debug\ngateway:\n  certGenJob:\n    forceRotation: 0\n" });
            assert.deepEqual(gloo.extraValues, { global: { glooMtls: { enabled: true, sds: { logLevel: "debug" } } }, gateway: { certGenJob: { forceRotation: 0 } } });
        });

        it("a typed policy spec and a YAML policy with mappings", () => {
            const plan = planKyvernoAuthz("k", {
                webhookIssuer: signer,
                policies: [
                    { name: "typed", spec: { matchConditions: [{ name: "get", expression: "true" }], validations: [{ expression: "envoy.Allowed().Response()" }] } },
                    { name: "text", yaml: "apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nspec:\n  validations:\n  - expression: envoy.Allowed().Response()\n" },
                ],
            });
            assert.deepEqual(plan.policies.map((p) => Object.keys(p.document.spec as object).sort()), [["evaluation", "matchConditions", "validations"], ["evaluation", "validations"]]);
        });

        it("a render directory, and its refusal when empty (stack config)", () => {
            assert.equal(readPlatformConfig({ "meshtls:renderDirectory": "out/manifests" }).renderDirectory, "out/manifests");
            for (const empty of ["", "  "]) {
                assert.throws(() => readPlatformConfig({ "meshtls:renderDirectory": empty }), (e: Error) => e.message.includes(`meshtls:renderDirectory: got ${JSON.stringify(empty)}; expected a non-empty directory path`));
            }
        });
    });

    describe("each plan declares exactly the chart values its manifests set", () => {
        // The values checks read the plans' declarations; the manifests build the values. Any key the
        // manifests set that a plan does not declare would escape the shape check.
        const same = (declared: Array<{ path: string; value: unknown }>, computed: Record<string, unknown>): void => {
            const leaves = valueLeaves(computed);
            assert.ok(leaves.length > 0);
            assert.deepEqual(
                declared.map((d) => [d.path, JSON.stringify(d.value)]).sort(),
                leaves.map((l) => [l.path, JSON.stringify(l.value)]).sort(),
            );
        };
        const meshes = [
            {},
            { namespace: "mesh-cp", revision: "blue", meshId: "m1", cni: true, gateway: {}, pluginCa: signer, extensionProviders: [{ name: "e", envoyExtAuthzGrpc: { service: "e.ns.svc.cluster.local", port: 1 } }] },
            { pluginCa: signer, multiRootTrust: false, holdApplicationUntilProxyStarts: false, rewriteAppHTTPProbe: false, trustDomain: "corp.internal" },
        ];
        it(`IstioMesh: base, istiod and gateway values, ${meshes.length} plans`, () => {
            assert.equal(meshes.length, 3);
            for (const args of meshes) {
                const plan = planIstioMesh("m", args);
                same(istiodSetValues(plan), computeIstiodValues(plan));
                same(istioBaseSetValues(plan), computeIstioBaseValues(plan));
                if (plan.revision) {
                    same(istioGatewaySetValues(plan), istioGatewayValues(plan));
                } else {
                    assert.deepEqual([istioGatewaySetValues(plan), istioGatewayValues(plan)], [[], {}]);
                }
            }
        });
        const gloos = [
            { xds: { issuer: signer } },
            { helmMode: unchecked("Release"), xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "0 4 * * 1" }, istio: { istioVersion: "1.30.3", customSidecarsYaml: "- name: s\n", istioDiscoveryAddress: "istiod.cp.svc:15012" } },
            { version: "1.16.20", istio: { istioVersion: "1.22.8", customSidecarsYaml: "- name: s\n" } },
        ];
        it(`GlooMtls: chart values, ${gloos.length} plans`, () => {
            assert.equal(gloos.length, 3);
            for (const args of gloos) {
                const plan = planGlooMtls("g", args);
                same(glooSetValues(plan), glooChartValues(plan));
            }
        });
        it("YAML round trip: an override equal to what meshtls sets is accepted for every declared key", () => {
            const plan = planIstioMesh("m", meshes[1]);
            const istiod = computeIstiodValues(plan);
            assert.deepEqual(planIstioMesh("m", { ...meshes[1], values: { istiod: YAML.stringify(istiod) } }).values.istiod, istiod);
        });
    });
});
