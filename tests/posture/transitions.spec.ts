// Transition safety (issue 16 item 4): the intermediate states of a change as Pulumi runs it (down-closed
// sets of creates/updates, then deletes in reverse dependency order, replacements create-before-delete or
// delete-before-replace), and the rule that a link only shows its before or after state on the way.
// Synthetic evaluators over tiny objects: the engine is not involved.
import { strict as assert } from "node:assert";
import type { KubeObject, LinkState } from "../../sdk/posture/model";
import { changeSteps, ChangeStep, DEFAULT_TRANSITION_STATE_CAP, describeVerdict, objectKey, transitionSafety, TransitionInput } from "../../sdk/posture/transitions";

/** A tiny object in namespace `ns`; `v` marks its version so states can be told apart. */
function obj(kind: string, name: string, v = 1, apiVersion = "test.meshtls.dev/v1"): KubeObject {
    return { apiVersion, kind, metadata: { name, namespace: "ns" }, spec: { v } };
}
const key = (name: string, kind = "Thing"): string => objectKey(obj(kind, name));
const versionOf = (o: KubeObject): number => (o.spec as { v: number }).v;
/** `name@v` for every object of a state, in the order given. */
const names = (objects: KubeObject[]): string[] => objects.map((o) => `${o.metadata.name}@${versionOf(o)}`);

/** An evaluator that records every state it is given (as `name@v` lists) and reports one constant link. */
function recorder(links: (objects: KubeObject[]) => ReadonlyMap<string, LinkState> = () => new Map([["L", "mtls"]])) {
    const calls: string[][] = [];
    const evaluate = (objects: KubeObject[]): ReadonlyMap<string, LinkState> => {
        calls.push(names(objects));
        return links(objects);
    };
    return { calls, evaluate };
}

/** The recorded states as sorted comma lists of names (versions left out), sorted. */
const stateSets = (calls: string[][]): string[] => calls.map((c) => c.map((n) => n.split("@")[0]).sort().join(",")).sort();

