// Rule: which DestinationRule applies to a client's calls to a host, and what TLS the client's sidecar
// then sends (an explicit DestinationRule `tls` mode replaces auto-mTLS).
//
// Encodes istio/istio 1.30.3 (commit 56df41f6):
// - `pilot/pkg/model/push_context.go` `setDestinationRules` and `destinationRule`: rules are indexed by
//   namespace; with no `exportTo` (and the default `defaultDestinationRuleExportTo`) a rule is public.
//   Lookup for a client in namespace C and a service in namespace S: (1) rules in C visible to C (when C is
//   the root namespace: only the root namespace's private rules); (2) rules exported from S to C;
//   (3) rules exported from the root namespace to C. The first step with a match wins.
// - `pilot/pkg/model/config.go` `MostSpecificHostMatch` and `pkg/config/host/names.go` `MoreSpecific`:
//   within a step, an exact host wins, else the longest matching wildcard (`*.x` matches by suffix `.x`).
// - `pilot/pkg/networking/core/cluster_tls.go` `buildUpstreamTLSSettings` and `applyUpstreamTLSSettings`:
//   a DestinationRule with `tls` is "userSupplied" and applies to every endpoint (ISTIO_MUTUAL to a pod
//   without a sidecar fails the handshake); without `tls`, auto-mTLS (meshConfig.enableAutoMtls, default
//   on) sends ISTIO_MUTUAL only to endpoints labelled `tlsMode: istio` (a transport socket match) and
//   plain text to the rest.
// Not modelled: workloadSelector rules, merging of several rules for one host (the oldest's traffic policy
// wins), a PeerAuthentication DISABLE on the server (auto-mTLS then sends plain text), mesh-external services.
// Pure: no Pulumi, no I/O.

/** A DestinationRule `trafficPolicy.tls.mode`. */
export type ClientTlsMode = "DISABLE" | "SIMPLE" | "MUTUAL" | "ISTIO_MUTUAL";

/** The part of a DestinationRule this rule reads. */
export interface DestinationRuleView {
    /** Namespace of the DestinationRule. */
    namespace: string;
    /** `spec.host`, fully qualified (or a `*.` wildcard). */
    host: string;
    /** `spec.exportTo`; absent means public ("*"). */
    exportTo?: string[];
    /** `spec.trafficPolicy.tls.mode`; absent means no `tls` (auto-mTLS decides). */
    tlsMode?: ClientTlsMode;
}

/** A call from a client sidecar to a service. */
export interface ServiceCall {
    /** Namespace of the client (its proxy's config namespace). */
    clientNamespace: string;
    /** The service's fully qualified host, e.g. `kubernetes.default.svc.cluster.local`. */
    host: string;
    /** Namespace of the service. */
    serviceNamespace: string;
    /** The mesh's root namespace (`meshConfig.rootNamespace`). */
    rootNamespace: string;
}

/** Whether host pattern `pattern` covers `host` (`*.x` matches any host ending `.x`; `*` matches all). */
export function hostMatches(pattern: string, host: string): boolean {
    if (pattern === "*") {
        return true;
    }
    return pattern.startsWith("*") ? host.endsWith(pattern.slice(1)) : pattern === host;
}

/** Istio's `MoreSpecific`: non-wildcards before wildcards, then longer first, then alphabetical. */
function moreSpecific(a: string, b: string): boolean {
    const aw = a.startsWith("*");
    const bw = b.startsWith("*");
    if (aw !== bw) {
        return !aw;
    }
    return a.length === b.length ? a < b : a.length > b.length;
}

/** The most specific rule whose host covers `host` (exact first, then the longest wildcard), if any. */
export function mostSpecificRule(host: string, rules: DestinationRuleView[]): DestinationRuleView | undefined {
    let best: DestinationRuleView | undefined;
    for (const r of rules) {
        if (hostMatches(r.host, host) && (best === undefined || moreSpecific(r.host, best.host))) {
            best = r;
        }
    }
    return best;
}

const exportsOf = (r: DestinationRuleView) => r.exportTo ?? [];
const isPublic = (r: DestinationRuleView) => exportsOf(r).length === 0 || exportsOf(r).includes("*");
const isPrivateOnly = (r: DestinationRuleView) => exportsOf(r).length === 1 && (exportsOf(r)[0] === "." || exportsOf(r)[0] === r.namespace);
const visibleInOwnNamespace = (r: DestinationRuleView) => isPublic(r) || exportsOf(r).includes(".") || exportsOf(r).includes(r.namespace);
const exportedTo = (r: DestinationRuleView, ns: string) => isPublic(r) || exportsOf(r).includes(ns);

/** The DestinationRule Istio applies to `call`, or undefined when none does. */
export function applicableDestinationRule(call: ServiceCall, rules: DestinationRuleView[]): DestinationRuleView | undefined {
    const inNs = (ns: string) => rules.filter((r) => r.namespace === ns);
    const local =
        call.clientNamespace !== call.rootNamespace
            ? inNs(call.clientNamespace).filter(visibleInOwnNamespace)
            : inNs(call.rootNamespace).filter(isPrivateOnly);
    const exported = (ns: string) => inNs(ns).filter((r) => !isPrivateOnly(r) && exportedTo(r, call.clientNamespace));
    return mostSpecificRule(call.host, local) ?? mostSpecificRule(call.host, exported(call.serviceNamespace)) ?? mostSpecificRule(call.host, exported(call.rootNamespace));
}

/** What the client's sidecar sends to one endpoint of the service. */
export interface UpstreamTls {
    /** `ISTIO_MUTUAL`, `SIMPLE`, `MUTUAL`, or `PLAINTEXT`. */
    mode: "ISTIO_MUTUAL" | "SIMPLE" | "MUTUAL" | "PLAINTEXT";
    /** `DestinationRule` (an explicit `tls`, applied to every endpoint), `AutoMtls`, or `None`. */
    source: "DestinationRule" | "AutoMtls" | "None";
}

/**
 * The TLS a client sidecar sends to an endpoint, given the DestinationRule that applies (if any), whether
 * auto-mTLS is on, and whether the endpoint has a sidecar (the `tlsMode: istio` label).
 */
export function upstreamTls(rule: DestinationRuleView | undefined, endpointHasSidecar: boolean, autoMtls = true): UpstreamTls {
    if (rule?.tlsMode !== undefined) {
        return { mode: rule.tlsMode === "DISABLE" ? "PLAINTEXT" : rule.tlsMode, source: "DestinationRule" };
    }
    if (!autoMtls) {
        return { mode: "PLAINTEXT", source: "None" };
    }
    return { mode: endpointHasSidecar ? "ISTIO_MUTUAL" : "PLAINTEXT", source: "AutoMtls" };
}

/**
 * Whether an injected client's call to a plain-text endpoint (no sidecar: the API server, an uninjected
 * namespace) breaks: the applicable rule forces mesh mTLS on an endpoint that cannot terminate it.
 */
export function breaksPlaintextEndpoint(call: ServiceCall, rules: DestinationRuleView[], autoMtls = true): boolean {
    return upstreamTls(applicableDestinationRule(call, rules), false, autoMtls).mode === "ISTIO_MUTUAL";
}
