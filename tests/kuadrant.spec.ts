import { strict as assert } from "node:assert";
import { KUADRANT_TLS_TRANSPORT_SOCKET, KuadrantMtls, KuadrantMtlsArgs, KuadrantMtlsMode } from "../sdk";
import { liveReads, ProgramResult, RegisteredResource, RunOptions, assertRejected, runExpectingError, runProgram, valueOf, registrationView } from "./harness";
import { liveFilters } from "./mocks/kuadrantOperator";
import { ISTIO_GROUPS, assertValidObjects, loadCrd, loadIstioCrds } from "./schema";
import { OPERATOR_AUTHORINO, postureStates } from "./posture/states";

loadIstioCrds();
loadCrd("kuadrant/Kuadrant.crd.yaml");

const TYPE = "meshtls:index:KuadrantMtls";
const EF_PATCH = "kubernetes:networking.istio.io/v1alpha3:EnvoyFilterPatch";

/** Serves reads of live objects from `objects` (keyed `<namespace>/<name>`). */
const cluster = (objects: Record<string, unknown>): RunOptions => liveReads(objects);

const manual = (extra: Partial<KuadrantMtlsArgs> = {}): KuadrantMtlsArgs => ({ mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0", gateways: [{ name: "external", namespace: "gateway-system" }], ...extra });

function efPatch(result: ProgramResult<unknown>, filter: string): RegisteredResource {
    return result.get(EF_PATCH, `kuadrant-gateway-system-${filter}`);
}

/** Whether `r` depends on every resource in `on`, which must not be empty (`every` of nothing is true). */
function dependsOnAll(r: RegisteredResource, on: RegisteredResource[]): boolean {
    assert.ok(on.length > 0, `dependsOnAll(${r.name}): the list of resources it should depend on is empty`);
    return on.every((o) => r.dependencies.includes(o.urn));
}

describe("kuadrant: KuadrantMtls", () => {
    describe("Operator mode", () => {
        const combos: Array<[Partial<KuadrantMtlsArgs>, Record<string, boolean>]> = [
            [{}, { enable: true, authorino: true, limitador: true }],
            [{ limitador: false }, { enable: true, authorino: true, limitador: false }],
            [{ authorino: false }, { enable: true, authorino: false, limitador: true }],
            [{ enabled: false }, { enable: false }],
        ];
        for (const [args, mtls] of combos) {
            it(`patches spec.mtls = ${JSON.stringify(mtls)} on the Kuadrant CR for ${JSON.stringify(args)}`, async () => {
                const result = await runProgram(() => new KuadrantMtls("kuadrant", args));
                const patch = result.get("kubernetes:kuadrant.io/v1beta1:KuadrantPatch", "kuadrant-kuadrant-mtls");
                assert.deepEqual(patch.inputs, {
                    apiVersion: "kuadrant.io/v1beta1",
                    kind: "Kuadrant",
                    metadata: { name: "kuadrant", namespace: "kuadrant-system", annotations: { "pulumi.com/patchForce": "true" } },
                    spec: { mtls },
                });
                assert.equal(assertValidObjects(result.k8sObjects(), ["kuadrant.io"]), 1);
                // The operator does the rest: nothing else is created.
                assert.deepEqual(result.resources.filter((r) => r.custom).map((r) => r.type), ["kubernetes:kuadrant.io/v1beta1:KuadrantPatch"]);
            });
        }

        it("honours the CR name and namespace, and reports the posture", async () => {
            const result = await runProgram(() => new KuadrantMtls("k", { namespace: "kuadrant", kuadrantName: "main", limitador: false }));
            const meta = result.get("kubernetes:kuadrant.io/v1beta1:KuadrantPatch", "k-kuadrant-mtls").inputs.metadata as { name: string; namespace: string };
            assert.deepEqual([meta.name, meta.namespace], ["main", "kuadrant"]);
            assert.deepEqual(postureStates(await valueOf(result.value.posture)), { [OPERATOR_AUTHORINO.replace("kuadrant-system", "kuadrant")]: "mtls" });
        });
    });

    describe("Manual mode", () => {
        it("labels both deployments for sidecar injection", async () => {
            const result = await runProgram(() => new KuadrantMtls("kuadrant", manual()), cluster(liveFilters()));
            const patches = result.ofType("kubernetes:apps/v1:DeploymentPatch").map((p) => p.inputs as { metadata: { name: string; namespace: string }; spec: { template: { metadata: { labels: unknown } } } });
            assert.deepEqual(
                patches.map((p) => [p.metadata.namespace, p.metadata.name, p.spec.template.metadata.labels]),
                [
                    ["kuadrant-system", "authorino", { "sidecar.istio.io/inject": "true" }],
                    ["kuadrant-system", "limitador-limitador", { "sidecar.istio.io/inject": "true" }],
                ],
            );
        });

        it("adds exactly the seed's transport socket to the right cluster and keeps every field the operator wrote", async () => {
            const live = liveFilters();
            const result = await runProgram(() => new KuadrantMtls("kuadrant", manual()), cluster(live));
            for (const [filter, key] of [["kuadrant-auth-external", "gateway-system/kuadrant-auth-external"], ["kuadrant-ratelimiting-external", "gateway-system/kuadrant-ratelimiting-external"]] as const) {
                const patch = efPatch(result, filter);
                const expected = structuredClone(live[key].spec) as { configPatches: Array<{ patch: { value: Record<string, unknown> } }> };
                expected.configPatches[0].patch.value.transport_socket = KUADRANT_TLS_TRANSPORT_SOCKET;
                assert.deepEqual(patch.inputs.spec, expected);
                assert.deepEqual(patch.inputs.metadata, { name: filter, namespace: "gateway-system", annotations: { "pulumi.com/patchForce": "true" } });
            }
            // The seed's snippet plus ALPN `istio`, spelled out once more so a change to the constant is caught here.
            assert.deepEqual(KUADRANT_TLS_TRANSPORT_SOCKET, {
                name: "envoy.transport_sockets.tls",
                typed_config: {
                    "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                    common_tls_context: {
                        tls_certificate_sds_secret_configs: [{ name: "default", sds_config: { api_config_source: { api_type: "GRPC", grpc_services: [{ envoy_grpc: { cluster_name: "sds-grpc" } }] } } }],
                        validation_context_sds_secret_config: { name: "ROOTCA", sds_config: { api_config_source: { api_type: "GRPC", grpc_services: [{ envoy_grpc: { cluster_name: "sds-grpc" } }] } } },
                        alpn_protocols: ["istio"],
                    },
                },
            });
            assert.equal(assertValidObjects(result.k8sObjects(), ISTIO_GROUPS), 3);
            const reads = result.resources.filter((r) => r.readId !== undefined).map((r) => r.readId);
            assert.deepEqual(reads.sort(), ["gateway-system/kuadrant-auth-external", "gateway-system/kuadrant-ratelimiting-external"]);
        });

        it("is idempotent: re-applying over its own earlier result changes nothing", async () => {
            const first = await runProgram(() => new KuadrantMtls("kuadrant", manual()), cluster(liveFilters()));
            const after: Record<string, unknown> = {};
            for (const [key, obj] of Object.entries(liveFilters())) {
                after[key] = { ...obj, spec: efPatch(first, obj.metadata.name).inputs.spec };
            }
            const second = await runProgram(() => new KuadrantMtls("kuadrant", manual()), cluster(after));
            for (const f of ["kuadrant-auth-external", "kuadrant-ratelimiting-external"]) {
                assert.deepEqual(efPatch(second, f).inputs.spec, efPatch(first, f).inputs.spec);
            }
        });

        it("PeerAuthentication: namespace-wide default when both are protected, per component otherwise", async () => {
            const both = await runProgram(() => new KuadrantMtls("kuadrant", manual()), cluster(liveFilters()));
            assert.deepEqual(both.k8sObjects("PeerAuthentication").map((o) => [o.metadata.name, o.spec]), [["default", { mtls: { mode: "STRICT" } }]]);
            const onlyLimitador = await runProgram(() => new KuadrantMtls("kuadrant", manual({ authorino: false })), cluster(liveFilters()));
            assert.deepEqual(onlyLimitador.k8sObjects("PeerAuthentication").map((o) => [o.metadata.name, o.spec]), [["limitador-mtls", { selector: { matchLabels: { app: "limitador" } }, mtls: { mode: "STRICT" } }]]);
            assert.deepEqual(onlyLimitador.ofType(EF_PATCH).map((r) => r.name), ["kuadrant-gateway-system-kuadrant-ratelimiting-external"]);
            const onlyAuthorino = await runProgram(() => new KuadrantMtls("kuadrant", manual({ limitador: false })), cluster(liveFilters()));
            assert.deepEqual(onlyAuthorino.k8sObjects("PeerAuthentication").map((o) => [o.metadata.name, o.spec]), [["authorino-mtls", { selector: { matchLabels: { "authorino-resource": "authorino" } }, mtls: { mode: "STRICT" } }]]);
            assert.equal(assertValidObjects([...both.k8sObjects(), ...onlyLimitador.k8sObjects(), ...onlyAuthorino.k8sObjects()], ISTIO_GROUPS), 7);
        });

        it("enabling orders sidecars, then client TLS, then STRICT", async () => {
            const result = await runProgram(() => new KuadrantMtls("kuadrant", manual()), cluster(liveFilters()));
            const sidecars = result.ofType("kubernetes:apps/v1:DeploymentPatch");
            const tls = result.ofType(EF_PATCH);
            const strict = result.k8sResource("PeerAuthentication", "default", "kuadrant-system");
            assert.deepEqual(sidecars.map((s) => s.name), ["kuadrant-authorino-sidecar-pod-template", "kuadrant-limitador-sidecar-pod-template"]);
            assert.deepEqual(tls.map((t) => t.name), ["kuadrant-gateway-system-kuadrant-auth-external", "kuadrant-gateway-system-kuadrant-ratelimiting-external"]);
            for (const t of tls) {
                assert.ok(dependsOnAll(t, sidecars), `${t.name} waits for the sidecars`);
            }
            assert.ok(dependsOnAll(strict, [...sidecars, ...tls]), "STRICT waits for sidecars and client TLS");
            for (const s of sidecars) {
                assert.ok(!s.dependencies.includes(strict.urn));
            }
        });

        it("disabling goes PERMISSIVE first, then removes client TLS; sidecars stay", async () => {
            const live = liveFilters();
            const enabled = await runProgram(() => new KuadrantMtls("kuadrant", manual()), cluster(live));
            const withTls: Record<string, unknown> = {};
            for (const [key, obj] of Object.entries(live)) {
                withTls[key] = { ...obj, spec: efPatch(enabled, obj.metadata.name).inputs.spec };
            }
            const result = await runProgram(() => new KuadrantMtls("kuadrant", manual({ enabled: false })), cluster(withTls));
            const permissive = result.k8sResource("PeerAuthentication", "default", "kuadrant-system");
            assert.deepEqual(result.k8sObject("PeerAuthentication", "default").spec, { mtls: { mode: "PERMISSIVE" } });
            const tls = result.ofType(EF_PATCH);
            assert.deepEqual(tls.map((t) => t.name), ["kuadrant-gateway-system-kuadrant-auth-external", "kuadrant-gateway-system-kuadrant-ratelimiting-external"]);
            for (const t of tls) {
                assert.ok(t.dependencies.includes(permissive.urn), `${t.name} waits for PERMISSIVE`);
                assert.deepEqual(t.inputs.spec, live[`gateway-system/${(t.inputs.metadata as { name: string }).name}`].spec, "back to what the operator wrote");
            }
            const sidecars = result.ofType("kubernetes:apps/v1:DeploymentPatch");
            assert.deepEqual(sidecars.map((s) => s.name), ["kuadrant-authorino-sidecar-pod-template", "kuadrant-limitador-sidecar-pod-template"]);
            for (const s of sidecars) {
                assert.deepEqual((s.inputs.spec as { template: { metadata: { labels: unknown } } }).template.metadata.labels, { "sidecar.istio.io/inject": "true" });
            }
            // Same resource names as when enabled: switching is an update, never a delete + create.
            assert.deepEqual(result.resources.map((r) => r.name).sort(), enabled.resources.map((r) => r.name).sort());
            // PERMISSIVE, client TLS removed, sidecars kept: plain text, accepted.
            assert.deepEqual(postureStates(await valueOf(result.value.posture)), {
                "gateway gateway-system/external -> kuadrant-system/authorino-authorino-authorization:50051": "plaintext",
                "gateway gateway-system/external -> kuadrant-system/limitador-limitador:8081": "plaintext",
            });
        });

        it("removal is two steps: enabled: false re-applies the operator's configPatches, and the patches are retained on delete", async () => {
            // Step 1 (enabled: false): each EnvoyFilter patch carries the operator's whole configPatches list
            // (the atomic field the patch owns) with only the socket gone. Step 2 (delete): the patches have
            // retainOnDelete, so pulumi-kubernetes does not relinquish configPatches (which would reset it to
            // its default and drop kuadrant-auth-service / kuadrant-ratelimit-service) but leaves step 1's content.
            const live = liveFilters();
            const enabled = await runProgram(() => new KuadrantMtls("kuadrant", manual()), cluster(live));
            const withTls: Record<string, unknown> = {};
            for (const [key, obj] of Object.entries(live)) {
                withTls[key] = { ...obj, spec: efPatch(enabled, obj.metadata.name).inputs.spec };
            }
            const disabled = await runProgram(() => new KuadrantMtls("kuadrant", manual({ enabled: false })), cluster(withTls));
            for (const run of [enabled, disabled]) {
                const patches = run.ofType(EF_PATCH);
                assert.equal(patches.length, 2);
                for (const p of patches) {
                    assert.equal(p.retainOnDelete, true, `${p.name} is retained on delete`);
                }
                // Only the EnvoyFilter patches: the PeerAuthentications and sidecar labels are meshtls's own.
                assert.deepEqual(run.resources.filter((r) => r.custom && r.retainOnDelete).map((r) => r.name).sort(), patches.map((p) => p.name).sort());
            }
            const clusters = (spec: unknown) => (spec as { configPatches: { patch: { value: { name: string; transport_socket?: unknown } } }[] }).configPatches.map((c) => c.patch.value);
            assert.deepEqual(clusters(efPatch(disabled, "kuadrant-auth-external").inputs.spec).map((v) => [v.name, "transport_socket" in v]), [["kuadrant-auth-service", false]]);
            assert.deepEqual(clusters(efPatch(disabled, "kuadrant-ratelimiting-external").inputs.spec).map((v) => [v.name, "transport_socket" in v]), [["kuadrant-ratelimit-service", false]]);
            for (const [key, obj] of Object.entries(live)) {
                assert.deepEqual(efPatch(disabled, obj.metadata.name).inputs.spec, live[key].spec, `${key}: what is left in place on delete is the operator's own spec`);
            }
        });

        it("disabling with removeSidecars sets the label to false, after client TLS is gone", async () => {
            const result = await runProgram(() => new KuadrantMtls("kuadrant", manual({ enabled: false, removeSidecars: true })), cluster(liveFilters()));
            const tls = result.ofType(EF_PATCH);
            const sidecars = result.ofType("kubernetes:apps/v1:DeploymentPatch");
            assert.deepEqual(tls.map((t) => t.name), ["kuadrant-gateway-system-kuadrant-auth-external", "kuadrant-gateway-system-kuadrant-ratelimiting-external"]);
            assert.deepEqual(sidecars.map((s) => (s.inputs.metadata as { name: string }).name), ["authorino", "limitador-limitador"]);
            for (const s of sidecars) {
                assert.deepEqual((s.inputs.spec as { template: { metadata: { labels: unknown } } }).template.metadata.labels, { "sidecar.istio.io/inject": "false" });
                assert.ok(dependsOnAll(s, tls), `${s.name} waits until no client sends TLS`);
            }
        });

        it("fails clearly when the operator has not written the cluster (no policy on that gateway)", async () => {
            const live = liveFilters();
            const empty = { ...live, "gateway-system/kuadrant-auth-external": { ...live["gateway-system/kuadrant-auth-external"], spec: { configPatches: [] } } };
            const { error } = await runExpectingError(() => new KuadrantMtls("kuadrant", manual()), cluster(empty));
            assert.match(error.message, /meshtls:index:KuadrantMtls "kuadrant": gateways\[0\] \(gateway-system\/external\): EnvoyFilter gateway-system\/kuadrant-auth-external: no CLUSTER patch named kuadrant-auth-service\. .*AuthPolicy targets the gateway/);
        });

        it("is deterministic", async () => {
            const a = await runProgram(() => new KuadrantMtls("kuadrant", manual()), cluster(liveFilters()));
            const b = await runProgram(() => new KuadrantMtls("kuadrant", manual()), cluster(liveFilters()));
            assert.deepEqual(registrationView(a), registrationView(b));
        });

        it("runs in preview (reads are answered at preview)", async () => {
            const result = await runProgram(() => new KuadrantMtls("kuadrant", manual()), { ...cluster(liveFilters()), preview: true });
            assert.equal(result.ofType(EF_PATCH).length, 2);
        });
    });

    describe("bad input", () => {
        // Every validation error is covered by the pure specs (tests/kuadrant/plan.spec.ts); this shows
        // that the component fails before it registers anything.
        it("rejects Manual mode without gateways, registering nothing", async () => {
            await assertRejected(() => new KuadrantMtls("k", { mode: KuadrantMtlsMode.Manual }), TYPE, "k", /gateways: got nothing; Manual mode needs at least one gateway/);
        });

        it("rejects Manual mode against the default Kuadrant (1.5.2, whose operator owns mTLS), registering nothing", async () => {
            await assertRejected(
                () => new KuadrantMtls("k", { mode: KuadrantMtlsMode.Manual, gateways: [{ name: "external", namespace: "gateway-system" }] }),
                TYPE,
                "k",
                /mode: got "Manual"; Manual mode only works with Kuadrant before 1\.3, and kuadrantVersion is "1\.5\.2" \(the default\).*use mode: Operator/,
            );
        });
    });
});

