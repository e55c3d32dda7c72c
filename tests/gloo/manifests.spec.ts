// Pure unit specs of GlooMtls's manifests: chart values, the helm install, the namespace, the
// gloo-mtls-certs Secret layout, the xDS certificate's arguments and the Upstreams, all from a plan.
// No mock runtime: plain function calls.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { GlooCertRotation, GlooMtlsArgs, GlooMtlsPlan, HelmMode, KeyAlgorithm, planGlooMtls } from "../../sdk";
import { valuesYaml } from "../../sdk/internal/helm";
import { glooChartValues, glooHelmInstall, glooMtlsSecret, glooNamespace, glooUpstream, glooXdsCertificateArgs } from "../../sdk/gloo/manifests";
import { GlooXdsPulumiPlan } from "../../sdk/gloo/plan";
import { assertValidObjects, loadCrd, unknownGlooValuesKeys } from "../schema";

loadCrd("gloo/Upstream.crd.yaml");

const issuer = { certPem: "c", privateKeyPem: "k", caChainPem: "c", intermediatesPem: "", rootCertPem: "c", trustBundlePem: "c" };
const plan = (args: pulumi.Unwrap<GlooMtlsArgs>): GlooMtlsPlan => planGlooMtls("gloo", args);
const values = (args: pulumi.Unwrap<GlooMtlsArgs>): Record<string, unknown> => glooChartValues(plan(args));

function pulumiXds(p: GlooMtlsPlan): GlooXdsPulumiPlan {
    assert.equal(p.xds?.rotation, GlooCertRotation.Pulumi);
    return p.xds;
}

const XDS_PULUMI_VALUES = {
    global: { glooMtls: { enabled: true } },
    gateway: { certGenJob: { forceRotation: false, cron: { enabled: false } } },
};
const SIDECAR = { name: "istio-proxy", image: "docker.io/istio/proxyv2:1.30.3" };
const BOTH: pulumi.Unwrap<GlooMtlsArgs> = {
    xds: { issuer },
    istio: { istioVersion: "1.30.3", enableAutoMtls: true, customSidecarsYaml: YAML.stringify([SIDECAR]), istioDiscoveryAddress: "istiod-canary.istio-system.svc:15012" },
};

