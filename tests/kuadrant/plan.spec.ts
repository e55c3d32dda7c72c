// Pure specs of KuadrantMtls's plan (no mock runtime): defaults, which resources exist and their
// names, the enable/disable order, every validation error, determinism.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { DataPlaneMode, KuadrantGatewayRef, KuadrantMtlsArgs, KuadrantMtlsMode, KuadrantMtlsPlan, MtlsMode, kuadrantEnvoyFilterName, kuadrantPosture, planKuadrantMtls } from "../../sdk";
import { OPERATOR_AUTHORINO, OPERATOR_LIMITADOR, postureStates } from "../posture/states";
import { assertInvalid as assertInvalidPlan } from "../planErrors";

const TYPE = "meshtls:index:KuadrantMtls";
const EXTERNAL: KuadrantGatewayRef = { name: "external", namespace: "gateway-system" };
const manual = (extra: Partial<pulumi.Unwrap<KuadrantMtlsArgs>> = {}): pulumi.Unwrap<KuadrantMtlsArgs> => ({ mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0", gateways: [EXTERNAL], ...extra });

/** Asserts a rejection of KuadrantMtls `name` whose problems match `problems`, in order. */
function assertInvalid(plan: () => unknown, name: string, problems: RegExp[]): void {
    assertInvalidPlan(plan, TYPE, name, problems);
}

describe("kuadrant (pure): planKuadrantMtls", () => {
    describe("Operator mode", () => {
        it("resolves every default: enabled, kuadrant-system, CR kuadrant, both links STRICT, nothing of Manual mode", () => {
            const expected: KuadrantMtlsPlan = {
                name: "kuadrant",
                enabled: true,
                mode: KuadrantMtlsMode.Operator,
                kuadrantVersion: "1.5.2",
                namespace: "kuadrant-system",
                authorino: true,
                limitador: true,
                serverMode: MtlsMode.STRICT,
                operator: { resourceName: "kuadrant-kuadrant-mtls", kuadrantName: "kuadrant", revision: "", revisionLabels: [] },
                manual: undefined,
                dataPlaneMode: DataPlaneMode.Sidecar,
                ambient: undefined,
            };
            assert.deepEqual(planKuadrantMtls("kuadrant", {}), expected);
        });

        it("honours namespace, CR name and the protected components; disabled reports PERMISSIVE", () => {
            const plan = planKuadrantMtls("k", { namespace: "kuadrant", kuadrantName: "main", limitador: false });
            assert.deepEqual([plan.namespace, plan.operator?.kuadrantName, plan.operator?.resourceName], ["kuadrant", "main", "k-kuadrant-mtls"]);
            // kuadrant-operator 1.5.2 (sdk/kuadrant/posture.ts): with mTLS on it injects the server, writes the TLS
            // cluster and a STRICT PeerAuthentication; off, none of them: plain text.
            assert.deepEqual(postureStates(kuadrantPosture(plan)), { [OPERATOR_AUTHORINO.replace("kuadrant-system", "kuadrant")]: "mtls" });
            const off = planKuadrantMtls("k", { enabled: false });
            assert.deepEqual([off.enabled, off.serverMode, postureStates(kuadrantPosture(off))], [false, MtlsMode.PERMISSIVE, { [OPERATOR_AUTHORINO]: "plaintext", [OPERATOR_LIMITADOR]: "plaintext" }]);
        });
    });

    describe("Manual mode", () => {
        it("plans sidecars, both EnvoyFilters of the gateway and one namespace-wide policy, in the enabling order", () => {
            const plan = planKuadrantMtls("kuadrant", manual());
            assert.equal(plan.operator, undefined);
            assert.deepEqual(plan.manual, {
                servers: [
                    { component: "authorino", deployment: "authorino", cluster: "kuadrant-auth-service", selector: { "authorino-resource": "authorino" }, sidecarResourceName: "kuadrant-authorino-sidecar" },
                    { component: "limitador", deployment: "limitador-limitador", cluster: "kuadrant-ratelimit-service", selector: { app: "limitador" }, sidecarResourceName: "kuadrant-limitador-sidecar" },
                ],
                inject: true,
                revision: "",
                removeSidecars: false,
                envoyFilters: [
                    {
                        gatewayIndex: 0,
                        gateway: EXTERNAL,
                        component: "authorino",
                        cluster: "kuadrant-auth-service",
                        name: "kuadrant-auth-external",
                        namespace: "gateway-system",
                        resourceName: "kuadrant-gateway-system-kuadrant-auth-external",
                        readResourceName: "kuadrant-gateway-system-kuadrant-auth-external-live",
                        readId: "gateway-system/kuadrant-auth-external",
                        errorContext: 'meshtls:index:KuadrantMtls "kuadrant": gateways[0] (gateway-system/external): EnvoyFilter gateway-system/kuadrant-auth-external',
                        retainOnDelete: true,
                    },
                    {
                        gatewayIndex: 0,
                        gateway: EXTERNAL,
                        component: "limitador",
                        cluster: "kuadrant-ratelimit-service",
                        name: "kuadrant-ratelimiting-external",
                        namespace: "gateway-system",
                        resourceName: "kuadrant-gateway-system-kuadrant-ratelimiting-external",
                        readResourceName: "kuadrant-gateway-system-kuadrant-ratelimiting-external-live",
                        readId: "gateway-system/kuadrant-ratelimiting-external",
                        errorContext: 'meshtls:index:KuadrantMtls "kuadrant": gateways[0] (gateway-system/external): EnvoyFilter gateway-system/kuadrant-ratelimiting-external',
                        retainOnDelete: true,
                    },
                ],
                peerAuthentications: [{ resourceName: "kuadrant-peer-authentication", name: "default", namespace: "kuadrant-system", mode: MtlsMode.STRICT, selector: undefined }],
                order: ["sidecars", "clientTls", "serverPolicy"],
            });
        });

        it("one protected component: a per-component policy selecting its pods, only its EnvoyFilter and sidecar", () => {
            const onlyLimitador = planKuadrantMtls("kuadrant", manual({ authorino: false, namespace: "kuadrant", limitadorDeployment: "limitador" }));
            assert.deepEqual(onlyLimitador.manual?.peerAuthentications, [
                { resourceName: "kuadrant-limitador-peer-authentication", name: "limitador-mtls", namespace: "kuadrant", mode: MtlsMode.STRICT, selector: { app: "limitador" } },
            ]);
            assert.deepEqual(
                onlyLimitador.manual.envoyFilters.map((f) => f.name),
                ["kuadrant-ratelimiting-external"],
            );
            assert.deepEqual(
                onlyLimitador.manual.servers.map((s) => [s.sidecarResourceName, s.deployment]),
                [["kuadrant-limitador-sidecar", "limitador"]],
            );
            const onlyAuthorino = planKuadrantMtls("kuadrant", manual({ limitador: false, authorinoDeployment: "auth" }));
            assert.deepEqual(onlyAuthorino.manual?.peerAuthentications, [
                { resourceName: "kuadrant-authorino-peer-authentication", name: "authorino-mtls", namespace: "kuadrant-system", mode: MtlsMode.STRICT, selector: { "authorino-resource": "authorino" } },
            ]);
            assert.deepEqual(
                onlyAuthorino.manual.servers.map((s) => s.deployment),
                ["auth"],
            );
            assert.deepEqual(postureStates(kuadrantPosture(onlyAuthorino)), { "gateway gateway-system/external -> kuadrant-system/authorino-authorino-authorization:50051": "mtls" });
        });

        it("several gateways: EnvoyFilters gateway by gateway, Authorino's first, each named after its gateway", () => {
            const plan = planKuadrantMtls("k", manual({ gateways: [EXTERNAL, { name: "internal", namespace: "gw2" }] }));
            assert.deepEqual(
                plan.manual?.envoyFilters.map((f) => [f.gatewayIndex, f.readId, f.resourceName]),
                [
                    [0, "gateway-system/kuadrant-auth-external", "k-gateway-system-kuadrant-auth-external"],
                    [0, "gateway-system/kuadrant-ratelimiting-external", "k-gateway-system-kuadrant-ratelimiting-external"],
                    [1, "gw2/kuadrant-auth-internal", "k-gw2-kuadrant-auth-internal"],
                    [1, "gw2/kuadrant-ratelimiting-internal", "k-gw2-kuadrant-ratelimiting-internal"],
                ],
            );
        });

        it("disabling: PERMISSIVE first, then client TLS, then sidecars; the sidecars stay unless removeSidecars", () => {
            const keep = planKuadrantMtls("kuadrant", manual({ enabled: false }));
            assert.deepEqual(keep.manual?.order, ["serverPolicy", "clientTls", "sidecars"]);
            assert.equal(keep.manual.inject, true);
            assert.deepEqual(
                keep.manual.peerAuthentications.map((p) => p.mode),
                [MtlsMode.PERMISSIVE],
            );
            // PERMISSIVE, the client TLS removed, sidecars kept: plain text accepted.
            assert.deepEqual(postureStates(kuadrantPosture(keep)), {
                "gateway gateway-system/external -> kuadrant-system/authorino-authorino-authorization:50051": "plaintext",
                "gateway gateway-system/external -> kuadrant-system/limitador-limitador:8081": "plaintext",
            });
            const remove = planKuadrantMtls("kuadrant", manual({ enabled: false, removeSidecars: true }));
            assert.deepEqual([remove.manual?.inject, remove.manual?.removeSidecars], [false, true]);
            // Enabling ignores removeSidecars: the servers need their sidecars to accept mTLS.
            assert.equal(planKuadrantMtls("kuadrant", manual({ removeSidecars: true })).manual?.inject, true);
        });

        it("switching on and off keeps the same resource names (an update, never a delete and create)", () => {
            const names = (plan: KuadrantMtlsPlan) => [
                ...(plan.manual?.servers.map((s) => s.sidecarResourceName) ?? []),
                ...(plan.manual?.envoyFilters.flatMap((f) => [f.resourceName, f.readResourceName]) ?? []),
                ...(plan.manual?.peerAuthentications.map((p) => p.resourceName) ?? []),
            ];
            const on = names(planKuadrantMtls("kuadrant", manual()));
            assert.equal(on.length, 7);
            assert.deepEqual(names(planKuadrantMtls("kuadrant", manual({ enabled: false, removeSidecars: true }))), on);
        });

        it("disabled with both components off plans nothing to change", () => {
            const plan = planKuadrantMtls("kuadrant", manual({ enabled: false, authorino: false, limitador: false }));
            assert.deepEqual([plan.manual?.servers, plan.manual?.envoyFilters, plan.manual?.peerAuthentications, kuadrantPosture(plan)], [[], [], [], {}]);
        });
    });

    it("kuadrantEnvoyFilterName spells the operator's names", () => {
        assert.deepEqual([kuadrantEnvoyFilterName("authorino", "gw"), kuadrantEnvoyFilterName("limitador", "gw")], ["kuadrant-auth-gw", "kuadrant-ratelimiting-gw"]);
    });

    it("is deterministic and returns a fresh plan each call", () => {
        const a = planKuadrantMtls("kuadrant", manual());
        assert.equal(JSON.stringify(planKuadrantMtls("kuadrant", manual())), JSON.stringify(a));
        assert.ok(a.manual);
        a.manual.servers[0].selector.extra = "changed";
        assert.deepEqual(planKuadrantMtls("kuadrant", manual()).manual?.servers[0].selector, { "authorino-resource": "authorino" });
    });

    describe("validation: each problem names the field, the value and what is accepted", () => {
        const longGateway = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(40)}`;
        const cases: Array<[string, pulumi.Unwrap<KuadrantMtlsArgs>, RegExp]> = [
            ["Manual mode without gateways", { mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0" }, /^gateways: got nothing; Manual mode needs at least one gateway \(\{ name, namespace \}\) whose kuadrant-auth-\/kuadrant-ratelimiting- EnvoyFilters carry the clusters$/],
            ["Manual mode with an empty gateway list", { mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0", gateways: [] }, /^gateways: got \[\]; Manual mode needs at least one gateway/],
            ["both components off while enabled", { authorino: false, limitador: false }, /^authorino\/limitador: got \{"authorino":false,"limitador":false\}; with enabled: true at least one of authorino and limitador must be protected; set enabled: false to turn mTLS off$/],
            ["gateways in Operator mode", { gateways: [{ name: "a", namespace: "b" }] }, /^gateways: got \[\{"name":"a","namespace":"b"\}\]; gateways only apply in Manual mode \(the operator configures every gateway itself\); remove them or set mode: Manual$/],
            ["removeSidecars in Operator mode", { removeSidecars: true }, /^removeSidecars: got true; removeSidecars only applies in Manual mode \(the operator manages the sidecar labels\)$/],
            ["removeSidecars false in Operator mode", { mode: KuadrantMtlsMode.Operator, removeSidecars: false }, /^removeSidecars: got false; removeSidecars only applies in Manual mode/],
            ["a bad namespace", { namespace: "Kuadrant" }, /^namespace: got "Kuadrant"; expected a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters$/],
            ["a bad CR name", { kuadrantName: "Main" }, /^kuadrantName: got "Main"; expected a DNS-1123 name: lower-case letters, digits, '-' and '\.', at most 253 characters$/],
            ["a bad Authorino deployment name", { authorinoDeployment: "Authorino_1" }, /^authorinoDeployment: got "Authorino_1"; expected a DNS-1123 name/],
            ["a bad Limitador deployment name", { limitadorDeployment: "" }, /^limitadorDeployment: got ""; expected a DNS-1123 name/],
            ["a bad gateway name", manual({ gateways: [{ name: "Ext", namespace: "gw" }] }), /^gateways\[0\]\.name: got "Ext"; expected a DNS-1123 name/],
            ["a gateway without name", manual({ gateways: [EXTERNAL, { namespace: "gw" } as unknown as KuadrantGatewayRef] }), /^gateways\[1\]\.name: got nothing; it is required: a DNS-1123 name/],
            ["a gateway without namespace", manual({ gateways: [{ name: "ext" } as unknown as KuadrantGatewayRef] }), /^gateways\[0\]\.namespace: got nothing; it is required: a DNS-1123 label/],
            ["a bad gateway namespace", manual({ gateways: [{ name: "ext", namespace: "gw.system" }] }), /^gateways\[0\]\.namespace: got "gw\.system"; expected a DNS-1123 label/],
            ["a gateway name too long for its EnvoyFilter", manual({ gateways: [{ name: longGateway, namespace: "gw" }] }), /^gateways\[0\]\.name: got "a{63}\.b{63}\.c{63}\.d{40}"; the EnvoyFilter name kuadrant-ratelimiting-<name> must fit in 253 characters$/],
            ["an unknown mode", { mode: "Auto" as unknown as KuadrantMtlsMode }, /^mode: got "Auto"; expected one of "Operator", "Manual"$/],
            ["Manual mode with the default Kuadrant version (1.5.2)", { mode: KuadrantMtlsMode.Manual, gateways: [EXTERNAL] }, /^mode: got "Manual"; Manual mode only works with Kuadrant before 1\.3, and kuadrantVersion is "1\.5\.2" \(the default\): from 1\.3 on the operator sets sidecar\.istio\.io\/inject: "false" on Authorino and Limitador and rewrites its EnvoyFilters without TLS unless spec\.mtls is on; use mode: Operator/],
            ["Manual mode with Kuadrant 1.3.0", manual({ kuadrantVersion: "1.3.0" }), /^mode: got "Manual"; Manual mode only works with Kuadrant before 1\.3, and kuadrantVersion is "1\.3\.0": .*; use mode: Operator \(or set kuadrantVersion to the older release actually installed\)$/],
            ["Manual mode with a Kuadrant 1.3 pre-release", manual({ kuadrantVersion: "v1.3.0-alpha1" }), /^mode: got "Manual"; Manual mode only works with Kuadrant before 1\.3, and kuadrantVersion is "v1\.3\.0-alpha1"/],
            ["an unreadable Kuadrant version", manual({ kuadrantVersion: "1.2" }), /^kuadrantVersion: got "1\.2"; expected a version such as 1\.30\.3 \(optionally with a pre-release suffix\)$/],
            ["Operator mode with Kuadrant 1.2 (no spec.mtls)", { kuadrantVersion: "1.2.0" }, /^mode: got "Operator"; Operator mode needs Kuadrant 1\.3 or later \(spec\.mtls of the Kuadrant CR\), and kuadrantVersion is "1\.2\.0"; use mode: Manual for older Kuadrant$/],
            ["an unreadable Kuadrant version in Operator mode", { kuadrantVersion: "latest" }, /^kuadrantVersion: got "latest"; expected a version such as/],
        ];
        assert.equal(cases.length, 22);
        for (const [what, args, problem] of cases) {
            it(`rejects ${what}`, () => {
                assertInvalid(() => planKuadrantMtls("k", args), "k", [problem]);
            });
        }

        it("accepts a gateway name whose EnvoyFilter name is exactly 253 characters", () => {
            const name = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(231 - 192)}`;
            assert.equal(kuadrantEnvoyFilterName("limitador", name).length, 253);
            assert.doesNotThrow(() => planKuadrantMtls("k", manual({ gateways: [{ name, namespace: "gw" }] })));
        });

        it("reports every problem at once, in argument order", () => {
            assertInvalid(() => planKuadrantMtls("k", { namespace: "A", removeSidecars: true, gateways: [{ name: "B", namespace: "c" }] }), "k", [
                /^namespace: /,
                /^gateways: /,
                /^removeSidecars: /,
                /^gateways\[0\]\.name: /,
            ]);
        });
    });
});
