// Rule: what ztunnel enforces for PeerAuthentication in ambient mode, and where a PeerAuthentication does
// not do in ambient what it says.
//
// Encodes istio/istio 1.30.3 (ztunnel enforces PeerAuthentication as L4 DENY authorization policies that
// istiod derives; there is no mTLS "mode" in ztunnel):
// - `pilot/pkg/serviceregistry/ambient/policies.go` lines 254-286 (`DefaultPolicy`): a static DENY policy
//   `istio_converted_static_strict` in the root namespace denying any connection without a peer principal
//   (`NotPrincipals: presence`), i.e. plaintext; lines 188-193: `PeerAuthByNamespace` indexes only
//   policies with no selector; lines 195-248 (`PeerAuthDerivedPolicies`): only a policy with a selector,
//   outside the root namespace, with `portLevelMtls`, is converted, with the OLDEST namespace and root
//   policies as parents.
// - `pilot/pkg/serviceregistry/ambient/authorization.go`:
//   - `convertedSelectorPeerAuthentications` (lines 80-219): oldest policy per scope (mesh = root namespace
//     without selector; namespace; workload = selector, not in the root namespace); the effective STRICT
//     flag starts false, mesh sets it (`isMtlsModeStrict`), a non-UNSET namespace overrides, a STRICT
//     workload sets it and a PERMISSIVE or DISABLE workload clears it (lines 129-135): DISABLE is never
//     "plaintext only", it is the same as PERMISSIVE. With `portLevelMtls` (lines 137-216) the workload
//     references its converted policy (and drops the static STRICT one) when: mode STRICT and some port
//     PERMISSIVE or DISABLE; mode PERMISSIVE/DISABLE and some port STRICT; mode UNSET with an effective
//     STRICT parent and some port PERMISSIVE (DISABLE is NOT checked here, line 179); mode UNSET with a
//     non-STRICT parent and some port STRICT.
//   - `convertPeerAuthentication` (lines 237-395): the converted DENY policy; STRICT ports are skipped
//     when the parent is already STRICT (lines 274-288, whose `||`/`&&` grouping is reproduced here),
//     otherwise each becomes a group "no principal AND port = p"; PERMISSIVE/DISABLE ports are skipped
//     under a PERMISSIVE/DISABLE mode, or under UNSET when the namespace policy exists and is not STRICT,
//     or there is no namespace policy and the mesh one is absent or not STRICT (lines 306-322); otherwise
//     each adds "port != p" to the deny rules; a STRICT mode adds "no principal"; a STRICT parent
//     (root STRICT with namespace absent/UNSET/STRICT, or namespace STRICT) merges "no principal"
//     (lines 350-374); nothing to deny gives no policy (lines 340-348).
//   - `isMtlsMode*` (lines 719-733): UNSET is "absent or UNSET".
// - ztunnel 1.30.3 `src/rbac.rs` `Authorization::matches` (lines 86-130): a policy matches when ANY group
//   matches, a group when ALL its rules match, a rule when ANY match matches; `src/proxy/inbound_passthrough.rs`
//   lines 154-165 and 209-211: a plaintext connection (port 15006) has no source identity, so every
//   "no principal" match holds for it, while an HBONE (mTLS) connection always has one: PeerAuthentication
//   never refuses mTLS, it only decides whether plaintext is denied.
// Pure: no Pulumi, no I/O.
import type { PeerAuthenticationModeName } from "./inboundFilterChain";

/** A PeerAuthentication mode as written in a spec (UNSET or absent inherits). */
export type AmbientPeerAuthenticationMode = PeerAuthenticationModeName | "UNSET";

/** The parts of a PeerAuthentication spec that ztunnel's derived policies read. */
export interface AmbientPeerAuthenticationSpec {
    /** `spec.mtls.mode`; absent means UNSET. */
    mode?: AmbientPeerAuthenticationMode;
    /** `spec.portLevelMtls`: workload (pod) port -> mode. */
    portLevelMtls?: Readonly<Record<number, AmbientPeerAuthenticationMode>>;
    /** `spec.selector.matchLabels`; absent or empty means namespace-wide (mesh-wide in the root namespace). */
    selector?: Readonly<Record<string, string>>;
}

