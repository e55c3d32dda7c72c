// MtlsPlatform's plan: the platform's own checks, every child's arguments, and every child's plan, built
// before anything is registered. Children's settings (the mesh's mode and namespace, the authorizer's
// extension provider, Gloo's rotation) are read from their plans, never restated here. Pure: no
// resource, no mock runtime.
import type * as pulumi from "@pulumi/pulumi";
import { authzNamespaceObject, KyvernoAuthzArgs, KyvernoAuthzFlavor, KyvernoAuthzPlan, kyvernoDestinationRule, kyvernoMtlsPolicies, planKyvernoAuthz, resolveKyvernoProvider, webhookCertificateArgs } from "../authz";
import { GlooCertRotation, GlooMtlsArgs, GlooMtlsPlan, glooAmbientIstioRefusal, glooInstallSettings, planGlooMtls, resolveGlooRotation } from "../gloo";
import { HelmMode, valueAt } from "../internal/chartValues";
import { ArgsValidator, argsProblemsOf, attemptPlan } from "../internal/validation";
import {
    DATAPLANE_MODE_AMBIENT,
    DATAPLANE_MODE_LABEL,
    DataPlaneMode,
    NAMESPACE_INJECTION_LABEL,
    REVISION_LABEL,
    DEFAULT_ISTIO_NAMESPACE,
    DEFAULT_ISTIO_VERSION,
    NamespaceEnrollmentArgs,
    NamespaceEnrollmentPlan,
    planNamespaceEnrollment,
    ExtensionProvider,
    MtlsMode,
    IstioMeshArgs,
    IstioMeshPlan,
    MtlsPolicyArgs,
    MtlsPolicyPlan,
    MtlsScope,
    istioInstallSettings,
    istioMeshManifests,
    planIstioMesh,
    istioDestinationRuleHost,
    planMtlsPolicy,
} from "../istio";
import { KgatewayMtlsArgs, KgatewayMtlsPlan, planKgatewayMtls } from "../kgateway";
import { KuadrantMtlsArgs, KuadrantMtlsPlan, planKuadrantMtls } from "../kuadrant";
import { CaRotationState, CertificateArgs, CertificateAuthorityArgs, CertificateAuthorityPlan, IssuerMaterial, caSigningValidityHours, checkLeafWithinCa, planCertificate, planCertificateAuthority } from "../pki";
import { DEFAULT_GLOO_ISTIO_INTEGRATION, DEFAULT_GLOO_XDS, DEFAULT_ISTIO_ENABLED, DEFAULT_USE_PLATFORM_CA, MTLS_PLATFORM_TYPE } from "./defaults";
import type { LinkPosture } from "../posture";
import { ambientPolicyProblems, DEFAULT_CNI_EXCLUDE_NAMESPACES, namespaceEnrollmentConflict } from "../posture";
import { PlatformFleetPlan, checkFleetIssuerArgs, clusterRotationState, planPlatformFleet } from "./fleet";
import { platformPosture } from "./posture";
import type { MtlsPlatformArgs } from "./types";

/**
 * Stands in for the platform CA's issuer while children are planned: plans check whether an issuer is
 * given, never its content. The component passes the real `CertificateAuthority.issuer` instead.
 */
const PLATFORM_CA_PLACEHOLDER: pulumi.Unwrap<IssuerMaterial> = { certPem: "", privateKeyPem: "", caChainPem: "", intermediatesPem: "", rootCertPem: "", trustBundlePem: "" };

/** One child component of the platform: its resource name, its arguments and its plan. */
export interface PlatformChild<A, P> {
    /** The child's resource name. */
    name: string;
    /** The child's arguments, without the platform CA (see `usesPlatformCa`). */
    args: A;
    /** The child's plan, built from `args` (with the platform CA where it takes it). */
    plan: P;
    /** Whether the component passes the platform CA's issuer to this child. */
    usesPlatformCa: boolean;
}

/** MtlsPlatform, validated, with every child planned. */
export interface MtlsPlatformPlan {
    /** The platform's resource name. */
    name: string;
    /** The platform CA. */
    ca: PlatformChild<pulumi.Unwrap<CertificateAuthorityArgs>, CertificateAuthorityPlan>;
    /** Istio, unless disabled; `usesPlatformCa` says whether the CA is its plug-in CA. */
    istio?: PlatformChild<pulumi.Unwrap<IstioMeshArgs>, IstioMeshPlan>;
    /** Kuadrant mTLS, when asked for. */
    kuadrant?: PlatformChild<pulumi.Unwrap<KuadrantMtlsArgs>, KuadrantMtlsPlan>;
    /** Gloo, when asked for; `usesPlatformCa` when it issues the xDS certificate from the platform CA. */
    gloo?: PlatformChild<pulumi.Unwrap<GlooMtlsArgs>, GlooMtlsPlan>;
    /** kgateway, when asked for. */
    kgateway?: PlatformChild<pulumi.Unwrap<KgatewayMtlsArgs>, KgatewayMtlsPlan>;
    /** The kyverno authorizer, when asked for; `usesPlatformCa` when its webhook certificate comes from the platform CA. */
    authz?: PlatformChild<pulumi.Unwrap<KyvernoAuthzArgs>, KyvernoAuthzPlan>;
    /** The extra policies, in the order given (names are the platform's entry names). */
    policies: Array<PlatformChild<pulumi.Unwrap<MtlsPolicyArgs>, MtlsPolicyPlan> & { entryName: string }>;
    /** The namespaces `istio.enroll` puts in the mesh's data plane, in the order given. */
    enrollments: Array<PlatformChild<pulumi.Unwrap<NamespaceEnrollmentArgs>, NamespaceEnrollmentPlan>>;
    /** The extension providers registered in the mesh: the authorizer's first, then the extra ones. */
    extensionProviders: pulumi.Unwrap<ExtensionProvider>[];
    /**
     * Every link the platform's children declare, keyed by link id (sorted), with its effective state
     * computed by the posture engine (sdk/posture) and the objects that decided it (plain data: known at preview).
     */
    posture: Record<string, LinkPosture>;
    /**
     * Every namespace-wide (and mesh-wide) PeerAuthentication the children create, sorted by namespace:
     * at most one per namespace (Istio honours only the oldest; sdk/posture/rules/peerAuthenticationPrecedence.ts).
     */
    namespacePeerAuthentications: NamespacePeerAuthentication[];
    /**
     * A fleet in one program (`clusters`): the fleet CA and each cluster's own single-cluster plan. The
     * top-level children are then the first cluster's, and `posture` holds every cluster's links, each id
     * prefixed with `<cluster>: `.
     */
    fleet?: PlatformFleetPlan<MtlsPlatformPlan>;
    /** A cluster stack (`fleetIssuer`): its cluster's name and the rotation state it asks for. */
    fleetIssuer?: { cluster: string; rotationState: CaRotationState };
}

