// Rule: which PeerAuthentication decides a workload's inbound mTLS mode. The narrowest scope wins
// (workload selector > namespace-wide > mesh-wide in the root namespace); within one scope only the
// OLDEST object counts, so a second namespace-wide PeerAuthentication in a namespace is ignored.
//
// Encodes istio/istio at tag 1.30.3:
// - `pilot/pkg/model/authentication.go`, `addPeerAuthentication`: configs are sorted by creation time
//   (`sortConfigByCreationTime` in `pilot/pkg/model/config.go`: ties broken by name, then namespace);
//   a policy with no selector or empty `matchLabels` is namespace/mesh level, and once one is seen for a
//   namespace every later one there is dropped ("Namespace/mesh-level PeerAuthentication is already
//   defined ... Ignore"). `getConfigsForWorkload`: a selector applies when it is a subset of the
//   workload's labels; only the workload's namespace and the root namespace are looked at.
// - `pilot/pkg/security/authn/policy_applier.go`, `ComposePeerAuthentication`: the oldest config per
//   scope (mesh = root namespace without selector; namespace; workload = with selector, NOT in the root
//   namespace); the output starts PERMISSIVE, then mesh, namespace and workload modes override in that
//   order, each only when not UNSET (UNSET inherits from the wider scope). Port-level modes come from the
//   chosen WORKLOAD policy only (a namespace- or mesh-wide policy's portLevelMtls is never read): a port
//   listed there takes its own mode, or, when UNSET, the mode composed so far. The port is the
//   workload's (container) port, as the map key is in the sidecar's inbound listeners.
// Pure: no Pulumi, no I/O.
import type { PeerAuthenticationModeName } from "./inboundFilterChain";
import { matchesLabels } from "../../internal/values";

/** One PeerAuthentication object, as far as precedence is concerned. */
export interface PeerAuthenticationObject {
    /** `metadata.name`. */
    name: string;
    /** `metadata.namespace`. */
    namespace: string;
    /** `spec.selector.matchLabels`; absent or empty means namespace-wide (mesh-wide in the root namespace). */
    selector?: Record<string, string>;
    /** `spec.mtls.mode`; absent means UNSET (inherit from the wider scope). */
    mode?: PeerAuthenticationModeName | "UNSET";
    /** `spec.portLevelMtls`: workload port -> mode (UNSET: the policy's composed mode). Read only on workload policies. */
    portLevelMtls?: Readonly<Record<number, PeerAuthenticationModeName | "UNSET">>;
    /** `metadata.creationTimestamp` in milliseconds since the epoch; absent when not known (e.g. not created yet). */
    createdAt?: number;
}

/** The object chosen at one scope: the object, `"unknown"` when the choice depends on unknown creation times, or none. */
export type ChosenPeerAuthentication = PeerAuthenticationObject | "unknown" | undefined;

/** The effective PeerAuthentication of one workload. */
export interface EffectivePeerAuthentication {
    /**
     * The effective mode (of `port`, when one is given); `"unknown"` when it depends on which of several
     * same-scope objects is oldest.
     */
    mode: PeerAuthenticationModeName | "unknown";
    /** The workload-level object chosen (selector matching the workload, outside the root namespace). */
    workload: ChosenPeerAuthentication;
    /** The namespace-wide object chosen in the workload's namespace (not the root namespace). */
    namespace: ChosenPeerAuthentication;
    /** The mesh-wide object chosen in the root namespace. */
    mesh: ChosenPeerAuthentication;
}

/** Whether a PeerAuthentication has no (or an empty) selector: namespace- or mesh-wide. */
export function isNamespaceWidePeerAuthentication(p: PeerAuthenticationObject): boolean {
    return p.selector === undefined || Object.keys(p.selector).length === 0;
}

/**
 * The oldest of `candidates` (ties: by name, then namespace, as `sortConfigByCreationTime`), or
 * `"unknown"` when there are several and any creation time is unknown.
 */
