// meshtls CrossGuard policies: the mTLS posture a pull request must keep. Each is configurable
// (`pulumi preview --policy-pack ./policy --policy-pack-config config.json`) and documented in the
// README ("Gate pull requests"); the posture-based ones also in docs/reference/policy.md. Values unknown
// during preview make a policy not applicable instead of failing it.
import {
    Policies,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    UnknownValueError,
} from "@pulumi/policy";
import * as YAML from "yaml";
// The posture engine's pure parts (no Pulumi, no Node-only module), by relative path: the pack runs from
// a checkout of this repository.
import { LINK_STATES } from "../sdk/posture/model";
import type { LinkPosture, LinkState } from "../sdk/posture/model";
import { effectivePeerAuthentication, isNamespaceWidePeerAuthentication, oldestPeerAuthentication } from "../sdk/posture/rules/peerAuthenticationPrecedence";
import type { ChosenPeerAuthentication, PeerAuthenticationObject } from "../sdk/posture/rules/peerAuthenticationPrecedence";
import { certificateFacts, pemCertificates } from "../sdk/pki/fingerprint";

type Props = Record<string, unknown>;

const PEER_AUTHENTICATION = ["kubernetes:security.istio.io/v1:PeerAuthentication", "kubernetes:security.istio.io/v1beta1:PeerAuthentication"];
const DESTINATION_RULE = ["kubernetes:networking.istio.io/v1:DestinationRule", "kubernetes:networking.istio.io/v1beta1:DestinationRule", "kubernetes:networking.istio.io/v1alpha3:DestinationRule"];
const AUTHORIZATION_POLICY = ["kubernetes:security.istio.io/v1:AuthorizationPolicy", "kubernetes:security.istio.io/v1beta1:AuthorizationPolicy"];
const HELM_INSTALLS = ["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release"];
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET_TYPES = ["kubernetes:core/v1:Secret", "kubernetes:core/v1:SecretPatch"];

function get(o: unknown, ...path: string[]): unknown {
    let cur = o;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") {
            return undefined;
        }
        cur = (cur as Props)[p];
    }
    return cur;
}

function str(o: unknown, ...path: string[]): string | undefined {
    const v = get(o, ...path);
    return typeof v === "string" ? v : undefined;
}

/** Runs a validation; a value unknown during preview makes the policy not applicable. */
function guarded<A extends { notApplicable(reason?: string): never }>(fn: (args: A, report: ReportViolation) => void) {
    return (args: A, report: ReportViolation): void => {
        try {
            fn(args, report);
        } catch (err) {
            if (err instanceof UnknownValueError) {
                args.notApplicable(`a value it checks is unknown during preview (${(err as Error).message})`);
            }
            throw err;
        }
    };
}

const PEER_AUTHENTICATION_MODES: ReadonlySet<string> = new Set(["STRICT", "PERMISSIVE", "DISABLE", "UNSET"]);

interface PeerAuthView {
    urn: string;
    namespace: string;
    name: string;
    /** `spec.mtls.mode` as written (UNSET when absent), for messages. */
    mode: string;
    hasSelector: boolean;
    portModes: Array<[string, string]>;
    /** The same object as the posture engine's PeerAuthentication precedence rule reads it. */
    rule: PeerAuthenticationObject;
}

function peerAuth(r: { urn: string; props: Props }): PeerAuthView {
    const selector = get(r.props, "spec", "selector", "matchLabels");
    const ports = get(r.props, "spec", "portLevelMtls");
    const namespace = str(r.props, "metadata", "namespace") ?? "default";
    const name = str(r.props, "metadata", "name") ?? "?";
    const mode = str(r.props, "spec", "mtls", "mode") ?? "UNSET";
    const portModes: Array<[string, string]> = ports && typeof ports === "object" ? Object.entries(ports as Props).map(([port, v]) => [port, str(v, "mode") ?? "UNSET"]) : [];
    const labels = selector !== null && typeof selector === "object" ? Object.fromEntries(Object.entries(selector as Props).filter((e): e is [string, string] => typeof e[1] === "string")) : undefined;
    // Stack policies read outputs: a live object carries its creation time, which decides among several
    // namespace-wide policies; an object not created yet has none (the rule then says "unknown").
    const created = Date.parse(str(r.props, "metadata", "creationTimestamp") ?? "");
    const ruleMode = (m: string) => (PEER_AUTHENTICATION_MODES.has(m) ? (m as PeerAuthenticationObject["mode"]) : undefined);
    return {
        urn: r.urn,
        namespace,
        name,
        mode,
        hasSelector: labels !== undefined && Object.keys(labels).length > 0,
        portModes,
        rule: {
            name,
            namespace,
            selector: labels,
            mode: ruleMode(mode),
            portLevelMtls: Object.fromEntries(portModes.flatMap(([port, m]) => (ruleMode(m) === undefined ? [] : [[Number(port), ruleMode(m)]]))) as PeerAuthenticationObject["portLevelMtls"],
            createdAt: Number.isFinite(created) ? created : undefined,
        },
    };
}

/** `namespace/name` of a PeerAuthentication. */
function paName(p: PeerAuthenticationObject): string {
    return `${p.namespace}/${p.name}`;
}

