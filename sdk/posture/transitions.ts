// Transition safety: every state a cluster passes through while Pulumi applies a change, and whether any
// link is, in one of them, in a state that is neither its state before nor its state after the change.
//
// The intermediate states follow Pulumi's step execution, read at pulumi/pulumi v3.248.0 (the
// @pulumi/pulumi version package.json pins) and pulumi/pulumi-kubernetes v4.32.0 (newest tag in the
// mirror; package.json pins 4.34.2):
// - Creates, updates and the create half of a replacement are registered by the program once everything
//   they depend on has resolved, and then run concurrently with whatever else is ready
//   (pkg/resource/deploy/step_executor.go, `stepExecutor`: "language hosts can only invoke the resource
//   monitor once all of their dependencies have resolved"), so any dependency-respecting prefix
//   (down-closed set) of them can be the cluster's state at some moment.
// - Deletes run only after every create and update: `performPostSteps` in
//   pkg/resource/deploy/deployment_executor.go calls `GenerateDeletes` once the program has finished, and
//   the old object of a create-before-delete replacement is deleted there too ("the delete step is
//   generated 'later' on, after all creates/updates finish", step_generator.go). `ScheduleDeletes`
//   (step_generator.go) runs them in reverse dependency order: an object is deleted only once every object
//   depending on it is deleted. Pulumi runs them in antichain batches, a subset of the orders enumerated
//   here, so every state Pulumi can produce is examined (and a few it cannot: conservative).
// - A replacement whose new object must keep the old name is delete-before-replace: pulumi-kubernetes'
//   `Diff` (provider/pkg/provider/provider.go) sets `DeleteBeforeReplace` when the object is replaced, is
//   named by the user (not autonamed), and keeps its name and namespace. The old object is deleted, then
//   the new one created, in the create/update phase (step_generator.go emits DeleteReplacement, Replace,
//   CreateReplacement as one chain when the resource registers), so the object is absent in between. A same-key
//   replacement of a Kubernetes object is always that case (the key holds namespace and name), so
//   `changeSteps` marks it so; an autonamed object's replacement has a new name, hence a new key, and is a
//   create plus a delete of two keys (create-before-delete by construction).
// Pure: no Pulumi, no I/O. The evaluator (the posture engine) is passed in, so this file does not depend on it.
import type { KubeObject, LinkState } from "./model";

/** One step of a change, on one object. */
export interface ChangeStep {
    /** The object's identity, from {@link objectKey}. */
    key: string;
    /**
     * What the step does: `create` (only `after`), `update` (`before` -> `after` in place), `delete` (only
     * `before`), `replace` (the old object deleted and a new one created, in the order `deleteBeforeReplace` says).
     */
    op: "create" | "update" | "delete" | "replace";
    /** The object before the step; required for `update`, `delete` and `replace`. */
    before?: KubeObject;
    /** The object after the step; required for `create`, `update` and `replace`. */
    after?: KubeObject;
    /**
     * For `replace`: delete the old object before creating the new one (both in the create/update phase:
     * the object is absent in between). Otherwise the new object is created in the create/update phase and
     * the old one deleted in the delete phase (Pulumi's default, create-before-delete).
     * @default false
     */
    deleteBeforeReplace?: boolean;
}