/** A namespace-wide PeerAuthentication one child creates, and the argument that asks for it. */
export interface NamespacePeerAuthentication {
    /** Namespace of the PeerAuthentication (the mesh's root namespace for the mesh-wide one). */
    namespace: string;
    /** Name of the PeerAuthentication. */
    name: string;
    /** The mode it sets. */
    mode: MtlsMode;
    /** The platform argument that asks for it, e.g. `policies[2]`, `gloo.strictUpstreamNamespaces`, `authz.appMtls[0]`. */
    source: string;
}

/** The children planned so far (a child whose arguments are invalid is left out). */
type PlannedChildren = Omit<MtlsPlatformPlan, "namespacePeerAuthentications" | "posture" | "extensionProviders">;

/** A PeerAuthentication or DestinationRule object one child creates, and the argument that asks for it. */
interface MeshPolicyObject {
    kind: "PeerAuthentication" | "DestinationRule";
    namespace: string;
    name: string;
    /** A PeerAuthentication without a selector (namespace-wide, or mesh-wide in the root namespace). */
    namespaceWide: boolean;
    /** The PeerAuthentication's mode. */
    mode?: MtlsMode;
    source: string;
}

/**
 * The objects an MtlsPolicy with these arguments creates. Its own problems are reported under `source`
 * (an argument the platform derived them from), never under the nested component's name.
 */
function policyObjects(v: ArgsValidator, resourceName: string, args: pulumi.Unwrap<MtlsPolicyArgs>, source: string): MeshPolicyObject[] {
    const plan = attemptPlan(v, () => source, () => planMtlsPolicy(resourceName, args));
    if (plan === undefined) {
        return [];
    }
    return [
        { kind: "PeerAuthentication", namespace: plan.namespace, name: plan.policyName, namespaceWide: plan.scope !== MtlsScope.Workload, mode: plan.mode, source },
        ...plan.destinationRules.map((dr): MeshPolicyObject => ({ kind: "DestinationRule", namespace: plan.namespace, name: dr.name, namespaceWide: false, source })),
    ];
}

/** Every PeerAuthentication and DestinationRule the children create (the authorizer's own rule included). */
function meshPolicyObjects(v: ArgsValidator, plan: PlannedChildren): MeshPolicyObject[] {
    const out: MeshPolicyObject[] = [];
    if (plan.istio) {
        const mesh = istioMeshManifests(plan.istio.plan).meshPolicy;
        out.push(...policyObjects(v, mesh.resourceName, mesh.args, "istio.mtlsMode (the mesh-wide policy)"));
    }
    for (const p of [...(plan.kuadrant?.plan.manual?.peerAuthentications ?? []), ...(plan.kuadrant?.plan.ambient?.peerAuthentications ?? [])]) {
        out.push({ kind: "PeerAuthentication", namespace: p.namespace, name: p.name, namespaceWide: p.selector === undefined, mode: p.mode, source: "kuadrant" });
    }
    for (const ns of plan.gloo?.plan.istio?.strictNamespaces ?? []) {
        out.push(...policyObjects(v, `${plan.gloo?.name}-${ns}-strict`, { namespace: ns }, "gloo.strictUpstreamNamespaces"));
    }
    if (plan.authz) {
        const appMtls = plan.authz.plan.appMtls;
        // The entry an application namespace's policy comes from (the policies follow appMtls's order).
        let next = 0;
        for (const p of kyvernoMtlsPolicies(plan.authz.plan.provider, plan.authz.plan.server, appMtls, plan.authz.plan.dataPlaneMode)) {
            let source = "authz.namespace (the authorizer's namespace)";
            const i = p.args.selector === undefined ? appMtls.findIndex((a, k) => k >= next && a.namespace === p.args.namespace) : -1;
            if (i >= 0) {
                next = i + 1;
                source = `authz.appMtls[${i}]`;
            } else if (p.args.selector !== undefined) {
                const j = appMtls.findIndex((a) => a.namespace === p.args.namespace);
                source = j >= 0 ? `authz.appMtls[${j}].permissivePorts` : source;
            }
            out.push(...policyObjects(v, `${plan.authz.name}-${p.id}`, p.args, source));
        }
        const dr = kyvernoDestinationRule(plan.authz.plan.provider);
        out.push({ kind: "DestinationRule", namespace: dr.spec.namespace, name: dr.spec.name, namespaceWide: false, source: `authz (its ${plan.authz.name}-${dr.id} DestinationRule)` });
    }
    plan.policies.forEach((p, i) => {
        out.push({ kind: "PeerAuthentication", namespace: p.plan.namespace, name: p.plan.policyName, namespaceWide: p.plan.scope !== MtlsScope.Workload, mode: p.plan.mode, source: `policies[${i}]` });
        for (const dr of p.plan.destinationRules) {
            out.push({ kind: "DestinationRule", namespace: p.plan.namespace, name: dr.name, namespaceWide: false, source: `policies[${i}].args.destinationRule` });
        }
    });
    return out;
}

/**
 * One object per kind, namespace and name: two children declaring the same PeerAuthentication or
 * DestinationRule would register it twice and overwrite each other. Two namespace-wide
 * PeerAuthentications in one namespace are left to `oneNamespaceWidePerNamespace`, which says why.
 */
function checkObjectNames(v: ArgsValidator, objects: MeshPolicyObject[]): void {
    const owner = new Map<string, MeshPolicyObject>();
    for (const o of objects) {
        const key = `${o.kind} ${o.namespace}/${o.name}`;
        const first = owner.get(key);
        if (first === undefined) {
            owner.set(key, o);
        } else if (!(o.kind === "PeerAuthentication" && o.namespaceWide && first.namespaceWide)) {
            v.fail(o.source, `${o.kind} ${o.namespace}/${o.name}`, `${first.source} already creates ${o.kind} ${o.namespace}/${o.name}; one object has one owner, so give one of the two another name`);
        }
    }
}

/**
 * The namespace-wide PeerAuthentications the children create, at most one per namespace: Istio honours
 * only the oldest there (istio/istio 1.30.3 pilot/pkg/model/authentication.go), so another is silently
 * ignored, whichever mode it asks for. Requests are not merged: each child owns the object it creates,
 * and dropping one child's object would change what that child manages.
 */
