// The rule "what ztunnel enforces for PeerAuthentication" (sdk/posture/rules/ztunnelPeerAuthentication.ts,
// citing istio/istio 1.30.3 pilot/pkg/serviceregistry/ambient/authorization.go
// convertedSelectorPeerAuthentications / convertPeerAuthentication, policies.go DefaultPolicy, and
// istio/ztunnel 1.30.3 src/rbac.rs): each expectation below is worked out by hand from those functions.
import { strict as assert } from "node:assert";
import { AmbientPeerAuthentications, ambientPolicyProblems, ztunnelEnforcedMode } from "../../../sdk/posture/rules/ztunnelPeerAuthentication";

const mode = (p: AmbientPeerAuthentications, port = 8080) => ztunnelEnforcedMode(p, port).mode;
const SEL = { app: "web" };

describe("rule: ztunnel PeerAuthentication enforcement (istio 1.30.3 ambient)", () => {
    it("no PeerAuthentication: PERMISSIVE, nothing attached", () => {
        assert.deepEqual(ztunnelEnforcedMode({}, 8080).policies, []);
        assert.equal(mode({}), "PERMISSIVE");
    });

    it("mesh STRICT attaches the static STRICT policy; namespace UNSET inherits it, namespace PERMISSIVE or DISABLE clears it", () => {
        const strict = ztunnelEnforcedMode({ mesh: { mode: "STRICT" } }, 8080);
        assert.equal(strict.mode, "STRICT");
        assert.deepEqual(strict.policies, ["istio_converted_static_strict"]);
        assert.equal(mode({ mesh: { mode: "STRICT" }, namespace: { mode: "UNSET" } }), "STRICT");
        assert.equal(mode({ mesh: { mode: "STRICT" }, namespace: {} }), "STRICT");
        assert.equal(mode({ mesh: { mode: "STRICT" }, namespace: { mode: "PERMISSIVE" } }), "PERMISSIVE");
        assert.equal(mode({ mesh: { mode: "STRICT" }, namespace: { mode: "DISABLE" } }), "PERMISSIVE");
        assert.equal(mode({ mesh: { mode: "PERMISSIVE" }, namespace: { mode: "STRICT" } }), "STRICT");
    });

    it("DISABLE is PERMISSIVE at every scope (ztunnel has no plaintext-only mode)", () => {
        assert.equal(mode({ mesh: { mode: "DISABLE" } }), "PERMISSIVE");
        assert.equal(mode({ mesh: { mode: "STRICT" }, workload: { mode: "DISABLE", selector: SEL } }), "PERMISSIVE");
        assert.equal(mode({ namespace: { mode: "PERMISSIVE" }, workload: { mode: "STRICT", selector: SEL } }), "STRICT");
    });

    it("workload STRICT with a PERMISSIVE (or DISABLE) port: that port accepts plaintext, the others do not", () => {
        const w = { mode: "STRICT" as const, selector: SEL, portLevelMtls: { 8080: "PERMISSIVE" as const } };
        const p = ztunnelEnforcedMode({ workload: w }, 8080);
        assert.equal(p.mode, "PERMISSIVE");
        assert.deepEqual(p.policies, ["converted:workload"]);
        assert.equal(mode({ workload: w }, 9090), "STRICT");
        assert.equal(mode({ workload: { ...w, portLevelMtls: { 8080: "DISABLE" } } }, 8080), "PERMISSIVE");
        assert.equal(mode({ workload: { ...w, portLevelMtls: { 8080: "DISABLE" } } }, 9090), "STRICT");
        // All ports STRICT: just the static STRICT policy.
        assert.deepEqual(ztunnelEnforcedMode({ workload: { ...w, portLevelMtls: { 8080: "STRICT" } } }, 8080).policies, ["istio_converted_static_strict"]);
    });

    it("workload PERMISSIVE with a STRICT port: only that port denies plaintext", () => {
        const w = { mode: "PERMISSIVE" as const, selector: SEL, portLevelMtls: { 9090: "STRICT" as const } };
        assert.equal(mode({ workload: w }, 9090), "STRICT");
        assert.equal(mode({ workload: w }, 8080), "PERMISSIVE");
        assert.equal(mode({ namespace: { mode: "PERMISSIVE" }, workload: w }, 9090), "STRICT");
    });

    it("workload UNSET under a STRICT namespace with a PERMISSIVE port: merged policy, the port is exempt", () => {
        const all = { namespace: { mode: "STRICT" as const }, workload: { selector: SEL, portLevelMtls: { 8080: "PERMISSIVE" as const } } };
        assert.equal(mode(all, 8080), "PERMISSIVE");
        assert.equal(mode(all, 9090), "STRICT");
        assert.deepEqual(ztunnelEnforcedMode(all, 9090).policies, ["converted:workload"]);
        // Mesh STRICT without a namespace policy merges the same way.
        const meshOnly = { mesh: { mode: "STRICT" as const }, workload: all.workload };
        assert.equal(mode(meshOnly, 8080), "PERMISSIVE");
        assert.equal(mode(meshOnly, 9090), "STRICT");
    });

    it("workload UNSET under a non-STRICT parent with a STRICT port: only that port is STRICT", () => {
        const all = { mesh: { mode: "PERMISSIVE" as const }, workload: { selector: SEL, portLevelMtls: { 9090: "STRICT" as const } } };
        assert.equal(mode(all, 9090), "STRICT");
        assert.equal(mode(all, 8080), "PERMISSIVE");
        assert.equal(mode({ workload: all.workload }, 9090), "STRICT");
    });

    it("upstream quirk: workload UNSET under a STRICT parent with only DISABLE ports keeps those ports STRICT", () => {
        const all = { namespace: { mode: "STRICT" as const }, workload: { selector: SEL, portLevelMtls: { 8080: "DISABLE" as const } } };
        assert.equal(mode(all, 8080), "STRICT");
        // With a PERMISSIVE port beside it, the DISABLE port is exempt too (both add "port != p").
        assert.equal(mode({ ...all, workload: { selector: SEL, portLevelMtls: { 8080: "DISABLE", 8081: "PERMISSIVE" } } }, 8080), "PERMISSIVE");
    });

    it("upstream quirks: a STRICT parent taken for granted leaves nothing converted, so STRICT is lost", () => {
        // Mesh STRICT, namespace policy with mode UNSET, workload UNSET with a PERMISSIVE port: every port accepts plaintext.
        const unsetNs = { mesh: { mode: "STRICT" as const }, namespace: { mode: "UNSET" as const }, workload: { selector: SEL, portLevelMtls: { 8080: "PERMISSIVE" as const } } };
        assert.equal(mode(unsetNs, 9090), "PERMISSIVE");
        assert.deepEqual(ztunnelEnforcedMode(unsetNs, 9090).policies, ["converted:workload (referenced, not sent)"]);
        // Mesh STRICT, no namespace policy, workload PERMISSIVE with a STRICT port: the port is not STRICT.
        const permissiveWl = { mesh: { mode: "STRICT" as const }, workload: { mode: "PERMISSIVE" as const, selector: SEL, portLevelMtls: { 9090: "STRICT" as const } } };
        assert.equal(mode(permissiveWl, 9090), "PERMISSIVE");
        // The same workload under a STRICT namespace keeps its STRICT port.
        assert.equal(mode({ ...permissiveWl, namespace: { mode: "STRICT" } }, 9090), "STRICT");
    });
});