/** The mode a chosen object sets, if any (UNSET and none: the wider scope's). */
function setsMode(chosen: ChosenPeerAuthentication): PeerAuthenticationObject | undefined {
    return chosen !== undefined && chosen !== "unknown" && chosen.mode !== undefined && chosen.mode !== "UNSET" ? chosen : undefined;
}

/**
 * What an UNSET PeerAuthentication inherits, by the engine's precedence rule
 * (sdk/posture/rules/peerAuthenticationPrecedence.ts, Istio 1.30.3 `ComposePeerAuthentication`): the
 * composition of the wider scopes only (a namespace-wide policy: the mesh-wide one; a workload policy:
 * mesh-wide, then namespace-wide), each scope's oldest object counting. `undefined`: nothing wider sets
 * a mode (PERMISSIVE, Istio's default).
 */
function inheritedBy(pa: PeerAuthView, all: readonly PeerAuthView[], rootNamespace: string): { mode: string; from?: string } | undefined {
    const wider = all.map((p) => p.rule).filter((p) => isNamespaceWidePeerAuthentication(p) && (p.namespace === rootNamespace || (pa.hasSelector && p.namespace === pa.namespace)));
    const effective = effectivePeerAuthentication(wider, pa.namespace, rootNamespace, {});
    const scopes: Array<[ChosenPeerAuthentication, string]> = [
        [effective.namespace, pa.namespace],
        [effective.mesh, rootNamespace],
    ];
    const oldestOf = (ns: string) => `the oldest of ${wider.filter((p) => p.namespace === ns).map(paName).join(", ")}`;
    if (effective.mode === "unknown") {
        // The rule says unknown only when a scope's candidates differ and their creation times are not known.
        const differ = (ns: string) => new Set(wider.filter((p) => p.namespace === ns).map((p) => p.mode ?? "UNSET")).size > 1;
        const ns = scopes.find(([chosen, n]) => chosen === "unknown" && differ(n))?.[1] ?? pa.namespace;
        return { mode: "an unknown mode", from: `${oldestOf(ns)} (creation times not known yet)` };
    }
    for (const [chosen, ns] of scopes) {
        const from = setsMode(chosen);
        if (from) {
            return { mode: effective.mode, from: paName(from) };
        }
        if (chosen === "unknown" && wider.some((p) => p.namespace === ns && p.mode !== undefined && p.mode !== "UNSET")) {
            // Several candidates, creation times unknown, all setting the same mode (else the mode is unknown).
            return { mode: effective.mode, from: oldestOf(ns) };
        }
    }
    return undefined;
}

/** Configuration of peer-authentication-strict. */
export interface PeerAuthenticationStrictConfig {
    /** The mesh root namespace. @default "istio-system" */
    rootNamespace: string;
    /** Namespaces where PERMISSIVE is accepted (migrations). @default [] */
    permissiveNamespaces: string[];
    /** Workload ports that may be PERMISSIVE or DISABLE at port level. @default [9443] */
    allowedPortExceptions: number[];
}

/**
 * PeerAuthentication must be STRICT; UNSET only under a STRICT parent; port exceptions only for
 * allow-listed ports. Precedence (which parent an UNSET inherits from, which of several namespace-wide
 * policies Istio honours) is the posture engine's rule, not restated here.
 */
export const peerAuthenticationStrict: StackValidationPolicy = {
    name: "peer-authentication-strict",
    description:
        "PeerAuthentication mode must be STRICT (UNSET only where the namespace-wide or mesh-wide parent is STRICT); port-level exceptions only for allow-listed ports; one namespace-wide policy per namespace; no selector in the root namespace.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            rootNamespace: { type: "string", default: "istio-system" },
            permissiveNamespaces: { type: "array", items: { type: "string" }, default: [] },
            // 9443: the kyverno-authz-server validation webhook, called by the API server without mesh mTLS.
            allowedPortExceptions: { type: "array", items: { type: "integer" }, default: [9443] },
        },
    },
    validateStack: guarded((args: StackValidationArgs, report: ReportViolation) => {
        const cfg = args.getConfig<PeerAuthenticationStrictConfig>();
        const all = args.resources.filter((r) => PEER_AUTHENTICATION.includes(r.type)).map(peerAuth);
        if (all.length === 0) {
            args.notApplicable("no PeerAuthentication in this stack");
        }
        const wide = new Map<string, PeerAuthView[]>();
        for (const pa of all.filter((p) => !p.hasSelector)) {
            wide.set(pa.namespace, [...(wide.get(pa.namespace) ?? []), pa]);
        }
        for (const [ns, list] of wide) {
            if (list.length > 1) {
                const chosen = oldestPeerAuthentication(list.map((p) => p.rule));
                const ignored = chosen === undefined || chosen === "unknown" ? undefined : list.filter((p) => p.rule !== chosen);
                report(
                    `namespace ${ns} has ${list.length} namespace-wide PeerAuthentications (${list.map((p) => p.name).join(", ")}); Istio honours only the oldest, so keep one` +
                        (ignored && chosen !== undefined && chosen !== "unknown" ? `: ${chosen.name} is honoured, ${ignored.map((p) => p.name).join(", ")} ignored` : ""),
                    (ignored?.[0] ?? list[1]).urn,
                );
            }
        }
        for (const pa of all) {
            const at = `PeerAuthentication ${pa.namespace}/${pa.name}`;
            if (pa.hasSelector && pa.namespace === cfg.rootNamespace) {
                // ComposePeerAuthentication: a policy with a selector counts only outside the root namespace.
                report(`${at}: a selector in the root namespace ${cfg.rootNamespace}; Istio ignores it (workload policies apply only in the workloads' namespace), so move it there`, pa.urn);
                continue;
            }
            if (pa.mode === "UNSET") {
                const from = pa.namespace === cfg.rootNamespace ? undefined : inheritedBy(pa, all, cfg.rootNamespace);
                if (from?.mode !== "STRICT") {
                    report(`${at}: mode UNSET inherits ${from ? `${from.mode} from ${from.from ?? "?"}` : "PERMISSIVE (no parent policy)"}; set STRICT or make the parent STRICT`, pa.urn);
                }
            } else if (pa.mode !== "STRICT" && !(pa.mode === "PERMISSIVE" && cfg.permissiveNamespaces.includes(pa.namespace))) {
                report(`${at}: mode ${pa.mode}; expected STRICT${pa.mode === "PERMISSIVE" ? ` (or list ${pa.namespace} in permissiveNamespaces during a migration)` : ""}`, pa.urn);
            }
            for (const [port, mode] of pa.portModes) {
                if (mode !== "STRICT" && mode !== "UNSET" && !cfg.allowedPortExceptions.includes(Number(port))) {
                    report(`${at}: port ${port} is ${mode}; port-level exceptions are allowed only for ports ${JSON.stringify(cfg.allowedPortExceptions)} (allowedPortExceptions)`, pa.urn);
                }
            }
        }
    }),
};