function oneNamespaceWidePerNamespace(v: ArgsValidator, objects: MeshPolicyObject[]): NamespacePeerAuthentication[] {
    const owner = new Map<string, NamespacePeerAuthentication>();
    for (const o of objects) {
        if (o.kind !== "PeerAuthentication" || !o.namespaceWide || o.mode === undefined) {
            continue;
        }
        const pa: NamespacePeerAuthentication = { namespace: o.namespace, name: o.name, mode: o.mode, source: o.source };
        const first = owner.get(pa.namespace);
        if (first === undefined) {
            owner.set(pa.namespace, pa);
            continue;
        }
        v.fail(
            pa.source,
            `${pa.namespace}/${pa.name} (${pa.mode})`,
            `namespace ${pa.namespace} already gets namespace-wide PeerAuthentication ${first.namespace}/${first.name} (${first.mode}) from ${first.source}; Istio honours only the oldest namespace-wide PeerAuthentication in a namespace, so keep one of the two (drop one, or give one a selector)`,
        );
    }
    return [...owner.values()].sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
}

/** Platform-level checks: combinations of sections that no single child can see, and settings it would ignore. */
function validatePlatformArgs(v: ArgsValidator, args: pulumi.Unwrap<MtlsPlatformArgs>): void {
    v.enumValue("helmMode", args.helmMode, HelmMode);
    if (args.ca?.externalRoots !== undefined && args.fleetIssuer === undefined) {
        v.fail("ca.externalRoots", "(set)", "only with clusters (a fleet; a fleet of one for a single cluster), whose FleetCertificateAuthority takes supplied roots");
    }
    const istioEnabled = args.istio?.enabled ?? DEFAULT_ISTIO_ENABLED;
    const g = args.gloo;
    if (!istioEnabled) {
        v.check(g?.istioIntegration !== true, "gloo.istioIntegration", true, "it needs the platform's Istio; enable istio or set gloo.istioIntegration false");
        // Every other Istio setting would be ignored: nothing installs the mesh it configures.
        for (const [key, value] of Object.entries(args.istio ?? {}) as Array<[string, unknown]>) {
            if (key !== "enabled" && value !== undefined) {
                v.fail(`istio.${key}`, value, "istio.enabled is false, so no mesh is installed and this setting would be ignored; remove it or enable istio");
            }
        }
        if (args.authz && (args.authz.targets ?? []).length > 0 && args.authz.meshExtensionProviders === undefined) {
            v.fail(
                "authz.targets",
                args.authz.targets?.map((t) => t.namespace),
                "istio.enabled is false, so no mesh registers the authorizer's extension provider and these CUSTOM AuthorizationPolicies would name a provider that does not exist; enable istio, or list the mesh's providers in authz.meshExtensionProviders",
            );
        }
    }
    if (g) {
        const integration = istioEnabled && (g.istioIntegration ?? DEFAULT_GLOO_ISTIO_INTEGRATION);
        const why = !istioEnabled ? "Istio upstreams need the platform's Istio (istio.enabled is false)" : "gloo.istioIntegration is false, so this setting would be ignored; remove it or enable the integration";
        if (!integration) {
            v.check((g.istioUpstreams ?? []).length === 0, "gloo.istioUpstreams", g.istioUpstreams?.map((u) => u.serviceName), why);
            v.check(g.enableAutoMtls === undefined, "gloo.enableAutoMtls", g.enableAutoMtls, why);
            v.check(g.strictUpstreamNamespaces === undefined, "gloo.strictUpstreamNamespaces", g.strictUpstreamNamespaces, why);
        }
        const xds = g.xds ?? DEFAULT_GLOO_XDS;
        if (!xds) {
            const off = "gloo.xds is false (no xDS mTLS), so this setting would be ignored; remove it or enable xds";
            v.check(g.xdsRotation === undefined, "gloo.xdsRotation", g.xdsRotation, off);
            v.check(g.xdsCertificate === undefined, "gloo.xdsCertificate", g.xdsCertificate, off);
            v.check(g.cronSchedule === undefined, "gloo.cronSchedule", g.cronSchedule, off);
            v.check(g.rotationDuration === undefined, "gloo.rotationDuration", g.rotationDuration, off);
        } else if (resolveGlooRotation(g.xdsRotation) === GlooCertRotation.Pulumi) {
            const pulumiRotation = "it only applies with gloo.xdsRotation CronJob; with Pulumi rotation the platform CA's phases rotate the xDS certificate, so it would be ignored";
            v.check(g.cronSchedule === undefined, "gloo.cronSchedule", g.cronSchedule, pulumiRotation);
            v.check(g.rotationDuration === undefined, "gloo.rotationDuration", g.rotationDuration, pulumiRotation);
        } else {
            v.check(g.xdsCertificate === undefined, "gloo.xdsCertificate", g.xdsCertificate, "it only applies with gloo.xdsRotation Pulumi; with CronJob rotation the chart's job issues the certificate, so it would be ignored");
        }
    }
    if (args.istio?.usePlatformCa === false && args.istio.multiRootTrust !== undefined) {
        v.fail("istio.multiRootTrust", args.istio.multiRootTrust, "it only applies with the platform CA as plug-in CA (istio.usePlatformCa)");
    }
    if (g && !glooHasWork(args)) {
        v.fail("gloo", { xds: false, istioIntegration: g.istioIntegration ?? false }, `Gloo with neither xDS mTLS nor the Istio integration${istioEnabled ? "" : " (istio.enabled is false)"} has nothing to protect; remove gloo or enable one`);
    }
    const names = new Map<string, number>();
    (args.policies ?? []).forEach((p, i) => {
        if (v.dnsSubdomain(`policies[${i}].name`, p.name, true)) {
            const first = names.get(p.name);
            v.check(first === undefined, `policies[${i}].name`, p.name, `policy names must be unique in the platform (policies[${first}] has it)`);
            names.set(p.name, first ?? i);
        }
    });
}

/** Whether the gloo section asks for xDS mTLS or an Istio integration the platform can give it. */
function glooHasWork(args: MtlsPlatformArgs): boolean {
    const istioEnabled = args.istio?.enabled ?? DEFAULT_ISTIO_ENABLED;
    return (args.gloo?.xds ?? DEFAULT_GLOO_XDS) || (istioEnabled && (args.gloo?.istioIntegration ?? DEFAULT_GLOO_ISTIO_INTEGRATION));
}

/** Maps a child's argument path to the platform argument the user wrote. */
type FieldMap = (field: string) => string;

/** A FieldMap that prefixes each part of a field (`a/b` names two fields). */
function under(prefix: string, special: Record<string, string> = {}, rest?: FieldMap): FieldMap {
    return (field) =>
        field
            .split("/")
            .map((part) => {
                for (const [from, to] of Object.entries(special)) {
                    if (part === from || part.startsWith(`${from}.`) || part.startsWith(`${from}[`)) {
                        return `${to}${part.slice(from.length)}`;
                    }
                }
                return rest ? rest(part) : `${prefix}${part}`;
            })
            .join("/");
}