describe("posture: transition safety (Pulumi step order, issue 16 item 4)", () => {
    describe("objectKey", () => {
        it("is group/Kind/namespace/name, without the version; core group and cluster scope spelled out", () => {
            assert.equal(objectKey(obj("PeerAuthentication", "default", 1, "security.istio.io/v1")), "security.istio.io/PeerAuthentication/ns/default");
            assert.equal(objectKey(obj("PeerAuthentication", "default", 1, "security.istio.io/v1beta1")), "security.istio.io/PeerAuthentication/ns/default");
            assert.equal(objectKey(obj("Service", "web", 1, "v1")), "core/Service/ns/web");
            assert.equal(objectKey({ apiVersion: "v1", kind: "Namespace", metadata: { name: "istio-system" } }), "core/Namespace//istio-system");
        });
    });

    describe("changeSteps", () => {
        it("identical inputs give no steps, and the verdict is safe with one state", () => {
            const objects = [obj("Thing", "a"), obj("Thing", "b")];
            const steps = changeSteps(objects, objects.map((o) => structuredClone(o)));
            assert.deepEqual(steps, []);
            const r = recorder();
            const v = transitionSafety({ before: objects, steps, dependsOn: {}, evaluate: r.evaluate });
            assert.equal(v.verdict, "safe");
            assert.equal(v.states, 1);
            assert.deepEqual(v.violations, []);
            assert.match(v.reason, /No steps/);
        });

        it("classifies create, update, delete and replace, sorted by key; key order inside objects is not a change", () => {
            const reordered: KubeObject = { kind: "Thing", spec: { v: 1 }, metadata: { namespace: "ns", name: "same" }, apiVersion: "test.meshtls.dev/v1" };
            const before = [obj("Thing", "upd"), obj("Thing", "gone"), obj("Thing", "same"), obj("Thing", "rep")];
            const after = [obj("Thing", "rep", 2), obj("Thing", "new"), reordered, obj("Thing", "upd", 2)];
            const steps = changeSteps(before, after, { replaceKeys: new Set([key("rep"), key("same")]) });
            assert.deepEqual(
                steps.map((s) => [s.key, s.op, s.deleteBeforeReplace]),
                [
                    [key("gone"), "delete", undefined],
                    [key("new"), "create", undefined],
                    [key("rep"), "replace", true],
                    [key("upd"), "update", undefined],
                ],
            );
            assert.equal(steps.length, 4);
            for (const s of steps) {
                assert.equal(s.before === undefined, s.op === "create", s.key);
                assert.equal(s.after === undefined, s.op === "delete", s.key);
            }
        });

        it("refuses a key that occurs twice in one list", () => {
            assert.throws(() => changeSteps([obj("Thing", "a"), obj("Thing", "a", 2)], []), /Thing\/ns\/a occurs twice in the before objects/);
        });
    });

    describe("the states enumerated", () => {
        it("a chain of 3 creates gives exactly the 4 prefixes", () => {
            const r = recorder();
            const v = transitionSafety({
                before: [],
                steps: changeSteps([], [obj("Thing", "a"), obj("Thing", "b"), obj("Thing", "c")]),
                dependsOn: { [key("b")]: [key("a")], [key("c")]: [key("b")] },
                evaluate: r.evaluate,
            });
            assert.equal(v.states, 4);
            assert.equal(r.calls.length, 4, "one evaluation per state");
            assert.deepEqual(stateSets(r.calls), ["", "a", "a,b", "a,b,c"]);
            assert.equal(v.verdict, "safe");
        });

        it("two independent steps give 4 states (either can finish first)", () => {
            const r = recorder();
            const v = transitionSafety({ before: [], steps: changeSteps([], [obj("Thing", "a"), obj("Thing", "b")]), dependsOn: new Map(), evaluate: r.evaluate });
            assert.equal(v.states, 4);
            assert.deepEqual(stateSets(r.calls), ["", "a", "a,b", "b"]);
        });

        it("a diamond (b, c on a; d on b and c) gives its 6 down-closed sets and never d without both b and c", () => {
            const r = recorder();
            const v = transitionSafety({
                before: [],
                steps: changeSteps([], ["a", "b", "c", "d"].map((n) => obj("Thing", n))),
                dependsOn: { [key("b")]: [key("a")], [key("c")]: [key("a")], [key("d")]: [key("b"), key("c")] },
                evaluate: r.evaluate,
            });
            assert.equal(v.states, 6);
            assert.deepEqual(stateSets(r.calls), ["", "a", "a,b", "a,b,c", "a,b,c,d", "a,c"]);
        });

        it("a long chain is enumerated without trying its 2^n subsets", () => {
            const n = 200;
            const objects = Array.from({ length: n }, (_, i) => obj("Thing", `t${String(i).padStart(3, "0")}`));
            const dependsOn: Record<string, string[]> = {};
            for (let i = 1; i < n; i++) dependsOn[objectKey(objects[i])] = [objectKey(objects[i - 1])];
            const r = recorder();
            const started = Date.now();
            const v = transitionSafety({ before: [], steps: changeSteps([], objects), dependsOn, evaluate: r.evaluate });
            assert.equal(v.states, n + 1);
            assert.equal(r.calls.length, n + 1);
            assert.equal(v.verdict, "safe");
            assert.ok(Date.now() - started < 5000, "well under a second on an idle machine");
        });

        it("dependencies on keys without a step are already satisfied and ignored", () => {
            const r = recorder();
            const v = transitionSafety({
                before: [obj("Thing", "base")],
                steps: changeSteps([obj("Thing", "base")], [obj("Thing", "base"), obj("Thing", "a")]),
                dependsOn: { [key("a")]: [key("base"), key("elsewhere")] },
                evaluate: r.evaluate,
            });
            assert.equal(v.states, 2);
            assert.deepEqual(stateSets(r.calls), ["a,base", "base"]);
        });

        it("a plain-object graph is read for own keys only", () => {
            const steps: ChangeStep[] = [{ key: "constructor", op: "create", after: obj("Thing", "x") }, { key: "toString", op: "create", after: obj("Thing", "y") }];
            const v = transitionSafety({ before: [], steps, dependsOn: {}, evaluate: recorder().evaluate });
            assert.equal(v.states, 4);
        });
    });

    describe("the cap", () => {
        const independent = (n: number) => changeSteps([], Array.from({ length: n }, (_, i) => obj("Thing", `t${String(i).padStart(2, "0")}`)));

        it("above the cap the verdict is unknown, never safe, and the reason names the cap and the steps", () => {
            const r = recorder();
            const v = transitionSafety({ before: [], steps: independent(13), dependsOn: {}, evaluate: r.evaluate }); // 2^13 = 8192 states
            assert.equal(DEFAULT_TRANSITION_STATE_CAP, 4096);
            assert.equal(v.verdict, "unknown");
            assert.equal(v.states, 4096);
            assert.equal(r.calls.length, 4096);
            assert.match(v.reason, /13 steps/);
            assert.match(v.reason, /more than 4096 states/);
        });

        it("exactly at the cap all states are evaluated and the verdict is safe; one over is unknown", () => {
            const at = transitionSafety({ before: [], steps: independent(2), dependsOn: {}, evaluate: recorder().evaluate, cap: 4 });
            assert.deepEqual([at.verdict, at.states], ["safe", 4]);
            const over = transitionSafety({ before: [], steps: independent(2), dependsOn: {}, evaluate: recorder().evaluate, cap: 3 });
            assert.deepEqual([over.verdict, over.states], ["unknown", 3]);
            assert.match(over.reason, /more than 3 states/);
        });

        it("a violation found before the cap is still unsafe (a reachable state), the reason says the search stopped", () => {
            const evaluate = (objects: KubeObject[]) => new Map<string, LinkState>([["L", objects.length === 1 ? "plaintext" : "mtls"]]);
            const v = transitionSafety({ before: [], steps: independent(13), dependsOn: {}, evaluate, cap: 100 });
            assert.equal(v.verdict, "unsafe");
            assert.equal(v.violations.length, 1);
            assert.match(v.reason, /stopped at the cap of 100 states \(13 steps\)/);
        });

        it("rejects a cap that cannot hold before and after", () => {
            assert.throws(() => transitionSafety({ before: [], steps: [], dependsOn: {}, evaluate: recorder().evaluate, cap: 1 }), /cap must be an integer >= 2/);
        });
    });

    describe("the link rule", () => {
        // Client TLS (a DestinationRule ISTIO_MUTUAL) and the server's PeerAuthentication, as in the Kuadrant
        // Manual procedure: TLS from the client before the server goes STRICT.
        const dr = (): KubeObject => ({ apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "server", namespace: "ns" }, spec: { tls: "ISTIO_MUTUAL" } });
        const pa = (mode: string): KubeObject => ({ apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "server", namespace: "ns" }, spec: { mode } });
        const mesh = (objects: KubeObject[]): ReadonlyMap<string, LinkState> => {
            const clientTls = objects.some((o) => o.kind === "DestinationRule");
            const strict = objects.some((o) => o.kind === "PeerAuthentication" && (o.spec as { mode: string }).mode === "STRICT");
            return new Map([["client -> ns/server:8080", clientTls ? "mtls" : strict ? "refused" : "plaintext"]]);
        };
        const before = [pa("PERMISSIVE")];
        const after = [pa("STRICT"), dr()];

        it("server STRICT with no dependency on the client's TLS: the state STRICT-without-TLS is refused -> unsafe", () => {
            const v = transitionSafety({ before, steps: changeSteps(before, after), dependsOn: {}, evaluate: mesh });
            assert.equal(v.states, 4);
            assert.equal(v.verdict, "unsafe");
            assert.deepEqual(v.violations, [
                { link: "client -> ns/server:8080", before: "plaintext", after: "mtls", intermediate: "refused", applied: ["update PeerAuthentication ns/server"] },
            ]);
            assert.match(v.reason, /1 link passes through a state that is neither its before nor its after state \(4 states evaluated\)/);
        });

        it("the same change with STRICT depending on the client's TLS is safe", () => {
            const v = transitionSafety({ before, steps: changeSteps(before, after), dependsOn: { [objectKey(pa("STRICT"))]: [objectKey(dr())] }, evaluate: mesh });
            assert.equal(v.states, 3);
            assert.equal(v.verdict, "safe");
            assert.deepEqual(v.violations, []);
            assert.match(v.reason, /All 3 states of the change \(2 steps\)/);
        });

        /** An evaluator from a table: the set of applied object names (sorted, comma-joined) -> the link's state. */
        const table = (t: Record<string, LinkState | undefined>) => (objects: KubeObject[]): ReadonlyMap<string, LinkState> => {
            const applied = objects.filter((o) => versionOf(o) === 2).map((o) => o.metadata.name).sort().join(",");
            assert.ok(Object.hasOwn(t, applied), `no table row for "${applied}"`);
            const s = t[applied];
            return new Map(s === undefined ? [] : [["L", s]]);
        };
        const two = () => {
            const b = [obj("Thing", "a"), obj("Thing", "b")];
            return { before: b, steps: changeSteps(b, [obj("Thing", "a", 2), obj("Thing", "b", 2)]) };
        };

        const cases: Array<[string, Record<string, LinkState | undefined>, "safe" | "unsafe", string | undefined]> = [
            ["tls -> mtls through plaintext is flagged", { "": "tls", a: "tls", b: "plaintext", "a,b": "mtls" }, "unsafe", "plaintext"],
            ["tls -> mtls through tls and mtls only is safe", { "": "tls", a: "tls", b: "mtls", "a,b": "mtls" }, "safe", undefined],
            ["mtls -> mtls must stay mtls: tls on the way is flagged", { "": "mtls", a: "tls", b: "mtls", "a,b": "mtls" }, "unsafe", "tls"],
            ["mtls -> mtls: the link vanishing on the way is flagged (absent)", { "": "mtls", a: "mtls", b: undefined, "a,b": "mtls" }, "unsafe", "absent"],
            ["absent -> mtls: absent or mtls on the way is safe", { "": undefined, a: "mtls", b: undefined, "a,b": "mtls" }, "safe", undefined],
            ["absent -> mtls: plaintext on the way is flagged", { "": undefined, a: "plaintext", b: undefined, "a,b": "mtls" }, "unsafe", "plaintext"],
            ["absent -> plaintext: plaintext on the way is its after state", { "": undefined, a: "plaintext", b: undefined, "a,b": "plaintext" }, "safe", undefined],
            ["mtls -> absent: refused on the way is flagged", { "": "mtls", a: "mtls", b: "refused", "a,b": undefined }, "unsafe", "refused"],
            ["absent -> absent: a link appearing on the way is flagged", { "": undefined, a: "mtls", b: undefined, "a,b": undefined }, "unsafe", "mtls"],
            ["mtls -> plaintext: unknown on the way is flagged", { "": "mtls", a: "unknown", b: "mtls", "a,b": "plaintext" }, "unsafe", "unknown"],
            ["unknown -> mtls: unknown on the way is its before state", { "": "unknown", a: "unknown", b: "mtls", "a,b": "mtls" }, "safe", undefined],
        ];
        assert.equal(cases.length, 11);
        for (const [label, rows, verdict, intermediate] of cases) {
            it(label, () => {
                const v = transitionSafety({ ...two(), dependsOn: {}, evaluate: table(rows) });
                assert.equal(v.states, 4);
                assert.equal(v.verdict, verdict);
                assert.deepEqual(v.violations.map((x) => x.intermediate), intermediate === undefined ? [] : [intermediate]);
            });
        }

        it("reports per link the violation reached with the fewest steps, whatever the steps' order", () => {
            const b = [obj("Thing", "a"), obj("Thing", "b"), obj("Thing", "c")];
            const steps = changeSteps(b, [obj("Thing", "a", 2), obj("Thing", "b", 2), obj("Thing", "c", 2)]);
            // L is plaintext in every intermediate state; M only once a and b are both applied.
            const evaluate = (objects: KubeObject[]): ReadonlyMap<string, LinkState> => {
                const n = objects.filter((o) => versionOf(o) === 2).map((o) => o.metadata.name);
                const mid = n.length > 0 && n.length < 3;
                return new Map<string, LinkState>([["L", mid ? "plaintext" : "mtls"], ["M", mid && n.includes("a") && n.includes("b") ? "refused" : "mtls"]]);
            };
            const v = transitionSafety({ before: b, steps, dependsOn: {}, evaluate });
            const reversed = transitionSafety({ before: [...b].reverse(), steps: [...steps].reverse(), dependsOn: new Map(), evaluate });
            assert.equal(v.states, 8);
            assert.deepEqual(reversed, v);
            assert.deepEqual(v.violations, [
                { link: "L", before: "mtls", after: "mtls", intermediate: "plaintext", applied: ["update Thing ns/a"] },
                { link: "M", before: "mtls", after: "mtls", intermediate: "refused", applied: ["update Thing ns/a", "update Thing ns/b"] },
            ]);
        });
    });

    describe("deletes", () => {
        // a and b are deleted (b depends on a in the before-graph), c is updated.
        const before = [obj("Thing", "a"), obj("Thing", "b"), obj("Thing", "c")];
        const steps = changeSteps(before, [obj("Thing", "c", 2)]);

        it("run after every create and update, in reverse dependency order", () => {
            const r = recorder();
            const v = transitionSafety({ before, steps, dependsOn: { [key("b")]: [key("a")] }, evaluate: r.evaluate });
            assert.equal(v.states, 4);
            assert.deepEqual(r.calls.slice().sort(), [["a@1", "b@1", "c@1"], ["a@1", "b@1", "c@2"], ["a@1", "c@2"], ["c@2"]].sort());
            assert.equal(r.calls.length, 4);
            for (const c of r.calls) {
                assert.ok(!(c.includes("b@1") && !c.includes("a@1")), `a deleted before b, which depends on it: ${c.join(",")}`);
                assert.ok(c.includes("c@2") || (c.includes("a@1") && c.includes("b@1")), `a delete before the update: ${c.join(",")}`);
            }
        });

        it("independent deletes run in any order, still after the update", () => {
            const r = recorder();
            const v = transitionSafety({ before, steps, dependsOn: {}, evaluate: r.evaluate });
            assert.equal(v.states, 5);
            assert.deepEqual(stateSets(r.calls), ["a,b,c", "a,b,c", "a,c", "b,c", "c"]);
            assert.equal(r.calls.filter((c) => c.includes("c@1")).length, 1, "only the before state has the old c");
        });
    });

    describe("replacements", () => {
        it("are create-before-delete by default: the old object is deleted in the delete phase, after its dependants' steps", () => {
            // x is replaced; y is updated and depends on x; z is deleted.
            const before = [obj("Thing", "x"), obj("Thing", "y"), obj("Thing", "z")];
            const steps: ChangeStep[] = [
                { key: key("x"), op: "replace", before: obj("Thing", "x"), after: obj("Thing", "x", 2) },
                ...changeSteps([obj("Thing", "y"), obj("Thing", "z")], [obj("Thing", "y", 2)]),
            ];
            const r = recorder();
            const v = transitionSafety({ before, steps, dependsOn: { [key("y")]: [key("x")] }, evaluate: r.evaluate });
            assert.equal(v.states, 6);
            assert.deepEqual(r.calls.map((c) => c.join(",")).sort(), [
                "x@1,x@2,y@1,z@1", // the new x created, the old one still there
                "x@1,x@2,y@2",
                "x@1,x@2,y@2,z@1",
                "x@1,y@1,z@1",
                "x@2,y@2",
                "x@2,y@2,z@1",
            ]);
            assert.equal(r.calls.length, 6);
            for (const c of r.calls) {
                assert.ok(c.includes("x@1") || c.includes("x@2"), `x is never absent: ${c.join(",")}`);
                assert.ok(c.includes("x@1") || c.includes("y@2"), `the old x goes only after the phase of creates/updates: ${c.join(",")}`);
            }
        });

        it("delete-before-replace (a same-name Kubernetes object) has a state without the object, and dependants wait for the new one", () => {
            const before = [obj("Thing", "x"), obj("Thing", "y")];
            const steps = changeSteps(before, [obj("Thing", "x", 2), obj("Thing", "y", 2)], { replaceKeys: new Set([key("x")]) });
            assert.deepEqual(steps.map((s) => [s.op, s.deleteBeforeReplace]), [["replace", true], ["update", undefined]]);
            const r = recorder();
            const v = transitionSafety({ before, steps, dependsOn: { [key("y")]: [key("x")] }, evaluate: r.evaluate });
            assert.equal(v.states, 4);
            assert.deepEqual(r.calls.map((c) => c.join(",")).sort(), ["x@1,y@1", "x@2,y@1", "x@2,y@2", "y@1"]);
        });

        it("a link served by a delete-before-replace object is flagged for the moment it is absent", () => {
            const before = [obj("Thing", "x")];
            const steps = changeSteps(before, [obj("Thing", "x", 2)], { replaceKeys: new Set([key("x")]) });
            const evaluate = (objects: KubeObject[]) => new Map<string, LinkState>(objects.length > 0 ? [["L", "mtls"]] : []);
            const v = transitionSafety({ before, steps, dependsOn: {}, evaluate });
            assert.equal(v.states, 3);
            assert.deepEqual(v.violations, [{ link: "L", before: "mtls", after: "mtls", intermediate: "absent", applied: ["replace (delete old) Thing ns/x"] }]);
        });
    });

    describe("errors", () => {
        it("a dependency cycle among creates/updates names its keys", () => {
            const steps = changeSteps([], [obj("Thing", "a"), obj("Thing", "b"), obj("Thing", "c")]);
            assert.throws(
                () => transitionSafety({ before: [], steps, dependsOn: { [key("a")]: [key("b")], [key("b")]: [key("a")] }, evaluate: recorder().evaluate }),
                (e: Error) => e.message === `transitionSafety: dependency cycle among the steps: ${key("a")} -> ${key("b")} -> ${key("a")}`,
            );
        });

        it("a dependency cycle among deletes names its keys in depends-on order", () => {
            const before = [obj("Thing", "a"), obj("Thing", "b"), obj("Thing", "c")];
            const steps = changeSteps(before, []);
            const dependsOn = { [key("a")]: [key("b")], [key("b")]: [key("c")], [key("c")]: [key("a")] };
            assert.throws(
                () => transitionSafety({ before, steps, dependsOn, evaluate: recorder().evaluate }),
                (e: Error) => e.message === `transitionSafety: dependency cycle among the steps: ${key("b")} -> ${key("c")} -> ${key("a")} -> ${key("b")}`,
            );
        });

        it("a cycle through keys without a step is not a cycle among the steps", () => {
            const steps = changeSteps([], [obj("Thing", "a")]);
            const v = transitionSafety({ before: [], steps, dependsOn: { [key("a")]: [key("z")], [key("z")]: [key("a")] }, evaluate: recorder().evaluate });
            assert.equal(v.states, 2);
        });

        it("a step without the object its op needs, and two steps for one key, are refused", () => {
            const input = (steps: ChangeStep[]): TransitionInput => ({ before: [], steps, dependsOn: {}, evaluate: recorder().evaluate });
            assert.throws(() => transitionSafety(input([{ key: "k", op: "create" }])), /the create step of k has no `after` object/);
            assert.throws(() => transitionSafety(input([{ key: "k", op: "update", after: obj("Thing", "k") }])), /the update step of k has no `before` object/);
            assert.throws(() => transitionSafety(input([{ key: "k", op: "create", after: obj("Thing", "k") }, { key: "k", op: "create", after: obj("Thing", "k") }])), /two steps for k/);
        });
    });

    describe("describeVerdict", () => {
        it("prints the verdict, the reason and a table of the violations", () => {
            const text = describeVerdict({
                verdict: "unsafe",
                states: 4,
                reason: "1 link passes through a state that is neither its before nor its after state (4 states evaluated).",
                violations: [{ link: "a|b -> ns/server:8080", before: "plaintext", after: "mtls", intermediate: "refused", applied: ["update PeerAuthentication ns/server", "create DestinationRule ns/x"] }],
            });
            assert.deepEqual(text.split("\n"), [
                "**Transition safety: unsafe** (4 states evaluated)",
                "",
                "1 link passes through a state that is neither its before nor its after state (4 states evaluated).",
                "",
                "| link | before | after | in between | after applying |",
                "| --- | --- | --- | --- | --- |",
                "| a\\|b -> ns/server:8080 | plaintext | mtls | refused | update PeerAuthentication ns/server; create DestinationRule ns/x |",
            ]);
        });

        it("has no table when nothing is violated", () => {
            const text = describeVerdict({ verdict: "safe", states: 1, reason: "No steps: the objects before and after are the same.", violations: [] });
            assert.equal(text, "**Transition safety: safe** (1 state evaluated)\n\nNo steps: the objects before and after are the same.");
        });
    });
});