/** The object's identity across versions: `<API group or "core">/<Kind>/<namespace>/<name>` (namespace empty when cluster-scoped). */
export function objectKey(o: KubeObject): string {
    // The version is left out: moving an object from v1beta1 to v1 is an update of the same object.
    const slash = o.apiVersion.lastIndexOf("/");
    const group = slash < 0 ? "core" : o.apiVersion.slice(0, slash);
    return `${group}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}

/** Options of {@link changeSteps}. */
export interface ChangeStepsOptions {
    /**
     * Keys whose change is a replacement rather than an in-place update (the provider's diff says so, e.g.
     * an immutable field changed). Only keys present in both sets with different content are read.
     * @default empty
     */
    replaceKeys?: ReadonlySet<string>;
}

/**
 * The steps that take the objects `before` to the objects `after`, sorted by key: a key only in `after`
 * is a create, only in `before` a delete, in both with different content (canonical JSON) an update, or a
 * replacement when `replaceKeys` has it. A replacement keeps its key, hence its name and namespace, so it is
 * delete-before-replace (see the header: pulumi-kubernetes `Diff`).
 * @throws Error when a key occurs twice in one list.
 */
export function changeSteps(before: KubeObject[], after: KubeObject[], opts?: ChangeStepsOptions): ChangeStep[] {
    const b = byKey(before, "before");
    const a = byKey(after, "after");
    const keys = [...new Set([...b.keys(), ...a.keys()])].sort();
    const steps: ChangeStep[] = [];
    for (const key of keys) {
        const o = b.get(key);
        const n = a.get(key);
        if (o === undefined && n !== undefined) {
            steps.push({ key, op: "create", after: n });
        } else if (o !== undefined && n === undefined) {
            steps.push({ key, op: "delete", before: o });
        } else if (o !== undefined && n !== undefined && canonicalJson(o) !== canonicalJson(n)) {
            steps.push(opts?.replaceKeys?.has(key) === true
                ? { key, op: "replace", before: o, after: n, deleteBeforeReplace: true }
                : { key, op: "update", before: o, after: n });
        }
    }
    return steps;
}

/** A link's state at one moment, or `absent` when the evaluator does not report the link then. */
export type TransitionLinkState = LinkState | "absent";

/** What {@link transitionSafety} reads. */
export interface TransitionInput {
    /** The objects before the change (those no step touches stay as they are in every state). */
    before: KubeObject[];
    /** The steps of the change (e.g. from {@link changeSteps}); at most one per key. */
    steps: ChangeStep[];
    /**
     * key -> the keys it depends on: the after-graph for creates, updates and replacements, the before-graph
     * for deletes (one map; for a replaced key it is read for both its new and its old object). Missing key:
     * no dependencies. Dependencies on keys without a step are already satisfied and ignored.
     */
    dependsOn: ReadonlyMap<string, readonly string[]> | Readonly<Record<string, readonly string[]>>;
    /** The posture evaluator: the objects of one state -> link id -> state. Called once per state. */
    evaluate: (objects: KubeObject[]) => ReadonlyMap<string, LinkState>;
    /**
     * The most states to evaluate, before and after included. Beyond it the verdict is `unknown` (or
     * `unsafe` if a violation was already found), never `safe`. Independent steps multiply the states
     * (n independent steps: 2^n), so the cap bounds the evaluator's calls (at most cap + 1: the after
     * state is evaluated first, and counted when the search reaches it).
     * @default 4096
     */
    cap?: number;
}

/** The default of {@link TransitionInput.cap}. */
export const DEFAULT_TRANSITION_STATE_CAP = 4096;

/** One link in an intermediate state that is neither its before nor its after state. */
export interface TransitionViolation {
    /** The link id, as the evaluator reports it. */
    link: string;
    /** The link's state before the change (`absent`: the link does not exist before). */
    before: TransitionLinkState;
    /** The link's state after the change (`absent`: the link does not exist after). */
    after: TransitionLinkState;
    /** Its state in the intermediate state. */
    intermediate: TransitionLinkState;
    /** The steps applied to reach that state, in an order Pulumi can run them, e.g. `update PeerAuthentication kuadrant-system/default`. */
    applied: string[];
}

/** The verdict of {@link transitionSafety}. */
export interface TransitionVerdict {
    /**
     * `safe`: every state was evaluated and no link left its before/after states; `unsafe`: at least one
     * violation (a reachable state, even when the cap stopped the search); `unknown`: the cap stopped the
     * search before all states were evaluated, and none of those evaluated was unsafe.
     */
    verdict: "safe" | "unsafe" | "unknown";
    /** The states evaluated, before and after included. */
    states: number;
    /** Per violating link, its violation reached with the fewest steps (ties: the first applied list in sort order); sorted by link. */
    violations: TransitionViolation[];
    /** One sentence on why. */
    reason: string;
}

/**
 * Evaluates every state the change can pass through and checks each link against the rule: in every
 * intermediate state a link's state is its state before or its state after the change, where a link
 * missing on one side counts as `absent` on that side. So a link `mtls` before and after must stay `mtls`
 * (and present); `X -> Y` may only show `X` or `Y`; a new link (`absent -> mtls`) may be absent or `mtls`
 * but never, say, `plaintext` on the way; a link present in neither endpoint must not appear at all;
 * `unknown` in between is a violation unless an endpoint is `unknown` (it cannot be shown safe).
 *
 * States: the down-closed sets of the create/update phase (creates, updates, the create of a
 * create-before-delete replacement, both halves of a delete-before-replace one), then, with all of those
 * applied, the down-closed sets of the delete phase (deletes and the old halves of create-before-delete
 * replacements, each after the deletes of what depends on it). Enumerated one by one (each set extended
 * only by later steps in a fixed topological order, so each is produced once and a chain of n gives
 * n + 1 states), stopping at the cap.
 * @throws Error on a dependency cycle among the steps (naming it), a duplicate step key, or a step missing
 *   the object its op needs.
 */
export function transitionSafety(input: TransitionInput): TransitionVerdict {
    const cap = input.cap ?? DEFAULT_TRANSITION_STATE_CAP;
    if (!Number.isInteger(cap) || cap < 2) {
        throw new Error(`transitionSafety: cap must be an integer >= 2 (before and after), got ${cap}`);
    }
    const plan = planUnits(input);
    const total = plan.units.length;
    const applied = new Uint8Array(total);
    const stateOf = (members: readonly number[]): ReadonlyMap<string, LinkState> => {
        applied.fill(0);
        for (const m of members) applied[m] = 1;
        return input.evaluate(objectsOf(plan, applied));
    };
    const all = plan.units.map((u) => u.index);
    const before = stateOf([]);
    const after = stateOf(all);
    const endpointLinks = [...new Set([...before.keys(), ...after.keys()])];

    const best = new Map<string, TransitionViolation>();
    const check = (members: readonly number[]): void => {
        if (members.length === 0 || members.length === total) return; // the endpoints themselves
        const now = stateOf(members);
        let descriptions: string[] | undefined;
        for (const link of new Set([...endpointLinks, ...now.keys()])) {
            const b = before.get(link) ?? "absent";
            const a = after.get(link) ?? "absent";
            const s = now.get(link) ?? "absent";
            if (s === b || s === a) continue;
            descriptions ??= members.map((m) => plan.units[m].description);
            const seen = best.get(link);
            if (seen === undefined || fewerSteps(descriptions, seen.applied)) {
                best.set(link, { link, before: b, after: a, intermediate: s, applied: descriptions });
            }
        }
    };

    let states = 0;
    const visit = (members: readonly number[]): boolean => {
        if (states >= cap) return false;
        states += 1;
        check(members);
        return true;
    };
    // Phase 1 from the empty set; phase 2 on top of all of phase 1 (its empty set is phase 1's full set, counted once).
    const phase1 = plan.units.filter((u) => u.phase === 1).map((u) => u.index);
    let complete = enumerateIdeals(plan.phase1Deps, (ideal) => visit(ideal.map((i) => phase1[i])));
    if (complete) {
        const phase2 = plan.units.filter((u) => u.phase === 2).map((u) => u.index);
        complete = enumerateIdeals(plan.phase2Deps, (ideal) => ideal.length === 0 || visit([...phase1, ...ideal.map((i) => phase2[i])]));
    }

    const violations = [...best.values()].sort((x, y) => compareStrings(x.link, y.link));
    const n = input.steps.length;
    const stepsText = `${n} step${n === 1 ? "" : "s"}`;
    if (violations.length > 0) {
        const searched = complete ? `${states} states evaluated` : `the search stopped at the cap of ${cap} states (${stepsText}), the rest unexamined`;
        return { verdict: "unsafe", states, violations, reason: `${violations.length} link${violations.length === 1 ? "" : "s"} pass${violations.length === 1 ? "es" : ""} through a state that is neither its before nor its after state (${searched}).` };
    }
    if (!complete) {
        return { verdict: "unknown", states, violations, reason: `The change (${stepsText}) has more than ${cap} states (the cap); the ${states} evaluated are safe, the rest were not examined.` };
    }
    if (n === 0) {
        return { verdict: "safe", states, violations, reason: "No steps: the objects before and after are the same." };
    }
    return { verdict: "safe", states, violations, reason: `All ${states} states of the change (${stepsText}) keep every link at its before or after state.` };
}

/** The verdict as Markdown lines (a heading line, the reason, and a table of the violations), for `meshtls posture diff`. */
export function describeVerdict(v: TransitionVerdict): string {
    const lines = [`**Transition safety: ${v.verdict}** (${v.states} state${v.states === 1 ? "" : "s"} evaluated)`, "", v.reason];
    const table = violationsTable(v);
    return table === "" ? lines.join("\n") : [...lines, "", table].join("\n");
}

/** The verdict's violations as a Markdown table (link, before, after, in between, steps applied); "" when none. */
export function violationsTable(v: TransitionVerdict): string {
    if (v.violations.length === 0) {
        return "";
    }
    const lines = ["| link | before | after | in between | after applying |", "| --- | --- | --- | --- | --- |"];
    for (const x of v.violations) {
        const cells = [x.link, x.before, x.after, x.intermediate, x.applied.join("; ")].map(markdownCell);
        lines.push(`| ${cells.join(" | ")} |`);
    }
    return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------------------

/** One unit of execution: a step, or one half of a replacement. */
interface Unit {
    /** Position in `Plan.units`. */
    index: number;
    /** Index into `TransitionInput.steps` (sorted by key in `Plan.steps`). */
    step: number;
    /** 1: create/update phase; 2: delete phase. */
    phase: 1 | 2;
    /** Shown in `TransitionViolation.applied`. */
    description: string;
}

interface Plan {
    /** Steps sorted by key. */
    steps: ChangeStep[];
    /** Objects no step touches, sorted by key. */
    untouched: Array<[string, KubeObject]>;
    /** Units: phase 1 in topological order, then phase 2 in topological order. */
    units: Unit[];
    /** Per step (same index as `steps`): its units' indices, [first, second] for a replacement. */
    unitsOfStep: number[][];
    /** Phase-1 units' dependencies, as positions within phase 1 (each lower than its own position). */
    phase1Deps: number[][];
    /** Phase-2 units' dependencies, as positions within phase 2. */
    phase2Deps: number[][];
}

interface Draft {
    step: number;
    phase: 1 | 2;
    description: string;
    /** Indices of draft units this one must follow. */
    after: number[];
    /** Sort key for a deterministic topological order. */
    order: string;
}

function planUnits(input: TransitionInput): Plan {
    const steps = [...input.steps].sort((x, y) => compareStrings(x.key, y.key));
    for (let i = 1; i < steps.length; i++) {
        if (steps[i].key === steps[i - 1].key) throw new Error(`transitionSafety: two steps for ${steps[i].key}`);
    }
    const stepKeys = new Set(steps.map((s) => s.key));
    const untouched = [...byKey(input.before, "before")].filter(([k]) => !stepKeys.has(k)).sort((x, y) => compareStrings(x[0], y[0]));
    const graph = input.dependsOn;
    const depsOf = (key: string): readonly string[] => {
        if (isReadonlyMap(graph)) return graph.get(key) ?? [];
        // Own properties only: a plain object also "has" `constructor`, `toString`, ...
        return Object.hasOwn(graph, key) ? graph[key] : [];
    };

    // Per step: the unit(s), and which of them others depend on (phase 1) or wait for (phase 2).
    const drafts: Draft[] = [];
    const add = (d: Omit<Draft, "after" | "order">, seq: number): number => {
        drafts.push({ ...d, after: [], order: `${steps[d.step].key}\u0000${seq}` });
        return drafts.length - 1;
    };
    const unitsOfDraft: number[][] = [];
    const phase1Final = new Map<string, number>(); // key -> the phase-1 unit after which its new object exists
    const phase1First = new Map<string, number>(); // key -> its first phase-1 unit
    const phase2Unit = new Map<string, number>(); // key -> its delete-phase unit
    steps.forEach((s, i) => {
        const need = (field: "before" | "after"): KubeObject => {
            const o = s[field];
            if (o === undefined) throw new Error(`transitionSafety: the ${s.op} step of ${s.key} has no \`${field}\` object`);
            return o;
        };
        const ids: number[] = [];
        if (s.op === "create" || s.op === "update") {
            ids.push(add({ step: i, phase: 1, description: `${s.op} ${describeObject(need("after"))}` }, 0));
            if (s.op === "update") need("before");
            phase1First.set(s.key, ids[0]);
            phase1Final.set(s.key, ids[0]);
        } else if (s.op === "delete") {
            ids.push(add({ step: i, phase: 2, description: `delete ${describeObject(need("before"))}` }, 0));
            phase2Unit.set(s.key, ids[0]);
        } else if (s.deleteBeforeReplace === true) {
            const del = add({ step: i, phase: 1, description: `replace (delete old) ${describeObject(need("before"))}` }, 0);
            const create = add({ step: i, phase: 1, description: `replace (create new) ${describeObject(need("after"))}` }, 1);
            drafts[create].after.push(del);
            ids.push(del, create);
            phase1First.set(s.key, del);
            phase1Final.set(s.key, create);
        } else {
            const create = add({ step: i, phase: 1, description: `replace (create new) ${describeObject(need("after"))}` }, 0);
            const del = add({ step: i, phase: 2, description: `replace (delete old) ${describeObject(need("before"))}` }, 1);
            ids.push(create, del);
            phase1First.set(s.key, create);
            phase1Final.set(s.key, create);
            phase2Unit.set(s.key, del);
        }
        unitsOfDraft.push(ids);
    });
    for (const s of steps) {
        for (const dep of depsOf(s.key)) {
            // Phase 1: a step starts once what it depends on exists in its new form.
            const first = phase1First.get(s.key);
            const done = phase1Final.get(dep);
            if (first !== undefined && done !== undefined) drafts[first].after.push(done);
            // Phase 2: what `s` depends on is deleted only after `s` is.
            const mine = phase2Unit.get(s.key);
            const theirs = phase2Unit.get(dep);
            if (mine !== undefined && theirs !== undefined) drafts[theirs].after.push(mine);
        }
    }

    const order1 = topologicalOrder(drafts, 1, steps);
    const order2 = topologicalOrder(drafts, 2, steps);
    const position = new Map<number, number>();
    [...order1, ...order2].forEach((d, i) => position.set(d, i));
    const units: Unit[] = [...order1, ...order2].map((d, index) => ({ index, step: drafts[d].step, phase: drafts[d].phase, description: drafts[d].description }));
    const depsWithin = (order: number[], offset: number): number[][] =>
        order.map((d) => [...new Set(drafts[d].after)].map((x) => (position.get(x) ?? 0) - offset).sort((x, y) => x - y));
    return {
        steps,
        untouched,
        units,
        unitsOfStep: unitsOfDraft.map((ids) => ids.map((d) => position.get(d) ?? -1)),
        phase1Deps: depsWithin(order1, 0),
        phase2Deps: depsWithin(order2, order1.length),
    };
}