/**
 * One owner per Kubernetes object: refuses two children (or two arguments) creating the same Namespace,
 * or the same DestinationRule host in one namespace, naming both sources.
 */
function checkSingleOwners(v: ArgsValidator, plan: PlannedChildren): void {
    const namespaces: Array<[string, string]> = [];
    if (plan.istio?.plan.createNamespace) {
        namespaces.push([plan.istio.plan.namespace, "istio.namespace"]);
    }
    if (plan.istio?.plan.gateway?.createNamespace) {
        namespaces.push([plan.istio.plan.gateway.namespace, "istio.gateway.namespace"]);
    }
    if (plan.gloo?.plan.createNamespace) {
        namespaces.push([plan.gloo.plan.namespace, "gloo.namespace"]);
    }
    if (plan.authz?.plan.createNamespace) {
        namespaces.push([plan.authz.plan.provider.namespace, "authz.namespace"]);
    }
    if (plan.kgateway?.plan.createNamespace) {
        namespaces.push([plan.kgateway.plan.namespace, "kgateway.namespace"]);
    }
    if (plan.kgateway?.plan.gateway.createNamespace) {
        namespaces.push([plan.kgateway.plan.gateway.namespace, "kgateway.gateway.namespace"]);
    }
    // Enrollment labels have one owner too: a namespace enrolled by two children, or labelled by one while
    // another creates it with its own labels, would have its labels fought over (or enrolled both ways).
    const labelled: Array<[string, string, Record<string, string>]> = [];
    plan.enrollments.forEach((e, i) => labelled.push([e.plan.namespace, `istio.enroll[${i}].namespace`, e.plan.labels]));
    const kgw = plan.kgateway?.plan;
    if (kgw?.gateway.enroll) {
        labelled.push([kgw.gateway.namespace, "kgateway.gateway.namespace (enrolled in ambient)", { [DATAPLANE_MODE_LABEL]: DATAPLANE_MODE_AMBIENT }]);
    }
    (plan.kuadrant?.plan.ambient?.enrollments ?? []).forEach((e, i) =>
        labelled.push([e.namespace, i === 0 ? "kuadrant.namespace (enrolled in ambient)" : "kuadrant.gateways (a gateway namespace enrolled in ambient)", e.labels]),
    );
    const labelledBy = new Map<string, string>();
    for (const [ns, source, labels] of labelled) {
        const first = labelledBy.get(ns);
        if (first !== undefined) {
            v.fail(source, ns, `namespace ${ns} is already enrolled by ${first}; one object has one owner: enroll it once`);
        } else {
            labelledBy.set(ns, source);
        }
        // The authorizer creates its namespace with the enrollment labels itself.
        if (plan.authz?.plan.createNamespace && plan.authz.plan.provider.namespace === ns) {
            v.fail(source, ns, `namespace ${ns} is created by authz.namespace with its own enrollment labels (${JSON.stringify(authzNamespaceObject(plan.authz.plan.provider, plan.authz.plan.revision, plan.authz.plan.dataPlaneMode).metadata.labels)}); do not enroll it again`);
        }
        const dual = namespaceEnrollmentConflict(labels);
        if (dual !== undefined) {
            v.fail(source, labels, dual);
        }
    }
    plan.enrollments.forEach((e, i) => {
        if (e.plan.createNamespace) {
            namespaces.push([e.plan.namespace, `istio.enroll[${i}].createNamespace`]);
        }
    });
    const createdBy = new Map<string, string>();
    for (const [ns, source] of namespaces) {
        const first = createdBy.get(ns);
        if (first !== undefined) {
            v.fail(source, ns, `Namespace ${ns} is already created by ${first}; one object has one owner: use another namespace, or set createNamespace false on one of the two`);
        } else {
            createdBy.set(ns, source);
        }
    }
    // DestinationRules keyed by namespace and host as Istio resolves it, the authorizer's first (it is
    // always created), so a policy's rule for the same host names it as the first owner.
    const hosts = new Map<string, string>();
    if (plan.authz) {
        const dr = kyvernoDestinationRule(plan.authz.plan.provider);
        hosts.set(`${dr.spec.namespace}/${dr.spec.host}`, `authz (its ${plan.authz.name}-${dr.id} DestinationRule)`);
    }
    plan.policies.forEach((p, i) => {
        p.plan.destinationRules.forEach((dr, j) => {
            const key = `${p.plan.namespace}/${istioDestinationRuleHost(dr.host, p.plan.namespace, p.plan.clusterDomain)}`;
            const source = `policies[${i}].args.destinationRule.hosts[${j}]`;
            const first = hosts.get(key);
            if (first !== undefined) {
                v.fail(source, dr.host, `a DestinationRule for this host in namespace ${p.plan.namespace} is already declared by ${first}; Istio applies only one of them, so declare each host once`);
            } else {
                hosts.set(key, source);
            }
        });
    });
}

/**
 * A leaf never outlives the CA certificate that signs it, where the platform issues both: the Gloo xDS
 * certificate (Pulumi rotation) and the authorizer's webhook certificate, when each comes from the
 * platform CA. Their validities are read from the children's plans (defaults resolved there). A leaf
 * left at its default is named as such, with the ways out, since the user never wrote its value.
 */
function checkLeavesWithinCa(v: ArgsValidator, plan: PlannedChildren): void {
    const ca = plan.ca.args;
    const signer = ca.intermediate ? "ca.intermediate.validityHours" : "ca.validityHours";
    const caHours = caSigningValidityHours(ca);
    const xds = plan.gloo?.usesPlatformCa ? plan.gloo.plan.xds : undefined;
    if (xds?.rotation === GlooCertRotation.Pulumi) {
        const hours = xds.certificate.validityHours;
        const given = xds.certificate.given?.validityHours !== undefined;
        leafWithinCa(
            v,
            given ? "gloo.xdsCertificate.validityHours" : "gloo.xdsCertificate.validityHours (the default)",
            hours,
            ca,
            given
                ? `shorten gloo.xdsCertificate.validityHours to at most ${caHours}, or lengthen ${signer} to at least ${hours}`
                : `the Gloo xDS certificate is issued from the platform CA with the default validity (${hours} h); lengthen ${signer} to at least ${hours}, or set gloo.xdsCertificate.validityHours within it (Gloo also needs it above certgen's renew-before), or use gloo.xdsRotation CronJob`,
        );
    }
    const server = plan.authz?.usesPlatformCa ? plan.authz.plan.server : undefined;
    const webhook = server ? webhookCertificateArgs(server) : undefined;
    if (plan.authz && webhook) {
        // KyvernoAuthz passes no validity, so the Certificate's own default applies: read it from its plan.
        // The plan's certificate arguments are plain (names from validated arguments, the CA placeholder).
        const leaf = attemptPlan(
            v,
            (field) => `authz (its webhook certificate's ${field})`,
            () => planCertificate(`${plan.authz?.name}-webhook-cert`, webhook as pulumi.Unwrap<CertificateArgs>),
        );
        if (leaf) {
            leafWithinCa(
                v,
                "authz (its webhook certificate, issued from the platform CA with the default leaf validity)",
                leaf.validityHours,
                ca,
                `KyvernoAuthz has no setting for this validity (${leaf.validityHours} h); lengthen ${signer} to at least ${leaf.validityHours}, or issue the webhook certificate elsewhere (authz.webhookIssuer or authz.webhookCertManagerIssuer)`,
            );
        }
    }
}

