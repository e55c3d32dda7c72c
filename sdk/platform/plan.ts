// MtlsPlatform's plan: the platform's own checks, every child's arguments, and every child's plan, built
// before anything is registered. Children's settings (the mesh's mode and namespace, the authorizer's
// extension provider, Gloo's rotation) are read from their plans, never restated here. Pure: no
// resource, no mock runtime.
import { KyvernoAuthzArgs, KyvernoAuthzFlavor, KyvernoAuthzPlan, kyvernoMtlsPolicies, planKyvernoAuthz, resolveKyvernoProvider } from "../authz";
import { GlooCertRotation, GlooMtlsArgs, GlooMtlsPlan, glooInstallSettings, planGlooMtls, resolveGlooRotation } from "../gloo";
import { HelmMode } from "../internal/chartValues";
import { ArgsValidator } from "../internal/validation";
import {
    DEFAULT_ISTIO_NAMESPACE,
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
    planMtlsPolicy,
} from "../istio";
import { KuadrantMtlsArgs, KuadrantMtlsPlan, planKuadrantMtls } from "../kuadrant";
import { CertificateAuthorityArgs, CertificateAuthorityPlan, IssuerMaterial, planCertificateAuthority } from "../pki";
import { DEFAULT_GLOO_ISTIO_INTEGRATION, DEFAULT_GLOO_XDS, DEFAULT_ISTIO_ENABLED, DEFAULT_USE_PLATFORM_CA, MTLS_PLATFORM_TYPE } from "./defaults";
import type { MtlsPlatformArgs } from "./types";

/**
 * Stands in for the platform CA's issuer while children are planned: plans check whether an issuer is
 * given, never its content. The component passes the real `CertificateAuthority.issuer` instead.
 */
const PLATFORM_CA_PLACEHOLDER: IssuerMaterial = { certPem: "", privateKeyPem: "", caChainPem: "", intermediatesPem: "", rootCertPem: "", trustBundlePem: "" };

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
    ca: PlatformChild<CertificateAuthorityArgs, CertificateAuthorityPlan>;
    /** Istio, unless disabled; `usesPlatformCa` says whether the CA is its plug-in CA. */
    istio?: PlatformChild<IstioMeshArgs, IstioMeshPlan>;
    /** Kuadrant mTLS, when asked for. */
    kuadrant?: PlatformChild<KuadrantMtlsArgs, KuadrantMtlsPlan>;
    /** Gloo, when asked for; `usesPlatformCa` when it issues the xDS certificate from the platform CA. */
    gloo?: PlatformChild<GlooMtlsArgs, GlooMtlsPlan>;
    /** The kyverno authorizer, when asked for; `usesPlatformCa` when its webhook certificate comes from the platform CA. */
    authz?: PlatformChild<KyvernoAuthzArgs, KyvernoAuthzPlan>;
    /** The extra policies, in the order given (names are the platform's entry names). */
    policies: Array<PlatformChild<MtlsPolicyArgs, MtlsPolicyPlan> & { entryName: string }>;
    /** The extension providers registered in the mesh: the authorizer's first, then the extra ones. */
    extensionProviders: ExtensionProvider[];
    /** The links the platform declares and their modes, keys sorted (plain data: known at preview). */
    posture: Record<string, string>;
    /**
     * Every namespace-wide (and mesh-wide) PeerAuthentication the children create, sorted by namespace:
     * at most one per namespace (Istio honours only the oldest; sdk/posture/rules/peerAuthenticationPrecedence.ts).
     */
    namespacePeerAuthentications: NamespacePeerAuthentication[];
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

/** The namespace-wide PeerAuthentication of an MtlsPolicy's arguments, when it is not workload-scoped. */
function namespaceWide(resourceName: string, args: MtlsPolicyArgs, source: string): NamespacePeerAuthentication[] {
    const plan = planMtlsPolicy(resourceName, args);
    return plan.scope === MtlsScope.Workload ? [] : [{ namespace: plan.namespace, name: plan.policyName, mode: plan.mode, source }];
}

/**
 * Collects the namespace-wide PeerAuthentications the children will create and refuses two in one
 * namespace: Istio honours only the oldest there (istio/istio 1.30.3 pilot/pkg/model/authentication.go),
 * so the other is silently ignored, whichever mode it asks for. Requests are not merged: each child
 * owns the object it creates, and dropping one child's object would change what that child manages.
 */