/** No mesh-wide or namespace-wide DISABLE. */
export const noWideMtlsDisable: ResourceValidationPolicy = {
    name: "no-wide-mtls-disable",
    description: "A PeerAuthentication without a selector (mesh-wide or namespace-wide) must not DISABLE mTLS.",
    enforcementLevel: "mandatory",
    validateResource: guarded((args: ResourceValidationArgs, report: ReportViolation) => {
        if (!PEER_AUTHENTICATION.includes(args.type)) {
            return;
        }
        const pa = peerAuth({ urn: args.urn, props: args.props });
        if (!pa.hasSelector && pa.mode === "DISABLE") {
            report(`PeerAuthentication ${pa.namespace}/${pa.name} disables mTLS for the whole ${pa.namespace === "istio-system" ? "mesh" : `namespace ${pa.namespace}`}; use PERMISSIVE for a migration, or DISABLE only for selected workloads`);
        }
    }),
};

/** Configuration of destination-rule-mesh-tls. */
export interface DestinationRuleMeshTlsConfig {
    /** Cluster DNS domains whose hosts are in the mesh. */
    meshDomains: string[];
}

function inMesh(host: string, domains: string[]): boolean {
    const h = host.replace(/^\*\./, "");
    if (!h.includes(".") || host === "*") {
        return true;
    }
    return domains.some((d) => h === d || h.endsWith(`.${d}`) || h.endsWith(".svc")) || /^[a-z0-9-]+\.[a-z0-9-]+(\.svc)?$/.test(h);
}

/** DestinationRules must not turn Istio mTLS off for in-mesh hosts. */
export const destinationRuleMeshTls: ResourceValidationPolicy = {
    name: "destination-rule-mesh-tls",
    description: "A DestinationRule for an in-mesh host must not set tls.mode DISABLE or SIMPLE (clients would send plain text or skip client certificates).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { meshDomains: { type: "array", items: { type: "string" }, default: ["cluster.local"] } } },
    validateResource: guarded((args: ResourceValidationArgs, report: ReportViolation) => {
        if (!DESTINATION_RULE.includes(args.type)) {
            return;
        }
        const cfg = args.getConfig<DestinationRuleMeshTlsConfig>();
        const host = str(args.props, "spec", "host") ?? "";
        if (!inMesh(host, cfg.meshDomains)) {
            return;
        }
        const modes: Array<[string, string | undefined]> = [["trafficPolicy.tls.mode", str(args.props, "spec", "trafficPolicy", "tls", "mode")]];
        const ports = get(args.props, "spec", "trafficPolicy", "portLevelSettings");
        if (Array.isArray(ports)) {
            ports.forEach((p: unknown, i) => modes.push([`trafficPolicy.portLevelSettings[${i}].tls.mode`, str(p, "tls", "mode")]));
        }
        for (const [field, mode] of modes) {
            if (mode === "DISABLE" || mode === "SIMPLE") {
                report(`DestinationRule ${str(args.props, "metadata", "namespace") ?? ""}/${str(args.props, "metadata", "name") ?? ""}: ${field} is ${mode} for in-mesh host ${host}; use ISTIO_MUTUAL (or leave tls unset for auto mTLS)`);
            }
        }
    }),
};

/** Configuration of certificate-validity. */
export interface CertificateValidityConfig {
    /** Longest validity of a CA certificate, in hours. */
    maxCaValidityHours: number;
    /** Longest validity of a leaf certificate, in hours. */
    maxLeafValidityHours: number;
}