/** `checkLeafWithinCa` against the platform CA, with how to fix it appended to the problem. */
function leafWithinCa(v: ArgsValidator, leafField: string, leafHours: number, ca: pulumi.Unwrap<CertificateAuthorityArgs>, fix: string): void {
    const scratch = new ArgsValidator(MTLS_PLATFORM_TYPE, "");
    if (checkLeafWithinCa(scratch, leafField, leafHours, "ca", ca)) {
        return;
    }
    try {
        scratch.throwIfInvalid();
    } catch (err) {
        for (const p of argsProblemsOf(err) ?? []) {
            v.report({ ...p, accepted: `${p.accepted}; ${fix}` });
        }
    }
}

/**
 * Validates MtlsPlatform's arguments and plans every child, before anything is registered. Every
 * section is checked: the problems of all of them, each child's own included, are thrown together as
 * one ArgsError (a `pulumi.ResourceError`) of the platform, each named by the platform path the user
 * wrote (`authz.timeout`, `gloo.xdsCertificate.validityHours`, `policies[2].args.namespace`).
 */
export function planMtlsPlatform(name: string, args: pulumi.Unwrap<MtlsPlatformArgs>): MtlsPlatformPlan {
    const v = new ArgsValidator(MTLS_PLATFORM_TYPE, name);
    if (args.clusters !== undefined) {
        v.enumValue("helmMode", args.helmMode, HelmMode);
        const fleet = planPlatformFleet(v, name, args, planMtlsPlatform);
        v.throwIfInvalid();
        const clusters = (fleet as PlatformFleetPlan<MtlsPlatformPlan>).clusters;
        const entries: Array<[string, LinkPosture]> = clusters.flatMap((c) => Object.entries(c.plan.posture).map(([id, link]): [string, LinkPosture] => [`${c.name}: ${id}`, link]));
        const posture = Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        return { ...clusters[0].plan, name, fleet, posture };
    }
    validatePlatformArgs(v, args);
    checkFleetIssuerArgs(v, args);
    const caArgs = args.ca ?? {};
    const caPlan = attemptPlan(v, under("ca."), () => planCertificateAuthority(`${name}-ca`, caArgs));

    // The authorizer's provider is resolved once (by the authz product) and registered in the mesh.
    const providers: pulumi.Unwrap<ExtensionProvider>[] = [];
    if (args.authz) {
        providers.push(resolveKyvernoProvider(args.authz).extensionProvider);
    }
    const authzProviders = providers.length;
    const istioSection = args.istio ?? {};
    providers.push(...(istioSection.extraExtensionProviders ?? []));

    let istio: MtlsPlatformPlan["istio"];
    if (istioSection.enabled ?? DEFAULT_ISTIO_ENABLED) {
        const usesPlatformCa = istioSection.usePlatformCa ?? DEFAULT_USE_PLATFORM_CA;
        const istioArgs: pulumi.Unwrap<IstioMeshArgs> = {
            ...istioInstallSettings(istioSection),
            helmMode: istioSection.helmMode ?? args.helmMode,
            extensionProviders: providers.length > 0 ? providers : undefined,
            multiRootTrust: usesPlatformCa ? istioSection.multiRootTrust : undefined,
        };
        const map: FieldMap = (field) => {
            const provider = /^extensionProviders\[(\d+)\](.*)$/.exec(field);
            if (provider) {
                const i = Number(provider[1]);
                // The authorizer's own provider is checked (and reported) as authz's arguments too.
                return i < authzProviders ? authzProviderField(provider[2]) : `istio.extraExtensionProviders[${i - authzProviders}]${provider[2]}`;
            }
            if (field === "helmMode" && istioSection.helmMode === undefined) {
                return "helmMode";
            }
            return field.startsWith("pluginCa") ? "ca" : `istio.${field}`;
        };
        const plan = attemptPlan(v, map, () => planIstioMesh(`${name}-istio`, usesPlatformCa ? { ...istioArgs, pluginCa: PLATFORM_CA_PLACEHOLDER } : istioArgs), [
            ["by namespace (", "by istio.namespace ("],
            ["set gateway.createNamespace", "set istio.gateway.createNamespace"],
        ]);
        if (plan) {
            istio = { name: `${name}-istio`, args: istioArgs, plan, usesPlatformCa };
        }
    }
    const istioSettingsOk = istio !== undefined || !(istioSection.enabled ?? DEFAULT_ISTIO_ENABLED);
    // The mesh's data plane, which every integration follows (the given one when the mesh's own settings
    // are invalid, so the integrations are still checked against it).
    const givenMode = Object.values(DataPlaneMode).includes(istioSection.dataPlaneMode as DataPlaneMode) ? istioSection.dataPlaneMode : undefined;
    const dataPlaneMode = istio?.plan.dataPlaneMode ?? givenMode ?? DataPlaneMode.Sidecar;
    const ambient = dataPlaneMode === DataPlaneMode.Ambient;

    // An invalid istio.dataPlaneMode (reported by the mesh's plan) leaves the integrations' mode unknown:
    // their mode-dependent checks would only add noise.
    const modeKnown = istioSection.dataPlaneMode === undefined || givenMode !== undefined || !(istioSection.enabled ?? DEFAULT_ISTIO_ENABLED);

    let kuadrant: MtlsPlatformPlan["kuadrant"];
    if (args.kuadrant && modeKnown) {
        // Authorino and Limitador join the platform's mesh (its data plane, and its revision with sidecars)
        // unless told otherwise.
        const k = args.kuadrant;
        const kuadrantArgs: pulumi.Unwrap<KuadrantMtlsArgs> = {
            ...k,
            ...(ambient ? { dataPlaneMode: DataPlaneMode.Ambient } : { revision: k.revision ?? (istio?.plan.revision || undefined) }),
        };
        checkMeshMode(v, "kuadrant.dataPlaneMode", k.dataPlaneMode, dataPlaneMode);
        const plan = attemptPlan(v, under("kuadrant."), () => planKuadrantMtls(`${name}-kuadrant`, kuadrantArgs));
        if (plan) {
            kuadrant = { name: `${name}-kuadrant`, args: kuadrantArgs, plan, usesPlatformCa: false };
        }
    }

    let gloo: MtlsPlatformPlan["gloo"];
    // A Gloo section with nothing to do is reported by the platform's own check above.
    if (args.gloo && glooHasWork(args)) {
        const g = args.gloo;
        const xds = g.xds ?? DEFAULT_GLOO_XDS;
        const rotation = resolveGlooRotation(g.xdsRotation);
        const usesPlatformCa = xds && rotation === GlooCertRotation.Pulumi;
        const istioEnabled = istioSection.enabled ?? DEFAULT_ISTIO_ENABLED;
        const withIstio = istioEnabled && (g.istioIntegration ?? DEFAULT_GLOO_ISTIO_INTEGRATION);
        // With invalid Istio settings (reported above) Gloo's own settings are still checked, against the default version.
        const mesh = istio?.plan ?? { version: DEFAULT_ISTIO_VERSION, revision: "", namespace: DEFAULT_ISTIO_NAMESPACE, discoveryAddress: "" };
        const glooArgs: pulumi.Unwrap<GlooMtlsArgs> = {
            ...glooInstallSettings(g),
            helmMode: g.install === false ? undefined : (g.helmMode ?? args.helmMode),
            xds: xds ? (usesPlatformCa ? { certificate: g.xdsCertificate } : { rotation, cronSchedule: g.cronSchedule, rotationDuration: g.rotationDuration }) : undefined,
            istio: withIstio
                ? {
                      istioVersion: mesh.version,
                      enableAutoMtls: g.enableAutoMtls,
                      // The chart's own default discovery address is istiod in istio-system (solo-io/gloo
                      // v1.22.1 install/helm/gloo/values-template.yaml: istiod.istio-system.svc:15012).
                      istioDiscoveryAddress: mesh.revision || mesh.namespace !== DEFAULT_ISTIO_NAMESPACE ? mesh.discoveryAddress : undefined,
                      upstreams: g.istioUpstreams,
                      strictUpstreamNamespaces: g.strictUpstreamNamespaces,
                  }
                : undefined,
        };
        const planned = usesPlatformCa && glooArgs.xds ? { ...glooArgs, xds: { ...glooArgs.xds, issuer: PLATFORM_CA_PLACEHOLDER } } : glooArgs;
        const map = under(
            "gloo.",
            {
                "xds.certificate": "gloo.xdsCertificate",
                "xds.cronSchedule": "gloo.cronSchedule",
                "xds.rotationDuration": "gloo.rotationDuration",
                "xds.rotation": "gloo.xdsRotation",
                "xds.issuer": "ca",
                "istio.istioVersion": "istio.version",
                "istio.istioDiscoveryAddress": "istio.namespace",
                "istio.enableAutoMtls": "gloo.enableAutoMtls",
                "istio.upstreams": "gloo.istioUpstreams",
                "istio.strictUpstreamNamespaces": "gloo.strictUpstreamNamespaces",
                istio: "gloo.istioIntegration",
                xds: "gloo.xds",
                ...(g.helmMode === undefined && g.install !== false ? { helmMode: "helmMode" } : {}),
            },
        );
        if (ambient && withIstio) {
            // GlooMtls refuses the same with istio.dataPlaneMode; here it is named as the platform's user wrote it.
            v.fail(
                "gloo.istioIntegration",
                g.istioIntegration ?? `${String(DEFAULT_GLOO_ISTIO_INTEGRATION)} (the default with istio)`,
                glooAmbientIstioRefusal("the mesh is ambient (istio.dataPlaneMode): set gloo.istioIntegration: false"),
            );
        }
        const plan = attemptPlan(v, map, () => planGlooMtls(`${name}-gloo`, planned), [["xds.certificate.", "gloo.xdsCertificate."]]);
        if (plan && istioSettingsOk) {
            gloo = { name: `${name}-gloo`, args: glooArgs, plan, usesPlatformCa };
        }
    }

    let authz: MtlsPlatformPlan["authz"];
    if (args.authz && modeKnown) {
        const a = args.authz;
        const server = resolveKyvernoProvider(a).flavor === KyvernoAuthzFlavor.AuthzServer;
        const usesPlatformCa = server && a.webhookIssuer === undefined && a.webhookCertManagerIssuer === undefined;
        const authzArgs: pulumi.Unwrap<KyvernoAuthzArgs> = {
            ...a,
            helmMode: server ? (a.helmMode ?? args.helmMode) : undefined,
            meshExtensionProviders: a.meshExtensionProviders ?? (istio ? providers : undefined),
            // The authorizer's pods and namespace join the platform's mesh (its data plane, and its revision
            // with sidecars) unless told otherwise.
            ...(ambient
                ? {
                      dataPlaneMode: DataPlaneMode.Ambient,
                      // The mesh's own ingress gateway is an Envoy: a selector target there is enforced.
                      gatewayNamespaces: a.gatewayNamespaces ?? (istio?.plan.gateway ? [istio.plan.gateway.namespace] : undefined),
                  }
                : { revision: a.revision ?? (istio?.plan.revision || undefined) }),
        };
        checkMeshMode(v, "authz.dataPlaneMode", a.dataPlaneMode, dataPlaneMode);
        const map = under("authz.", {
            ...(a.meshExtensionProviders === undefined ? { meshExtensionProviders: "istio.extraExtensionProviders" } : {}),
            ...(a.revision === undefined ? { revision: "istio.revision" } : {}),
            ...(a.helmMode === undefined ? { helmMode: "helmMode" } : {}),
            ...(usesPlatformCa ? { webhookIssuer: "ca" } : {}),
        });
        const plan = attemptPlan(v, map, () => planKyvernoAuthz(`${name}-authz`, usesPlatformCa ? { ...authzArgs, webhookIssuer: PLATFORM_CA_PLACEHOLDER } : authzArgs));
        if (plan) {
            authz = { name: `${name}-authz`, args: authzArgs, plan, usesPlatformCa };
        }
    }

    // A policy without a namespace is mesh-wide, in the mesh's root namespace: the platform's Istio namespace.
    const rootNamespace = istio && istio.plan.namespace !== DEFAULT_ISTIO_NAMESPACE ? istio.plan.namespace : undefined;
    const policies: MtlsPlatformPlan["policies"] = [];
    (args.policies ?? []).forEach((p, i) => {
        const policyName = `${name}-policy-${p.name}`;
        const given = p.args;
        if (istio && given.rootNamespace !== undefined && given.rootNamespace !== istio.plan.namespace) {
            // Reported, and the entry still planned: which resources exist never depends on a check's outcome.
            v.fail(`policies[${i}].args.rootNamespace`, given.rootNamespace, `the platform's mesh has its root namespace in istio.namespace (${istio.plan.namespace}); remove rootNamespace or set it to ${istio.plan.namespace}`);
        }
        // A policy's namespace may run sidecars in an ambient mesh (say so with dataPlaneMode: Sidecar), but
        // an ambient namespace needs an ambient mesh.
        if (given.dataPlaneMode === DataPlaneMode.Ambient && !ambient) {
            v.fail(`policies[${i}].args.dataPlaneMode`, given.dataPlaneMode, "the platform's mesh runs the Sidecar data plane (istio.dataPlaneMode), so no namespace is ambient; remove it, or set istio.dataPlaneMode: Ambient");
        }
        const policyArgs = {
            ...given,
            ...(rootNamespace !== undefined && given.rootNamespace === undefined ? { rootNamespace } : {}),
            // Checked as the mesh's data plane reads it; sidecar policies keep their arguments as given.
            ...(ambient && given.dataPlaneMode === undefined ? { dataPlaneMode: DataPlaneMode.Ambient } : {}),
        };
        const plan = attemptPlan(v, under(`policies[${i}].args.`), () => planMtlsPolicy(policyName, policyArgs));
        if (plan) {
            policies.push({ name: policyName, entryName: p.name, args: policyArgs, plan, usesPlatformCa: false });
        }
    });

    let kgateway: MtlsPlatformPlan["kgateway"];
    if (args.kgateway && modeKnown) {
        const k = args.kgateway;
        const mesh = istio?.plan;
        const kgatewayArgs: pulumi.Unwrap<KgatewayMtlsArgs> = {
            ...k,
            helmMode: k.helmMode ?? args.helmMode,
            // The gateway joins the platform's mesh: its data plane, and with sidecars the proxy settings.
            istio: mesh
                ? mesh.dataPlaneMode === DataPlaneMode.Ambient
                    ? { dataPlaneMode: DataPlaneMode.Ambient }
                    : { istioVersion: mesh.version, discoveryAddress: mesh.discoveryAddress, meshId: mesh.meshId ?? mesh.trustDomain }
                : undefined,
        };
        const map = under("kgateway.", {
            "istio.istioVersion": "istio.version",
            "istio.discoveryAddress": "istio.namespace",
            "istio.meshId": mesh?.meshId !== undefined ? "istio.meshId" : "istio.trustDomain",
            ...(k.helmMode === undefined ? { helmMode: "helmMode" } : {}),
        });
        const plan = attemptPlan(v, map, () => planKgatewayMtls(`${name}-kgateway`, kgatewayArgs));
        if (plan && istioSettingsOk) {
            kgateway = { name: `${name}-kgateway`, args: kgatewayArgs, plan, usesPlatformCa: false };
        }
    }

    const enrollments: MtlsPlatformPlan["enrollments"] = [];
    (istio ? (istioSection.enroll ?? []) : []).forEach((e, i) => {
        const enrollName = `${name}-enroll-${e.namespace}`;
        const enrollArgs: pulumi.Unwrap<NamespaceEnrollmentArgs> = {
            namespace: e.namespace,
            dataPlaneMode,
            ...(ambient || !istio?.plan.revision ? {} : { revision: istio.plan.revision }),
            ...(e.createNamespace !== undefined ? { createNamespace: e.createNamespace } : {}),
        };
        // kube-system (the chart's default exclusion) is refused by NamespaceEnrollment itself.
        if (ambient && istio && cniExcluded(istio.plan).includes(e.namespace) && !DEFAULT_CNI_EXCLUDE_NAMESPACES.includes(e.namespace)) {
            v.fail(
                `istio.enroll[${i}].namespace`,
                e.namespace,
                e.namespace === istio.plan.namespace
                    ? "the control plane's namespace stays out of ambient (istiod and ztunnel run there; the CNI agent skips it); enroll the workloads' namespaces"
                    : `the Istio CNI agent never redirects pods in ${e.namespace} (its excludeNamespaces), so the label would enroll nothing; run the workloads in another namespace`,
            );
        }
        const first = (istioSection.enroll ?? []).findIndex((x) => x.namespace === e.namespace);
        v.check(first === i, `istio.enroll[${i}].namespace`, e.namespace, `istio.enroll[${first}] already lists namespace ${e.namespace}; list each namespace once`);
        const plan = attemptPlan(v, (f) => (f === "revision" ? "istio.revision" : `istio.enroll[${i}].${f}`), () => planNamespaceEnrollment(enrollName, enrollArgs));
        if (plan && first === i) {
            enrollments.push({ name: enrollName, args: enrollArgs, plan, usesPlatformCa: false });
        }
    });

    const planned: PlannedChildren = { name, ca: { name: `${name}-ca`, args: caArgs, plan: caPlan as CertificateAuthorityPlan, usesPlatformCa: false }, istio, kuadrant, gloo, kgateway, authz, policies, enrollments };
    if (kgateway) {
        checkKgatewayInMesh(v, kgateway.plan, planned);
    }
    checkSingleOwners(v, planned);
    if (caPlan) {
        // An invalid CA is reported by its own plan; comparing leaves with it would only add noise.
        checkLeavesWithinCa(v, planned);
    }
    const objects = meshPolicyObjects(v, planned);
    checkObjectNames(v, objects);
    const namespacePeerAuthentications = oneNamespaceWidePerNamespace(v, objects);
    if (istio && ambient) {
        checkAmbientWorkloadPolicies(v, istio.plan.mtlsMode, policies, namespacePeerAuthentications);
    }
    v.throwIfInvalid();
    const fleetIssuer = args.fleetIssuer === undefined ? undefined : { cluster: args.fleetIssuer.cluster, rotationState: clusterRotationState(args) };
    return { ...planned, extensionProviders: providers, posture: platformPosture(planned), namespacePeerAuthentications, ...(fleetIssuer ? { fleetIssuer } : {}) };
}

