// MtlsPlatform checks the whole input before registering anything: every section's problems in one
// error, each named by the path the user wrote (or its `meshtls:` stack config key); objects with two
// owners and settings that would be ignored are refused with both sources or the reason named.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import * as path from "node:path";
import {
    ArgsError,
    GlooCertRotation,
    HelmMode,
    IstioMesh,
    KuadrantMtls,
    KuadrantMtlsMode,
    KyvernoAuthz,
    MtlsMode,
    MtlsPlatform,
    MtlsPlatformArgs,
    MtlsPolicy,
    planMtlsPlatform,
    readPlatformConfig,
} from "../../sdk";
import type { IssuerMaterial } from "../../sdk";
import { argsProblemsOf } from "../../sdk/internal/validation";
import { assertRejected, loadProgram, runExpectingError, runProgram } from "../harness";
import { planProblems } from "../planErrors";

const PLATFORM = "meshtls:index:MtlsPlatform";
const ROOT = path.join(__dirname, "..", "..");
// Values outside the declared types, as stack config or other languages can send.
const bad = (v: unknown): never => v as never;
const webhook = { webhookCertManagerIssuer: { name: "lab-issuer", kind: "ClusterIssuer" } };

/** The platform's problems (one per line), after checking the header names the platform. */
const problemsOf = (args: pulumi.Unwrap<MtlsPlatformArgs>, name = "lab") => planProblems(() => planMtlsPlatform(name, args), PLATFORM, name);

/** Asserts exactly one problem, on `field`, whose text matches `message`. */
function assertOneProblem(args: pulumi.Unwrap<MtlsPlatformArgs>, field: string, message: RegExp): void {
    const problems = problemsOf(args);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.ok(problems[0].startsWith(`${field}: got `), problems[0]);
    assert.match(problems[0], message);
}

/** Six sections, each with its own mistake. */
const SIX_BAD_SECTIONS: pulumi.Unwrap<MtlsPlatformArgs> = {
    ca: { organization: "lab", intermediate: { validityHours: 0 } },
    istio: { trustDomain: "Lab_Domain" },
    kuadrant: { namespace: "Kuadrant.System" },
    gloo: { xdsCertificate: { validityHours: 2400, earlyRenewalHours: 2400 } },
    authz: { ...webhook, timeout: "250ms" },
    policies: [
        { name: "fine", args: { namespace: "orders" } },
        { name: "broken", args: { namespace: "payments", mode: bad("SOMETIMES") } },
    ],
};
// In planning order; authz.timeout first shows through the mesh's registration of the authorizer's provider.
const SIX_FIELDS = ["ca.intermediate.validityHours", "istio.trustDomain", "authz.timeout", "kuadrant.namespace", "gloo.xdsCertificate.earlyRenewalHours", "policies[1].args.mode"];

