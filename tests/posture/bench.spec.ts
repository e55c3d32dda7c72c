// The posture engine at scale (issue 16: engine time grows linearly with the bench platform's N). No timing
// assertion here (2 shared cores make timings flaky; bench/posture.ts measures them): instead, the bench
// runs at small N, every lookup the engine makes reads only the namespaces it concerns (the structure that
// keeps it linear), and a generated many-namespace input gives the states the upstream rules give.
import { strict as assert } from "node:assert";
import { POSTURE_BENCH_INPUTS, benchPostureInput, growthRatios, postureBenchReport, runPostureBench } from "../../bench/posture";
import type { DestinationRuleView, KubeObject, LinkState, MeshFacts, PeerAuthenticationObject, PostureInput } from "../../sdk/posture";
import { DEFAULT_MESH_FACTS, computePosture } from "../../sdk/posture";

const MESH: MeshFacts = { ...DEFAULT_MESH_FACTS };

const VARIANTS = 6;

/**
 * A mesh-wide STRICT PeerAuthentication, and per namespace `ns-<i>` an app (Deployment + Service app:80 ->
 * 8080, port name http) in variant i % 6:
 * 0: injected, inherits STRICT; 1: injected, namespace PERMISSIVE; 2: not injected;
 * 3: injected, STRICT, its own DestinationRule `tls: DISABLE`; 4: injected, PERMISSIVE, its own DestinationRule `SIMPLE`;
 * 5: injected, namespace PERMISSIVE but a workload STRICT, and a root-namespace DestinationRule `DISABLE` for its host.
 */
function generated(n: number): PostureInput {
    const pa = (namespace: string, mode: string, selector?: Record<string, string>): KubeObject => ({
        apiVersion: "security.istio.io/v1",
        kind: "PeerAuthentication",
        metadata: { name: selector ? "app" : "default", namespace },
        spec: { mtls: { mode }, ...(selector ? { selector: { matchLabels: selector } } : {}) },
    });
    const dr = (namespace: string, name: string, host: string, mode: string): KubeObject => ({ apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name, namespace }, spec: { host, trafficPolicy: { tls: { mode } } } });
    const objects: KubeObject[] = [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "istio-system" } }, pa("istio-system", "STRICT")];
    for (let i = 0; i < n; i++) {
        const ns = `ns-${i}`;
        const v = i % VARIANTS;
        objects.push(
            { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: v === 2 ? {} : { "istio-injection": "enabled" } } },
            {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: "app", namespace: ns },
                spec: { template: { metadata: { labels: { app: "app" } }, spec: { containers: [{ name: "app", ports: [{ name: "http", containerPort: 8080 }] }] } } },
            },
            { apiVersion: "v1", kind: "Service", metadata: { name: "app", namespace: ns }, spec: { selector: { app: "app" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] } },
        );
        if (v === 1) {
            objects.push(pa(ns, "PERMISSIVE"));
        } else if (v === 3) {
            objects.push(pa(ns, "STRICT"), dr(ns, "app", "app", "DISABLE"));
        } else if (v === 4) {
            objects.push(pa(ns, "PERMISSIVE"), dr(ns, "app", `app.${ns}.svc.cluster.local`, "SIMPLE"));
        } else if (v === 5) {
            objects.push(pa(ns, "PERMISSIVE"), pa(ns, "STRICT", { app: "app" }), dr("istio-system", `app-${ns}`, `app.${ns}.svc.cluster.local`, "DISABLE"));
        }
    }
    return { objects, mesh: MESH };
}

/**
 * The state of `mesh -> ns-<i>/app:80` per variant, from the rules (sdk/posture/rules): 0 auto-mTLS to an
 * injected pod under STRICT; 1 auto-mTLS with Istio's ALPN under PERMISSIVE; 2 auto-mTLS sends plain text
 * to a pod without sidecar, which takes it; 3 DISABLE sends plain text, STRICT has no chain for it;
 * 4 SIMPLE has no Istio ALPN, and an HTTP port under PERMISSIVE has no pass-through chain; 5 the root
 * namespace's rule (exported to every namespace) sends plain text, the workload policy is STRICT.
 */
const EXPECTED: readonly LinkState[] = ["mtls", "mtls", "plaintext", "refused", "refused", "refused"];

