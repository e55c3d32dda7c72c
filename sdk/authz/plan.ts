// The whole KyvernoAuthz plan: every argument checked (all problems reported together) and every
// default resolved once, before anything is registered. Pure: no resource, no mock runtime.
import type * as pulumi from "@pulumi/pulumi";
import { HelmMode } from "../internal/chartValues";
import { ArgsValidator } from "../internal/validation";
import { DataPlaneMode, DEFAULT_DATA_PLANE_MODE, DEFAULT_ISTIO_NAMESPACE } from "../istio";
import { AuthzServerPlan, planAuthzServer } from "./authzServer";
import { DEFAULT_KYVERNO_CREATE_NAMESPACE, DEFAULT_KYVERNO_REVISION, KUBERNETES_OBJECT_MAX_BYTES } from "./defaults";
import { EnvoyPluginPlan, envoyPluginObjects, planEnvoyPlugin } from "./envoyPlugin";
import { KyvernoAppMtlsPlan, KyvernoTargetPlan, planKyvernoAppMtls, planKyvernoTargets } from "./meshPolicies";
import { KyvernoPolicyPlan, planKyvernoPolicies } from "./policies";
import { checkMeshRegistration, KyvernoProviderPlan, resolveKyvernoProvider, validateKyvernoProviderArgs } from "./provider";
import { KYVERNO_AUTHZ_TYPE, KyvernoAuthzArgs, KyvernoAuthzFlavor } from "./types";

/** A validated, fully defaulted KyvernoAuthz: what the component registers, as plain data. */
export interface KyvernoAuthzPlan {
    /** The authorizer's flavor, namespace, service and extension provider (what IstioMesh registers). */
    provider: KyvernoProviderPlan;
    /** Whether the authorizer namespace is created. */
    createNamespace: boolean;
    /** The Istio revision the authorizer pods are injected by ("" = the default revision). */
    revision: string;
    /** The mesh's data plane. */
    dataPlaneMode: DataPlaneMode;
    /** The chart install (flavor AuthzServer only). */
    server?: AuthzServerPlan;
    /** The plugin deployment (flavor EnvoyPlugin only). */
    plugin?: EnvoyPluginPlan;
    /** The policies, parsed, in the order given. */
    policies: KyvernoPolicyPlan[];
    /** One AuthorizationPolicy each, in the order given. */
    targets: KyvernoTargetPlan[];
    /** Application namespaces made STRICT, in the order given. */
    appMtls: KyvernoAppMtlsPlan[];
}

/**
 * Checks a KyvernoAuthz's arguments and resolves every default. Throws one `pulumi.ResourceError`
 * naming the component, each bad field, its value and what is accepted.
 * @param name the component's resource name (for the error)
 */
