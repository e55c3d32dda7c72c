// Transition safety over the changes a platform team makes (issue 16 item 4): each side is a program run
// under the mock runtime; its posture documents (objects and facts, tests/posture/program.ts) carry the
// resource that applies them, and the dependency graph the components declare orders the steps. Every
// dependency-respecting intermediate state is evaluated by the posture engine (sdk/posture/transitions.ts):
// a link mtls on both sides stays mtls throughout, and X -> Y passes only through X or Y.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { IstioMesh, KuadrantMtls, KuadrantMtlsMode, MtlsMode, MtlsPlatform, MtlsPlatformArgs, RotationPhase } from "../../sdk";
import type { KubeObject, TransitionVerdict } from "../../sdk/posture";
import { changeSteps, computePosture, documentsInput, linkStates, objectKey, transitionSafety } from "../../sdk/posture";
import { ProgramResult, RunOptions, liveReads, runProgram } from "../harness";
import { liveFilters } from "../mocks/kuadrantOperator";
import { programPostureInput } from "../posture/program";

const ROOT = path.join(__dirname, "..", "..");

/** The live EnvoyFilters the Kuadrant operator wrote for gateway gw-ns/gw (Manual mode reads and patches them). */
const liveEnvoyFilters: RunOptions = liveReads(liveFilters("gw", "gw-ns"));

/** The documents of a run and the owner of each, by document key. */
function documents(r: ProgramResult<unknown>): { docs: KubeObject[]; owner: Map<string, string> } {
    const p = programPostureInput(r, ROOT);
    return { docs: p.documents.map((d) => d.doc), owner: new Map(p.documents.map((d) => [objectKey(d.doc), d.owner])) };
}

/**
 * The verdict for going from `before` to `after`; `plant` rewrites the after documents (to plant a
 * defect the programs cannot express).
 */
function verdict(before: ProgramResult<unknown>, after: ProgramResult<unknown>, plant: (d: KubeObject) => KubeObject = (d) => d): TransitionVerdict {
    const b = documents(before);
    const a = documents(after);
    const afterDocs = a.docs.map(plant);
    const steps = changeSteps(b.docs, afterDocs);
    const keys = steps.map((s) => s.key);
    const dependsOn: Record<string, string[]> = {};
    for (const s of steps) {
        // Creates and updates wait in the after program's graph; deletes in the before program's.
        const [run, owners] = s.op === "delete" ? [before, b.owner] : [after, a.owner];
        const mine = run.byUrn(owners.get(s.key) as string);
        dependsOn[s.key] = keys.filter((k) => {
            const theirs = owners.get(k);
            return k !== s.key && theirs !== undefined && theirs !== mine.urn && run.dependsOn(mine, run.byUrn(theirs));
        });
    }
    return transitionSafety({ before: b.docs, steps, dependsOn, evaluate: (docs) => linkStates(computePosture(documentsInput(docs))) });
}

function assertSafe(v: TransitionVerdict): void {
    assert.equal(v.verdict, "safe", `${v.reason}\n${JSON.stringify(v.violations, null, 2)}`);
    assert.ok(v.states >= 2, `${v.states} states: the change has steps`);
}

/** Kuadrant with its mesh (PERMISSIVE mesh-wide, as the example). */
const kuadrant = (args: ConstructorParameters<typeof KuadrantMtls>[1]) => () => {
    const mesh = new IstioMesh("mesh", { mtlsMode: MtlsMode.PERMISSIVE });
    new KuadrantMtls("k", args, { dependsOn: [mesh] });
};
const manual = (enabled: boolean) => kuadrant({ mode: KuadrantMtlsMode.Manual, kuadrantVersion: "1.2.0", enabled, gateways: [{ name: "gw", namespace: "gw-ns" }] });

