// Pure unit specs of GlooMtls's plan: defaults, every validation error, determinism. No mock runtime:
// planGlooMtls is a plain function call.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { DataPlaneMode, GlooCertRotation, GlooMtlsArgs, GlooMtlsPlan, HelmMode, KeyAlgorithm, glooAmbientIstioRefusal, planGlooMtls, resolveGlooRotation } from "../../sdk";
import { planProblems } from "../planErrors";

const issuer = { certPem: "c", privateKeyPem: "-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----\n", caChainPem: "c", intermediatesPem: "", rootCertPem: "c", trustBundlePem: "c" };
// Values outside the declared types, as callers from other languages can send.
const bad = (v: unknown): never => v as never;

/** The problems planGlooMtls reports for `args`, one per line. */
const problemsOf = (args: pulumi.Unwrap<GlooMtlsArgs>): string[] => planProblems(() => planGlooMtls("gloo", args), "meshtls:index:GlooMtls", "gloo");

const DEFAULT_CHART = { chart: "gloo", version: "1.22.1", repository: "https://storage.googleapis.com/solo-public-helm", releaseName: "gloo", helmMode: HelmMode.Release };

describe("gloo plan: planGlooMtls", () => {
    describe("defaults", () => {
        it("xds only: gloo 1.22.1 from solo-public-helm as Release `gloo` in gloo-system, Pulumi rotation, a 180-day certificate renewed 120 days early (clear of certgen's 90-day renew-before)", () => {
            const plan = planGlooMtls("gloo", { xds: { issuer } });
            const expected: GlooMtlsPlan = {
                namespace: "gloo-system",
                createNamespace: true,
                install: true,
                chart: DEFAULT_CHART,
                extraValues: undefined,
                xds: {
                    rotation: GlooCertRotation.Pulumi,
                    secretName: "gloo-mtls-certs",
                    certificate: { keyAlgorithm: KeyAlgorithm.EcdsaP256, validityHours: 4320, earlyRenewalHours: 2880, given: undefined },
                },
                istio: undefined,
            };
            assert.deepEqual(plan, expected);
        });

        it("CronJob rotation: monthly at 03:00 on the 1st, 65s between the certgen job's stages", () => {
            const plan = planGlooMtls("gloo", { xds: { rotation: GlooCertRotation.CronJob } });
            assert.deepEqual(plan.xds, { rotation: GlooCertRotation.CronJob, secretName: "gloo-mtls-certs", cronSchedule: "0 3 1 * *", rotationDuration: "65s" });
        });

        it("istio only: istioIntegration (chart 1.22.1), no auto mTLS, the chart's istiod address, no upstreams, nothing made STRICT", () => {
            const plan = planGlooMtls("gloo", { istio: { istioVersion: "1.30.3" } });
            assert.equal(plan.xds, undefined);
            assert.deepEqual(plan.istio, {
                istioVersion: "1.30.3",
                valuesKey: "istioIntegration",
                enableAutoMtls: false,
                istioDiscoveryAddress: undefined,
                customSidecars: undefined,
                upstreams: [],
                strictNamespaces: [],
            });
        });

        it("install: false does not create the namespace unless asked; createNamespace overrides either way", () => {
            const istio = { istioVersion: "1.30.3" };
            assert.deepEqual(
                [
                    planGlooMtls("gloo", { istio, install: false }),
                    planGlooMtls("gloo", { istio, install: false, createNamespace: true }),
                    planGlooMtls("gloo", { istio, createNamespace: false }),
                ].map((p) => [p.install, p.createNamespace]),
                [
                    [false, false],
                    [false, true],
                    [true, false],
                ],
            );
        });

        it("the rotation default is resolved in one place", () => {
            assert.equal(resolveGlooRotation(undefined), GlooCertRotation.Pulumi);
            assert.equal(resolveGlooRotation(GlooCertRotation.CronJob), GlooCertRotation.CronJob);
        });
    });

    describe("given settings", () => {
        it("keeps every install setting given and parses the values escape hatch", () => {
            const plan = planGlooMtls("gloo", {
                version: "1.21.4",
                chartRepository: "oci://registry.example/charts",
                namespace: "edge",
                releaseName: "edge-gloo",
                helmMode: HelmMode.Chart,
                values: "discovery:\n  enabled: false\n",
                istio: { istioVersion: "1.30.3" },
            });
            assert.deepEqual(
                { namespace: plan.namespace, chart: plan.chart, extraValues: plan.extraValues },
                {
                    namespace: "edge",
                    chart: { chart: "gloo", version: "1.21.4", repository: "oci://registry.example/charts", releaseName: "edge-gloo", helmMode: HelmMode.Chart },
                    extraValues: { discovery: { enabled: false } },
                },
            );
        });

        it("values may set gateway.certGenJob.forceRotation false with Pulumi rotation, and anything with CronJob rotation", () => {
            const pulumiPlan = planGlooMtls("gloo", { xds: { issuer }, values: "gateway:\n  certGenJob:\n    forceRotation: false\n" });
            assert.deepEqual(pulumiPlan.extraValues, { gateway: { certGenJob: { forceRotation: false } } });
            const cronPlan = planGlooMtls("gloo", { xds: { rotation: GlooCertRotation.CronJob }, values: "gateway:\n  certGenJob:\n    forceRotation: true\n" });
            assert.deepEqual(cronPlan.extraValues, { gateway: { certGenJob: { forceRotation: true } } });
        });

        it("empty values text is an empty mapping", () => {
            assert.deepEqual(planGlooMtls("gloo", { istio: { istioVersion: "1.30.3" }, values: "" }).extraValues, {});
        });

        it("xds certificate: unset fields take the defaults, and the settings as given are kept for the Certificate", () => {
            const given = { validityHours: 8760, keyAlgorithm: KeyAlgorithm.Rsa3072 };
            const plan = planGlooMtls("gloo", { xds: { issuer, certificate: given } });
            assert.equal(plan.xds?.rotation, GlooCertRotation.Pulumi);
            assert.deepEqual(plan.xds.certificate, { keyAlgorithm: KeyAlgorithm.Rsa3072, validityHours: 8760, earlyRenewalHours: 2880, given: { validityHours: 8760, keyAlgorithm: KeyAlgorithm.Rsa3072 } });
        });

        it("CronJob rotation keeps its schedule and duration", () => {
            const plan = planGlooMtls("gloo", { xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "0 4 * * 0", rotationDuration: "120s" } });
            assert.deepEqual(plan.xds, { rotation: GlooCertRotation.CronJob, secretName: "gloo-mtls-certs", cronSchedule: "0 4 * * 0", rotationDuration: "120s" });
        });

        it("chart 1.17.0 and later (pre-release suffixes ignored) use istioIntegration; older charts istioSDS", () => {
            const key = (version: string) => planGlooMtls("gloo", { version, istio: { istioVersion: "1.30.3" } }).istio?.valuesKey;
            assert.deepEqual(
                ["1.16.20", "1.16.99", "1.17.0", "v1.17.0-beta1", "1.22.1", "2.0.0"].map(key),
                ["istioSDS", "istioSDS", "istioIntegration", "istioIntegration", "istioIntegration", "istioIntegration"],
            );
        });

        it("istio: names each Upstream <ns>-<svc>-<port>-mtls unless named, in the order given; STRICT namespaces sorted and unique", () => {
            const plan = planGlooMtls("gloo", {
                istio: {
                    istioVersion: "1.30.3",
                    enableAutoMtls: true,
                    istioDiscoveryAddress: "istiod-canary.istio-system.svc:15012",
                    customSidecarsYaml: "- name: istio-proxy\n  image: docker.io/istio/proxyv2:1.30.3\n",
                    strictUpstreamNamespaces: true,
                    upstreams: [
                        { serviceName: "b", serviceNamespace: "shop", port: 81 },
                        { serviceName: "reviews", serviceNamespace: "bookinfo", port: 9080, name: "reviews-mtls" },
                        { serviceName: "a", serviceNamespace: "shop", port: 80 },
                    ],
                },
            });
            assert.deepEqual(plan.istio, {
                istioVersion: "1.30.3",
                valuesKey: "istioIntegration",
                enableAutoMtls: true,
                istioDiscoveryAddress: "istiod-canary.istio-system.svc:15012",
                customSidecars: [{ name: "istio-proxy", image: "docker.io/istio/proxyv2:1.30.3" }],
                upstreams: [
                    { name: "shop-b-81-mtls", serviceName: "b", serviceNamespace: "shop", port: 81 },
                    { name: "reviews-mtls", serviceName: "reviews", serviceNamespace: "bookinfo", port: 9080 },
                    { name: "shop-a-80-mtls", serviceName: "a", serviceNamespace: "shop", port: 80 },
                ],
                strictNamespaces: ["bookinfo", "shop"],
            });
        });
    });

    describe("determinism and plain data", () => {
        const args = (): pulumi.Unwrap<GlooMtlsArgs> => ({
            xds: { issuer, certificate: { validityHours: 10000, earlyRenewalHours: 3000 } },
            istio: { istioVersion: "1.30.3", upstreams: [{ serviceName: "p", serviceNamespace: "b", port: 1 }], strictUpstreamNamespaces: true },
            values: "a: 1\n",
        });

        it("the same arguments give an equal plan, and the arguments are not modified", () => {
            const given = args();
            const first = planGlooMtls("gloo", given);
            assert.deepEqual(given, args(), "arguments unchanged");
            assert.deepEqual(planGlooMtls("gloo", args()), first);
            assert.equal(JSON.stringify(planGlooMtls("gloo", args())), JSON.stringify(first), "same key order too");
        });

        it("the plan never holds the issuer (its key stays out of plain data)", () => {
            const text = JSON.stringify(planGlooMtls("gloo", args()));
            assert.doesNotMatch(text, /PRIVATE KEY/);
            assert.doesNotMatch(text, /issuer/);
        });
    });

    describe("validation: every problem names the field, the value and what is accepted", () => {
        const cases: Array<[string, pulumi.Unwrap<GlooMtlsArgs>, Array<string | RegExp>]> = [
            ["neither xds nor istio", {}, ["xds/istio: got nothing; set xds (mTLS between Gloo and its proxies), istio (mTLS to mesh upstreams), or both"]],
            [
                "Pulumi rotation without an issuer",
                { xds: {} },
                ["xds.issuer: got nothing; Pulumi rotation issues gloo-mtls-certs from an IssuerMaterial: set xds.issuer (e.g. CertificateAuthority.issuer), or use rotation: CronJob"],
            ],
            [
                "cron settings with Pulumi rotation",
                { xds: { issuer, cronSchedule: "* * * * *", rotationDuration: "1m" } },
                [
                    "xds.cronSchedule: got \"* * * * *\"; it only applies with rotation: CronJob (Pulumi rotation follows the CertificateAuthority's phases)",
                    "xds.rotationDuration: got \"1m\"; it only applies with rotation: CronJob",
                ],
            ],
            [
                "an issuer and certificate settings with CronJob rotation",
                { xds: { rotation: GlooCertRotation.CronJob, issuer, certificate: {} } },
                [
                    "xds.issuer: got \"<IssuerMaterial>\"; with rotation: CronJob the chart's job generates its own CA; remove issuer, or use rotation: Pulumi",
                    "xds.certificate: got {}; it only applies with rotation: Pulumi",
                ],
            ],
            [
                "CronJob rotation with helm.v4.Chart",
                { helmMode: HelmMode.Chart, xds: { rotation: GlooCertRotation.CronJob } },
                ["helmMode: got \"Chart\"; CronJob rotation needs helmMode Release: the chart creates the first secret in a pre-install hook, which helm.v4.Chart does not run"],
            ],
            [
                "a malformed cron schedule and rotation duration",
                { xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "monthly", rotationDuration: "2 minutes" } },
                ["xds.cronSchedule: got \"monthly\"; it has 1 field; expected 5 cron fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-6) with *, lists, ranges and steps of at least 1 (e.g. \"0 3 1 * *\", \"*/15 * * * *\"), or @hourly/@daily/@weekly/@monthly/@yearly, or @every <duration>", "xds.rotationDuration: got \"2 minutes\"; expected a Go duration such as \"65s\", \"2m\" or \"1h30m\""],
            ],
            ["a cron schedule with six fields", { xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "0 0 3 1 * *" } }, ["xds.cronSchedule: got \"0 0 3 1 * *\"; it has 6 fields; expected 5 cron fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-6) with *, lists, ranges and steps of at least 1 (e.g. \"0 3 1 * *\", \"*/15 * * * *\"), or @hourly/@daily/@weekly/@monthly/@yearly, or @every <duration>"]],
            ["an unknown rotation", { xds: { rotation: bad("Manual") } }, ["xds.rotation: got \"Manual\"; expected one of \"Pulumi\", \"CronJob\""]],
            [
                "bad xds certificate settings",
                { xds: { issuer, certificate: { keyAlgorithm: bad("P224"), validityHours: 1.5, earlyRenewalHours: -1 } } },
                [
                    "xds.certificate.keyAlgorithm: got \"P224\"; expected one of \"ECDSA_P256\", \"ECDSA_P384\", \"RSA_2048\", \"RSA_3072\", \"RSA_4096\"",
                    "xds.certificate.validityHours: got 1.5; expected a whole number >= 1",
                    "xds.certificate.earlyRenewalHours: got -1; expected a whole number >= 0",
                ],
            ],
            [
                "early renewal >= validity",
                { xds: { issuer, certificate: { validityHours: 5000, earlyRenewalHours: 5000 } } },
                ["xds.certificate.earlyRenewalHours: got 5000; expected fewer hours than xds.certificate.validityHours (5000), or the certificate would be re-issued on every run"],
            ],
            [
                "a validity below the default early renewal",
                { xds: { issuer, certificate: { validityHours: 2500 } } },
                ["xds.certificate.earlyRenewalHours: got 2880; expected fewer hours than xds.certificate.validityHours (2500) (the default; set earlyRenewalHours explicitly), or the certificate would be re-issued on every run"],
            ],
            [
                "pki's 90-day leaf (within certgen's renew-before: the chart's certgen job would replace it at once)",
                { xds: { issuer, certificate: { validityHours: 2160, earlyRenewalHours: 720 } } },
                [
                    "xds.certificate.validityHours: got 2160; expected more than 2328 hours (certgen's --renew-before 2160 h (the chart cannot change it) + 168 h margin); the chart's certgen job replaces a certificate with less than 2160 h left by one from its own CA",
                    "xds.certificate.earlyRenewalHours: got 720; expected more than 2328 hours (certgen's --renew-before 2160 h (the chart cannot change it) + 168 h margin), so that Pulumi re-issues the certificate before certgen would replace it",
                ],
            ],
            [
                "a validity exactly at renew-before plus the margin",
                { xds: { issuer, certificate: { validityHours: 2328, earlyRenewalHours: 2000 } } },
                [
                    "xds.certificate.validityHours: got 2328; expected more than 2328 hours (certgen's --renew-before 2160 h (the chart cannot change it) + 168 h margin); the chart's certgen job replaces a certificate with less than 2160 h left by one from its own CA",
                    "xds.certificate.earlyRenewalHours: got 2000; expected more than 2328 hours (certgen's --renew-before 2160 h (the chart cannot change it) + 168 h margin), so that Pulumi re-issues the certificate before certgen would replace it",
                ],
            ],
            [
                "values forcing certgen's rotation with Pulumi rotation",
                { xds: { issuer }, values: "gateway:\n  certGenJob:\n    forceRotation: true\n" },
                ["values: got \"gateway.certGenJob.forceRotation: true\"; with xds rotation Pulumi, gateway.certGenJob.forceRotation must stay false, or the chart's certgen job replaces gloo-mtls-certs with its own CA"],
            ],
            [
                "a string \"false\" for forceRotation (truthy in the chart's template)",
                { xds: { issuer }, values: "gateway:\n  certGenJob:\n    forceRotation: \"false\"\n" },
                ["values: got \"gateway.certGenJob.forceRotation: \\\"false\\\"\"; with xds rotation Pulumi, gateway.certGenJob.forceRotation must stay false, or the chart's certgen job replaces gloo-mtls-certs with its own CA"],
            ],
            [
                "a long validity whose early renewal ends inside certgen's window",
                { xds: { issuer, certificate: { validityHours: 8760, earlyRenewalHours: 2328 } } },
                ["xds.certificate.earlyRenewalHours: got 2328; expected more than 2328 hours (certgen's --renew-before 2160 h (the chart cannot change it) + 168 h margin), so that Pulumi re-issues the certificate before certgen would replace it"],
            ],
            [
                "istio without an Istio version",
                { istio: bad({}) },
                ["istio.istioVersion: got nothing; the mesh's Istio version is required for the istio-proxy sidecar image, e.g. \"1.30.3\" (IstioMesh.version)"],
            ],
            [
                "a malformed Istio version",
                { istio: { istioVersion: "latest" } },
                ["istio.istioVersion: got \"latest\"; the mesh's Istio version is required for the istio-proxy sidecar image, e.g. \"1.30.3\" (IstioMesh.version)"],
            ],
            [
                "enableAutoMtls on a chart without istioIntegration",
                { version: "1.16.3", istio: { istioVersion: "1.22.0", enableAutoMtls: false } },
                ["istio.enableAutoMtls: got false; it needs chart 1.17.0 or later (global.istioIntegration); chart 1.16.3 only has global.istioSDS"],
            ],
            [
                "bad install settings and istiod address",
                { version: "latest", namespace: "Gloo", releaseName: "Gloo_1", helmMode: bad("Helm"), chartRepository: "ftp://x", istio: { istioVersion: "1.30.3", istioDiscoveryAddress: "istiod" } },
                [
                    "version: got \"latest\"; expected a version such as 1.30.3 (optionally with a pre-release suffix)",
                    "namespace: got \"Gloo\"; expected a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
                    "releaseName: got \"Gloo_1\"; expected a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
                    "helmMode: got \"Helm\"; expected one of \"Chart\", \"Release\"",
                    "chartRepository: got \"ftp://x\"; expected an https://, http:// or oci:// URL",
                    "istio.istioDiscoveryAddress: got \"istiod\"; expected <host>:<port> with a DNS name or IP address (IPv6 in brackets) and a port from 1 to 65535, e.g. istiod.istio-system.svc:15012",
                ],
            ],
            [
                "helmMode with install: false",
                { install: false, helmMode: HelmMode.Release, istio: { istioVersion: "1.30.3" } },
                ["helmMode: got \"Release\"; it only applies when the chart is installed (install: false installs nothing)"],
            ],
            [
                "bad upstreams",
                {
                    istio: {
                        istioVersion: "1.30.3",
                        upstreams: [
                            bad({ serviceName: "p", port: 1 }),
                            { serviceName: "Product_Page", serviceNamespace: "b", port: 0 },
                            { serviceName: "p", serviceNamespace: "b", port: 1, name: "Bad_Name" },
                        ],
                    },
                },
                [
                    "istio.upstreams[0].serviceNamespace: got nothing; it is required: a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)",
                    "istio.upstreams[1].serviceName: got \"Product_Page\"; expected a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
                    "istio.upstreams[1].port: got 0; expected a port number from 1 to 65535",
                    "istio.upstreams[2].name: got \"Bad_Name\"; expected a DNS-1123 name: lower-case letters, digits, '-' and '.', at most 253 characters",
                ],
            ],
            [
                "duplicate Upstream names, given or defaulted",
                {
                    istio: {
                        istioVersion: "1.30.3",
                        upstreams: [
                            { serviceName: "p", serviceNamespace: "b", port: 1 },
                            { serviceName: "q", serviceNamespace: "b", port: 2, name: "b-p-1-mtls" },
                        ],
                    },
                },
                ["istio.upstreams[1].name: got \"b-p-1-mtls\"; Upstream names must be unique"],
            ],
            ["STRICT namespaces without upstreams", { istio: { istioVersion: "1.30.3", strictUpstreamNamespaces: true } }, ["istio.strictUpstreamNamespaces: got true; it needs upstreams: their namespaces are the ones made STRICT"]],
            [
                "custom sidecars that are not a list of named containers, values that are not a mapping",
                { istio: { istioVersion: "1.30.3", customSidecarsYaml: "name: istio-proxy\n" }, values: "- a\n- b\n" },
                [
                    "istio.customSidecarsYaml: got \"<yaml>\"; expected a YAML list of containers, each with a name",
                    "values: got \"<yaml>\"; expected YAML text of a mapping (chart values), e.g. \"meshConfig:\\n  accessLogFile: /dev/stdout\"",
                ],
            ],
            [
                "custom sidecars and values that do not parse",
                { istio: { istioVersion: "1.30.3", customSidecarsYaml: "[" }, values: "a: [" },
                [/^istio\.customSidecarsYaml: got "<yaml>"; it does not parse as YAML: \S/, /^values: got "<yaml>"; it does not parse as YAML: \S/],
            ],
            [
                "the Istio integration in an ambient mesh (sidecar-only: nothing speaks HBONE)",
                { istio: { istioVersion: "1.30.3", dataPlaneMode: DataPlaneMode.Ambient } },
                [`istio.dataPlaneMode: got "Ambient"; ${glooAmbientIstioRefusal("leave the Istio integration off in an ambient mesh")}`],
            ],
            ["an unknown data plane", { istio: { istioVersion: "1.30.3", dataPlaneMode: bad("Mesh") } }, ['istio.dataPlaneMode: got "Mesh"; expected one of "Sidecar", "Ambient"']],
        ];
        assert.equal(cases.length, 28);
        for (const [what, args, expected] of cases) {
            it(`rejects ${what}`, () => {
                const problems = problemsOf(args);
                assert.equal(problems.length, expected.length, problems.join("\n"));
                expected.forEach((e, i) => {
                    if (typeof e === "string") {
                        assert.equal(problems[i], e);
                    } else {
                        assert.match(problems[i], e);
                    }
                });
            });
        }

        it("takes the Istio integration in a sidecar mesh, and the refusal text names the fix and kgateway", () => {
            assert.equal(planGlooMtls("gloo", { istio: { istioVersion: "1.30.3", dataPlaneMode: DataPlaneMode.Sidecar } }).istio?.valuesKey, "istioIntegration");
            assert.match(glooAmbientIstioRefusal("set x: false"), /nothing speaks HBONE .*; set x: false \(xDS mTLS still works\) and move mesh ingress to kgateway/);
        });

        it("reports every problem at once, in argument order", () => {
            const problems = problemsOf({ namespace: "Gloo", xds: {}, istio: { istioVersion: "x" }, values: "- a\n" });
            assert.deepEqual(
                problems.map((p) => p.split(":")[0]),
                ["namespace", "xds.issuer", "istio.istioVersion", "values"],
            );
        });
    });
});