/** Certificates: bounded validity and early renewal set. */
export const certificateValidity: ResourceValidationPolicy = {
    name: "certificate-validity",
    description: "tls certificates: validity no longer than the configured maximum (CA and leaf separately), and earlyRenewalHours set so they renew before they expire (a self-signed CA root may have 0: it is renewed by rotation).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxCaValidityHours: { type: "integer", default: 87600 },
            maxLeafValidityHours: { type: "integer", default: 8760 },
        },
    },
    validateResource: guarded((args: ResourceValidationArgs, report: ReportViolation) => {
        if (args.type !== "tls:index/selfSignedCert:SelfSignedCert" && args.type !== "tls:index/locallySignedCert:LocallySignedCert") {
            return;
        }
        const cfg = args.getConfig<CertificateValidityConfig>();
        const ca = get(args.props, "isCaCertificate") === true;
        const hours = get(args.props, "validityPeriodHours");
        const max = ca ? cfg.maxCaValidityHours : cfg.maxLeafValidityHours;
        if (typeof hours === "number" && hours > max) {
            report(`${ca ? "CA" : "leaf"} certificate ${args.name}: validityPeriodHours ${hours} exceeds ${max} (${ca ? "maxCaValidityHours" : "maxLeafValidityHours"})`);
        }
        const early = get(args.props, "earlyRenewalHours");
        // A self-signed CA root is renewed by a generation rotation, not in place: istiod ignores a root
        // re-issued in place until it restarts (meshtls' root default is 0; sdk/posture/rules/istiodRootChange.ts).
        const rootRenewedByRotation = args.type === "tls:index/selfSignedCert:SelfSignedCert" && ca && early === 0;
        if (!rootRenewedByRotation && (typeof early !== "number" || early <= 0)) {
            report(`certificate ${args.name}: earlyRenewalHours is ${early === undefined ? "unset" : JSON.stringify(early)}; set it so the certificate is re-issued before it expires`);
        }
    }),
};

/** Configuration of certificate-expiry-budget. */
export interface CertificateExpiryBudgetConfig {
    /** A managed certificate may not end within this many days of the preview. @default 30 */
    days: number;
}

const SELF_SIGNED_CERT = "tls:index/selfSignedCert:SelfSignedCert";
const LOCALLY_SIGNED_CERT = "tls:index/locallySignedCert:LocallySignedCert";
const DAY_MS = 86_400_000;

/**
 * A managed certificate as certificate-expiry-budget reads it from a stack resource's outputs. Only
 * certificates whose end is known take part: one being created or replaced in this preview has no
 * `certPem` or `validityEndTime` yet (see `managedCertificate`).
 */
export interface ManagedCertificate {
    /** The resource's URN (the violation is reported on it). */
    urn: string;
    /** The resource's name, for messages. */
    name: string;
    /** Which tls resource: a self-signed one (a root, when `isCa`) or one signed by a CA. */
    kind: "SelfSignedCert" | "LocallySignedCert";
    /** `isCaCertificate`. */
    isCa: boolean;
    /** End of validity, ISO 8601 UTC without fractions (the certificate's notAfter). */
    notAfter: string;
    /** `earlyRenewalHours`, when known. */
    earlyRenewalHours?: number;
    /** The notAfter of the issuer (`caCertPem`'s first certificate) of a LocallySignedCert, when known. */
    issuerNotAfter?: string;
}

/** An ISO 8601 date, or undefined when `v` is not one. */
function isoDate(v: unknown): string | undefined {
    const t = typeof v === "string" ? Date.parse(v) : NaN;
    return Number.isFinite(t) ? new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z") : undefined;
}

/** A value unknown during preview, as `readKnown` returns it. */
const UNKNOWN_VALUE: unique symbol = Symbol("unknown during preview");

/** `props[key]`, or UNKNOWN_VALUE when the engine marks it unknown during preview. */
function readKnown(props: Props, key: string): unknown {
    try {
        return props[key];
    } catch (err) {
        if (err instanceof UnknownValueError) {
            return UNKNOWN_VALUE;
        }
        throw err;
    }
}

/**
 * A tls certificate resource as certificate-expiry-budget counts it, or undefined when it does not count.
 *
 * How @pulumi/policy 1.21.0 hands a stack policy its resources (server.js, `validateStack`): each
 * resource's outputs, deserialized and wrapped in `unknownCheckingProxy` (proxy.js), so reading a value
 * unknown during preview throws `UnknownValueError`, and an uncaught one turns the whole policy into an
 * advisory "can't run during preview". A certificate being created or replaced has its computed outputs
 * unknown (`certPem`, `validityEndTime`: @pulumi/tls 5.6.1 LocallySignedCert/SelfSignedCert), so each
 * is read here on its own: an unknown or absent end leaves that certificate out (what gets deployed is
 * its replacement, with a fresh validity) while the others are still checked. The end is the
 * certificate's own notAfter (`certPem`), else the provider's `validityEndTime`; the issuer's is the
 * first certificate of a LocallySignedCert's `caCertPem`.
 */