/** The (oldest) PeerAuthentication of each scope that applies to one ambient workload. */
export interface AmbientPeerAuthentications {
    /** Mesh-wide: in the root namespace, no selector. */
    mesh?: AmbientPeerAuthenticationSpec;
    /** Namespace-wide: the workload's namespace, no selector. */
    namespace?: AmbientPeerAuthenticationSpec;
    /** Workload: the workload's namespace, a selector matching it. */
    workload?: AmbientPeerAuthenticationSpec;
}

/** What ztunnel enforces on one workload port. */
export interface ZtunnelEnforcement {
    /** STRICT: plaintext (no peer identity) is denied; PERMISSIVE: plaintext is accepted. HBONE mTLS is always accepted. */
    mode: "STRICT" | "PERMISSIVE";
    /** Why, naming the derived policies. */
    reason: string;
    /**
     * The derived policies the workload references: `istio_converted_static_strict`, `converted:workload` (its
     * workload policy's conversion), or `converted:workload (referenced, not sent)` when istiod converts nothing.
     */
    policies: string[];
}

/** One match of a derived DENY policy, as far as a plaintext connection to `port` is concerned. */
interface DenyMatch {
    noPrincipal?: boolean;
    port?: number;
    notPort?: number;
}

const STATIC_STRICT = "istio_converted_static_strict";
const CONVERTED = "converted:workload";

const isUnset = (m: AmbientPeerAuthenticationMode | undefined) => m === undefined || m === "UNSET";
const isStrict = (m: AmbientPeerAuthenticationMode | undefined) => m === "STRICT";
const isPermissive = (m: AmbientPeerAuthenticationMode | undefined) => m === "PERMISSIVE";
const isDisable = (m: AmbientPeerAuthenticationMode | undefined) => m === "DISABLE";
const portModes = (spec: AmbientPeerAuthenticationSpec) => Object.values(spec.portLevelMtls ?? {});

/** The derived policy keys a workload references (`convertedSelectorPeerAuthentications`). */
function attachedPolicies(p: AmbientPeerAuthentications): { staticStrict: boolean; converted: boolean } {
    let strict = false;
    if (p.mesh !== undefined) {
        strict = isStrict(p.mesh.mode);
    }
    if (p.namespace !== undefined && !isUnset(p.namespace.mode)) {
        strict = isStrict(p.namespace.mode);
    }
    const w = p.workload;
    if (w === undefined) {
        return { staticStrict: strict, converted: false };
    }
    if (isStrict(w.mode)) {
        strict = true;
    }
    if (isPermissive(w.mode) || isDisable(w.mode)) {
        strict = false;
    }
    let converted = false;
    if (w.portLevelMtls !== undefined) {
        const ports = portModes(w);
        if (isStrict(w.mode)) {
            if (ports.some((m) => isPermissive(m) || isDisable(m))) {
                converted = true;
                strict = false;
            }
        } else if (isPermissive(w.mode) || isDisable(w.mode)) {
            converted = ports.some(isStrict);
        } else if (strict) {
            // Only PERMISSIVE is looked for here (authorization.go line 179): a DISABLE port stays STRICT.
            if (ports.some(isPermissive)) {
                converted = true;
                strict = false;
            }
        } else {
            converted = ports.some(isStrict);
        }
    }
    return { staticStrict: strict, converted };
}