describe("gloo manifests", () => {
    describe("chart values", () => {
        it("xds with Pulumi rotation: glooMtls on, the certgen job kept off meshtls's secret", () => {
            assert.deepEqual(values({ xds: { issuer } }), XDS_PULUMI_VALUES);
        });

        it("xds with CronJob rotation: the chart's cron job with the plan's schedule and duration", () => {
            assert.deepEqual(values({ xds: { rotation: GlooCertRotation.CronJob } }), {
                global: { glooMtls: { enabled: true } },
                gateway: { certGenJob: { cron: { enabled: true, schedule: "0 3 1 * *" }, rotationDuration: "65s" } },
            });
            assert.deepEqual(values({ xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "0 4 * * 0", rotationDuration: "120s" } }).gateway, {
                certGenJob: { cron: { enabled: true, schedule: "0 4 * * 0" }, rotationDuration: "120s" },
            });
        });

        it("istio only: istioIntegration on, istio-proxy pinned to the mesh's Istio version", () => {
            assert.deepEqual(values({ istio: { istioVersion: "1.30.3" } }), {
                // disableAutoinjection: the chart adds its own istio-proxy; Istio's injector must stay away.
                global: { istioIntegration: { enabled: true, enableAutoMtls: false, disableAutoinjection: true }, glooMtls: { istioProxy: { image: { tag: "1.30.3" } } } },
            });
        });

        it("both, with auto mTLS, custom sidecars and a revisioned istiod; the YAML text keeps a stable key order", () => {
            const v = values(BOTH);
            assert.deepEqual(v, {
                global: {
                    glooMtls: { enabled: true, istioProxy: { image: { tag: "1.30.3" } } },
                    istioIntegration: { enabled: true, enableAutoMtls: true, disableAutoinjection: true },
                    istioSDS: { customSidecars: [SIDECAR] },
                },
                gateway: { certGenJob: { forceRotation: false, cron: { enabled: false } } },
                gatewayProxies: { gatewayProxy: { istioDiscoveryAddress: "istiod-canary.istio-system.svc:15012" } },
            });
            // The helmValues output is this text: its order is part of a quiet diff.
            assert.equal(
                valuesYaml(v),
                [
                    "global:",
                    "  istioIntegration:",
                    "    enabled: true",
                    "    enableAutoMtls: true",
                    "    disableAutoinjection: true",
                    "  istioSDS:",
                    "    customSidecars:",
                    "      - name: istio-proxy",
                    "        image: docker.io/istio/proxyv2:1.30.3",
                    "  glooMtls:",
                    "    enabled: true",
                    "    istioProxy:",
                    "      image:",
                    "        tag: 1.30.3",
                    "gatewayProxies:",
                    "  gatewayProxy:",
                    "    istioDiscoveryAddress: istiod-canary.istio-system.svc:15012",
                    "gateway:",
                    "  certGenJob:",
                    "    forceRotation: false",
                    "    cron:",
                    "      enabled: false",
                    "",
                ].join("\n"),
            );
        });

        it("older charts (< 1.17) get global.istioSDS, with custom sidecars inside it", () => {
            // global.istioIntegration.disableAutoinjection exists since chart 1.8.0 (before istioIntegration.enabled).
            assert.deepEqual(values({ version: "1.16.20", istio: { istioVersion: "1.22.8" } }), {
                global: { istioSDS: { enabled: true }, istioIntegration: { disableAutoinjection: true }, glooMtls: { istioProxy: { image: { tag: "1.22.8" } } } },
            });
            assert.deepEqual(values({ version: "1.16.20", istio: { istioVersion: "1.22.8", customSidecarsYaml: "- name: x\n" } }).global, {
                istioSDS: { enabled: true, customSidecars: [{ name: "x" }] },
                istioIntegration: { disableAutoinjection: true },
                glooMtls: { istioProxy: { image: { tag: "1.22.8" } } },
            });
        });

        it("the values escape hatch merges last: objects merge key by key, new keys are added", () => {
            // Values that carry an argument (enableAutoMtls, customSidecarsYaml...) are refused (tests/reliability/ranges.spec.ts).
            const v = values({
                istio: { istioVersion: "1.30.3" },
                values: "global:\n  istioIntegration:\n    disableAutoinjection: true\n  istioSDS:\n    customSidecars: [{name: c}]\ndiscovery:\n  enabled: false\n",
            });
            assert.deepEqual(v, {
                global: {
                    istioIntegration: { enabled: true, enableAutoMtls: false, disableAutoinjection: true },
                    istioSDS: { customSidecars: [{ name: "c" }] },
                    glooMtls: { istioProxy: { image: { tag: "1.30.3" } } },
                },
                discovery: { enabled: false },
            });
        });

        it("every key it sets is a documented chart value (values.txt, v1.22.1)", () => {
            const all: pulumi.Unwrap<GlooMtlsArgs>[] = [
                BOTH,
                { xds: { rotation: GlooCertRotation.CronJob } },
                { version: "1.16.20", istio: { istioVersion: "1.22.8", customSidecarsYaml: "- name: x\n" } },
            ];
            const unknown = all.map((a) => unknownGlooValuesKeys(values(a)));
            assert.deepEqual(unknown, [[], [], []]);
            assert.deepEqual(unknownGlooValuesKeys({ global: { istioIntegration: { enableAutoMTLS: true } } }), ["global.istioIntegration.enableAutoMTLS"], "the check can fail");
        });

        it("is deterministic and does not modify the plan", () => {
            const p = plan({ ...BOTH, values: "a:\n  b: 1\n" });
            const before = JSON.stringify(p);
            const first = valuesYaml(glooChartValues(p));
            assert.equal(valuesYaml(glooChartValues(p)), first);
            assert.equal(valuesYaml(glooChartValues(plan({ ...BOTH, values: "a:\n  b: 1\n" }))), first);
            assert.equal(JSON.stringify(p), before);
        });
    });

    describe("helm install", () => {
        it("defaults: chart gloo 1.22.1 from solo-public-helm, Release `gloo` in gloo-system, with the plan's values", () => {
            const p = plan({ xds: { issuer } });
            assert.deepEqual(glooHelmInstall(p), {
                mode: HelmMode.Release,
                chart: "gloo",
                version: "1.22.1",
                repo: "https://storage.googleapis.com/solo-public-helm",
                releaseName: "gloo",
                namespace: "gloo-system",
                values: XDS_PULUMI_VALUES,
            });
        });

        it("given settings, and values computed once by the caller are used as they are", () => {
            const p = plan({ istio: { istioVersion: "1.30.3" }, version: "1.21.4", chartRepository: "oci://registry.example/charts", namespace: "edge", releaseName: "edge", helmMode: HelmMode.Chart });
            const v = glooChartValues(p);
            const install = glooHelmInstall(p, v);
            assert.equal(install.values, v);
            assert.deepEqual({ ...install, values: undefined }, { mode: HelmMode.Chart, chart: "gloo", version: "1.21.4", repo: "oci://registry.example/charts", releaseName: "edge", namespace: "edge", values: undefined });
        });
    });

    describe("namespace", () => {
        it("the install namespace, labelled out of Istio injection", () => {
            assert.deepEqual(glooNamespace(plan({ istio: { istioVersion: "1.30.3" } })), { metadata: { name: "gloo-system", labels: { "istio-injection": "disabled" } } });
            assert.deepEqual(glooNamespace(plan({ namespace: "edge", istio: { istioVersion: "1.30.3" } })).metadata.name, "edge");
        });
    });

    describe("the gloo-mtls-certs Secret", () => {
        it("is kubernetes.io/tls with ca.crt (trust bundle), tls.crt (chain) and tls.key, in the install namespace", () => {
            const p = plan({ namespace: "edge", xds: { issuer } });
            assert.deepEqual(glooMtlsSecret(p, pulumiXds(p), { trustBundlePem: "ROOTS", chainPem: "CHAIN", privateKeyPem: "KEY" }), {
                metadata: { name: "gloo-mtls-certs", namespace: "edge" },
                type: "kubernetes.io/tls",
                stringData: { "ca.crt": "ROOTS", "tls.crt": "CHAIN", "tls.key": "KEY" },
            });
        });

        it("carries Outputs at the leaves untouched, so a secret key stays the same secret Output", () => {
            const p = plan({ xds: { issuer } });
            const pems = { trustBundlePem: pulumi.output("ROOTS"), chainPem: pulumi.output("CHAIN"), privateKeyPem: pulumi.secret("KEY") };
            const secret = glooMtlsSecret(p, pulumiXds(p), pems);
            assert.deepEqual(Object.keys(secret.stringData), ["ca.crt", "tls.crt", "tls.key"]);
            assert.equal(secret.stringData["ca.crt"], pems.trustBundlePem);
            assert.equal(secret.stringData["tls.crt"], pems.chainPem);
            assert.equal(secret.stringData["tls.key"], pems.privateKeyPem);
        });
    });

    describe("the xDS certificate", () => {
        it("serves gloo's Service names in the install namespace, for server and client auth, with the validity resolved (not pki's leaf default)", () => {
            const p = plan({ namespace: "edge", xds: { issuer } });
            const args = glooXdsCertificateArgs(p, pulumiXds(p), issuer);
            assert.equal(args.issuer, issuer);
            // The validity is always resolved (never pki's 90-day leaf default, which certgen replaces).
            assert.deepEqual(args, {
                issuer,
                commonName: "gloo.edge.svc",
                dnsNames: ["gloo", "gloo.edge", "gloo.edge.svc", "gloo.edge.svc.cluster.local"],
                serverAuth: true,
                clientAuth: true,
                validityHours: 4320,
                earlyRenewalHours: 2880,
            });
        });

        it("passes the given certificate settings through", () => {
            const p = plan({ xds: { issuer, certificate: { keyAlgorithm: KeyAlgorithm.EcdsaP384, validityHours: 10000 } } });
            const args = glooXdsCertificateArgs(p, pulumiXds(p), issuer);
            assert.deepEqual([args.commonName, args.keyAlgorithm, args.validityHours, args.earlyRenewalHours], ["gloo.gloo-system.svc", KeyAlgorithm.EcdsaP384, 10000, 2880]);
        });
    });

    describe("Upstreams", () => {
        it("one SDS Upstream per planned upstream, in the Gloo namespace, valid against the Upstream CRD", () => {
            const p = plan({
                namespace: "edge",
                istio: {
                    istioVersion: "1.30.3",
                    upstreams: [
                        { serviceName: "productpage", serviceNamespace: "bookinfo", port: 9080 },
                        { serviceName: "reviews", serviceNamespace: "bookinfo", port: 9080, name: "reviews-mtls" },
                    ],
                },
            });
            const upstreams = (p.istio?.upstreams ?? []).map((u) => glooUpstream(p, u));
            assert.equal(upstreams.length, 2);
            assert.deepEqual(upstreams[0], {
                apiVersion: "gloo.solo.io/v1",
                kind: "Upstream",
                metadata: { name: "bookinfo-productpage-9080-mtls", namespace: "edge" },
                spec: {
                    kube: { serviceName: "productpage", serviceNamespace: "bookinfo", servicePort: 9080 },
                    sslConfig: {
                        alpnProtocols: ["istio"],
                        sds: { targetUri: "127.0.0.1:8234", clusterName: "gateway_proxy_sds", certificatesSecretName: "istio_server_cert", validationContextName: "istio_validation_context" },
                    },
                },
            });
            assert.deepEqual(upstreams[1].metadata, { name: "reviews-mtls", namespace: "edge" });
            assert.equal(assertValidObjects(upstreams.map((u) => ({ ...u })), ["gloo.solo.io"]), 2);
        });
    });
});
