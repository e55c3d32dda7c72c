// Issue 14 audit: the case classes of the issue's first section that no other spec in tests/reliability
// covered with inputs of its own. Each bad input is refused naming the argument as the user wrote it,
// with nothing registered; each valid input is accepted with the objects it should give.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { Certificate, CertificateAuthority, IstioMesh, KyvernoAuthz, KyvernoAuthzFlavor, MtlsPlatform, MtlsPolicy, SidecarInjection } from "../../sdk";
import { K8sObject, assertRejected, registrationView, runExpectingError, runProgram, valueOf } from "../harness";

const ROOT = path.join(__dirname, "..", "..");
const AUTHZ = "meshtls:index:KyvernoAuthz";
const PLATFORM = "meshtls:index:MtlsPlatform";
const certManager = { webhookCertManagerIssuer: { name: "audit-issuer", kind: "ClusterIssuer" } };
const unchecked = (v: unknown): never => v as never;

/** `namespace/name` of each PeerAuthentication without a workload selector, in registration order. */
const namespaceWide = (objects: K8sObject[]): string[] =>
    objects.filter((o) => (o.spec as { selector?: unknown } | undefined)?.selector === undefined).map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`);

describe("reliability: issue 14 audit, case classes without another covering test", () => {
    describe("late failures: an app label that is a label value but no object name", () => {
        // `Orders_API` is a valid label value, but it names the app's PeerAuthentication mtls-Orders_API,
        // which the API server refuses; before, a nested MtlsPolicy failed after 9 registrations.
        const appMtls = [{ namespace: "orders", permissivePorts: [{ app: "Orders_API", port: 8443 }] }];

        it("KyvernoAuthz: refused before anything registers, naming appMtls[0].permissivePorts[0].app", async () => {
            await assertRejected(
                () => new KyvernoAuthz("kz", { ...certManager, appMtls }),
                AUTHZ,
                "kz",
                /- appMtls\[0\]\.permissivePorts\[0\]\.app: got "Orders_API"; it names the app's PeerAuthentication mtls-Orders_API, so it must also be a DNS-1123 name/,
            );
        });

        it("MtlsPlatform: refused before anything registers, naming authz.appMtls[0].permissivePorts[0].app (no nested component named)", async () => {
            // The only problem: the header, then this one line.
            await assertRejected(() => new MtlsPlatform("audit", { authz: { ...certManager, appMtls } }), PLATFORM, "audit", /: invalid arguments:\n {2}- authz\.appMtls\[0\]\.permissivePorts\[0\]\.app: got "Orders_API"; it names the app's PeerAuthentication mtls-Orders_API[^\n]*$/);
        });

        it("accepted: an app label that is also an object name, with a dot", async () => {
            const result = await runProgram(() => new KyvernoAuthz("kz", { ...certManager, appMtls: [{ namespace: "orders", permissivePorts: [{ app: "orders-api.v2", port: 8443 }] }] }));
            const pa = result.k8sObject("PeerAuthentication", "mtls-orders-api.v2", "orders");
            assert.deepEqual((pa.spec as { selector: unknown }).selector, { matchLabels: { app: "orders-api.v2" } });
        });
    });

    describe("late failures: the authorizer in Istio's root namespace", () => {
        it("KyvernoAuthz (AuthzServer) in istio-system: refused before anything registers, naming namespace", async () => {
            await assertRejected(() => new KyvernoAuthz("kz", { ...certManager, namespace: "istio-system" }), AUTHZ, "kz", /- namespace: got "istio-system"; expected a namespace other than Istio's root namespace \(istio-system\)/);
        });

        it("KyvernoAuthz: an appMtls namespace with permissivePorts in istio-system, naming appMtls[1].namespace", async () => {
            await assertRejected(
                () => new KyvernoAuthz("kz", { ...certManager, appMtls: [{ namespace: "payments" }, { namespace: "istio-system", permissivePorts: [{ app: "edge", port: 15443 }] }] }),
                AUTHZ,
                "kz",
                /- appMtls\[1\]\.namespace: got "istio-system"; permissivePorts need a PeerAuthentication with a workload selector/,
            );
        });

        it("MtlsPlatform with the default mesh namespace: authz.namespace istio-system names the platform path only", async () => {
            for (const istio of [{}, { createNamespace: false }]) {
                // The only problem: the header, then this one line.
                await assertRejected(() => new MtlsPlatform("audit", { istio, authz: { ...certManager, namespace: "istio-system" } }), PLATFORM, "audit", /: invalid arguments:\n {2}- authz\.namespace: got "istio-system"; expected a namespace other than Istio's root namespace[^\n]*$/);
            }
        });

        it("accepted: a namespace that only starts like the root namespace", async () => {
            const result = await runProgram(() => new KyvernoAuthz("kz", { ...certManager, namespace: "istio-system-authz" }));
            assert.equal(result.k8sObjects("Namespace").map((n) => n.metadata.name).join(), "istio-system-authz");
        });
    });

    describe("duplicate objects: appMtls in the authorizer's own namespace is demonstrably one namespace-wide policy", () => {
        it("the namespace gets exactly one namespace-wide PeerAuthentication (the app's), plus the webhook's workload one", async () => {
            const result = await runProgram(() => new MtlsPlatform("audit", { authz: { ...certManager, namespace: "warden", appMtls: [{ namespace: "warden", permissivePorts: [{ app: "warden-probe", port: 9090 }] }] } }));
            const inWarden = result.k8sObjects("PeerAuthentication").filter((o) => o.metadata.namespace === "warden");
            assert.equal(inWarden.length, 3, inWarden.map((o) => o.metadata.name).join());
            assert.deepEqual(namespaceWide(inWarden), ["warden/mtls-warden"]);
            assert.deepEqual(inWarden.map((o) => o.metadata.name).sort(), ["kyverno-authz-server-validation", "mtls-warden", "mtls-warden-probe"]);
        });
    });

    describe("YAML-text shapes through the platform, named by the platform path", () => {
        const cases: Array<[string, () => unknown, RegExp]> = [
            ["istio.values.istiod: meshConfig a number", () => new MtlsPlatform("audit", { istio: { values: { istiod: "meshConfig: 17\n" } } }), /- istio\.values\.istiod: got "meshConfig: 17"; meshtls sets meshConfig to a mapping/],
            ["gloo.values: global a list", () => new MtlsPlatform("audit", { gloo: { values: "global:\n  - off\n" } }), /- gloo\.values: got "global: \[\\"off\\"\]"; meshtls sets global to a mapping/],
            ["authz.policies[0].spec: text", () => new MtlsPlatform("audit", { authz: { ...certManager, policies: [{ name: "gate", spec: unchecked("refuse nothing") }] } }), /- authz\.policies\[0\]\.spec: got "refuse nothing"; expected a mapping/],
            ["authz.policies[0].yaml: a plugin document whose spec is text", () => new MtlsPlatform("audit", { authz: { flavor: KyvernoAuthzFlavor.EnvoyPlugin, policies: [{ name: "gate", yaml: "apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: gate\nspec: let all in\n" }] } }), /- authz\.policies\[0\]\.yaml spec: got "let all in"; expected spec to be a mapping/],
        ];
        assert.equal(cases.length, 4);
        for (const [what, build, message] of cases) {
            it(`${what}: refused before anything registers`, async () => {
                await assertRejected(build, PLATFORM, "audit", message);
            });
        }
    });

    describe("duplicate objects: one PeerAuthentication or DestinationRule per kind, namespace and name", () => {
        const refused: Array<[string, ConstructorParameters<typeof MtlsPlatform>[1], RegExp]> = [
            [
                "two policies naming their PeerAuthentications alike (one namespace-wide, one for a workload)",
                { policies: [{ name: "a", args: { namespace: "ledger", name: "ledger-mtls" } }, { name: "b", args: { namespace: "ledger", name: "ledger-mtls", selector: { app: "books" } } }] },
                /- policies\[1\]: got "PeerAuthentication ledger\/ledger-mtls"; policies\[0\] already creates PeerAuthentication ledger\/ledger-mtls; one object has one owner/,
            ],
            [
                "a policy named like the authorizer's per-app PeerAuthentication",
                { authz: { ...certManager, appMtls: [{ namespace: "till", permissivePorts: [{ app: "scanner", port: 9100 }] }] }, policies: [{ name: "p", args: { namespace: "till", name: "mtls-scanner", selector: { app: "kiosk" } } }] },
                /- policies\[0\]: got "PeerAuthentication till\/mtls-scanner"; authz\.appMtls\[0\]\.permissivePorts already creates PeerAuthentication till\/mtls-scanner/,
            ],
            [
                "two policies naming their DestinationRules alike (different hosts)",
                {
                    policies: [
                        { name: "a", args: { namespace: "depot", selector: { app: "a" }, destinationRule: { name: "depot-mutual", hosts: ["a.depot.svc.cluster.local"] } } },
                        { name: "b", args: { namespace: "depot", selector: { app: "b" }, destinationRule: { name: "depot-mutual", hosts: ["b.depot.svc.cluster.local"] } } },
                    ],
                },
                /- policies\[1\]\.args\.destinationRule: got "DestinationRule depot\/depot-mutual"; policies\[0\]\.args\.destinationRule already creates DestinationRule depot\/depot-mutual/,
            ],
        ];
        assert.equal(refused.length, 3);
        for (const [what, args, message] of refused) {
            it(`refused before anything registers: ${what}`, async () => {
                await assertRejected(() => new MtlsPlatform("owners", args), PLATFORM, "owners", message);
            });
        }

        it("accepted: the same names in two namespaces", async () => {
            const result = await runProgram(
                () =>
                    new MtlsPlatform("owners", {
                        policies: [
                            { name: "a", args: { namespace: "east", name: "edge-mtls", selector: { app: "edge" }, destinationRule: { name: "edge-mutual", hosts: ["edge.east.svc.cluster.local"] } } },
                            { name: "b", args: { namespace: "west", name: "edge-mtls", selector: { app: "edge" }, destinationRule: { name: "edge-mutual", hosts: ["edge.west.svc.cluster.local"] } } },
                        ],
                    }),
            );
            const names = result.k8sObjects("PeerAuthentication").map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`);
            assert.deepEqual(names.filter((n) => n.endsWith("/edge-mtls")).sort(), ["east/edge-mtls", "west/edge-mtls"]);
        });

        it("MtlsPolicy: a short host and its full name in one rule are one host (as istiod resolves them)", async () => {
            await assertRejected(
                () => new MtlsPolicy("mp", { namespace: "crm", selector: { app: "leads" }, destinationRule: { hosts: ["leads", "leads.crm.svc.cluster.local"] } }),
                "meshtls:index:MtlsPolicy",
                "mp",
                /- destinationRule\.hosts\[1\]: got "leads\.crm\.svc\.cluster\.local"; destinationRule\.hosts\[0\] already lists this host/,
            );
        });
    });

    describe("left open by the audit, now refused", () => {
        it("Certificate: an IPv4 address and its IPv4-mapped IPv6 form are one SAN", async () => {
            await assertRejected(
                () => new Certificate("dup-ip", { issuer: { certPem: "c", privateKeyPem: "k", caChainPem: "c", intermediatesPem: "", rootCertPem: "c", trustBundlePem: "c" }, commonName: "a", ipAddresses: ["192.0.2.7", "::ffff:192.0.2.7"] }),
                "meshtls:index:Certificate",
                "dup-ip",
                /- ipAddresses\[1\]: got "::ffff:192\.0\.2\.7"/,
            );
        });

        it("Certificate: a leaf that would outlive its standalone CA fails the deployment, naming validityHours", async () => {
            const { error } = await runExpectingError(() => {
                const ca = new CertificateAuthority("short-ca", { validityHours: 200 });
                return new Certificate("long-leaf", { issuer: ca.issuer, commonName: "a", validityHours: 5000, earlyRenewalHours: 100 });
            });
            assert.match(error.message, /meshtls:index:Certificate "long-leaf": invalid arguments:\n {2}- validityHours: got 5000; the certificate ends \S+, after its issuer's certificate/);
        });

        it("Certificate: a leaf within its CA is accepted", async () => {
            const result = await runProgram(() => {
                const ca = new CertificateAuthority("short-ca", { validityHours: 200 });
                return new Certificate("leaf", { issuer: ca.issuer, commonName: "a", validityHours: 150, earlyRenewalHours: 10 });
            });
            assert.equal(result.ofType("meshtls:index:Certificate").length, 1);
            assert.match(await valueOf(result.value.notAfter), /^\d{4}-\d\d-\d\dT/);
        });

        it("KyvernoAuthz EnvoyPlugin in Istio's root namespace (its namespace-wide policy would go mesh-wide)", async () => {
            await assertRejected(() => new KyvernoAuthz("plug", { flavor: KyvernoAuthzFlavor.EnvoyPlugin, namespace: "istio-system" }), AUTHZ, "plug", /- namespace: got "istio-system"; expected a namespace other than Istio's root namespace/);
        });
    });

    describe("valid inputs: revision \"\" (the documented default) is the default revision", () => {
        const same = async (withEmpty: () => unknown, without: () => unknown): Promise<void> => {
            const a = await runProgram(withEmpty);
            const b = await runProgram(without);
            // The resources the component registers (its own recorded args differ by the revision key).
            const children = (r: typeof a) => Object.fromEntries(Object.entries(registrationView(r)).filter(([, v]) => v.custom));
            assert.ok(Object.keys(children(a)).length > 0);
            assert.deepEqual(children(a), children(b));
        };
        it("IstioMesh: the same registrations as without a revision", async () => {
            await same(() => new IstioMesh("mesh", { namespace: "mesh-cp", revision: "" }), () => new IstioMesh("mesh", { namespace: "mesh-cp" }));
        });
        it("SidecarInjection: the same registrations as without a revision", async () => {
            await same(() => new SidecarInjection("inj", { namespace: "shop", deployment: "cart", revision: "" }), () => new SidecarInjection("inj", { namespace: "shop", deployment: "cart" }));
        });
        it("MtlsPlatform istio.revision: accepted, and the mesh registers as without one", async () => {
            const result = await runProgram(() => new MtlsPlatform("audit", { istio: { revision: "" } }));
            const mesh = result.get("meshtls:index:IstioMesh", "audit-istio");
            assert.equal(mesh.inputs.revision, "");
        });
    });

    describe("valid inputs: a YAML-style construct through the component provider with a resource reference", () => {
        const provider = () => new ComponentProvider({ components: [MtlsPolicy, KyvernoAuthz], name: "meshtls", dirname: ROOT });

        it("MtlsPolicy namespace: ${ns.metadata.name} arrives as an Output and the policy lands in that namespace", async () => {
            const p = provider();
            const result = await runProgram(async () => {
                const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: "ledger-ref" } });
                return p.construct("ref", "meshtls:index:MtlsPolicy", { namespace: ns.metadata.name }, {});
            });
            const pas = result.k8sObjects("PeerAuthentication");
            assert.equal(pas.length, 1);
            assert.deepEqual([pas[0].metadata.namespace, pas[0].metadata.name], ["ledger-ref", "default"]);
        });

        it("a reference in a plain field (targets[0].namespace) is refused naming the field, not with a crash", async () => {
            const p = provider();
            await assert.rejects(
                runProgram(async () => {
                    const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: "ledger-ref" } });
                    return p.construct("gate", "meshtls:index:KyvernoAuthz", { ...certManager, targets: [{ namespace: ns.metadata.name }] }, {});
                }),
                /KyvernoAuthz "gate": invalid arguments:\n {2}- targets\[0\]\.namespace: got an Output; this field is plain/,
            );
        });
    });
});