export function planKyvernoAuthz(name: string, args: pulumi.Unwrap<KyvernoAuthzArgs>): KyvernoAuthzPlan {
    const v = new ArgsValidator(KYVERNO_AUTHZ_TYPE, name);
    validateKyvernoProviderArgs(v, args);
    if (args.timeout !== undefined && /^\d+(\.\d{1,9})?s$/.test(args.timeout)) {
        // The format is validateKyvernoProviderArgs's; zero would time out every check at once.
        v.positiveDuration("timeout", args.timeout);
    }
    const provider = resolveKyvernoProvider(args);
    v.version("version", args.version);
    v.enumValue("helmMode", args.helmMode, HelmMode);
    const ambient = v.enumValue("dataPlaneMode", args.dataPlaneMode, DataPlaneMode) && args.dataPlaneMode === DataPlaneMode.Ambient;
    if (args.revision !== undefined && args.revision !== "") {
        if (ambient) {
            v.fail("revision", args.revision, "ambient workloads carry no revision label (ztunnel is the node's, and istio.io/rev on the namespace would make the revisioned injector add sidecars); remove revision");
        } else {
            // The value of the `istio.io/rev` label (a label value; Istio's revisions are DNS labels).
            v.dnsLabel("revision", args.revision);
        }
    }
    const revision = ambient ? DEFAULT_KYVERNO_REVISION : (args.revision ?? DEFAULT_KYVERNO_REVISION);
    const dataPlaneMode = ambient ? DataPlaneMode.Ambient : DEFAULT_DATA_PLANE_MODE;
    const plan: KyvernoAuthzPlan = { provider, createNamespace: args.createNamespace ?? DEFAULT_KYVERNO_CREATE_NAMESPACE, revision, dataPlaneMode, policies: [], targets: [], appMtls: [] };
    if (provider.flavor === KyvernoAuthzFlavor.AuthzServer) {
        plan.server = planAuthzServer(v, args, provider, revision, ambient);
    } else {
        plan.plugin = planEnvoyPlugin(v, args, provider, revision, ambient);
    }
    // In Istio's root namespace the authorizer's namespace-wide PeerAuthentication would be the mesh-wide
    // one, and the webhook's selector policy would be ignored (sdk/posture/rules/peerAuthenticationPrecedence.ts).
    v.check(
        provider.namespace !== DEFAULT_ISTIO_NAMESPACE,
        "namespace",
        provider.namespace,
        `expected a namespace other than Istio's root namespace (${DEFAULT_ISTIO_NAMESPACE}): the authorizer's namespace-wide PeerAuthentication there would become the mesh-wide policy (and Istio ignores the webhook's selector policy there); install the authorizer in its own namespace`,
    );
    plan.policies = planKyvernoPolicies(v, args.policies, plan.server);
    checkObjectSizes(v, plan);
    (args.gatewayNamespaces ?? []).forEach((ns, i) => v.dnsLabel(`gatewayNamespaces[${i}]`, ns, true));
    if (!ambient && args.gatewayNamespaces !== undefined) {
        v.fail("gatewayNamespaces", args.gatewayNamespaces, "it only applies with dataPlaneMode: Ambient (with sidecars every selected pod's sidecar enforces the policy); remove it");
    }
    plan.targets = planKyvernoTargets(v, args.targets, provider.providerName, ambient ? { gatewayNamespaces: args.gatewayNamespaces ?? [] } : undefined);
    plan.appMtls = planKyvernoAppMtls(v, args.appMtls);
    checkAppMtlsDuplicates(v, args);
    checkMeshRegistration(v, provider, args.meshExtensionProviders);
    v.throwIfInvalid();
    return plan;
}

/**
 * One object per argument: a namespace listed twice in appMtls would register its PeerAuthentication
 * twice (a duplicate URN), and an app named like its namespace gets `mtls-<app>`, the name of the
 * namespace's own `mtls-<namespace>`, so two objects would claim one name.
 */
function checkAppMtlsDuplicates(v: ArgsValidator, args: pulumi.Unwrap<KyvernoAuthzArgs>): void {
    const first = new Map<string, number>();
    (args.appMtls ?? []).forEach((a, i) => {
        const seen = first.get(a.namespace);
        if (seen !== undefined) {
            v.fail(`appMtls[${i}].namespace`, a.namespace, `appMtls[${seen}] already lists namespace ${a.namespace}; list each namespace once (merge their permissivePorts)`);
        } else {
            first.set(a.namespace, i);
        }
        (a.permissivePorts ?? []).forEach((p, j) => {
            v.check(
                p.app !== a.namespace,
                `appMtls[${i}].permissivePorts[${j}].app`,
                p.app,
                `its PeerAuthentication mtls-${p.app} would have the name of the namespace's own PeerAuthentication mtls-${a.namespace}; the two objects cannot share a name, so use another app label`,
            );
        });
    });
}

/**
 * The plugin's one ConfigMap holds every policy file: it must stay within the API server's 1 MiB limit.
 * (The chart flavor applies one ValidatingPolicy per policy, a custom resource without that limit.)
 */
function checkObjectSizes(v: ArgsValidator, plan: KyvernoAuthzPlan): void {
    if (!plan.plugin) {
        return;
    }
    const configMap = envoyPluginObjects(plan.plugin, plan.policies).configMap;
    v.objectSize(
        "policies",
        `ConfigMap ${plan.plugin.namespace}/${plan.plugin.configMapName} (${plan.policies.length} policy files)`,
        configMap,
        KUBERNETES_OBJECT_MAX_BYTES,
        "use fewer or smaller policies, or split them across KyvernoAuthz instances",
    );
}