function collectNamespacePeerAuthentications(name: string, plan: Omit<MtlsPlatformPlan, "namespacePeerAuthentications" | "posture" | "extensionProviders">): NamespacePeerAuthentication[] {
    const out: NamespacePeerAuthentication[] = [];
    if (plan.istio) {
        const mesh = istioMeshManifests(plan.istio.plan).meshPolicy;
        out.push(...namespaceWide(mesh.resourceName, mesh.args, "istio.mtlsMode (the mesh-wide policy)"));
    }
    for (const p of plan.kuadrant?.plan.manual?.peerAuthentications ?? []) {
        if (p.selector === undefined) {
            out.push({ namespace: p.namespace, name: p.name, mode: p.mode, source: "kuadrant" });
        }
    }
    for (const ns of plan.gloo?.plan.istio?.strictNamespaces ?? []) {
        out.push(...namespaceWide(`${plan.gloo?.name}-${ns}-strict`, { namespace: ns }, "gloo.strictUpstreamNamespaces"));
    }
    if (plan.authz) {
        const appMtls = plan.authz.plan.appMtls;
        // The entry an application namespace's policy comes from (the policies follow appMtls's order).
        let next = 0;
        for (const p of kyvernoMtlsPolicies(plan.authz.plan.provider, plan.authz.plan.server, appMtls)) {
            let source = "authz.namespace (the authorizer's namespace)";
            const i = p.args.selector === undefined ? appMtls.findIndex((a, k) => k >= next && a.namespace === p.args.namespace) : -1;
            if (i >= 0) {
                next = i + 1;
                source = `authz.appMtls[${i}]`;
            }
            out.push(...namespaceWide(`${plan.authz.name}-${p.id}`, p.args, source));
        }
    }
    plan.policies.forEach((p, i) => {
        if (p.plan.scope !== MtlsScope.Workload) {
            out.push({ namespace: p.plan.namespace, name: p.plan.policyName, mode: p.plan.mode, source: `policies[${i}]` });
        }
    });
    const v = new ArgsValidator(MTLS_PLATFORM_TYPE, name);
    const owner = new Map<string, NamespacePeerAuthentication>();
    for (const pa of out) {
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
    v.throwIfInvalid();
    return [...owner.values()].sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
}

/** Platform-level checks: combinations of sections that no single child can see. */
function validatePlatformArgs(name: string, args: MtlsPlatformArgs): void {
    const v = new ArgsValidator(MTLS_PLATFORM_TYPE, name);
    v.enumValue("helmMode", args.helmMode, HelmMode);
    const istioEnabled = args.istio?.enabled ?? DEFAULT_ISTIO_ENABLED;
    if (!istioEnabled) {
        v.check(args.gloo?.istioIntegration !== true, "gloo.istioIntegration", true, "it needs the platform's Istio; enable istio or set gloo.istioIntegration false");
        v.check(
            (args.gloo?.istioUpstreams ?? []).length === 0 || args.gloo?.istioIntegration === false,
            "gloo.istioUpstreams",
            args.gloo?.istioUpstreams?.map((u) => u.serviceName),
            "Istio upstreams need the platform's Istio (istio.enabled is false)",
        );
    }
    if (args.istio?.usePlatformCa === false && args.istio.multiRootTrust !== undefined) {
        v.fail("istio.multiRootTrust", args.istio.multiRootTrust, "it only applies with the platform CA as plug-in CA (istio.usePlatformCa)");
    }
    if (args.gloo && args.gloo.xds === false && args.gloo.istioIntegration === false) {
        v.fail("gloo", { xds: false, istioIntegration: false }, "Gloo with neither xDS mTLS nor the Istio integration has nothing to protect; remove gloo or enable one");
    }
    const names = new Set<string>();
    (args.policies ?? []).forEach((p, i) => {
        if (v.dnsSubdomain(`policies[${i}].name`, p.name, true)) {
            v.check(!names.has(p.name), `policies[${i}].name`, p.name, "policy names must be unique in the platform");
            names.add(p.name);
        }
    });
    v.throwIfInvalid();
}

/** Sorted copy of a posture map, so the output is byte-identical across runs. */
function sortedPosture(posture: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
        Object.keys(posture)
            .sort()
            .map((k) => [k, posture[k]]),
    );
}

/**
 * Validates MtlsPlatform's arguments and plans every child (each child's own checks run here, before
 * anything is registered). Throws the first failing check's `pulumi.ResourceError`.
 */
