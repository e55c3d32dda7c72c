// Pure specs of KuadrantMtls's manifests (no mock runtime): the Kuadrant CR patch, the EnvoyFilter
// patch and its transport socket, the PeerAuthentications, each checked against the upstream CRDs.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import {
    KUADRANT_TLS_TRANSPORT_SOCKET,
    KuadrantMtlsArgs,
    KuadrantMtlsMode,
    KuadrantMtlsPlan,
    kuadrantCrPatch,
    kuadrantEnvoyFilterPatch,
    kuadrantEnvoyFilterPatchSpec,
    kuadrantEnvoyFilterReadArgs,
    kuadrantPeerAuthentication,
    planKuadrantMtls,
    withTransportSocket,
} from "../../sdk";
import { ISTIO_GROUPS, assertValidObjects, loadCrd, loadIstioCrds } from "../schema";

loadIstioCrds();
loadCrd("kuadrant/Kuadrant.crd.yaml");

type K8sObject = Parameters<typeof assertValidObjects>[0][number];

const manual = (extra: Partial<pulumi.Unwrap<KuadrantMtlsArgs>> = {}): pulumi.Unwrap<KuadrantMtlsArgs> => ({ mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0", gateways: [{ name: "external", namespace: "gateway-system" }], ...extra });

/** A spec as the operator writes it: the target cluster, plus an unrelated patch that must stay untouched. */
function operatorSpec(cluster: string) {
    return {
        targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "external" }],
        configPatches: [
            { applyTo: "HTTP_FILTER", patch: { operation: "INSERT_BEFORE", value: { name: "other", transport_socket: "not ours" } } },
            { applyTo: "CLUSTER", patch: { operation: "ADD", value: { name: cluster, type: "STRICT_DNS", connect_timeout: "1s" } } },
        ],
    };
}

function operatorPlan(args: pulumi.Unwrap<KuadrantMtlsArgs>): { plan: KuadrantMtlsPlan; cr: Record<string, unknown> } {
    const plan = planKuadrantMtls("kuadrant", args);
    assert.ok(plan.operator);
    return { plan, cr: kuadrantCrPatch(plan, plan.operator) };
}

