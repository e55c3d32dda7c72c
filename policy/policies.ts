// meshtls CrossGuard policies: the mTLS posture a pull request must keep. Each is configurable
// (`pulumi preview --policy-pack ./policy --policy-pack-config config.json`) and documented in the
// README ("Gate pull requests"). Values unknown during preview make a policy not applicable instead of
// failing it.
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

interface PeerAuthView {
    urn: string;
    namespace: string;
    name: string;
    mode: string;
    hasSelector: boolean;
    portModes: Array<[string, string]>;
}

function peerAuth(r: { urn: string; props: Props }): PeerAuthView {
    const selector = get(r.props, "spec", "selector", "matchLabels");
    const ports = get(r.props, "spec", "portLevelMtls");
    return {
        urn: r.urn,
        namespace: str(r.props, "metadata", "namespace") ?? "default",
        name: str(r.props, "metadata", "name") ?? "?",
        mode: str(r.props, "spec", "mtls", "mode") ?? "UNSET",
        hasSelector: selector !== undefined && selector !== null && Object.keys(selector).length > 0,
        portModes: ports && typeof ports === "object" ? Object.entries(ports as Props).map(([port, v]) => [port, str(v, "mode") ?? "UNSET"]) : [],
    };
}

/** Configuration of peer-authentication-strict. */
export interface PeerAuthenticationStrictConfig {
    /** The mesh root namespace. */
    rootNamespace: string;
    /** Namespaces where PERMISSIVE is accepted (migrations). */
    permissiveNamespaces: string[];
    /** Workload ports that may be PERMISSIVE or DISABLE at port level. */
    allowedPortExceptions: number[];
}

/** PeerAuthentication must be STRICT; UNSET only under a STRICT parent; port exceptions only for allow-listed ports. */
export const peerAuthenticationStrict: StackValidationPolicy = {
    name: "peer-authentication-strict",
    description:
        "PeerAuthentication mode must be STRICT (UNSET only where the namespace-wide or mesh-wide parent is STRICT); port-level exceptions only for allow-listed ports; one namespace-wide policy per namespace.",
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
        const mesh = wide.get(cfg.rootNamespace)?.[0];
        // The first ancestor that sets a mode: workload -> namespace-wide -> mesh-wide.
        const effectiveParent = (pa: PeerAuthView): PeerAuthView | undefined => {
            const parent = pa.namespace === cfg.rootNamespace && !pa.hasSelector ? undefined : pa.hasSelector ? (wide.get(pa.namespace)?.[0] ?? mesh) : mesh;
            if (!parent || parent === pa) {
                return undefined;
            }
            return parent.mode === "UNSET" ? effectiveParent(parent) : parent;
        };
        for (const [ns, list] of wide) {
            if (list.length > 1) {
                report(`namespace ${ns} has ${list.length} namespace-wide PeerAuthentications (${list.map((p) => p.name).join(", ")}); Istio honours only the oldest, so keep one`, list[1].urn);
            }
        }
        for (const pa of all) {
            const at = `PeerAuthentication ${pa.namespace}/${pa.name}`;
            if (pa.mode === "UNSET") {
                const from = effectiveParent(pa);
                if (from?.mode !== "STRICT") {
                    report(`${at}: mode UNSET inherits ${from ? `${from.mode} from ${from.namespace}/${from.name}` : "PERMISSIVE (no parent policy)"}; set STRICT or make the parent STRICT`, pa.urn);
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

/** Every policy of the pack. */
export const meshtlsPolicies: Policies = [
    peerAuthenticationStrict,
    noWideMtlsDisable,
    destinationRuleMeshTls,
    certificateValidity,
    keyAlgorithm,
    noPrivateKeyOutsideSecrets,
    customAuthzProviderRegistered,
    glooNamespaceNotInjected,
];