/** Kahn's algorithm over one phase's drafts, the smallest `order` first among the ready ones; throws on a cycle. */
function topologicalOrder(drafts: Draft[], phase: 1 | 2, steps: ChangeStep[]): number[] {
    const members = drafts.map((_, i) => i).filter((i) => drafts[i].phase === phase);
    const pending = new Map(members.map((i) => [i, new Set(drafts[i].after)]));
    const out: number[] = [];
    while (pending.size > 0) {
        const ready = [...pending].filter(([, deps]) => deps.size === 0).map(([i]) => i);
        if (ready.length === 0) throw new Error(`transitionSafety: dependency cycle among the steps: ${describeCycle(pending, drafts, phase, steps)}`);
        const next = ready.reduce((x, y) => (drafts[y].order < drafts[x].order ? y : x));
        out.push(next);
        pending.delete(next);
        for (const deps of pending.values()) deps.delete(next);
    }
    return out;
}

/** A cycle among the stuck units, as keys joined by "depends on" arrows (`a -> b -> a`: a depends on b, b on a). */
function describeCycle(pending: Map<number, Set<number>>, drafts: Draft[], phase: 1 | 2, steps: ChangeStep[]): string {
    // Every stuck unit waits for another stuck unit, so walking the waits from the smallest one must repeat.
    const start = [...pending.keys()].sort((x, y) => compareStrings(drafts[x].order, drafts[y].order))[0];
    const path: number[] = [];
    const seenAt = new Map<number, number>();
    let at = start;
    while (!seenAt.has(at)) {
        seenAt.set(at, path.length);
        path.push(at);
        const waits = [...(pending.get(at) ?? [])].filter((d) => pending.has(d)).sort((x, y) => compareStrings(drafts[x].order, drafts[y].order));
        at = waits[0];
    }
    // The two halves of one replacement are one key: name it once.
    const cycle = path.slice(seenAt.get(at)).map((d) => steps[drafts[d].step].key).filter((k, i, all) => i === 0 || k !== all[i - 1]);
    if (cycle.length > 1 && cycle[cycle.length - 1] === cycle[0]) cycle.pop();
    // Phase 1 waits follow "depends on"; phase 2 waits run the other way (a delete waits for its dependants).
    if (phase === 2) cycle.reverse();
    return [...cycle, cycle[0]].join(" -> ");
}