describe("kuadrant (pure): manifests", () => {
    describe("the Kuadrant CR patch (Operator mode)", () => {
        const combos: Array<[Partial<pulumi.Unwrap<KuadrantMtlsArgs>>, Record<string, boolean>]> = [
            [{}, { enable: true, authorino: true, limitador: true }],
            [{ limitador: false }, { enable: true, authorino: true, limitador: false }],
            [{ authorino: false }, { enable: true, authorino: false, limitador: true }],
            [{ enabled: false }, { enable: false }],
            [{ enabled: false, authorino: false, limitador: false }, { enable: false }],
        ];
        assert.equal(combos.length, 5);
        for (const [args, mtls] of combos) {
            it(`spec.mtls = ${JSON.stringify(mtls)} for ${JSON.stringify(args)}, valid against the Kuadrant CRD`, () => {
                const { cr } = operatorPlan(args);
                assert.deepEqual(cr, {
                    apiVersion: "kuadrant.io/v1beta1",
                    kind: "Kuadrant",
                    metadata: { name: "kuadrant", namespace: "kuadrant-system", annotations: { "pulumi.com/patchForce": "true" } },
                    spec: { mtls },
                });
                assert.equal(assertValidObjects([cr as unknown as K8sObject], ["kuadrant.io"]), 1);
            });
        }

        it("names the CR and namespace from the plan", () => {
            const { cr } = operatorPlan({ namespace: "kuadrant", kuadrantName: "main" });
            assert.deepEqual((cr as { metadata: { name: string; namespace: string } }).metadata, { name: "main", namespace: "kuadrant", annotations: { "pulumi.com/patchForce": "true" } });
        });
    });

    describe("withTransportSocket", () => {
        it("adds exactly the seed's transport socket to the named CLUSTER patch and keeps everything else", () => {
            const live = operatorSpec("kuadrant-auth-service");
            const before = structuredClone(live);
            const out = withTransportSocket(live, "kuadrant-auth-service", true, "ctx");
            const expected = structuredClone(before) as { configPatches: Array<{ patch: { value: Record<string, unknown> } }> };
            expected.configPatches[1].patch.value.transport_socket = KUADRANT_TLS_TRANSPORT_SOCKET;
            assert.deepEqual(out, expected);
            assert.deepEqual(live, before, "the live spec is not changed in place");
        });

        it("the transport socket is the seed's SDS snippet (certificate default, roots ROOTCA, from the istio-agent) with ALPN istio", () => {
            const sds = { api_config_source: { api_type: "GRPC", grpc_services: [{ envoy_grpc: { cluster_name: "sds-grpc" } }] } };
            assert.deepEqual(KUADRANT_TLS_TRANSPORT_SOCKET, {
                name: "envoy.transport_sockets.tls",
                typed_config: {
                    "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                    common_tls_context: {
                        tls_certificate_sds_secret_configs: [{ name: "default", sds_config: sds }],
                        validation_context_sds_secret_config: { name: "ROOTCA", sds_config: sds },
                        alpn_protocols: ["istio"],
                    },
                },
            });
        });

        it("is idempotent, and removing gives back what the operator wrote", () => {
            const live = operatorSpec("kuadrant-ratelimit-service");
            const once = withTransportSocket(live, "kuadrant-ratelimit-service", true, "ctx");
            assert.deepEqual(withTransportSocket(once, "kuadrant-ratelimit-service", true, "ctx"), once);
            assert.deepEqual(withTransportSocket(once, "kuadrant-ratelimit-service", false, "ctx"), live);
            assert.deepEqual(withTransportSocket(live, "kuadrant-ratelimit-service", false, "ctx"), live);
        });

        const missing: Array<[string, unknown, string, RegExp]> = [
            ["no such cluster (auth)", operatorSpec("other"), "kuadrant-auth-service", /^Error: ctx: no CLUSTER patch named kuadrant-auth-service\. The Kuadrant operator writes it once an AuthPolicy targets the gateway; check the gateway name, or turn this component off for it\.$/],
            ["no such cluster (rate limit)", { configPatches: [] }, "kuadrant-ratelimit-service", /^Error: ctx: no CLUSTER patch named kuadrant-ratelimit-service\. .*once an RateLimitPolicy targets the gateway/],
            ["an empty spec", undefined, "kuadrant-auth-service", /^Error: ctx: no CLUSTER patch named kuadrant-auth-service/],
            ["a non-object spec", "text", "kuadrant-auth-service", /^Error: ctx: no CLUSTER patch named kuadrant-auth-service/],
        ];
        assert.equal(missing.length, 4);
        for (const [what, spec, cluster, message] of missing) {
            it(`fails clearly on ${what}`, () => {
                assert.throws(() => withTransportSocket(spec, cluster, true, "ctx"), message);
            });
        }
    });

    describe("the EnvoyFilter patch and read (Manual mode)", () => {
        const plan = planKuadrantMtls("kuadrant", manual());
        const filters = plan.manual?.envoyFilters ?? [];

        it("reads each live EnvoyFilter by <namespace>/<name> with a spec output", () => {
            assert.deepEqual(kuadrantEnvoyFilterReadArgs(), { apiVersion: "networking.istio.io/v1alpha3", kind: "EnvoyFilter", spec: undefined });
            assert.ok("spec" in kuadrantEnvoyFilterReadArgs(), "naming spec is what gives the read resource a spec output");
        });

        it("patches each EnvoyFilter by name with the transport socket on its own cluster, valid against the EnvoyFilter CRD", () => {
            assert.equal(filters.length, 2);
            const objects = filters.map((f) => kuadrantEnvoyFilterPatch(f, kuadrantEnvoyFilterPatchSpec(plan, f, operatorSpec(f.cluster))));
            for (const [i, f] of filters.entries()) {
                assert.deepEqual(objects[i].metadata, { name: f.name, namespace: "gateway-system", annotations: { "pulumi.com/patchForce": "true" } });
                assert.deepEqual(objects[i].spec, withTransportSocket(operatorSpec(f.cluster), f.cluster, true, "x"));
            }
            assert.equal(assertValidObjects(objects as unknown as K8sObject[], ISTIO_GROUPS), 2);
        });

        it("disabled, the patch spec is the operator's spec without the socket", () => {
            const off = planKuadrantMtls("kuadrant", manual({ enabled: false }));
            const f = off.manual?.envoyFilters[0];
            assert.ok(f);
            const withTls = withTransportSocket(operatorSpec(f.cluster), f.cluster, true, "x");
            assert.deepEqual(kuadrantEnvoyFilterPatchSpec(off, f, withTls), operatorSpec(f.cluster));
        });

        it("an error names the component, the gateway and the EnvoyFilter", () => {
            assert.equal(filters.length, 2);
            assert.throws(
                () => kuadrantEnvoyFilterPatchSpec(plan, filters[0], { configPatches: [] }),
                /^Error: meshtls:index:KuadrantMtls "kuadrant": gateways\[0\] \(gateway-system\/external\): EnvoyFilter gateway-system\/kuadrant-auth-external: no CLUSTER patch named kuadrant-auth-service\./,
            );
        });
    });

    describe("PeerAuthentications (Manual mode)", () => {
        const cases: Array<[string, Partial<pulumi.Unwrap<KuadrantMtlsArgs>>, unknown[]]> = [
            ["both protected: namespace-wide STRICT", {}, [{ name: "default", spec: { mtls: { mode: "STRICT" } } }]],
            ["both, disabled: namespace-wide PERMISSIVE", { enabled: false }, [{ name: "default", spec: { mtls: { mode: "PERMISSIVE" } } }]],
            ["Limitador only", { authorino: false }, [{ name: "limitador-mtls", spec: { selector: { matchLabels: { app: "limitador" } }, mtls: { mode: "STRICT" } } }]],
            ["Authorino only", { limitador: false }, [{ name: "authorino-mtls", spec: { selector: { matchLabels: { "authorino-resource": "authorino" } }, mtls: { mode: "STRICT" } } }]],
        ];
        assert.equal(cases.length, 4);
        for (const [what, args, expected] of cases) {
            it(`${what}, valid against the PeerAuthentication CRD`, () => {
                const plan = planKuadrantMtls("kuadrant", manual(args));
                const objects = (plan.manual?.peerAuthentications ?? []).map(kuadrantPeerAuthentication);
                assert.deepEqual(
                    objects.map((o) => ({ name: (o.metadata as { name: string }).name, spec: o.spec })),
                    expected,
                );
                for (const o of objects) {
                    assert.deepEqual([o.apiVersion, o.kind, (o.metadata as { namespace: string }).namespace], ["security.istio.io/v1", "PeerAuthentication", "kuadrant-system"]);
                }
                assert.equal(assertValidObjects(objects as unknown as K8sObject[], ISTIO_GROUPS), expected.length);
            });
        }
    });

    it("is deterministic: the same plan gives byte-identical objects", () => {
        const render = () => {
            const plan = planKuadrantMtls("kuadrant", manual());
            const filters = plan.manual?.envoyFilters ?? [];
            return JSON.stringify([
                ...filters.map((f) => kuadrantEnvoyFilterPatch(f, kuadrantEnvoyFilterPatchSpec(plan, f, operatorSpec(f.cluster)))),
                ...(plan.manual?.peerAuthentications ?? []).map(kuadrantPeerAuthentication),
            ]);
        };
        assert.equal(render(), render());
    });
});