describe("reliability: transition safety of the covered transitions (posture engine over every intermediate state)", () => {
    it("Kuadrant Manual on and off: sidecars, then client TLS with ALPN istio, then STRICT (and back): safe", async () => {
        const off = await runProgram(manual(false), liveEnvoyFilters);
        const on = await runProgram(manual(true), liveEnvoyFilters);
        assertSafe(verdict(off, on));
        assertSafe(verdict(on, off));
    });

    it("planted: the seed's Manual order with a transport socket without ALPN is flagged (PERMISSIVE has no chain for it)", async () => {
        const off = await runProgram(manual(false), liveEnvoyFilters);
        const on = await runProgram(manual(true), liveEnvoyFilters);
        const dropAlpn = (d: KubeObject): KubeObject => {
            if (d.kind !== "EnvoyFilter") {
                return d;
            }
            const copy = JSON.parse(JSON.stringify(d)) as KubeObject;
            for (const p of (copy.spec as { configPatches: Array<{ patch: { value: { transport_socket?: { typed_config: { common_tls_context: { alpn_protocols?: string[] } } } } } }> }).configPatches) {
                delete p.patch.value.transport_socket?.typed_config.common_tls_context.alpn_protocols;
            }
            return copy;
        };
        const v = verdict(off, on, dropAlpn);
        assert.equal(v.verdict, "unsafe", v.reason);
        const links = v.violations.map((x) => `${x.link}: ${x.before} -> ${x.intermediate} -> ${x.after}`);
        assert.deepEqual(links, [
            "gateway gw-ns/gw -> kuadrant-system/authorino-authorino-authorization:50051: plaintext -> refused -> mtls",
            "gateway gw-ns/gw -> kuadrant-system/limitador-limitador:8081: plaintext -> refused -> mtls",
        ]);
        // The state: client TLS applied, the servers still PERMISSIVE.
        assert.ok(v.violations[0].applied.some((s) => /EnvoyFilter gw-ns\/kuadrant-auth-gw/.test(s)), v.violations[0].applied.join("; "));
        assert.ok(!v.violations[0].applied.some((s) => /PeerAuthentication/.test(s)), v.violations[0].applied.join("; "));
    });

    it("Kuadrant Operator on and off: the operator applies client TLS, its STRICT policy and the sidecar labels independently, so the transition is unsafe (flagged, and documented)", async () => {
        // kuadrant-operator v1.5.2 reconciles the EnvoyFilter clusters, its PeerAuthentication and the
        // Deployments' sidecar label in separate reconcilers (sdk/kuadrant/posture.ts): a cluster sending TLS
        // before the pods are re-created with a sidecar is refused. meshtls cannot order the operator's work;
        // Manual mode (above) orders it.
        const off = await runProgram(kuadrant({ enabled: false }));
        const on = await runProgram(kuadrant({}));
        const enable = verdict(off, on);
        assert.equal(enable.verdict, "unsafe", enable.reason);
        assert.deepEqual(
            enable.violations.map((x) => [x.link, x.before, x.intermediate, x.after, x.applied.join("; ")]),
            [
                ["gateway */* -> kuadrant-system/authorino-authorino-authorization:50051", "plaintext", "refused", "mtls", "update EnvoyFilter */kuadrant-auth-*"],
                ["gateway */* -> kuadrant-system/limitador-limitador:8081", "plaintext", "refused", "mtls", "update EnvoyFilter */kuadrant-ratelimiting-*"],
            ],
        );
        assert.equal(verdict(on, off).verdict, "unsafe");
    });

    it("Gloo on and off (xDS TLS): safe", async () => {
        const on = await runProgram(() => new MtlsPlatform("p", { gloo: {} }));
        const off = await runProgram(() => new MtlsPlatform("p", { gloo: { xds: false } }));
        assertSafe(verdict(off, on));
        assertSafe(verdict(on, off));
    });

    it("mtlsMode STRICT <-> PERMISSIVE with every integration: safe", async () => {
        const platform = (mtlsMode: MtlsMode) => () => new MtlsPlatform("p", { istio: { mtlsMode }, kuadrant: {}, gloo: {}, authz: {} });
        const strict = await runProgram(platform(MtlsMode.STRICT));
        const permissive = await runProgram(platform(MtlsMode.PERMISSIVE));
        for (const v of [verdict(strict, permissive), verdict(permissive, strict)]) {
            assert.notEqual(v.verdict, "unsafe", JSON.stringify(v.violations));
            assert.equal(v.verdict, "safe", v.reason);
        }
    });

    it("CA rotation phases (Stable g1 -> TrustNew -> ServeNew -> Stable g2): no link changes state", async () => {
        const phase = (ca: Partial<MtlsPlatformArgs["ca"]>) => () => new MtlsPlatform("p", { ca: { intermediate: {}, ...ca }, gloo: {}, authz: {} });
        const runs = [
            await runProgram(phase({ generation: 1 })),
            await runProgram(phase({ generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.TrustNew })),
            await runProgram(phase({ generation: 2, previousGeneration: 1, rotationPhase: RotationPhase.ServeNew })),
            await runProgram(phase({ generation: 2 })),
        ];
        assert.equal(runs.length, 4);
        for (let i = 1; i < runs.length; i++) {
            const v = verdict(runs[i - 1], runs[i]);
            assert.equal(v.verdict, "safe", `phase ${i}: ${v.reason}`);
        }
    });

    it("a revision change (default -> canary) in one update is unsafe: the new control plane and the relabelled namespaces land in separate steps (flagged, and documented)", async () => {
        // Injection follows the namespace labels and the installed revision together
        // (sdk/posture/rules/sidecarInjection.ts); whichever lands first, a workload's pods are injected by
        // neither in between, and a STRICT server without a sidecar refuses mesh clients.
        const platform = (revision?: string) => () => new MtlsPlatform("p", { istio: revision ? { revision } : {}, kuadrant: {}, authz: {} });
        const v = verdict(await runProgram(platform()), await runProgram(platform("canary")));
        assert.equal(v.verdict, "unsafe", v.reason);
        assert.ok(v.violations.length >= 2, JSON.stringify(v.violations));
        for (const x of v.violations) {
            assert.deepEqual([x.before, x.after], ["mtls", "mtls"], x.link);
            assert.notEqual(x.intermediate, "mtls");
        }
        assert.ok(v.violations.some((x) => x.applied.includes("update MeshFacts mesh")), JSON.stringify(v.violations.map((x) => x.applied)));
    });
});