/**
 * Visits every down-closed set of a poset given in topological order (`deps[i]` all < i), the empty set
 * first. Each set is produced once: a set is extended only by elements after its largest one, and the
 * largest element of a down-closed set is maximal in it, so removing it gives the one parent. The cost is
 * O(n * deps) per set, never 2^n for a chain. `visit` returns false to stop; the result says whether all
 * sets were visited.
 */
function enumerateIdeals(deps: readonly number[][], visit: (ideal: readonly number[]) => boolean): boolean {
    const n = deps.length;
    const inSet = new Uint8Array(n);
    const members: number[] = [];
    const grow = (from: number): boolean => {
        if (!visit(members)) return false;
        for (let e = from; e < n; e++) {
            if (!deps[e].every((d) => inSet[d] === 1)) continue;
            inSet[e] = 1;
            members.push(e);
            const go = grow(e + 1);
            members.pop();
            inSet[e] = 0;
            if (!go) return false;
        }
        return true;
    };
    return grow(0);
}

/** The objects of one state, sorted by key (an old and a new object of one key: the old first). */
function objectsOf(plan: Plan, applied: Uint8Array): KubeObject[] {
    const out: Array<[string, number, KubeObject]> = plan.untouched.map(([k, o]) => [k, 0, o]);
    plan.steps.forEach((s, i) => {
        const ids = plan.unitsOfStep[i];
        const done1 = applied[ids[0]] === 1;
        const done2 = ids.length > 1 && applied[ids[1]] === 1;
        const old = s.before;
        const neu = s.after;
        let keepOld: boolean;
        let haveNew: boolean;
        if (s.op === "create") [keepOld, haveNew] = [false, done1];
        else if (s.op === "update") [keepOld, haveNew] = [!done1, done1];
        else if (s.op === "delete") [keepOld, haveNew] = [!done1, false];
        else if (s.deleteBeforeReplace === true) [keepOld, haveNew] = [!done1, done2]; // u1 deletes, u2 creates
        else [keepOld, haveNew] = [!done2, done1]; // u1 creates, u2 (delete phase) deletes
        if (keepOld && old !== undefined) out.push([s.key, 0, old]);
        if (haveNew && neu !== undefined) out.push([s.key, 1, neu]);
    });
    return out.sort((x, y) => compareStrings(x[0], y[0]) || x[1] - y[1]).map(([, , o]) => o);
}