export function managedCertificate(r: Pick<PolicyResource, "type" | "urn" | "name" | "props">): ManagedCertificate | undefined {
    if (r.type !== SELF_SIGNED_CERT && r.type !== LOCALLY_SIGNED_CERT) {
        return undefined;
    }
    const certPem = readKnown(r.props, "certPem");
    const validityEndTime = readKnown(r.props, "validityEndTime");
    if (certPem === UNKNOWN_VALUE || validityEndTime === UNKNOWN_VALUE) {
        return undefined;
    }
    const notAfter = certificateFacts(typeof certPem === "string" ? certPem : undefined).notAfter || isoDate(validityEndTime);
    if (notAfter === undefined) {
        return undefined;
    }
    const early = readKnown(r.props, "earlyRenewalHours");
    const caCertPem = r.type === LOCALLY_SIGNED_CERT ? readKnown(r.props, "caCertPem") : undefined;
    const issuers = pemCertificates(typeof caCertPem === "string" ? caCertPem : undefined);
    return {
        urn: r.urn,
        name: r.name,
        kind: r.type === SELF_SIGNED_CERT ? "SelfSignedCert" : "LocallySignedCert",
        isCa: readKnown(r.props, "isCaCertificate") === true,
        notAfter,
        earlyRenewalHours: typeof early === "number" ? early : undefined,
        issuerNotAfter: issuers.length === 0 ? undefined : certificateFacts(issuers[0]).notAfter,
    };
}

/** One certificate-expiry-budget violation. */
export interface ExpiryFinding {
    /** The certificate resource's URN. */
    urn: string;
    /** What is wrong and what to do. */
    message: string;
}