/**
 * In ambient, a workload policy's port-level modes checked against the mesh-wide and namespace-wide
 * policies in force (the checks MtlsPolicy cannot make alone: it does not see its parents). istiod derives
 * ztunnel's DENY policies from the three together, and some combinations leave a declared STRICT port open
 * or a DISABLE port STRICT (sdk/posture/rules/ztunnelPeerAuthentication.ts).
 */
function checkAmbientWorkloadPolicies(v: ArgsValidator, meshMode: MtlsMode, policies: MtlsPlatformPlan["policies"], namespaceWide: NamespacePeerAuthentication[]): void {
    policies.forEach((p, i) => {
        if (p.plan.scope !== MtlsScope.Workload || p.plan.dataPlaneMode !== DataPlaneMode.Ambient || p.plan.portLevelMtls.length === 0) {
            return;
        }
        const ns = namespaceWide.find((n) => n.namespace === p.plan.namespace && n.namespace !== p.plan.rootNamespace);
        const spec = { mode: p.plan.mode, selector: p.plan.selector, portLevelMtls: Object.fromEntries(p.plan.portLevelMtls.map((x) => [x.port, x.mode])) };
        const parents = { mesh: { mode: meshMode }, ...(ns ? { namespace: { mode: ns.mode } } : {}) };
        for (const problem of ambientPolicyProblems(spec, "workload", parents).filter((x) => x.rule === "port-disable-stays-strict" || x.rule === "strict-not-enforced")) {
            v.fail(
                `policies[${i}].args.portLevelMtls`,
                p.plan.portLevelMtls.map((x) => `${x.port}: ${x.mode}`),
                `in ambient, with the mesh-wide ${meshMode}${ns ? ` and namespace ${ns.namespace}'s ${ns.mode} (${ns.source})` : " and no namespace-wide policy"}, rule ${problem.rule}: ${problem.reason} (${problem.source})`,
            );
        }
    });
}