describe("rule: PeerAuthentication problems in ambient", () => {
    it("STRICT and PERMISSIVE without port-level entries have no problem", () => {
        assert.deepEqual(ambientPolicyProblems({ mode: "STRICT" }, "mesh"), []);
        assert.deepEqual(ambientPolicyProblems({ mode: "PERMISSIVE" }, "namespace"), []);
        assert.deepEqual(ambientPolicyProblems({ mode: "STRICT", selector: SEL, portLevelMtls: { 8080: "PERMISSIVE" } }, "workload", { mesh: { mode: "STRICT" } }), []);
    });

    it("DISABLE at any scope is flagged, naming authorization.go", () => {
        for (const scope of ["mesh", "namespace", "workload"] as const) {
            const out = ambientPolicyProblems({ mode: "DISABLE", selector: scope === "workload" ? SEL : undefined }, scope);
            assert.equal(out.length, 1, scope);
            assert.equal(out[0].rule, "disable-is-permissive");
            assert.match(out[0].source, /pilot\/pkg\/serviceregistry\/ambient\/authorization\.go/);
        }
    });

    it("port-level entries outside a workload selector are ignored", () => {
        const out = ambientPolicyProblems({ mode: "STRICT", portLevelMtls: { 8080: "PERMISSIVE" } }, "namespace");
        assert.deepEqual(out.map((p) => p.rule), ["port-level-ignored"]);
        assert.match(out[0].source, /policies\.go/);
    });

    it("a port-level DISABLE is flagged; under an UNSET mode and a STRICT parent it also stays STRICT", () => {
        assert.deepEqual(ambientPolicyProblems({ mode: "STRICT", selector: SEL, portLevelMtls: { 8080: "DISABLE" } }, "workload").map((p) => p.rule), ["port-disable-is-permissive"]);
        assert.deepEqual(
            ambientPolicyProblems({ selector: SEL, portLevelMtls: { 8080: "DISABLE" } }, "workload", { namespace: { mode: "STRICT" } }).map((p) => p.rule),
            ["port-disable-is-permissive", "port-disable-stays-strict"],
        );
    });

    it("STRICT lost to an UNSET namespace policy or to a STRICT port under a PERMISSIVE workload is flagged", () => {
        const a = ambientPolicyProblems({ selector: SEL, portLevelMtls: { 8080: "PERMISSIVE" } }, "workload", { mesh: { mode: "STRICT" }, namespace: { mode: "UNSET" } });
        assert.deepEqual(a.map((p) => p.rule), ["strict-not-enforced"]);
        assert.match(a[0].reason, /the ports not listed/);
        const b = ambientPolicyProblems({ mode: "PERMISSIVE", selector: SEL, portLevelMtls: { 9090: "STRICT" } }, "workload", { mesh: { mode: "STRICT" } });
        assert.deepEqual(b.map((p) => p.rule), ["strict-not-enforced"]);
        assert.match(b[0].reason, /port 9090/);
        // Same specs without the quirky parents: no problem.
        assert.deepEqual(ambientPolicyProblems({ selector: SEL, portLevelMtls: { 8080: "PERMISSIVE" } }, "workload", { namespace: { mode: "STRICT" } }), []);
        assert.deepEqual(ambientPolicyProblems({ mode: "PERMISSIVE", selector: SEL, portLevelMtls: { 9090: "STRICT" } }, "workload", { namespace: { mode: "STRICT" } }), []);
    });
});