/** `notAfter - hours`, ISO 8601 UTC without fractions. */
function hoursBefore(iso: string, hours: number): string {
    return new Date(Date.parse(iso) - hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** What to do about a certificate inside the budget. */
function renewalAdvice(c: ManagedCertificate, budgetDays: number, now: Date): string {
    if (c.kind === "SelfSignedCert" && c.isCa) {
        return "a CA root is renewed by rotation, not in place: rotate the CA to a new generation (README, Rotation runbook: TrustNew, ServeNew, Stable)";
    }
    const early = c.earlyRenewalHours ?? 0;
    if (early <= 0) {
        return `earlyRenewalHours is ${c.earlyRenewalHours ?? "unset"}, so nothing re-issues it before it expires: re-issue it now (\`pulumi up --replace ${c.urn}\`) and set earlyRenewalHours`;
    }
    const renewFrom = hoursBefore(c.notAfter, early);
    if (now.getTime() >= Date.parse(renewFrom)) {
        return `it is inside its renewal window (earlyRenewalHours ${early}, since ${renewFrom}) but was not re-issued: run \`pulumi up\``;
    }
    return `its renewal window (earlyRenewalHours ${early}) opens only at ${renewFrom}, after the budget starts: run \`pulumi up\` then, re-issue it now (\`pulumi up --replace ${c.urn}\`), or set earlyRenewalHours to at least ${budgetDays * 24}`;
}

/**
 * The violations of certificate-expiry-budget at `now` (pure: the policy passes the preview's clock).
 * A certificate ending within `days` of `now` (or already ended) is one; so is a LocallySignedCert
 * ending after its issuer, whatever the budget: peers stop trusting it when the issuer expires.
 */
export function certificateExpiryFindings(certs: readonly ManagedCertificate[], days: number, now: Date): ExpiryFinding[] {
    const findings: ExpiryFinding[] = [];
    for (const c of certs) {
        const at = `${c.kind} ${c.name}`;
        const msLeft = Date.parse(c.notAfter) - now.getTime();
        if (msLeft <= days * DAY_MS) {
            const when = msLeft < 0 ? `expired at ${c.notAfter} (${Math.ceil(-msLeft / DAY_MS)} days ago)` : `expires at ${c.notAfter}, in ${Math.floor(msLeft / DAY_MS)} days`;
            findings.push({ urn: c.urn, message: `${at} ${when}, within the expiry budget of ${days} days; ${renewalAdvice(c, days, now)}` });
        }
        if (c.issuerNotAfter !== undefined && c.notAfter > c.issuerNotAfter) {
            findings.push({
                urn: c.urn,
                message: `${at} ends at ${c.notAfter}, after its issuer (caCertPem, ends ${c.issuerNotAfter}); peers stop trusting it when the issuer expires: rotate the issuer first (a new CA generation that lasts longer), or shorten validityPeriodHours`,
            });
        }
    }
    return findings;
}

/**
 * No managed certificate ends within the budget, none outlives its issuer. See
 * docs/reference/policy.md for how `days` relates to the certificates' `earlyRenewalHours`.
 */
export const certificateExpiryBudget: StackValidationPolicy = {
    name: "certificate-expiry-budget",
    description:
        "No tls certificate of the stack (SelfSignedCert, LocallySignedCert) ends within `days` of the preview, and none ends after its issuer; certificates created or replaced in this preview (end unknown) are not counted. A budget no longer than a certificate's earlyRenewalHours window fires only when the re-issue did not happen (no `pulumi up` ran in the window); a longer one fires on every preview from the budget's start until the re-issue lands.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { days: { type: "integer", minimum: 1, default: 30 } } },
    validateStack: guarded((args: StackValidationArgs, report: ReportViolation) => {
        const cfg = args.getConfig<CertificateExpiryBudgetConfig>();
        const certs = args.resources.flatMap((r) => managedCertificate(r) ?? []);
        if (certs.length === 0) {
            args.notApplicable("no certificate in this stack has a known end (none managed, or all created or replaced in this preview)");
        }
        for (const f of certificateExpiryFindings(certs, cfg.days, new Date(Date.now()))) {
            report(f.message, f.urn);
        }
    }),
};

/** Configuration of key-algorithm. */
export interface KeyAlgorithmConfig {
    /** Accepted algorithms: ECDSA_P256, ECDSA_P384, RSA_2048, RSA_3072, RSA_4096 (names as meshtls' KeyAlgorithm). */
    allowedKeyAlgorithms: string[];
}

/** tls private keys use an allowed algorithm (never the provider's P224 default). */
export const keyAlgorithm: ResourceValidationPolicy = {
    name: "key-algorithm",
    description: "tls private keys use an allowed algorithm; ECDSA without ecdsaCurve is P224 (the provider's default), which Envoy does not serve.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { allowedKeyAlgorithms: { type: "array", items: { type: "string" }, default: ["ECDSA_P256", "ECDSA_P384", "RSA_2048", "RSA_3072", "RSA_4096"] } },
    },
    validateResource: guarded((args: ResourceValidationArgs, report: ReportViolation) => {
        if (args.type !== "tls:index/privateKey:PrivateKey") {
            return;
        }
        const cfg = args.getConfig<KeyAlgorithmConfig>();
        const algorithm = str(args.props, "algorithm");
        const bits = get(args.props, "rsaBits");
        const name = algorithm === "ECDSA" ? `ECDSA_${str(args.props, "ecdsaCurve") ?? "P224"}` : algorithm === "RSA" ? `RSA_${typeof bits === "number" ? bits : 2048}` : (algorithm ?? "unset");
        if (!cfg.allowedKeyAlgorithms.includes(name)) {
            report(`private key ${args.name}: ${name}${name === "ECDSA_P224" ? " (ecdsaCurve unset: the provider defaults to P224)" : ""} is not allowed; accepted: ${cfg.allowedKeyAlgorithms.join(", ")}`);
        }
    }),
};

/** No PEM private key outside Secrets. */
export const noPrivateKeyOutsideSecrets: ResourceValidationPolicy = {
    name: "no-private-key-outside-secrets",
    description:
        "No PEM private key in a ConfigMap or any other Kubernetes object than a Secret. Helm installs are exempt: Helm stores a Release's values in a Secret, and helm.v4.Chart renders them into the chart's objects, which this policy checks one by one.",
    enforcementLevel: "mandatory",
    validateResource: guarded((args: ResourceValidationArgs, report: ReportViolation) => {
        if (!args.type.startsWith("kubernetes:") || SECRET_TYPES.includes(args.type) || HELM_INSTALLS.includes(args.type)) {
            return;
        }
        if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(JSON.stringify(args.props))) {
            const kind = args.type.split(":").pop() ?? args.type;
            report(`${kind} ${str(args.props, "metadata", "namespace") ?? ""}/${str(args.props, "metadata", "name") ?? args.name} contains a PEM private key; keys belong in a Secret${kind === "ConfigMap" ? " (ConfigMaps are readable by anyone who can read the namespace's configuration)" : ""}`);
        }
    }),
};

/** Names of the extension providers registered by the stack's istiod installs and mesh ConfigMaps. */
function registeredProviders(resources: PolicyResource[]): Set<string> | undefined {
    let found = false;
    const names = new Set<string>();
    for (const r of resources) {
        let providers: unknown;
        if (HELM_INSTALLS.includes(r.type) && str(r.props, "chart") === "istiod") {
            found = true;
            providers = get(r.props, "values", "meshConfig", "extensionProviders");
        } else if (r.type === "kubernetes:core/v1:ConfigMap" && str(r.props, "metadata", "name")?.startsWith("istio") && typeof get(r.props, "data", "mesh") === "string") {
            found = true;
            providers = get(YAML.parse(str(r.props, "data", "mesh") ?? "") as unknown, "extensionProviders");
        }
        if (Array.isArray(providers)) {
            for (const p of providers) {
                const n = str(p, "name");
                if (n) {
                    names.add(n);
                }
            }
        }
    }
    return found ? names : undefined;
}