/** The converted DENY policy's groups (`convertPeerAuthentication`), or undefined when none is sent. */
function convertedGroups(cfg: AmbientPeerAuthenticationSpec, ns: AmbientPeerAuthenticationSpec | undefined, root: AmbientPeerAuthenticationSpec | undefined): DenyMatch[][] | undefined {
    const entries = Object.entries(cfg.portLevelMtls ?? {}).map(([k, v]) => [Number(k), v] as const);
    if (entries.length === 0) {
        return undefined;
    }
    const mode = cfg.mode;
    const rules: DenyMatch[] = [];
    const groups: DenyMatch[][] = [];
    if (isStrict(mode)) {
        rules.push({ noPrincipal: true });
    }
    let foundNonStrict = false;
    for (const [port, m] of [...entries].sort((a, b) => a[0] - b[0])) {
        if (isStrict(m)) {
            // Go: A || (B && C) || D, with A = mode STRICT, B = mode UNSET, C = ns STRICT, D = (ns absent or UNSET) && root STRICT.
            const parentStrict = isStrict(mode) || (isUnset(mode) && ns !== undefined && isStrict(ns.mode)) || ((ns === undefined || isUnset(ns.mode)) && root !== undefined && isStrict(root.mode));
            if (parentStrict) {
                continue;
            }
            groups.push([{ noPrincipal: true, port }]);
        } else if (isPermissive(m) || isDisable(m)) {
            if (isPermissive(mode) || isDisable(mode)) {
                continue;
            }
            if (
                isUnset(mode) &&
                ((ns !== undefined && !isStrict(ns.mode)) || (ns === undefined && root !== undefined && !isStrict(root.mode)) || (ns === undefined && root === undefined))
            ) {
                continue;
            }
            foundNonStrict = true;
            rules.push({ notPort: port });
        }
    }
    if (isStrict(mode) && !foundNonStrict) {
        return undefined;
    }
    if (rules.length === 0 && groups.length === 0) {
        return undefined;
    }
    const mergeStrict = (root !== undefined && isStrict(root.mode) && (ns === undefined || isUnset(ns.mode) || isStrict(ns.mode))) || (ns !== undefined && isStrict(ns.mode));
    if (mergeStrict && foundNonStrict) {
        rules.push({ noPrincipal: true });
    }
    if (rules.length > 0) {
        groups.push(rules);
    }
    return groups;
}

/** Whether a DENY policy with `groups` denies a plaintext (no identity) connection to `port` (src/rbac.rs). */
function deniesPlaintext(groups: readonly (readonly DenyMatch[])[], port: number): boolean {
    return groups.some(
        (g) =>
            g.length > 0 &&
            g.every((m) => (m.port === undefined || m.port === port) && (m.notPort === undefined || m.notPort !== port)),
    );
}

/**
 * The mode ztunnel enforces on `port` of an ambient workload, given the (oldest) mesh-wide, namespace-wide
 * and workload-selector PeerAuthentication specs that apply to it (see the header for the sources).
 */
export function ztunnelEnforcedMode(policies: AmbientPeerAuthentications, port: number): ZtunnelEnforcement {
    const attached = attachedPolicies(policies);
    const names: string[] = [];
    const groups: DenyMatch[][] = [];
    if (attached.staticStrict) {
        names.push(STATIC_STRICT);
        groups.push([{ noPrincipal: true }]);
    }
    if (attached.converted && policies.workload !== undefined) {
        const converted = convertedGroups(policies.workload, policies.namespace, policies.mesh);
        // Referenced but not sent (nothing to deny): the workload has neither it nor the static STRICT policy.
        names.push(converted === undefined ? `${CONVERTED} (referenced, not sent)` : CONVERTED);
        groups.push(...(converted ?? []));
    }
    if (deniesPlaintext(groups, port)) {
        return { mode: "STRICT", reason: `plaintext to port ${port} is denied by ${names.join(" + ")}`, policies: names };
    }
    const why = names.length === 0 ? "no derived DENY policy is attached" : `${names.join(" + ")} does not deny port ${port}`;
    return { mode: "PERMISSIVE", reason: `${why}: ztunnel accepts plaintext on port ${port} (and HBONE mTLS)`, policies: names };
}

/** The scope a PeerAuthentication is emitted at. */
export type AmbientPolicyScope = "mesh" | "namespace" | "workload";

/** One way a PeerAuthentication does not do in ambient what it says. */
export interface AmbientPolicyProblem {
    /** Stable rule id. */
    rule: "disable-is-permissive" | "port-disable-is-permissive" | "port-disable-stays-strict" | "port-level-ignored" | "strict-not-enforced";
    /** What happens instead, and what to write. */
    reason: string;
    /** The upstream file (and tag) that decides it. */
    source: string;
}

const AUTHZ = "istio/istio 1.30.3 pilot/pkg/serviceregistry/ambient/authorization.go";
const POLICIES = "istio/istio 1.30.3 pilot/pkg/serviceregistry/ambient/policies.go";