/**
 * The namespaces the Istio CNI agent never redirects: its `excludeNamespaces` (chart default kube-system,
 * or the mesh's `values.cni`), and the control plane's own namespace.
 */
function cniExcluded(mesh: IstioMeshPlan): string[] {
    const given = valueAt(mesh.values.cni, "excludeNamespaces") ?? valueAt(mesh.values.cni, "cni.excludeNamespaces");
    return [...(Array.isArray(given) ? given.map(String) : DEFAULT_CNI_EXCLUDE_NAMESPACES), mesh.namespace];
}

/**
 * kgateway's routes reach mesh services only: each backend's namespace is enrolled by the platform (or
 * created in the mesh by one of its integrations). With sidecars the Gateway's namespace must not be injected:
 * kgateway's auto mTLS and the injector both shape the istio-proxy container and the gateway crash-loops
 * (kgateway-dev/kgateway#14493, sdk/posture/rules/kgatewayIstio.ts).
 */
function checkKgatewayInMesh(v: ArgsValidator, kgw: KgatewayMtlsPlan, plan: PlannedChildren): void {
    if (!plan.istio || !kgw.istio) {
        if (kgw.backends.length > 0) {
            v.fail("kgateway.backends", kgw.backends.map((b) => `${b.serviceNamespace}/${b.serviceName}`), "istio.enabled is false: no mesh carries the gateway's hop to these services, so it would be plain text; enable istio (and enroll their namespaces with istio.enroll), or remove the backends");
        }
        return;
    }
    if (kgw.gateway.enroll && cniExcluded(plan.istio.plan).includes(kgw.gateway.namespace)) {
        v.fail(
            "kgateway.gateway.namespace",
            kgw.gateway.namespace,
            `the Istio CNI agent never redirects pods in ${kgw.gateway.namespace} (its excludeNamespaces, or the control plane's namespace), so the gateway's hop to the mesh would be plain text; put the Gateway in another namespace`,
        );
    }
    const meshNamespaces = new Map<string, Record<string, string>>();
    if (kgw.gateway.enroll) {
        // kgateway enrolls its Gateway's namespace itself: a backend there is in the mesh.
        meshNamespaces.set(kgw.gateway.namespace, { [DATAPLANE_MODE_LABEL]: DATAPLANE_MODE_AMBIENT });
    }
    plan.enrollments.forEach((e) => meshNamespaces.set(e.plan.namespace, e.plan.labels));
    (plan.kuadrant?.plan.ambient?.enrollments ?? []).forEach((e) => meshNamespaces.set(e.namespace, e.labels));
    if (plan.authz?.plan.createNamespace) {
        const labels = authzNamespaceObject(plan.authz.plan.provider, plan.authz.plan.revision, plan.authz.plan.dataPlaneMode).metadata.labels ?? {};
        meshNamespaces.set(plan.authz.plan.provider.namespace, labels);
    }
    kgw.backends.forEach((b, i) => {
        v.check(
            meshNamespaces.has(b.serviceNamespace),
            `kgateway.backends[${i}].serviceNamespace`,
            b.serviceNamespace,
            `namespace ${b.serviceNamespace} is not in the mesh (not in istio.enroll), so the gateway's hop to ${b.serviceName} would not be mTLS; enroll it with istio.enroll (or route to a service in an enrolled namespace)`,
        );
    });
    if (kgw.istio.autoMtls) {
        const labels = meshNamespaces.get(kgw.gateway.namespace);
        if (labels !== undefined && Object.keys(labels).some((k) => k === NAMESPACE_INJECTION_LABEL || k === REVISION_LABEL)) {
            v.fail(
                "kgateway.gateway.namespace",
                kgw.gateway.namespace,
                `namespace ${kgw.gateway.namespace} is injected (${JSON.stringify(labels)}), and kgateway's auto mTLS adds its own istio-proxy container to the gateway pods: the two collide and the gateway crash-loops (kgateway-dev/kgateway#14493); put the Gateway in a namespace that is not enrolled`,
            );
        }
    }
}

/** A child's own data-plane setting must agree with the platform's mesh (the platform passes the mesh's). */
function checkMeshMode(v: ArgsValidator, field: string, given: DataPlaneMode | undefined, mesh: DataPlaneMode): void {
    if (given !== undefined && given !== mesh) {
        v.fail(field, given, `the platform's mesh runs the ${mesh} data plane (istio.dataPlaneMode) and passes it to every integration; remove ${field}`);
    }
}

/** The platform path of a field of the authorizer's extension provider (resolved from `authz.*`). */
function authzProviderField(rest: string): string {
    const fields: Record<string, string> = { ".name": "authz.providerName", ".envoyExtAuthzGrpc.timeout": "authz.timeout", ".envoyExtAuthzGrpc.failOpen": "authz.failOpen", ".envoyExtAuthzGrpc.service": "authz.namespace" };
    return fields[rest] ?? "authz";
}