describe("posture engine at scale", () => {
    it("the bench runs at small N: every input, every size, links growing by one (platform) or two (with apps) per namespace", () => {
        const rows = runPostureBench({ sizes: [10, 20], warmup: 0, runs: 1 });
        assert.equal(rows.length, POSTURE_BENCH_INPUTS.length * 2);
        const links = (input: string, n: number) => rows.filter((r) => r.input === input && r.n === n).map((r) => r.links);
        // Per namespace: a Gloo upstream link (and, with the apps, the mesh link to app:8080).
        assert.equal(links("platform", 20)[0] - links("platform", 10)[0], 10);
        assert.equal(links("platform + apps", 20)[0] - links("platform + apps", 10)[0], 20);
        for (const r of rows) {
            assert.ok(Number.isFinite(r.medianMs) && r.minMs <= r.medianMs && r.medianMs <= r.maxMs, `${r.input} N=${r.n}`);
        }
        const report = postureBenchReport({ sizes: [10, 20], warmup: 0, runs: 1 }, rows);
        assert.equal(report.split("\n").filter((l) => /^\| platform/.test(l)).length, rows.length);
        assert.deepEqual(growthRatios(rows, 10, 20).map((g) => g.input), [...POSTURE_BENCH_INPUTS]);
        assert.deepEqual(growthRatios(rows), [], "no ratio without N=100 and N=1000");
    });

    it("with the apps, every Gloo upstream and mesh link of the bench platform reaches its workload (the paths the bench times)", () => {
        const states = computePosture(benchPostureInput(12, "platform + apps")).links.filter((l) => /ns-\d+\/app:8080$/.test(l.server));
        assert.equal(states.length, 24);
        for (const l of states) {
            assert.equal(l.state, "mtls", l.id);
        }
    });

    it("each PeerAuthentication and DestinationRule lookup reads only the namespaces it concerns, so work grows linearly", () => {
        // The engine calls the rule modules through their CommonJS exports: wrap them to see what they get.
        /* eslint-disable @typescript-eslint/no-require-imports */
        const paRule = require("../../sdk/posture/rules/peerAuthenticationPrecedence") as { effectivePeerAuthentication: (p: readonly PeerAuthenticationObject[], ns: string, root: string, ...rest: unknown[]) => unknown };
        const drRule = require("../../sdk/posture/rules/istioDestinationRuleTls") as { applicableDestinationRule: (call: { clientNamespace: string; serviceNamespace: string; rootNamespace: string }, rules: DestinationRuleView[]) => unknown };
        /* eslint-enable @typescript-eslint/no-require-imports */
        const pa0 = paRule.effectivePeerAuthentication;
        const dr0 = drRule.applicableDestinationRule;
        const seen = { paCalls: 0, paItems: 0, drCalls: 0, strays: [] as string[] };
        paRule.effectivePeerAuthentication = (p, ns, root, ...rest) => {
            seen.paCalls++;
            seen.paItems += p.length;
            seen.strays.push(...p.filter((x) => x.namespace !== ns && x.namespace !== root).map((x) => `PeerAuthentication ${x.namespace}/${x.name} for ${ns}`));
            return pa0(p, ns, root, ...rest);
        };
        drRule.applicableDestinationRule = (call, rules) => {
            seen.drCalls++;
            const mine = [call.clientNamespace, call.serviceNamespace, call.rootNamespace];
            seen.strays.push(...rules.filter((r) => !mine.includes(r.namespace)).map((r) => `DestinationRule ${r.namespace}/${r.host} for ${call.serviceNamespace}`));
            return dr0(call, rules);
        };
        const run = (n: number) => {
            Object.assign(seen, { paCalls: 0, paItems: 0, drCalls: 0, strays: [] });
            assert.equal(computePosture(generated(n)).links.length, n);
            return { ...seen };
        };
        try {
            const small = run(60);
            const large = run(120);
            assert.ok(small.paCalls > 0 && small.drCalls > 0, "the wrappers see the engine's calls");
            assert.deepEqual([small.strays, large.strays], [[], []]);
            // Linear: twice the namespaces, twice the calls and twice the PeerAuthentications read.
            assert.deepEqual([large.paCalls, large.drCalls, large.paItems], [2 * small.paCalls, 2 * small.drCalls, 2 * small.paItems]);
        } finally {
            paRule.effectivePeerAuthentication = pa0;
            drRule.applicableDestinationRule = dr0;
        }
    });

    it("a generated 50-namespace input gives, per namespace, the state the rules give, decided by its own and the root namespace's objects only", () => {
        const n = 50;
        const links = computePosture(generated(n)).links;
        assert.equal(links.length, n);
        for (let i = 0; i < n; i++) {
            const id = `mesh -> ns-${i}/app:80`;
            const l = links.filter((x) => x.id === id);
            assert.equal(l.length, 1, id);
            assert.equal(l[0].state, EXPECTED[i % VARIANTS], `${id}: ${l[0].reason}`);
            const foreign = l[0].decidedBy.filter((o) => !o.includes(` ns-${i}/`) && !o.includes(" istio-system/") && o !== `Namespace ns-${i}`);
            assert.deepEqual(foreign, [], id);
        }
        // Variant 5 is decided by the root namespace's rule for its host and by its workload policy.
        const v5 = links.filter((x) => x.id === "mesh -> ns-5/app:80");
        assert.equal(v5.length, 1);
        assert.ok(v5[0].decidedBy.includes("DestinationRule istio-system/app-ns-5") && v5[0].decidedBy.includes("PeerAuthentication ns-5/app"), v5[0].decidedBy.join(", "));
    });
});