/**
 * For one PeerAuthentication meshtls would emit in an ambient mesh at `scope`, each way it would not do
 * what it says. `parents` (the mesh-wide and namespace-wide specs in force) sharpen the workload checks;
 * without them only problems that hold whatever the parents are reported.
 */
export function ambientPolicyProblems(spec: AmbientPeerAuthenticationSpec, scope: AmbientPolicyScope, parents?: Omit<AmbientPeerAuthentications, "workload">): AmbientPolicyProblem[] {
    const out: AmbientPolicyProblem[] = [];
    if (isDisable(spec.mode)) {
        out.push({
            rule: "disable-is-permissive",
            reason: "mode DISABLE: ztunnel has no plaintext-only mode; DISABLE is treated as PERMISSIVE (mesh clients still use HBONE mTLS, plaintext is accepted); write PERMISSIVE",
            source: AUTHZ,
        });
    }
    const ports = Object.entries(spec.portLevelMtls ?? {});
    if (ports.length === 0) {
        return out;
    }
    if (scope !== "workload" || spec.selector === undefined || Object.keys(spec.selector).length === 0) {
        out.push({
            rule: "port-level-ignored",
            reason: "portLevelMtls is read only on a workload-selector policy outside the root namespace; here it is ignored",
            source: POLICIES,
        });
        return out;
    }
    const disabled = ports.filter(([, m]) => isDisable(m)).map(([p]) => p);
    if (disabled.length > 0) {
        out.push({
            rule: "port-disable-is-permissive",
            reason: `portLevelMtls DISABLE on port(s) ${disabled.join(", ")}: treated as PERMISSIVE by ztunnel (plaintext accepted, HBONE mTLS still used); write PERMISSIVE`,
            source: AUTHZ,
        });
    }
    if (parents === undefined) {
        return out;
    }
    const all: AmbientPeerAuthentications = { ...parents, workload: spec };
    const checked = [...ports.map(([p]) => Number(p)), unlistedPort(spec)];
    const stuck = checked.filter((p) => isDisable(spec.portLevelMtls?.[p]) && ztunnelEnforcedMode(all, p).mode === "STRICT");
    if (stuck.length > 0) {
        out.push({
            rule: "port-disable-stays-strict",
            reason: `mode UNSET under a STRICT parent, portLevelMtls DISABLE and no PERMISSIVE port: istiod looks only for PERMISSIVE ports there, so port(s) ${stuck.join(", ")} stay STRICT; write PERMISSIVE`,
            source: AUTHZ,
        });
    }
    const lost = checked.filter((p) => sidecarPortMode(all, p) === "STRICT" && ztunnelEnforcedMode(all, p).mode !== "STRICT");
    if (lost.length > 0) {
        const names = lost.map((p) => (spec.portLevelMtls?.[p] === undefined ? "the ports not listed" : `port ${p}`));
        out.push({
            rule: "strict-not-enforced",
            reason:
                `${names.join(", ")} would be STRICT with sidecars but ztunnel accepts plaintext there: istiod references the workload's converted policy ` +
                "(dropping the static STRICT one) but converts nothing for these ports because it takes the parent for STRICT; set the workload's own mode to STRICT",
            source: AUTHZ,
        });
    }
    return out;
}

/** The mode the sidecar model gives `port` (port-level mode, else the workload's, else inherited; see peerAuthenticationPrecedence.ts). */
function sidecarPortMode(p: AmbientPeerAuthentications, port: number): PeerAuthenticationModeName {
    let mode: PeerAuthenticationModeName = "PERMISSIVE";
    for (const m of [p.mesh?.mode, p.namespace?.mode, p.workload?.mode, p.workload?.portLevelMtls?.[port]]) {
        if (m !== undefined && m !== "UNSET") {
            mode = m;
        }
    }
    return mode;
}

/** A port number not listed in the spec's portLevelMtls (to test the policy's own mode). */
function unlistedPort(spec: AmbientPeerAuthenticationSpec): number {
    const listed = new Set(Object.keys(spec.portLevelMtls ?? {}).map(Number));
    let p = 1;
    while (listed.has(p)) {
        p++;
    }
    return p;
}