/** `Kind namespace/name`, or `Kind name` when cluster-scoped. */
function describeObject(o: KubeObject): string {
    return o.metadata.namespace === undefined || o.metadata.namespace === "" ? `${o.kind} ${o.metadata.name}` : `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
}

/** Fewer steps first; then the applied lists compared element by element. */
function fewerSteps(x: readonly string[], y: readonly string[]): boolean {
    if (x.length !== y.length) return x.length < y.length;
    for (let i = 0; i < x.length; i++) {
        const c = compareStrings(x[i], y[i]);
        if (c !== 0) return c < 0;
    }
    return false;
}

function isReadonlyMap<K, V>(x: ReadonlyMap<K, V> | object): x is ReadonlyMap<K, V> {
    return x instanceof Map;
}

function byKey(objects: KubeObject[], list: string): Map<string, KubeObject> {
    const out = new Map<string, KubeObject>();
    for (const o of objects) {
        const k = objectKey(o);
        if (out.has(k)) throw new Error(`transitionSafety: ${k} occurs twice in the ${list} objects`);
        out.set(k, o);
    }
    return out;
}

/** JSON with object keys sorted, so two objects with the same content compare equal. */
function canonicalJson(value: unknown): string {
    return JSON.stringify(value, (_k, v: unknown) =>
        v !== null && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => compareStrings(x, y)))
            : v,
    );
}

/** Code-unit order, independent of the locale. */
function compareStrings(x: string, y: string): number {
    return x < y ? -1 : x > y ? 1 : 0;
}

function markdownCell(text: string): string {
    return text.replace(/\|/g, "\\|");
}