describe("reliability: whole-input validation of MtlsPlatform", () => {
    describe("every section's problems at once, named by the platform path", () => {
        it("six bad sections give one ArgsError of the platform listing all six, in the platform's terms", () => {
            const problems = problemsOf(SIX_BAD_SECTIONS);
            assert.deepEqual(
                problems.map((p) => p.split(": got ")[0]),
                SIX_FIELDS,
            );
            // No nested component's name leaks into the message.
            assert.ok(problems.every((p) => !/lab-(ca|istio|gloo|authz|kuadrant|policy)/.test(p)), problems.join("\n"));
            // The gloo child's message names the sibling field as the platform's user wrote it.
            assert.match(problems[4], /gloo\.xdsCertificate\.validityHours/);
            let error: unknown;
            try {
                planMtlsPlatform("lab", SIX_BAD_SECTIONS);
            } catch (e) {
                error = e;
            }
            assert.ok(ArgsError.isArgsError(error));
            assert.deepEqual(
                error.problems.map((p) => p.field),
                SIX_FIELDS,
            );
            assert.equal(error.problems[1].value, "Lab_Domain");
        });

        it("the component registers nothing, the platform not even itself", async () => {
            await assertRejected(() => new MtlsPlatform("lab", SIX_BAD_SECTIONS), PLATFORM, "lab", /ca\.intermediate\.validityHours: got 0[\s\S]*policies\[1\]\.args\.mode: got "SOMETIMES"/);
        });

        it("stack config: the config reader names each problem by its meshtls: key", () => {
            const config: Record<string, string> = {
                "meshtls:ca": JSON.stringify({ intermediate: { validityHours: 0 } }),
                "meshtls:authz": JSON.stringify({ timeout: "250ms" }),
                "meshtls:policies": JSON.stringify([{ name: "broken", args: { namespace: "Payments" } }]),
            };
            let message = "";
            assert.throws(
                () => readPlatformConfig(config),
                (e: Error) => {
                    message = e.message;
                    return true;
                },
            );
            const lines = message.split("\n");
            assert.equal(lines[0], "invalid stack config:");
            assert.deepEqual(
                lines.slice(1).map((l) => l.replace(/^ {2}- /, "").split(": got ")[0]),
                ["meshtls:ca.intermediate.validityHours", "meshtls:authz.timeout", "meshtls:policies[0].args.namespace"],
            );
        });

        it("stack config: schema problems and the platform's own problems come together", () => {
            const config = { "meshtls:authz": JSON.stringify({ timeout: "250ms" }), "meshtls:istio": JSON.stringify({ revison: "canary" }) };
            assert.throws(() => readPlatformConfig(config), (e: Error) => /meshtls:istio\.revison: unknown key/.test(e.message) && /meshtls:authz\.timeout: got "250ms"/.test(e.message));
        });

        it("the root program fails with the config keys named and registers nothing", async () => {
            const config = { "meshtls:target": "render", "meshtls:gloo": JSON.stringify({ xdsCertificate: { validityHours: 5 } }), "meshtls:kuadrant": JSON.stringify({ kuadrantName: "Bad_Name" }) };
            const { error, resources } = await runExpectingError(() => loadProgram(path.join(ROOT, "index.ts")), { config });
            assert.match(error.message, /^invalid stack config:/);
            assert.match(error.message, /meshtls:gloo\.xdsCertificate\.validityHours: got 5/);
            assert.match(error.message, /meshtls:kuadrant\.kuadrantName: got "Bad_Name"/);
            assert.deepEqual(resources.map((r) => r.name), []);
        });

        it("a child's own error in the ResourceError format without ArgsError is still read as problems", () => {
            // MtlsPolicy refuses removed-API documents with its own ResourceError.
            const problems = problemsOf({ policies: [{ name: "legacy", args: bad({ apiVersion: "authentication.istio.io/v1alpha1", kind: "Policy", spec: { peers: [{ mtls: {} }] } }) }] });
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], /^policies\[0\]\.args\.apiVersion: got "authentication\.istio\.io\/v1alpha1" \(a Policy document\); that API was removed/);
            assert.equal(argsProblemsOf(new Error("x")), undefined);
        });
    });

    describe("one owner per Kubernetes object", () => {
        it("the ingress gateway's namespace equal to Istio's: Namespace created twice", () => {
            assertOneProblem({ istio: { namespace: "mesh-core", gateway: { namespace: "mesh-core" } } }, "istio.gateway.namespace", /Namespace mesh-core is already created by istio\.namespace/);
        });

        it("gloo.namespace equal to istio.namespace", () => {
            assertOneProblem({ istio: { namespace: "edge-mesh" }, gloo: { namespace: "edge-mesh" } }, "gloo.namespace", /Namespace edge-mesh is already created by istio\.namespace/);
        });

        it("authz.namespace equal to gloo.namespace", () => {
            const problems = problemsOf({ gloo: { namespace: "shared-edge" }, authz: { ...webhook, namespace: "shared-edge" } });
            assert.ok(problems.some((p) => /^authz\.namespace: got "shared-edge"; Namespace shared-edge is already created by gloo\.namespace/.test(p)), problems.join("\n"));
        });

        it("the same DestinationRule host in one namespace from two policies", () => {
            const dr = (host: string) => ({ namespace: "ledger", selector: { app: "ledger" }, destinationRule: { hosts: [host] } });
            const args: pulumi.Unwrap<MtlsPlatformArgs> = {
                policies: [
                    { name: "ledger-a", args: { ...dr("ledger.ledger.svc.cluster.local"), name: "ledger-a" } },
                    { name: "ledger-b", args: { ...dr("ledger.ledger.svc.cluster.local"), name: "ledger-b", destinationRule: { hosts: ["audit.ledger.svc.cluster.local", "ledger.ledger.svc.cluster.local"] } } },
                ],
            };
            assertOneProblem(args, "policies[1].args.destinationRule.hosts[1]", /already declared by policies\[0\]\.args\.destinationRule\.hosts\[0\]/);
        });

        it("a policy's root namespace follows istio.namespace; a different rootNamespace is refused", () => {
            const plan = planMtlsPlatform("lab", { istio: { namespace: "mesh-core" }, policies: [{ name: "fin", args: { namespace: "finance" } }] });
            assert.equal(plan.policies.length, 1);
            assert.equal(plan.policies[0].plan.rootNamespace, "mesh-core");
            assertOneProblem({ istio: { namespace: "mesh-core" }, policies: [{ name: "elsewhere", args: { rootNamespace: "istio-system", namespace: "web" } }] }, "policies[0].args.rootNamespace", /istio\.namespace \(mesh-core\)/);
        });

        it("a policy without a namespace next to the mesh's own mesh-wide PeerAuthentication in a custom root namespace", () => {
            assertOneProblem({ istio: { namespace: "mesh-core" }, policies: [{ name: "lenient", args: { mode: MtlsMode.PERMISSIVE } }] }, "policies[0]", /namespace mesh-core already gets namespace-wide PeerAuthentication mesh-core\/default \(STRICT\) from istio\.mtlsMode/);
        });

        it("kuadrant.gateways listing one gateway twice (through the platform)", () => {
            const gw = { name: "edge", namespace: "ingress" };
            assertOneProblem({ kuadrant: { mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0", gateways: [gw, { name: "api", namespace: "ingress" }, { ...gw }] } }, "kuadrant.gateways[2]", /gateways\[0\] already lists gateway ingress\/edge/);
        });
    });

    describe("duplicates inside one component, named by argument index, nothing registered", () => {
        it("IstioMesh: the gateway in the control plane's namespace, both created", async () => {
            await assertRejected(
                () => new IstioMesh("im", { namespace: "ctrl", gateway: { namespace: "ctrl" } }),
                "meshtls:index:IstioMesh",
                "im",
                /gateway\.namespace: got "ctrl"; Namespace ctrl is already created by namespace \(the control plane's namespace\); .*set gateway\.createNamespace false/,
            );
            const ok = await runProgram(() => new IstioMesh("im", { namespace: "ctrl", gateway: { namespace: "ctrl", createNamespace: false } }));
            assert.deepEqual(ok.k8sObjects("Namespace").map((n) => n.metadata.name), ["ctrl"]);
        });

        it("KuadrantMtls: a gateway listed twice", async () => {
            await assertRejected(
                () => new KuadrantMtls("kq", { mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.1.0", gateways: [{ name: "public", namespace: "gw" }, { name: "public", namespace: "gw" }] }),
                "meshtls:index:KuadrantMtls",
                "kq",
                /gateways\[1\]: got \{"name":"public","namespace":"gw"\}; gateways\[0\] already lists gateway gw\/public/,
            );
        });

        it("KyvernoAuthz: an appMtls namespace listed twice", async () => {
            await assertRejected(
                () => new KyvernoAuthz("kz", { ...webhook, appMtls: [{ namespace: "storefront" }, { namespace: "catalog" }, { namespace: "storefront" }] }),
                "meshtls:index:KyvernoAuthz",
                "kz",
                /appMtls\[2\]\.namespace: got "storefront"; appMtls\[0\] already lists namespace storefront/,
            );
        });

        it("KyvernoAuthz: an app named like its namespace (two PeerAuthentications named mtls-<name>)", async () => {
            await assertRejected(
                () => new KyvernoAuthz("kz", { ...webhook, appMtls: [{ namespace: "checkout", permissivePorts: [{ app: "checkout", port: 9443 }] }] }),
                "meshtls:index:KyvernoAuthz",
                "kz",
                /appMtls\[0\]\.permissivePorts\[0\]\.app: got "checkout"; its PeerAuthentication mtls-checkout would have the name of the namespace's own/,
            );
        });

        it("MtlsPolicy: a DestinationRule host listed twice", async () => {
            await assertRejected(
                () => new MtlsPolicy("mp", { namespace: "inventory", destinationRule: { hosts: ["stock.inventory.svc.cluster.local", "stock.inventory.svc.cluster.local"] } }),
                "meshtls:index:MtlsPolicy",
                "mp",
                /destinationRule\.hosts\[1\]: got "stock\.inventory\.svc\.cluster\.local"; destinationRule\.hosts\[0\] already lists this host/,
            );
        });
    });

    describe("settings that would be ignored are refused with the reason", () => {
        const upstream = { serviceName: "reviews", serviceNamespace: "books", port: 9080 };
        const cases: Array<[string, pulumi.Unwrap<MtlsPlatformArgs>, string, RegExp]> = [
            ["gloo.istioUpstreams with istioIntegration false", { gloo: { istioIntegration: false, istioUpstreams: [upstream] } }, "gloo.istioUpstreams", /gloo\.istioIntegration is false/],
            ["gloo.enableAutoMtls with istioIntegration false", { gloo: { istioIntegration: false, enableAutoMtls: true } }, "gloo.enableAutoMtls", /gloo\.istioIntegration is false/],
            ["gloo.cronSchedule under Pulumi rotation", { gloo: { cronSchedule: "15 2 * * 1" } }, "gloo.cronSchedule", /Pulumi rotation the platform CA's phases rotate/],
            ["gloo.rotationDuration under Pulumi rotation", { gloo: { xdsRotation: GlooCertRotation.Pulumi, rotationDuration: "90s" } }, "gloo.rotationDuration", /only applies with gloo\.xdsRotation CronJob/],
            ["gloo.xdsCertificate with xds false", { gloo: { xds: false, xdsCertificate: { validityHours: 9000 } } }, "gloo.xdsCertificate", /gloo\.xds is false/],
            ["gloo.xdsRotation with xds false", { gloo: { xds: false, xdsRotation: GlooCertRotation.CronJob } }, "gloo.xdsRotation", /gloo\.xds is false/],
            [
                "gloo.xdsCertificate with CronJob rotation",
                { gloo: { xdsRotation: GlooCertRotation.CronJob, helmMode: HelmMode.Release, xdsCertificate: { validityHours: 9000 } } },
                "gloo.xdsCertificate",
                /with CronJob rotation the chart's job issues the certificate/,
            ],
            ["istio.mtlsMode with Istio disabled", { istio: { enabled: false, mtlsMode: MtlsMode.PERMISSIVE } }, "istio.mtlsMode", /istio\.enabled is false/],
            ["istio.extraExtensionProviders with Istio disabled", { istio: { enabled: false, extraExtensionProviders: [{ name: "opa", envoyExtAuthzGrpc: { service: "opa.opa.svc.cluster.local", port: 9191 } }] } }, "istio.extraExtensionProviders", /istio\.enabled is false/],
            ["authz targets with Istio disabled", { istio: { enabled: false }, authz: { ...webhook, targets: [{ namespace: "orders", paths: ["/internal/*"] }] } }, "authz.targets", /no mesh registers the authorizer's extension provider/],
            ["gloo with xds false and Istio disabled", { istio: { enabled: false }, gloo: { xds: false } }, "gloo", /nothing to protect; remove gloo/],
        ];
        assert.equal(cases.length, 11);
        for (const [what, args, field, message] of cases) {
            it(`${what} -> ${field}`, () => {
                assertOneProblem(args, field, message);
            });
        }

        it("through the component: refused before anything registers", async () => {
            await assertRejected(() => new MtlsPlatform("lab", { istio: { enabled: false, revision: "blue" } }), PLATFORM, "lab", /istio\.revision: got "blue"; istio\.enabled is false/);
        });
    });

    describe("valid edge inputs are still accepted", () => {
        const cases: Array<[string, pulumi.Unwrap<MtlsPlatformArgs>, (plan: ReturnType<typeof planMtlsPlatform>) => void]> = [
            ["Istio disabled with nothing else in its section", { istio: { enabled: false }, gloo: {} }, (p) => { assert.equal(p.istio, undefined); }],
            [
                "authz targets without Istio when the mesh's providers are given",
                { istio: { enabled: false }, authz: { ...webhook, meshExtensionProviders: [{ name: "kyverno-authz-server", envoyExtAuthzGrpc: { service: "kyverno-authz-server.kyverno.svc.cluster.local", port: 9081 } }], targets: [{ namespace: "orders" }] } },
                (p) => { assert.equal(p.authz?.plan.targets.length, 1); },
            ],
            ["gloo in Istio's namespace when it does not create it", { istio: { namespace: "edge-mesh" }, gloo: { namespace: "edge-mesh", createNamespace: false } }, (p) => { assert.equal(p.gloo?.plan.namespace, "edge-mesh"); }],
            ["a policy whose rootNamespace is istio.namespace", { istio: { namespace: "mesh-core" }, policies: [{ name: "shop", args: { rootNamespace: "mesh-core", namespace: "shop" } }] }, (p) => { assert.equal(p.policies[0].plan.namespace, "shop"); }],
            [
                "one DestinationRule host in two namespaces",
                {
                    policies: [
                        { name: "a", args: { namespace: "team-a", destinationRule: { hosts: ["api.shared.svc.cluster.local"] } } },
                        { name: "b", args: { namespace: "team-b", destinationRule: { hosts: ["api.shared.svc.cluster.local"] } } },
                    ],
                },
                (p) => { assert.equal(p.policies.length, 2); },
            ],
            ["gloo with only the Istio integration", { gloo: { xds: false, istioUpstreams: [{ serviceName: "web", serviceNamespace: "shop", port: 8080 }] } }, (p) => { assert.equal(p.gloo?.plan.xds, undefined); }],
            [
                "gloo CronJob rotation with its schedule and duration",
                { gloo: { xdsRotation: GlooCertRotation.CronJob, helmMode: HelmMode.Release, cronSchedule: "30 1 * * 0", rotationDuration: "2m" } },
                (p) => { assert.equal(p.gloo?.plan.xds?.rotation, GlooCertRotation.CronJob); },
            ],
            [
                "appMtls in the authorizer's own namespace (the seed's layout) and apps named unlike their namespace",
                { authz: { ...webhook, namespace: "guard", appMtls: [{ namespace: "guard", permissivePorts: [{ app: "probe", port: 8081 }] }, { namespace: "web", permissivePorts: [{ app: "web-api", port: 8080 }] }] } },
                (p) => { assert.equal(p.authz?.plan.appMtls.length, 2); },
            ],
            ["gloo.xdsCertificate under Pulumi rotation", { gloo: { xdsCertificate: { validityHours: 9000, earlyRenewalHours: 2500 } } }, (p) => { assert.equal(p.gloo?.usesPlatformCa, true); }],
        ];
        assert.equal(cases.length, 9);
        for (const [what, args, check] of cases) {
            it(what, () => {
                check(planMtlsPlatform("lab", args));
            });
        }

        it("a valid platform registers through the component", async () => {
            const result = await runProgram(() => new MtlsPlatform("lab", { istio: { namespace: "mesh-core" }, policies: [{ name: "fin", args: { namespace: "finance", destinationRule: {} } }] }));
            const policy = result.get("meshtls:index:MtlsPolicy", "lab-policy-fin");
            assert.equal(policy.inputs.rootNamespace, "mesh-core");
            assert.deepEqual(result.k8sObjects("PeerAuthentication").map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort(), ["finance/default", "mesh-core/default"]);
        });
    });

    describe("a leaf the platform issues never outlives the platform CA that signs it", () => {
        // A CA shorter than both default leaves (the xDS one and the webhook one).
        const shortCa = { validityHours: 1500 };
        const GLOO_DEFAULT = "gloo.xdsCertificate.validityHours (the default)";
        const WEBHOOK_DEFAULT = "authz (its webhook certificate, issued from the platform CA with the default leaf validity)";

        it("a short CA with default leaves: both default leaves named, with the CA field and the ways out", () => {
            const problems = problemsOf({ ca: shortCa, gloo: {}, authz: {} });
            assert.equal(problems.length, 2, problems.join("\n"));
            const defaults = planMtlsPlatform("lab", { gloo: {}, authz: {} });
            const xdsHours = defaults.gloo?.plan.xds?.rotation === GlooCertRotation.Pulumi ? defaults.gloo.plan.xds.certificate.validityHours : NaN;
            assert.ok(xdsHours > 1500, String(xdsHours));
            assert.ok(problems[0].startsWith(`${GLOO_DEFAULT}: got ${xdsHours}; expected at most ca.validityHours (1500)`), problems[0]);
            assert.match(problems[0], new RegExp(`lengthen ca\\.validityHours to at least ${xdsHours}, or set gloo\\.xdsCertificate\\.validityHours within it .*or use gloo\\.xdsRotation CronJob`));
            assert.ok(problems[1].startsWith(`${WEBHOOK_DEFAULT}: got `), problems[1]);
            assert.match(problems[1], /expected at most ca\.validityHours \(1500\).*KyvernoAuthz has no setting for this validity.*lengthen ca\.validityHours to at least \d+, or issue the webhook certificate elsewhere \(authz\.webhookIssuer or authz\.webhookCertManagerIssuer\)/);
        });

        it("a given xDS validity longer than the intermediate that signs it names ca.intermediate.validityHours", () => {
            assertOneProblem(
                { ca: { intermediate: { validityHours: 5200 } }, gloo: { xdsCertificate: { validityHours: 5201 } } },
                "gloo.xdsCertificate.validityHours",
                /got 5201; expected at most ca\.intermediate\.validityHours \(5200\).*shorten gloo\.xdsCertificate\.validityHours to at most 5200, or lengthen ca\.intermediate\.validityHours to at least 5201$/,
            );
        });

        it("the webhook leaf against a short intermediate (the root's length does not count)", () => {
            assertOneProblem({ ca: { validityHours: 60_000, intermediate: { validityHours: 1800, earlyRenewalHours: 200 } }, authz: {} }, WEBHOOK_DEFAULT, /expected at most ca\.intermediate\.validityHours \(1800\)/);
        });

        it("stack config names the meshtls: keys", () => {
            assert.throws(
                () => readPlatformConfig({ "meshtls:ca": JSON.stringify({ validityHours: 3000 }), "meshtls:gloo": JSON.stringify({ xdsCertificate: { validityHours: 3001 } }) }),
                (e: Error) => /meshtls:gloo\.xdsCertificate\.validityHours: got 3001; expected at most ca\.validityHours \(3000\)/.test(e.message),
            );
        });

        it("through the component: refused before anything registers", async () => {
            await assertRejected(() => new MtlsPlatform("lab", { ca: shortCa, gloo: {} }), PLATFORM, "lab", /gloo\.xdsCertificate\.validityHours \(the default\): got \d+; expected at most ca\.validityHours \(1500\)/);
        });

        // Someone else's issuer: the platform does not know its validity, so it has nothing to compare.
        const ownIssuer: pulumi.Unwrap<IssuerMaterial> = { certPem: "", privateKeyPem: "", caChainPem: "", intermediatesPem: "", rootCertPem: "", trustBundlePem: "" };
        const accepted: Array<[string, pulumi.Unwrap<MtlsPlatformArgs>, (plan: ReturnType<typeof planMtlsPlatform>) => void]> = [
            [
                "the default CA (root, or the default intermediate) with the default leaves",
                { gloo: {}, authz: {} },
                (p) => {
                    assert.deepEqual([p.gloo?.usesPlatformCa, p.authz?.usesPlatformCa], [true, true]);
                    assert.equal(planMtlsPlatform("lab", { ca: { intermediate: {} }, gloo: {}, authz: {} }).gloo?.usesPlatformCa, true);
                },
            ],
            ["a leaf exactly as long as the CA", { ca: { validityHours: 7000 }, gloo: { xdsCertificate: { validityHours: 7000 } }, authz: {} }, (p) => { assert.equal(p.ca.plan.generations[0].root.validityHours, 7000); }],
            ["a short CA when no leaf comes from it (CronJob rotation, cert-manager webhook)", { ca: shortCa, gloo: { xdsRotation: GlooCertRotation.CronJob, helmMode: HelmMode.Release }, authz: webhook }, (p) => { assert.deepEqual([p.gloo?.usesPlatformCa, p.authz?.usesPlatformCa], [false, false]); }],
            ["a short CA with the webhook issued from the user's own issuer", { ca: shortCa, authz: { webhookIssuer: ownIssuer } }, (p) => { assert.equal(p.authz?.usesPlatformCa, false); }],
            ["a short CA and no leaf at all (Gloo with only the Istio integration)", { ca: shortCa, gloo: { xds: false } }, (p) => { assert.equal(p.gloo?.plan.xds, undefined); }],
        ];
        assert.equal(accepted.length, 5);
        for (const [what, args, check] of accepted) {
            it(`accepted: ${what}`, () => {
                check(planMtlsPlatform("lab", args));
            });
        }
    });

    describe("one owner per DestinationRule host: the authorizer's own rule and the platform's policies", () => {
        // The authorizer in its own namespace; the policies select a workload there so that no second
        // namespace-wide PeerAuthentication is involved.
        const authz = { ...webhook, namespace: "gatehouse" };
        const inGatehouse = (host: string) => ({ namespace: "gatehouse", selector: { app: "gate-probe" }, destinationRule: { hosts: ["probe.gatehouse.svc.cluster.local", host] } });
        const AUTHZ_HOST = "kyverno-authz-server.gatehouse.svc.cluster.local";

        it("the authorizer's FQDN", () => {
            assert.equal(planMtlsPlatform("lab", { authz }).authz?.plan.provider.service, AUTHZ_HOST);
            assertOneProblem(
                { authz, policies: [{ name: "gate", args: inGatehouse(AUTHZ_HOST) }] },
                "policies[0].args.destinationRule.hosts[1]",
                /got "kyverno-authz-server\.gatehouse\.svc\.cluster\.local"; a DestinationRule for this host in namespace gatehouse is already declared by authz \(its lab-authz-authz-dr DestinationRule\)/,
            );
        });

        it("the short name, which Istio resolves in the rule's namespace to the same host", () => {
            assertOneProblem({ authz, policies: [{ name: "gate", args: inGatehouse("kyverno-authz-server") }] }, "policies[0].args.destinationRule.hosts[1]", /got "kyverno-authz-server"; .*already declared by authz \(its lab-authz-authz-dr DestinationRule\)/);
        });

        it("a custom provider service name, in a platform named otherwise", () => {
            const problems = problemsOf({ authz: { ...authz, serviceName: "policy-gate" }, policies: [{ name: "gate", args: inGatehouse("policy-gate") }] }, "edge");
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], /^policies\[0\]\.args\.destinationRule\.hosts\[1\]: got "policy-gate"; .*already declared by authz \(its edge-authz-authz-dr DestinationRule\)/);
        });

        it("between two policies too: a short name and the FQDN in one namespace are one host", () => {
            const sel = { namespace: "vault", selector: { app: "vault" } };
            assertOneProblem(
                { policies: [{ name: "v1", args: { ...sel, destinationRule: { hosts: ["secrets"] } } }, { name: "v2", args: { ...sel, name: "v2", destinationRule: { hosts: ["secrets.vault.svc.cluster.local"] } } }] },
                "policies[1].args.destinationRule.hosts[0]",
                /already declared by policies\[0\]\.args\.destinationRule\.hosts\[0\]/,
            );
        });

        it("through the component: refused before anything registers", async () => {
            await assertRejected(() => new MtlsPlatform("lab", { authz, policies: [{ name: "gate", args: inGatehouse("kyverno-authz-server") }] }), PLATFORM, "lab", /policies\[0\]\.args\.destinationRule\.hosts\[1\]: got "kyverno-authz-server"; .*authz \(its lab-authz-authz-dr DestinationRule\)/);
        });

        const accepted: Array<[string, pulumi.Unwrap<MtlsPlatformArgs>]> = [
            // `<name>.<namespace>` has a dot, so Istio takes it as written: a host no service has.
            ["a dotted partial name (not resolved by Istio)", { authz, policies: [{ name: "gate", args: inGatehouse("kyverno-authz-server.gatehouse") }] }],
            // The exact-host rule wins over a wildcard for the authorizer's host.
            ["a wildcard over the authorizer's namespace", { authz, policies: [{ name: "gate", args: inGatehouse("*.gatehouse.svc.cluster.local") }] }],
            ["the authorizer's FQDN from a rule in another namespace", { authz, policies: [{ name: "shop", args: { namespace: "shop", destinationRule: { hosts: [AUTHZ_HOST] } } }] }],
            ["the short name in another namespace (another host there)", { authz, policies: [{ name: "shop", args: { namespace: "shop", destinationRule: { hosts: ["kyverno-authz-server"] } } }] }],
            ["the same short name in two namespaces", { policies: [{ name: "a", args: { namespace: "team-a", destinationRule: { hosts: ["api"] } } }, { name: "b", args: { namespace: "team-b", destinationRule: { hosts: ["api"] } } }] }],
        ];
        assert.equal(accepted.length, 5);
        for (const [what, args] of accepted) {
            it(`accepted: ${what}`, () => {
                const plan = planMtlsPlatform("lab", args);
                assert.equal(plan.policies.length, (args.policies ?? []).length);
                assert.ok(plan.policies.length > 0);
            });
        }
    });
});
