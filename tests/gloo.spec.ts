import { strict as assert } from "node:assert";
import * as YAML from "yaml";
import { X509Certificate } from "node:crypto";
import { CertificateAuthority, CertificateAuthorityArgs, GlooCertRotation, GlooMtls, GlooMtlsArgs, HelmMode, RotationPhase } from "../sdk";
import { ProgramResult, assertRejected, resolve, runProgram, valueOf, registrationView } from "./harness";
import { ISTIO_GROUPS, assertValidObjects, loadCrd, loadIstioCrds, unknownGlooValuesKeys } from "./schema";

loadIstioCrds();
loadCrd("gloo/Upstream.crd.yaml");

const TYPE = "meshtls:index:GlooMtls";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const PEM = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g;

function release(result: ProgramResult<unknown>) {
    return result.get(RELEASE, "gloo-gloo").inputs as { name: string; chart: string; version: string; namespace: string; repositoryOpts: { repo: string }; values: Record<string, unknown> };
}

function withCa(glooArgs: (ca: CertificateAuthority) => GlooMtlsArgs, caArgs: CertificateAuthorityArgs = {}) {
    return () => {
        const ca = new CertificateAuthority("mesh-ca", caArgs);
        const gloo = new GlooMtls("gloo", glooArgs(ca));
        return { ca, gloo };
    };
}

const XDS_PULUMI_VALUES = {
    global: { glooMtls: { enabled: true } },
    gateway: { certGenJob: { forceRotation: false, cron: { enabled: false } } },
};

