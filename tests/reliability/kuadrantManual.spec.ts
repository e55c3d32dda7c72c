// Kuadrant Manual mode on and off, step by step: in every state the engine can pass through while it
// applies the component's resources in their dependency order, the gateway's calls to Authorino and
// Limitador must be taken by the server's sidecar (or, with no sidecar, reach the plain-text server),
// per the pure model of Istio's inbound filter chains (sdk/posture/rules/inboundFilterChain.ts).
// And deleting Manual mode leaves the operator's EnvoyFilters as the operator wrote them.
import { strict as assert } from "node:assert";
import { KuadrantMtls, KuadrantMtlsArgs, KuadrantMtlsMode } from "../../sdk";
import { ClientTransport, InboundChain, PeerAuthenticationModeName, inboundFilterChain } from "../../sdk/posture/rules";
import { liveReads, ProgramResult, RegisteredResource, RunOptions, runProgram } from "../harness";
import { liveFilters } from "../mocks/kuadrantOperator";

const EF_PATCH = "kubernetes:networking.istio.io/v1alpha3:EnvoyFilterPatch";
const DEPLOYMENT_PATCH = "kubernetes:apps/v1:DeploymentPatch";
const PEER_AUTHENTICATION = "kubernetes:security.istio.io/v1:PeerAuthentication";

type Link = "authorino" | "limitador";
const LINKS: readonly Link[] = ["authorino", "limitador"];
const CLUSTER: Record<Link, string> = { authorino: "kuadrant-auth-service", limitador: "kuadrant-ratelimit-service" };
const DEPLOYMENT: Record<Link, string> = { authorino: "authorino", limitador: "limitador-limitador" };
const ENVOY_FILTER: Record<Link, string> = { authorino: "kuadrant-auth-external", limitador: "kuadrant-ratelimiting-external" };

const readId = (link: Link) => `gateway-system/${ENVOY_FILTER[link]}`;
const LIVE = liveFilters();
/** The operator's live EnvoyFilters (tests/mocks/kuadrantOperator.ts). */
const OPERATOR_LIVE: Readonly<Record<Link, Record<string, unknown>>> = { authorino: LIVE[readId("authorino")], limitador: LIVE[readId("limitador")] };

/** Serves the reads of the live EnvoyFilters with these specs. */
function live(specs: Record<Link, unknown>): RunOptions {
    const objects = Object.fromEntries(LINKS.map((l) => [readId(l), { ...OPERATOR_LIVE[l], spec: structuredClone(specs[l]) }]));
    return liveReads(objects);
}
const operatorSpecs = (): Record<Link, unknown> => ({ authorino: OPERATOR_LIVE.authorino.spec, limitador: OPERATOR_LIVE.limitador.spec });