/** AuthorizationPolicy CUSTOM names a provider the mesh registers. */
export const customAuthzProviderRegistered: StackValidationPolicy = {
    name: "custom-authz-provider-registered",
    description: "Every AuthorizationPolicy with action CUSTOM names an extension provider registered in the mesh config of the same stack (an unknown provider denies or is ignored).",
    enforcementLevel: "mandatory",
    validateStack: guarded((args: StackValidationArgs, report: ReportViolation) => {
        const custom = args.resources.filter((r) => AUTHORIZATION_POLICY.includes(r.type) && str(r.props, "spec", "action") === "CUSTOM");
        if (custom.length === 0) {
            args.notApplicable("no CUSTOM AuthorizationPolicy in this stack");
        }
        const registered = registeredProviders(args.resources);
        if (!registered) {
            args.notApplicable("the mesh config is not managed in this stack");
        }
        for (const ap of custom) {
            const provider = str(ap.props, "spec", "provider", "name") ?? "";
            if (!registered.has(provider)) {
                report(
                    `AuthorizationPolicy ${str(ap.props, "metadata", "namespace") ?? ""}/${str(ap.props, "metadata", "name") ?? ""}: provider "${provider}" is not registered in meshConfig.extensionProviders (registered: ${[...registered].join(", ") || "none"})`,
                    ap.urn,
                );
            }
        }
    }),
};

/** Gloo's namespace stays out of Istio injection. */
export const glooNamespaceNotInjected: StackValidationPolicy = {
    name: "gloo-namespace-not-injected",
    description: "The namespace Gloo Edge is installed into must not be labelled for Istio injection (istio-injection=enabled or istio.io/rev).",
    enforcementLevel: "mandatory",
    validateStack: guarded((args: StackValidationArgs, report: ReportViolation) => {
        const glooNamespaces = args.resources.filter((r) => HELM_INSTALLS.includes(r.type) && str(r.props, "chart") === "gloo").map((r) => str(r.props, "namespace") ?? "default");
        if (glooNamespaces.length === 0) {
            args.notApplicable("Gloo is not installed by this stack");
        }
        const namespaces = args.resources.filter((r) => r.type === NAMESPACE && glooNamespaces.includes(str(r.props, "metadata", "name") ?? ""));
        if (namespaces.length === 0) {
            args.notApplicable("Gloo's namespace is not managed in this stack");
        }
        for (const ns of namespaces) {
            const labels = (get(ns.props, "metadata", "labels") ?? {}) as Props;
            if (labels["istio-injection"] === "enabled" || labels["istio.io/rev"] !== undefined) {
                report(`Namespace ${str(ns.props, "metadata", "name") ?? ""} (Gloo's) is labelled for Istio injection; label it istio-injection=disabled: Gloo's proxies carry their own istio-proxy sidecar`, ns.urn);
            }
        }
    }),
};

/**
 * The components whose registered `posture` output is the posture engine's result (link id ->
 * LinkPosture): MtlsPlatform, KuadrantMtls, IstioMesh, GlooMtls and KyvernoAuthz, written out because
 * the modules defining their type tokens are not pure (a test keeps the list equal to every component
 * class with a `posture` output).
 */
export const POSTURE_COMPONENT_TYPES: readonly string[] = Object.freeze([
    "meshtls:index:MtlsPlatform",
    "meshtls:index:KuadrantMtls",
    "meshtls:index:IstioMesh",
    "meshtls:index:GlooMtls",
    "meshtls:index:KyvernoAuthz",
    "meshtls:index:KgatewayMtls",
]);

/** A link's state before the change, as the baseline gives it: a state, or a LinkPosture (`state` read). */
export type BaselineEntry = string | Pick<LinkPosture, "state">;

/** Configuration of posture-no-downgrade. */
export interface PostureNoDowngradeConfig {
    /**
     * The posture before the change: link id -> state, or link id -> LinkPosture, i.e. the `posture` output
     * of the stack as deployed (`pulumi stack output posture --json`). Absent: the policy is not applicable.
     */
    baseline?: Record<string, BaselineEntry>;
    /**
     * Link ids whose `unknown` or absent state after the change has been reviewed and is accepted. A link
     * that is `plaintext` or `refused` after the change is never accepted here.
     * @default []
     */
    acceptUnverified: string[];
}

/** One component's view of the links after the change. */
interface PostureView {
    /** `MtlsPlatform meshtls`. */
    component: string;
    urn: string;
    links: Map<string, LinkPosture>;
}

/** Whether a resource has an ancestor among `urns`. */
function hasAncestorIn(r: PolicyResource, urns: ReadonlySet<string>): boolean {
    for (let p = r.parent; p !== undefined; p = p.parent) {
        if (urns.has(p.urn)) {
            return true;
        }
    }
    return false;
}

/** A link state, or undefined when `v` is none. */
function linkState(v: unknown): LinkState | undefined {
    return typeof v === "string" && (LINK_STATES as readonly string[]).includes(v) ? (v as LinkState) : undefined;
}

/** A component's `posture` output as a link map, or a problem with it. */
function postureView(r: PolicyResource): PostureView | string {
    const component = `${r.type.split(":").pop() ?? r.type} ${r.name}`;
    const posture = get(r.props, "posture");
    if (posture === null || typeof posture !== "object" || Array.isArray(posture)) {
        return `${component} reports no posture link map (its posture output is ${posture === undefined ? "absent" : JSON.stringify(posture)}); run a meshtls version whose posture output holds link states`;
    }
    const links = new Map<string, LinkPosture>();
    for (const [id, link] of Object.entries(posture as Props)) {
        const state = linkState(get(link, "state"));
        if (state === undefined) {
            return `${component}: posture link ${id} has no link state (${JSON.stringify(get(link, "state") ?? link)}); run a meshtls version whose posture output holds link states`;
        }
        const decidedBy = get(link, "decidedBy");
        links.set(id, {
            state,
            kind: str(link, "kind") ?? "",
            reason: str(link, "reason") ?? "",
            decidedBy: Array.isArray(decidedBy) ? decidedBy.filter((d): d is string => typeof d === "string") : [],
        });
    }
    return { component, urn: r.urn, links };
}