describe("gloo: GlooMtls", () => {
    describe("install and values", () => {
        it("xds only: gloo 1.22.1 as a helm.v3.Release named gloo, glooMtls on, the certgen job kept off our secret", async () => {
            const result = await runProgram(withCa((ca) => ({ xds: { issuer: ca.issuer } })));
            const r = release(result);
            assert.deepEqual(
                { name: r.name, chart: r.chart, version: r.version, namespace: r.namespace, repo: r.repositoryOpts.repo },
                { name: "gloo", chart: "gloo", version: "1.22.1", namespace: "gloo-system", repo: "https://storage.googleapis.com/solo-public-helm" },
            );
            assert.deepEqual(r.values, XDS_PULUMI_VALUES);
            assert.deepEqual(YAML.parse(await valueOf(result.value.gloo.helmValues)), XDS_PULUMI_VALUES);
        });

        it("istio only: istioIntegration on, istio-proxy pinned to the mesh's Istio version", async () => {
            const result = await runProgram(() => new GlooMtls("gloo", { istio: { istioVersion: "1.30.3" } }));
            assert.deepEqual(release(result).values, {
                global: { istioIntegration: { enabled: true, enableAutoMtls: false, disableAutoinjection: true }, glooMtls: { istioProxy: { image: { tag: "1.30.3" } } } },
            });
            assert.deepEqual(result.k8sObjects("Secret"), [], "no xds secret without xds");
            assert.equal(await valueOf(result.value.secretName), "");
            assert.deepEqual(await valueOf(result.value.trustBundleFingerprints), []);
        });

        it("both, with auto mTLS, custom sidecars and a revisioned istiod", async () => {
            const sidecar = { name: "istio-proxy", image: "docker.io/istio/proxyv2:1.30.3" };
            const result = await runProgram(
                withCa((ca) => ({
                    xds: { issuer: ca.issuer },
                    istio: { istioVersion: "1.30.3", enableAutoMtls: true, customSidecarsYaml: YAML.stringify([sidecar]), istioDiscoveryAddress: "istiod-canary.istio-system.svc:15012" },
                })),
            );
            assert.deepEqual(release(result).values, {
                global: {
                    glooMtls: { enabled: true, istioProxy: { image: { tag: "1.30.3" } } },
                    istioIntegration: { enabled: true, enableAutoMtls: true, disableAutoinjection: true },
                    istioSDS: { customSidecars: [sidecar] },
                },
                gateway: { certGenJob: { forceRotation: false, cron: { enabled: false } } },
                gatewayProxies: { gatewayProxy: { istioDiscoveryAddress: "istiod-canary.istio-system.svc:15012" } },
            });
        });

        it("older charts (< 1.17) get global.istioSDS instead", async () => {
            const result = await runProgram(() => new GlooMtls("gloo", { version: "1.16.20", istio: { istioVersion: "1.22.8" } }));
            assert.deepEqual(release(result).values, {
                global: { istioSDS: { enabled: true }, istioIntegration: { disableAutoinjection: true }, glooMtls: { istioProxy: { image: { tag: "1.22.8" } } } },
            });
        });

        it("CronJob rotation: the chart's cron job with schedule and rotationDuration, and no secret from Pulumi", async () => {
            const result = await runProgram(() => new GlooMtls("gloo", { xds: { rotation: GlooCertRotation.CronJob, cronSchedule: "0 4 * * 0", rotationDuration: "120s" } }));
            assert.deepEqual(release(result).values, {
                global: { glooMtls: { enabled: true } },
                gateway: { certGenJob: { cron: { enabled: true, schedule: "0 4 * * 0" }, rotationDuration: "120s" } },
            });
            // Pulumi owns nothing of the secret, so the job's rotations can never show as a diff.
            assert.deepEqual(result.k8sObjects("Secret"), []);
            assert.equal(await valueOf(result.value.secretName), "gloo-mtls-certs");
            assert.equal(await valueOf(result.value.fingerprintSha256), "");
            const defaults = await runProgram(() => new GlooMtls("gloo", { xds: { rotation: GlooCertRotation.CronJob } }));
            assert.deepEqual((release(defaults).values.gateway as { certGenJob: unknown }).certGenJob, { cron: { enabled: true, schedule: "0 3 1 * *" }, rotationDuration: "65s" });
        });

        it("install: false installs nothing and exposes exactly the values it would have installed", async () => {
            const installed = await runProgram(withCa((ca) => ({ xds: { issuer: ca.issuer }, istio: { istioVersion: "1.30.3" } })));
            const result = await runProgram(withCa((ca) => ({ install: false, xds: { issuer: ca.issuer }, istio: { istioVersion: "1.30.3" } })));
            assert.deepEqual(result.ofType(RELEASE), []);
            assert.deepEqual(result.k8sObjects("Namespace"), [], "the existing release's namespace is not created");
            assert.deepEqual(YAML.parse(await valueOf(result.value.gloo.helmValues)), release(installed).values);
            assert.equal(result.k8sObject("Secret", "gloo-mtls-certs", "gloo-system").type, "kubernetes.io/tls");
        });

        it("the values escape hatch merges last", async () => {
            const result = await runProgram(() => new GlooMtls("gloo", { istio: { istioVersion: "1.30.3" }, values: "global:\n  istioIntegration:\n    disableAutoinjection: true\ndiscovery:\n  enabled: false\n" }));
            assert.deepEqual(release(result).values, {
                global: { istioIntegration: { enabled: true, enableAutoMtls: false, disableAutoinjection: true }, glooMtls: { istioProxy: { image: { tag: "1.30.3" } } } },
                discovery: { enabled: false },
            });
        });

        it("every values key it sets is a documented chart value (values.txt, v1.22.1)", async () => {
            // Each program with the top-level values sections it sets, so the check below has keys to look at.
            const all: Array<[() => unknown, string[]]> = [
                [withCa((ca) => ({ xds: { issuer: ca.issuer }, istio: { istioVersion: "1.30.3", enableAutoMtls: true, customSidecarsYaml: "- name: x\n", istioDiscoveryAddress: "a.b:1" } })), ["gateway", "gatewayProxies", "global"]],
                [() => new GlooMtls("gloo", { xds: { rotation: GlooCertRotation.CronJob } }), ["gateway", "global"]],
            ];
            assert.equal(all.length, 2);
            for (const [program, sections] of all) {
                const result = await runProgram(program);
                assert.deepEqual(Object.keys(release(result).values).sort(), sections);
                assert.deepEqual(unknownGlooValuesKeys(release(result).values), []);
            }
            assert.deepEqual(unknownGlooValuesKeys({ global: { istioIntegration: { enableAutoMTLS: true } } }), ["global.istioIntegration.enableAutoMTLS"]);
        });

        it("creates the namespace labelled out of Istio injection, and orders secret -> chart -> upstreams", async () => {
            const result = await runProgram(withCa((ca) => ({ xds: { issuer: ca.issuer }, istio: { istioVersion: "1.30.3", upstreams: [{ serviceName: "productpage", serviceNamespace: "bookinfo", port: 9080 }] } })));
            assert.deepEqual(result.k8sObject("Namespace", "gloo-system").metadata.labels, { "istio-injection": "disabled" });
            const chart = result.get(RELEASE, "gloo-gloo");
            const secret = result.k8sResource("Secret", "gloo-mtls-certs", "gloo-system");
            assert.ok(chart.dependencies.includes(secret.urn), "the secret exists before the chart's pods and hook jobs");
            const upstream = result.k8sResource("Upstream", "bookinfo-productpage-9080-mtls", "gloo-system");
            assert.ok(upstream.dependencies.includes(chart.urn), "Upstreams after the chart (its CRDs)");
        });

        it("helmMode Chart renders with helm.v4.Chart", async () => {
            const result = await runProgram(withCa((ca) => ({ helmMode: HelmMode.Chart, xds: { issuer: ca.issuer } })));
            assert.equal(result.ofType("kubernetes:helm.sh/v4:Chart").length, 1);
            assert.deepEqual(result.ofType(RELEASE), []);
        });
    });

    describe("the xDS secret", () => {
        async function phase(args: CertificateAuthorityArgs) {
            const result = await runProgram(withCa((ca) => ({ xds: { issuer: ca.issuer } }), { intermediate: {}, ...args }));
            const secret = result.k8sObject("Secret", "gloo-mtls-certs", "gloo-system");
            const data = secret.stringData as Record<string, string>;
            const roots = (data["ca.crt"].match(PEM) ?? []).map((p) => new X509Certificate(p));
            const chain = (data["tls.crt"].match(PEM) ?? []).map((p) => new X509Certificate(p));
            return { result, secret, data, roots, chain };
        }

        it("is kubernetes.io/tls with ca.crt, tls.crt (leaf + chain) and tls.key; SANs and usages on the real certificate", async () => {
            const { result, secret, data, roots, chain } = await phase({});
            assert.equal(secret.type, "kubernetes.io/tls");
            assert.deepEqual(Object.keys(data).sort(), ["ca.crt", "tls.crt", "tls.key"]);
            assert.equal(roots.length, 1);
            const [leaf, intermediate] = chain;
            assert.equal(chain.length, 2, "leaf and intermediate; the root is in ca.crt");
            assert.equal(leaf.subjectAltName, "DNS:gloo, DNS:gloo.gloo-system, DNS:gloo.gloo-system.svc, DNS:gloo.gloo-system.svc.cluster.local");
            assert.deepEqual(leaf.keyUsage, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], "server and client auth");
            assert.ok(leaf.verify(intermediate.publicKey) && intermediate.verify(roots[0].publicKey));
            assert.match(data["tls.key"], /PRIVATE KEY/);
            const { gloo } = result.value;
            assert.equal(await valueOf(gloo.fingerprintSha256), leaf.fingerprint256);
            assert.equal(await valueOf(gloo.serialNumber), leaf.serialNumber.toUpperCase());
            assert.match(await valueOf(gloo.notAfter), /Z$/);
            assert.deepEqual(await valueOf(gloo.trustBundleFingerprints), [roots[0].fingerprint256]);
        });

        it("is secret as a whole, and no component input carries the key", async () => {
            const { result } = await phase({});
            const secret = result.k8sResource("Secret", "gloo-mtls-certs", "gloo-system");
            assert.deepEqual(secret.secretPaths, ["stringData"]);
            const checked = result.resources.filter((x) => !x.custom || x.type === RELEASE);
            // The CA (its intermediate is not a component), GlooMtls, the xDS certificate it issues, and the chart.
            assert.deepEqual(checked.map((r) => `${r.type}::${r.name}`).sort(), [
                `${RELEASE}::gloo-gloo`,
                "meshtls:index:Certificate::gloo-xds-cert",
                "meshtls:index:CertificateAuthority::mesh-ca",
                "meshtls:index:GlooMtls::gloo",
            ]);
            for (const r of checked) {
                assert.doesNotMatch(JSON.stringify(r.inputs), /PRIVATE KEY/, `${r.type} ${r.name}`);
            }
            assert.equal((await resolve(result.value.gloo.fingerprintSha256)).secret, false);
        });

        it("TrustNew: ca.crt holds both roots and the old CA signs; ServeNew: both roots, the new CA signs; Stable: new root only", async () => {
            const trustNew = await phase({ generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.TrustNew });
            assert.equal(trustNew.roots.length, 2);
            assert.ok(trustNew.chain[1].verify(trustNew.roots[0].publicKey), "generation 1 signs");
            const serveNew = await phase({ generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.ServeNew });
            assert.equal(serveNew.roots.length, 2);
            assert.ok(serveNew.chain[1].verify(serveNew.roots[1].publicKey), "generation 2 signs");
            assert.equal(serveNew.data["ca.crt"], trustNew.data["ca.crt"], "the trust bundle does not change between TrustNew and ServeNew");
            const stable = await phase({ generation: 2 });
            assert.equal(stable.roots.length, 1);
            assert.equal(stable.roots[0].fingerprint256, serveNew.roots[1].fingerprint256);
            assert.equal((await valueOf(stable.result.value.gloo.trustBundleFingerprints)).length, 1);
        });
    });

    describe("Istio upstreams", () => {
        it("creates SDS Upstreams named as Gloo's discovery does, valid against the Upstream CRD", async () => {
            const result = await runProgram(() =>
                new GlooMtls("gloo", {
                    istio: {
                        istioVersion: "1.30.3",
                        upstreams: [
                            { serviceName: "productpage", serviceNamespace: "bookinfo", port: 9080 },
                            { serviceName: "reviews", serviceNamespace: "bookinfo", port: 9080, name: "reviews-mtls" },
                        ],
                    },
                }),
            );
            const up = result.k8sObject("Upstream", "bookinfo-productpage-9080-mtls", "gloo-system");
            assert.deepEqual(up, {
                apiVersion: "gloo.solo.io/v1",
                kind: "Upstream",
                metadata: { name: "bookinfo-productpage-9080-mtls", namespace: "gloo-system" },
                spec: {
                    kube: { serviceName: "productpage", serviceNamespace: "bookinfo", servicePort: 9080 },
                    sslConfig: {
                        alpnProtocols: ["istio"],
                        sds: { targetUri: "127.0.0.1:8234", clusterName: "gateway_proxy_sds", certificatesSecretName: "istio_server_cert", validationContextName: "istio_validation_context" },
                    },
                },
            });
            assert.equal(result.k8sObject("Upstream", "reviews-mtls").kind, "Upstream");
            assert.equal(assertValidObjects(result.k8sObjects(), ["gloo.solo.io"]), 2);
            assert.deepEqual(await valueOf(result.value.upstreamNames), ["bookinfo-productpage-9080-mtls", "reviews-mtls"]);
        });

        it("makes each upstream namespace STRICT when asked, once per namespace", async () => {
            const result = await runProgram(() =>
                new GlooMtls("gloo", {
                    istio: {
                        istioVersion: "1.30.3",
                        strictUpstreamNamespaces: true,
                        upstreams: [
                            { serviceName: "a", serviceNamespace: "shop", port: 80 },
                            { serviceName: "b", serviceNamespace: "shop", port: 81 },
                            { serviceName: "c", serviceNamespace: "bookinfo", port: 9080 },
                        ],
                    },
                }),
            );
            assert.deepEqual(
                result.k8sObjects("PeerAuthentication").map((o) => [o.metadata.namespace, o.metadata.name, o.spec]),
                [["bookinfo", "default", { mtls: { mode: "STRICT" } }], ["shop", "default", { mtls: { mode: "STRICT" } }]],
            );
            assert.equal(assertValidObjects(result.k8sObjects(), ISTIO_GROUPS), 2);
        });
    });

    it("is deterministic", async () => {
        const program = withCa((ca) => ({ xds: { issuer: ca.issuer }, istio: { istioVersion: "1.30.3", upstreams: [{ serviceName: "p", serviceNamespace: "b", port: 1 }] } }), { intermediate: {} });
        assert.deepEqual(registrationView(await runProgram(program)), registrationView(await runProgram(program)));
    });

    it("in preview the chart values are known (no certificate material in them)", async () => {
        const result = await runProgram(withCa((ca) => ({ xds: { issuer: ca.issuer } })), { preview: true });
        assert.deepEqual(release(result).values, XDS_PULUMI_VALUES);
        assert.equal((await resolve(result.value.gloo.fingerprintSha256)).known, false);
    });

    // Each validation error is a pure plan spec (tests/gloo/plan.spec.ts); here only that a rejection
    // registers nothing.
    it("rejects bad input before registering anything, naming every problem", async () => {
        await assertRejected(() => new GlooMtls("gloo", { namespace: "Gloo", xds: {}, istio: { istioVersion: "latest" } }), TYPE, "gloo", /namespace: got "Gloo"[^]*xds\.issuer: got nothing[^]*istio\.istioVersion: got "latest"/);
    });

    it("honours releaseName, chartRepository and createNamespace: false", async () => {
        const result = await runProgram(() =>
            new GlooMtls("gloo", { istio: { istioVersion: "1.30.3" }, releaseName: "edge", chartRepository: "oci://registry.example/charts", createNamespace: false }),
        );
        const r = release(result);
        assert.deepEqual([r.name, r.repositoryOpts.repo], ["edge", "oci://registry.example/charts"]);
        assert.deepEqual(result.k8sObjects("Namespace"), []);
    });
});