const args = (extra: Partial<KuadrantMtlsArgs>): KuadrantMtlsArgs => ({ mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0", gateways: [{ name: "external", namespace: "gateway-system" }], ...extra });
const run = (extra: Partial<KuadrantMtlsArgs>, specs: Record<Link, unknown>) => runProgram(() => new KuadrantMtls("k", args(extra)), live(specs));

/** What one link looks like at one moment: the server's sidecar and policy, and the gateway's transport. */
interface LinkState {
    sidecar: boolean;
    /** The effective mode; with no PeerAuthentication at all, Istio's default PERMISSIVE. */
    mode: PeerAuthenticationModeName;
    /** The EnvoyFilter spec the gateway runs with. */
    envoyFilterSpec: unknown;
}
type State = Record<Link, LinkState>;

/** Before Manual mode exists: no sidecars, no PeerAuthentication (PERMISSIVE), the operator's EnvoyFilters. */
const NOT_PRESENT: State = {
    authorino: { sidecar: false, mode: "PERMISSIVE", envoyFilterSpec: OPERATOR_LIVE.authorino.spec },
    limitador: { sidecar: false, mode: "PERMISSIVE", envoyFilterSpec: OPERATOR_LIVE.limitador.spec },
};

interface ClusterValue {
    name?: string;
    transport_socket?: { typed_config?: { common_tls_context?: { alpn_protocols?: string[] } } };
}
const clusterValues = (spec: unknown): ClusterValue[] =>
    ((spec as { configPatches?: Array<{ applyTo?: string; patch?: { value?: ClusterValue } }> }).configPatches ?? []).filter((p) => p.applyTo === "CLUSTER").map((p) => p.patch?.value ?? {});

/** The gateway's transport to a server, from its EnvoyFilter's CLUSTER patch: TLS with the socket's ALPN, or plain text. */
function clientTransport(spec: unknown, link: Link): ClientTransport {
    const values = clusterValues(spec).filter((v) => v.name === CLUSTER[link]);
    assert.equal(values.length, 1, `one CLUSTER patch named ${CLUSTER[link]}`);
    const socket = values[0].transport_socket;
    return socket === undefined ? { kind: "plaintext" } : { kind: "tls", alpn: socket.typed_config?.common_tls_context?.alpn_protocols ?? [] };
}

/**
 * Which chain takes the gateway's call. Both servers' Service ports are named `grpc` (HTTP in Istio's
 * terms). Without a sidecar the server itself speaks plain-text gRPC, so TLS is refused there.
 */
function acceptance(s: LinkState, link: Link): InboundChain {
    const transport = clientTransport(s.envoyFilterSpec, link);
    if (!s.sidecar) {
        return transport.kind === "plaintext" ? "plaintext" : "none";
    }
    return inboundFilterChain(s.mode, transport, "http");
}

/** The final state after a run (every resource applied). */
function finalState(r: ProgramResult<unknown>, before: State): State {
    let s = before;
    for (const x of stepResources(r)) {
        s = apply(s, x);
    }
    return s;
}

/** The resources of the steps: the sidecar patches, the EnvoyFilter patches and the PeerAuthentication. */
function stepResources(r: ProgramResult<unknown>): RegisteredResource[] {
    return [...r.ofType(DEPLOYMENT_PATCH), ...r.ofType(EF_PATCH), ...r.ofType(PEER_AUTHENTICATION)];
}

const meta = (x: RegisteredResource) => x.inputs.metadata as { name: string; namespace: string };

/** The state once `x` is applied. */
function apply(s: State, x: RegisteredResource): State {
    const next: State = { authorino: { ...s.authorino }, limitador: { ...s.limitador } };
    if (x.type === DEPLOYMENT_PATCH) {
        const link = LINKS.find((l) => DEPLOYMENT[l] === meta(x).name);
        assert.ok(link, `sidecar patch of ${meta(x).name}`);
        const labels = (x.inputs.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
        next[link].sidecar = labels["sidecar.istio.io/inject"] === "true";
    } else if (x.type === EF_PATCH) {
        const link = LINKS.find((l) => ENVOY_FILTER[l] === meta(x).name);
        assert.ok(link, `EnvoyFilter patch of ${meta(x).name}`);
        next[link].envoyFilterSpec = x.inputs.spec;
    } else {
        // Both servers are protected, so the one PeerAuthentication is namespace-wide.
        assert.deepEqual([meta(x).name, meta(x).namespace], ["default", "kuadrant-system"]);
        const mode = (x.inputs.spec as { mtls: { mode: PeerAuthenticationModeName } }).mtls.mode;
        for (const l of LINKS) {
            next[l].mode = mode;
        }
    }
    return next;
}


/** Every order in which the engine may apply `items` one at a time, respecting their dependencies. */
function applyOrders(result: ProgramResult<unknown>, items: RegisteredResource[]): RegisteredResource[][] {
    const orders: RegisteredResource[][] = [];
    const extend = (done: RegisteredResource[], left: RegisteredResource[]) => {
        if (left.length === 0) {
            orders.push(done);
            return;
        }
        for (const x of left) {
            const rest = left.filter((y) => y !== x);
            if (!rest.some((y) => result.dependsOn(x, y))) {
                extend([...done, x], rest);
            }
        }
    };
    extend([], items);
    return orders;
}

/** Every state of every apply order, from `before`, labelled, with each link's chain. */
function walkTransition(result: ProgramResult<unknown>, before: State, specOverride?: (x: RegisteredResource) => unknown): Array<{ label: string; chains: Record<Link, InboundChain> }> {
    const items = stepResources(result);
    assert.equal(items.length, 5, "two sidecar patches, two EnvoyFilter patches, one PeerAuthentication");
    const orders = applyOrders(result, items);
    // sidecars -> client TLS -> policy (or the reverse): 2 × 2 interleavings within the two-resource steps.
    assert.equal(orders.length, 4, "the dependency edges fix the steps' order; only each step's two resources may swap");
    const out: Array<{ label: string; chains: Record<Link, InboundChain> }> = [];
    for (const order of orders) {
        let s = before;
        const names: string[] = [];
        const record = () => out.push({ label: names.join(" -> ") || "(start)", chains: { authorino: acceptance(s.authorino, "authorino"), limitador: acceptance(s.limitador, "limitador") } });
        record();
        for (const x of order) {
            const applied = specOverride && x.type === EF_PATCH ? { ...x, inputs: { ...x.inputs, spec: specOverride(x) } } : x;
            s = apply(s, applied);
            names.push(x.name);
            record();
        }
    }
    assert.equal(out.length, 4 * 6);
    return out;
}

const refused = (states: Array<{ label: string; chains: Record<Link, InboundChain> }>) =>
    states.flatMap((st) => LINKS.filter((l) => st.chains[l] === "none").map((l) => `${l} at ${st.label}`));

/** The EnvoyFilter patch's spec with `alpn_protocols` taken out of the socket (the seed's socket). */
function withoutAlpn(x: RegisteredResource): unknown {
    const spec = structuredClone(x.inputs.spec);
    const values = clusterValues(spec).filter((v) => v.transport_socket !== undefined);
    assert.equal(values.length, 1, `${x.name} carries one transport socket`);
    const ctx = values[0].transport_socket?.typed_config?.common_tls_context;
    assert.ok(ctx && "alpn_protocols" in ctx, `${x.name}'s socket names alpn_protocols`);
    delete ctx.alpn_protocols;
    return spec;
}

describe("reliability: Kuadrant Manual mode, each intermediate state against Istio's inbound filter chains", () => {
    it("not present -> enabled -> enabled: false -> enabled: no state refuses the gateway's calls", async () => {
        const enabled = await run({}, operatorSpecs());
        const onState = finalState(enabled, NOT_PRESENT);
        const enabling = walkTransition(enabled, NOT_PRESENT);
        assert.deepEqual(refused(enabling), []);
        // The end state is mesh mTLS under STRICT.
        assert.deepEqual(LINKS.map((l) => [onState[l].mode, acceptance(onState[l], l)]), [["STRICT", "mtls"], ["STRICT", "mtls"]]);

        // Disabling reads what enabling wrote (the socket is live now).
        const disabled = await run({ enabled: false }, { authorino: onState.authorino.envoyFilterSpec, limitador: onState.limitador.envoyFilterSpec });
        const disabling = walkTransition(disabled, onState);
        assert.deepEqual(refused(disabling), []);
        // The PERMISSIVE step with the socket still in place is mesh mTLS (ALPN `istio`), not a reset.
        const permissiveWithTls = disabling.filter((st) => st.label === "k-peer-authentication");
        assert.equal(permissiveWithTls.length, 4);
        for (const st of permissiveWithTls) {
            assert.deepEqual(st.chains, { authorino: "mtls", limitador: "mtls" });
        }
        const offState = finalState(disabled, onState);
        assert.deepEqual(LINKS.map((l) => [offState[l].sidecar, offState[l].mode, acceptance(offState[l], l)]), [[true, "PERMISSIVE", "plaintext"], [true, "PERMISSIVE", "plaintext"]]);

        const reenabled = await run({}, { authorino: offState.authorino.envoyFilterSpec, limitador: offState.limitador.envoyFilterSpec });
        assert.deepEqual(refused(walkTransition(reenabled, offState)), []);
    });

    it("enabled -> enabled: false with removeSidecars: the sidecars go only after plain text is back", async () => {
        const enabled = await run({}, operatorSpecs());
        const onState = finalState(enabled, NOT_PRESENT);
        const disabled = await run({ enabled: false, removeSidecars: true }, { authorino: onState.authorino.envoyFilterSpec, limitador: onState.limitador.envoyFilterSpec });
        assert.deepEqual(refused(walkTransition(disabled, onState)), []);
        const offState = finalState(disabled, onState);
        assert.deepEqual(LINKS.map((l) => [offState[l].sidecar, acceptance(offState[l], l)]), [[false, "plaintext"], [false, "plaintext"]]);
    });

    it("the same check refuses the old socket without ALPN under PERMISSIVE (so it can fail)", async () => {
        const enabled = await run({}, operatorSpecs());
        const enabling = walkTransition(enabled, NOT_PRESENT, withoutAlpn);
        // Every order has both TLS patches applied while the policy is still PERMISSIVE.
        const bad = refused(enabling);
        assert.ok(bad.length > 0, "the seed's socket must be flagged");
        const tlsApplied = enabling.filter((st) => st.label.endsWith("kuadrant-ratelimiting-external") || st.label.endsWith("kuadrant-auth-external"));
        assert.equal(tlsApplied.length, 8);
        for (const st of tlsApplied) {
            assert.ok(LINKS.some((l) => st.chains[l] === "none"), `${st.label}: a TLS client without an Istio ALPN is refused by the PERMISSIVE port`);
        }
        // Direct: TLS without ALPN on a PERMISSIVE gRPC port has no chain; with ALPN `istio` it is mTLS.
        assert.equal(inboundFilterChain("PERMISSIVE", { kind: "tls", alpn: [] }, "http"), "none");
        assert.equal(inboundFilterChain("PERMISSIVE", { kind: "tls", alpn: ["istio"] }, "http"), "mtls");
    });

    it("delete of Manual mode: both EnvoyFilter patches are retained, and the disable step leaves the operator's live spec", async () => {
        const enabled = await run({}, operatorSpecs());
        const onState = finalState(enabled, NOT_PRESENT);
        const disabled = await run({ enabled: false }, { authorino: onState.authorino.envoyFilterSpec, limitador: onState.limitador.envoyFilterSpec });
        for (const r of [enabled, disabled]) {
            const patches = r.ofType(EF_PATCH);
            assert.equal(patches.length, 2);
            for (const p of patches) {
                assert.equal(p.retainOnDelete, true, `${p.name} is retained on delete`);
            }
        }
        const patches = disabled.ofType(EF_PATCH);
        assert.deepEqual(patches.map((p) => meta(p).name).sort(), [ENVOY_FILTER.authorino, ENVOY_FILTER.limitador]);
        for (const l of LINKS) {
            const p = patches.find((x) => meta(x).name === ENVOY_FILTER[l]);
            assert.ok(p);
            assert.deepEqual(p.inputs.spec, OPERATOR_LIVE[l].spec, `${l}: the operator's spec, its cluster kept and no transport socket`);
            assert.deepEqual(clusterValues(p.inputs.spec).map((v) => [v.name, "transport_socket" in v]), [[CLUSTER[l], false]]);
        }
    });
});