export function planMtlsPlatform(name: string, args: MtlsPlatformArgs): MtlsPlatformPlan {
    validatePlatformArgs(name, args);
    const caArgs = args.ca ?? {};
    const ca = { name: `${name}-ca`, args: caArgs, plan: planCertificateAuthority(`${name}-ca`, caArgs), usesPlatformCa: false };
    const posture: Record<string, string> = {};

    // The authorizer's provider is resolved once (by the authz product) and registered in the mesh.
    const providers: ExtensionProvider[] = [];
    if (args.authz) {
        providers.push(resolveKyvernoProvider(args.authz).extensionProvider);
    }
    const istioSection = args.istio ?? {};
    providers.push(...(istioSection.extraExtensionProviders ?? []));

    let istio: MtlsPlatformPlan["istio"];
    if (istioSection.enabled ?? DEFAULT_ISTIO_ENABLED) {
        const usesPlatformCa = istioSection.usePlatformCa ?? DEFAULT_USE_PLATFORM_CA;
        const istioArgs: IstioMeshArgs = {
            ...istioInstallSettings(istioSection),
            helmMode: istioSection.helmMode ?? args.helmMode,
            extensionProviders: providers.length > 0 ? providers : undefined,
            multiRootTrust: usesPlatformCa ? istioSection.multiRootTrust : undefined,
        };
        const plan = planIstioMesh(`${name}-istio`, usesPlatformCa ? { ...istioArgs, pluginCa: PLATFORM_CA_PLACEHOLDER } : istioArgs);
        istio = { name: `${name}-istio`, args: istioArgs, plan, usesPlatformCa };
        posture.mesh = plan.mtlsMode;
    }

    let kuadrant: MtlsPlatformPlan["kuadrant"];
    if (args.kuadrant) {
        // Authorino and Limitador join the platform's mesh revision unless told otherwise.
        const kuadrantArgs: KuadrantMtlsArgs = { ...args.kuadrant, revision: args.kuadrant.revision ?? (istio?.plan.revision || undefined) };
        const plan = planKuadrantMtls(`${name}-kuadrant`, kuadrantArgs);
        kuadrant = { name: `${name}-kuadrant`, args: kuadrantArgs, plan, usesPlatformCa: false };
        Object.assign(posture, plan.posture);
    }

    let gloo: MtlsPlatformPlan["gloo"];
    if (args.gloo) {
        const g = args.gloo;
        const xds = g.xds ?? DEFAULT_GLOO_XDS;
        const rotation = resolveGlooRotation(g.xdsRotation);
        const usesPlatformCa = xds && rotation === GlooCertRotation.Pulumi;
        const withIstio = istio !== undefined && (g.istioIntegration ?? DEFAULT_GLOO_ISTIO_INTEGRATION);
        const glooArgs: GlooMtlsArgs = {
            ...glooInstallSettings(g),
            helmMode: g.install === false ? undefined : (g.helmMode ?? args.helmMode),
            xds: xds ? (usesPlatformCa ? { certificate: g.xdsCertificate } : { rotation, cronSchedule: g.cronSchedule, rotationDuration: g.rotationDuration }) : undefined,
            istio:
                withIstio && istio
                    ? {
                          istioVersion: istio.plan.version,
                          enableAutoMtls: g.enableAutoMtls,
                          // The chart's own default discovery address is istiod in istio-system.
                          istioDiscoveryAddress: istio.plan.revision || istio.plan.namespace !== DEFAULT_ISTIO_NAMESPACE ? istio.plan.discoveryAddress : undefined,
                          upstreams: g.istioUpstreams,
                          strictUpstreamNamespaces: g.strictUpstreamNamespaces,
                      }
                    : undefined,
        };
        const planned = usesPlatformCa && glooArgs.xds ? { ...glooArgs, xds: { ...glooArgs.xds, issuer: PLATFORM_CA_PLACEHOLDER } } : glooArgs;
        const plan = planGlooMtls(`${name}-gloo`, planned);
        gloo = { name: `${name}-gloo`, args: glooArgs, plan, usesPlatformCa };
        if (plan.xds) {
            posture["gloo<->proxies (xDS)"] = `mTLS (${plan.xds.rotation} rotation)`;
        }
        for (const u of plan.istio?.upstreams ?? []) {
            posture[`gateway-proxy->${u.serviceNamespace}/${u.serviceName}:${u.port}`] = "ISTIO_MUTUAL";
        }
    }

    let authz: MtlsPlatformPlan["authz"];
    if (args.authz) {
        const a = args.authz;
        const server = resolveKyvernoProvider(a).flavor === KyvernoAuthzFlavor.AuthzServer;
        const usesPlatformCa = server && a.webhookIssuer === undefined && a.webhookCertManagerIssuer === undefined;
        const authzArgs: KyvernoAuthzArgs = {
            ...a,
            helmMode: server ? (a.helmMode ?? args.helmMode) : undefined,
            meshExtensionProviders: a.meshExtensionProviders ?? (istio ? providers : undefined),
            // The authorizer's pods and namespace join the platform's mesh revision unless told otherwise.
            revision: a.revision ?? (istio?.plan.revision || undefined),
        };
        const plan = planKyvernoAuthz(`${name}-authz`, usesPlatformCa ? { ...authzArgs, webhookIssuer: PLATFORM_CA_PLACEHOLDER } : authzArgs);
        authz = { name: `${name}-authz`, args: authzArgs, plan, usesPlatformCa };
        // Asserted until the posture engine computes links (issue 16).
        posture[`mesh->${plan.provider.providerName}`] = MtlsMode.STRICT;
    }

    const policies = (args.policies ?? []).map((p) => {
        const policyName = `${name}-policy-${p.name}`;
        const plan = planMtlsPolicy(policyName, p.args);
        posture[`policy ${plan.namespace}/${p.name}`] = plan.mode;
        return { name: policyName, entryName: p.name, args: p.args, plan, usesPlatformCa: false };
    });

    const namespacePeerAuthentications = collectNamespacePeerAuthentications(name, { name, ca, istio, kuadrant, gloo, authz, policies });
    return { name, ca, istio, kuadrant, gloo, authz, policies, extensionProviders: providers, posture: sortedPosture(posture), namespacePeerAuthentications };
}