/** `reason; decided by a, b` of a link after the change. */
function why(link: LinkPosture): string {
    return `${link.reason}${link.decidedBy.length > 0 ? `; decided by ${link.decidedBy.join(", ")}` : ""}`;
}

/**
 * No link that is `mtls` before the change is `plaintext` or `refused` after it. "After" is the posture
 * engine's result the stack's components registered (their `posture` output: a stack policy reads
 * registered outputs); "before" is the `baseline` config. A link `mtls` before that is `unknown` or no
 * longer reported after is a violation too, unless listed in `acceptUnverified`: the gate cannot show it
 * is still protected (e.g. KuadrantMtls `authorino: false` drops the gateway -> Authorino link from the
 * posture while the gateway still calls Authorino, now without mTLS). See docs/reference/policy.md.
 */
export const postureNoDowngrade: StackValidationPolicy = {
    name: "posture-no-downgrade",
    description:
        "No link that is mtls in the baseline posture (the stack's posture output before the change) is plaintext or refused in the posture the stack's meshtls components compute after it; unknown or absent after is a violation unless accepted by link id (acceptUnverified).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            // A state or a LinkPosture per link; the policy checks the state itself and names a bad one.
            baseline: { type: "object", additionalProperties: { type: ["string", "object"] } },
            acceptUnverified: { type: "array", items: { type: "string" }, default: [] },
        },
    },
    validateStack: guarded((args: StackValidationArgs, report: ReportViolation) => {
        const cfg = args.getConfig<PostureNoDowngradeConfig>();
        if (cfg.baseline === undefined) {
            args.notApplicable("no baseline posture (config baseline: the stack's `pulumi stack output posture --json` before the change)");
        }
        const before: string[] = [];
        let badBaseline = false;
        for (const [id, entry] of Object.entries(cfg.baseline)) {
            const raw = typeof entry === "string" ? entry : get(entry, "state");
            const state = linkState(raw);
            if (state === undefined) {
                badBaseline = true;
                report(`baseline: link ${id} has state ${JSON.stringify(raw)}, not a link state (${LINK_STATES.join(", ")}); take the baseline from a meshtls version whose posture output holds link states`);
            } else if (state === "mtls") {
                before.push(id);
            }
        }
        if (badBaseline) {
            return;
        }
        if (before.length === 0) {
            args.notApplicable("no link is mtls in the baseline");
        }
        const components = args.resources.filter((r) => POSTURE_COMPONENT_TYPES.includes(r.type));
        if (components.length === 0) {
            report(`the baseline has ${before.length} mtls link(s) but no component in this stack reports a posture (${POSTURE_COMPONENT_TYPES.join(", ")}); nothing shows they stay mtls`);
            return;
        }
        // A component inside another one that reports posture (KuadrantMtls in MtlsPlatform) sees less: the
        // outer one's posture covers its links with the mesh's own policies in view.
        const urns = new Set(components.map((r) => r.urn));
        const views: PostureView[] = [];
        for (const r of components.filter((c) => !hasAncestorIn(c, urns))) {
            const view = postureView(r);
            if (typeof view === "string") {
                report(view, r.urn);
            } else {
                views.push(view);
            }
        }
        if (views.length === 0) {
            return; // every component's problem is reported above
        }
        const accepted = new Set(cfg.acceptUnverified);
        for (const id of before.sort()) {
            const seen = views.flatMap((v) => {
                const link = v.links.get(id);
                return link ? [{ view: v, link }] : [];
            });
            const downgraded = seen.filter((s) => s.link.state === "plaintext" || s.link.state === "refused");
            for (const { view, link } of downgraded) {
                report(`link ${id}: mtls before the change, ${link.state} after (${view.component}): ${why(link)}`, view.urn);
            }
            if (downgraded.length > 0 || accepted.has(id)) {
                continue;
            }
            for (const { view, link } of seen.filter((s) => s.link.state === "unknown")) {
                report(`link ${id}: mtls before the change, unknown after (${view.component}): ${why(link)}; the engine cannot show it stays mtls: check it, then list it in acceptUnverified`, view.urn);
            }
            if (seen.length === 0) {
                report(`link ${id}: mtls before the change, absent after (no component reports it: removed, renamed, or no longer declared, e.g. KuadrantMtls authorino/limitador false); nothing shows it stays mtls: check it, then list it in acceptUnverified`);
            }
        }
    }),
};

/** Every policy of the pack. */
export const meshtlsPolicies: Policies = [
    peerAuthenticationStrict,
    noWideMtlsDisable,
    destinationRuleMeshTls,
    certificateValidity,
    certificateExpiryBudget,
    keyAlgorithm,
    noPrivateKeyOutsideSecrets,
    customAuthzProviderRegistered,
    glooNamespaceNotInjected,
    postureNoDowngrade,
];