export function oldestPeerAuthentication(candidates: readonly PeerAuthenticationObject[]): ChosenPeerAuthentication {
    if (candidates.length <= 1) {
        return candidates[0];
    }
    if (candidates.some((c) => c.createdAt === undefined)) {
        return "unknown";
    }
    return [...candidates].sort((a, b) => (a.createdAt as number) - (b.createdAt as number) || cmp(a.name, b.name) || cmp(a.namespace, b.namespace))[0];
}

function cmp(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** The mode a chosen object sets, or undefined when it inherits (none chosen, or UNSET). */
function modeOf(chosen: ChosenPeerAuthentication, candidates: readonly PeerAuthenticationObject[]): PeerAuthenticationModeName | "unknown" | undefined {
    if (chosen === undefined) {
        return undefined;
    }
    if (chosen !== "unknown") {
        return chosen.mode === "UNSET" ? undefined : chosen.mode;
    }
    // Whichever is oldest, the outcome is the same when every candidate sets the same mode.
    const modes = new Set(candidates.map((c) => (c.mode === "UNSET" ? undefined : c.mode)));
    return modes.size === 1 ? [...modes][0] : "unknown";
}

/** A workload policy's mode on `port` given the mode composed from the wider scopes and its own. */
function portModeOf(policy: PeerAuthenticationObject, composed: PeerAuthenticationModeName | "unknown", port: number): PeerAuthenticationModeName | "unknown" {
    const own = policy.portLevelMtls?.[port];
    return own === undefined || own === "UNSET" ? composed : own;
}

/**
 * The effective PeerAuthentication of a workload with `workloadLabels` in `namespace`, given every
 * PeerAuthentication in the cluster (`policies`) and the mesh's root namespace; with `port`, the mode
 * of that workload port (port-level modes of the chosen workload policy).
 */
export function effectivePeerAuthentication(
    policies: readonly PeerAuthenticationObject[],
    namespace: string,
    rootNamespace: string,
    workloadLabels: Readonly<Record<string, string>>,
    port?: number,
): EffectivePeerAuthentication {
    const meshCandidates = policies.filter((p) => p.namespace === rootNamespace && isNamespaceWidePeerAuthentication(p));
    const nsCandidates = namespace === rootNamespace ? [] : policies.filter((p) => p.namespace === namespace && isNamespaceWidePeerAuthentication(p));
    const workloadCandidates =
        namespace === rootNamespace
            ? []
            : policies.filter((p) => p.namespace === namespace && !isNamespaceWidePeerAuthentication(p) && matchesLabels(p.selector ?? {}, workloadLabels));
    const mesh = oldestPeerAuthentication(meshCandidates);
    const ns = oldestPeerAuthentication(nsCandidates);
    const workload = oldestPeerAuthentication(workloadCandidates);
    let mode: PeerAuthenticationModeName | "unknown" = "PERMISSIVE";
    for (const m of [modeOf(mesh, meshCandidates), modeOf(ns, nsCandidates), modeOf(workload, workloadCandidates)]) {
        if (m !== undefined) {
            mode = m;
        }
    }
    if (port !== undefined && workload !== undefined) {
        if (workload !== "unknown") {
            mode = portModeOf(workload, mode, port);
        } else {
            // Whichever workload policy is oldest, the port's mode is the same when every candidate agrees.
            const composedWithout = [modeOf(mesh, meshCandidates), modeOf(ns, nsCandidates)].reduce<PeerAuthenticationModeName | "unknown">((acc, m) => m ?? acc, "PERMISSIVE");
            const modes = new Set(workloadCandidates.map((c) => portModeOf(c, c.mode === undefined || c.mode === "UNSET" ? composedWithout : c.mode, port)));
            mode = modes.size === 1 ? [...modes][0] : "unknown";
        }
    }
    return { mode, workload, namespace: ns, mesh };
}
