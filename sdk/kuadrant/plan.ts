// KuadrantMtls's plan: a pure function from its arguments to a validated, fully defaulted plan that
// says which resources exist, their names and contents, and in which order they are applied.
import type * as pulumi from "@pulumi/pulumi";
import { ArgsValidator, attemptPlan } from "../internal/validation";
import { DataPlaneMode, DEFAULT_DATA_PLANE_MODE, MtlsMode, NamespaceEnrollmentPlan, planNamespaceEnrollment } from "../istio";
import { kuadrantOperatorOwnsMtls } from "../posture";
import {
    AUTHORINO_SELECTOR,
    AUTH_CLUSTER,
    DEFAULT_AUTHORINO_DEPLOYMENT,
    DEFAULT_KUADRANT_MTLS_ENABLED,
    DEFAULT_KUADRANT_NAME,
    DEFAULT_KUADRANT_NAMESPACE,
    DEFAULT_LIMITADOR_DEPLOYMENT,
    DEFAULT_KUADRANT_MTLS_MODE,
    DEFAULT_KUADRANT_PROTECTED,
    DEFAULT_KUADRANT_REMOVE_SIDECARS,
    DEFAULT_KUADRANT_REVISION,
    DEFAULT_KUADRANT_VERSION,
    KUADRANT_ENVOY_FILTER_RETAIN_ON_DELETE,
    LIMITADOR_SELECTOR,
    MAX_OBJECT_NAME,
    NAMESPACE_PEER_AUTHENTICATION_NAME,
    RATELIMIT_CLUSTER,
} from "./defaults";
import { KuadrantGatewayRef, KuadrantMtlsArgs, KuadrantMtlsMode } from "./types";

/** Type token of KuadrantMtls. */
export const KUADRANT_MTLS_TYPE = "meshtls:index:KuadrantMtls";

/** The two servers the gateway calls: Authorino (auth) and Limitador (rate limits). */
export type KuadrantComponent = "authorino" | "limitador";

/** EnvoyFilter names the operator writes per gateway. */
export function kuadrantEnvoyFilterName(component: KuadrantComponent, gateway: string): string {
    return component === "authorino" ? `kuadrant-auth-${gateway}` : `kuadrant-ratelimiting-${gateway}`;
}

/**
 * One step of Manual mode; each step's resources wait for every resource of the steps before it.
 * `sidecars`: the sidecar label on each Deployment; `clientTls`: the TLS transport socket in the
 * gateways' EnvoyFilters; `serverPolicy`: the PeerAuthentications.
 */
export type KuadrantStep = "sidecars" | "clientTls" | "serverPolicy";

/** Enabling: the servers get sidecars (they accept mTLS), then clients send TLS, then the servers go STRICT. */
export const KUADRANT_ENABLE_ORDER: readonly KuadrantStep[] = Object.freeze(["sidecars", "clientTls", "serverPolicy"] as KuadrantStep[]);

/** Disabling: the servers go PERMISSIVE (plain text accepted again), then clients drop TLS, then the sidecars. */
export const KUADRANT_DISABLE_ORDER: readonly KuadrantStep[] = Object.freeze(["serverPolicy", "clientTls", "sidecars"] as KuadrantStep[]);

/** A protected server in Manual mode. */
export interface KuadrantServerPlan {
    /** Which server. */
    component: KuadrantComponent;
    /** Its Deployment, in the plan's namespace. */
    deployment: string;
    /** The Envoy cluster the gateway reaches it through. */
    cluster: string;
    /** The labels of its pods. */
    selector: Record<string, string>;
    /** Resource name of the SidecarInjection that labels its Deployment. */
    sidecarResourceName: string;
}

/** One operator-written EnvoyFilter that gets (or loses) the TLS transport socket in Manual mode. */
export interface KuadrantEnvoyFilterPlan {
    /** Index of the gateway in `gateways` (for error messages). */
    gatewayIndex: number;
    /** The gateway. */
    gateway: KuadrantGatewayRef;
    /** The server its cluster reaches. */
    component: KuadrantComponent;
    /** The CLUSTER patch that gets the transport socket. */
    cluster: string;
    /** EnvoyFilter name (`kuadrant-auth-<gateway>` or `kuadrant-ratelimiting-<gateway>`). */
    name: string;
    /** EnvoyFilter namespace: the gateway's. */
    namespace: string;
    /** Resource name of the patch. */
    resourceName: string;
    /** Resource name of the read of the live EnvoyFilter. */
    readResourceName: string;
    /** ID of that read: `<namespace>/<name>`. */
    readId: string;
    /** Where an error about this EnvoyFilter happened, for its message. */
    errorContext: string;
    /**
     * The patch's `retainOnDelete` option (always true): deleting the patch leaves `spec.configPatches` as
     * last applied instead of letting it fall back to its default, which would drop the operator's clusters.
     */
    retainOnDelete: boolean;
}

/** A PeerAuthentication of Manual mode. */
export interface KuadrantPeerAuthenticationPlan {
    /** Resource name. */
    resourceName: string;
    /** Object name. */
    name: string;
    /** Object namespace. */
    namespace: string;
    /** STRICT when enabled, PERMISSIVE when disabled. */
    mode: MtlsMode;
    /** Workload selector; absent for the namespace-wide policy. */
    selector: Record<string, string> | undefined;
}

/**
 * Operator mode with a revision: the `istio.io/rev` pod label on one protected server's Deployment. The
 * operator writes only `sidecar.istio.io/inject` there (kuadrant-operator v1.5.2
 * internal/controller/authorino_/limitador_istio_integration_reconciler.go), which a revisioned control
 * plane without a `default` tag never answers (sdk/posture/rules/sidecarInjection.ts); with this label
 * the revision's `rev.object.` webhook injects while the operator's label is "true", and not when "false".
 */
export interface KuadrantRevisionLabelPlan {
    /** Which server. */
    component: KuadrantComponent;
    /** Its Deployment, in the plan's namespace. */
    deployment: string;
    /** Resource name of the Deployment patch (`<name>-<component>-revision`). */
    resourceName: string;
}

/** What Operator mode registers: one patch of the Kuadrant CR (and the revision labels, with a revision). */
export interface KuadrantOperatorPlan {
    /** Resource name of the patch. */
    resourceName: string;
    /** Name of the Kuadrant CR. */
    kuadrantName: string;
    /** The revision of the `istio.io/rev` labels ("" = the default revision: none). */
    revision: string;
    /** One per protected server when `revision` is set, Authorino first; else empty. */
    revisionLabels: KuadrantRevisionLabelPlan[];
}

/** What Manual mode registers, and in which order. */
export interface KuadrantManualPlan {
    /** The protected servers, Authorino first. */
    servers: KuadrantServerPlan[];
    /** The value of the `sidecar.istio.io/inject` label: false only when disabling with removeSidecars. */
    inject: boolean;
    /** The Istio revision of the pod label `istio.io/rev` ("" = the default revision: no such label). */
    revision: string;
    /** Whether disabling takes the sidecars out. */
    removeSidecars: boolean;
    /** The EnvoyFilters to patch, gateway by gateway, Authorino's first. */
    envoyFilters: KuadrantEnvoyFilterPlan[];
    /** Namespace-wide when both servers are protected, else one per server (as the seed does). */
    peerAuthentications: KuadrantPeerAuthenticationPlan[];
    /** Order of the steps: KUADRANT_ENABLE_ORDER or KUADRANT_DISABLE_ORDER. */
    order: KuadrantStep[];
}

/**
 * What ambient mode registers: the CR patch keeping `spec.mtls` off, the namespaces enrolled in ambient
 * and one workload-selector PeerAuthentication per protected server, in that order.
 */
export interface KuadrantAmbientPlan {
    /**
     * Kuadrant's namespace, then each gateway's namespace once, Kuadrant's own included when a gateway runs
     * there (so the count never depends on whether `namespace` is known). Named `<name>-<namespace>-ambient`,
     * with `<name>-ambient` for Kuadrant's when `namespace` is an Output, or for the gateway one in Kuadrant's
     * known namespace.
     */
    enrollments: NamespaceEnrollmentPlan[];
    /** One per protected server (STRICT when enabled, PERMISSIVE when not), Authorino first. */
    peerAuthentications: KuadrantPeerAuthenticationPlan[];
    /** The Gateways that call Authorino and Limitador. */
    gateways: KuadrantGatewayRef[];
}

/** KuadrantMtls's validated, fully defaulted plan. */
export interface KuadrantMtlsPlan {
    /** The component's resource name. */
    name: string;
    /** Whether mTLS is on. */
    enabled: boolean;
    /** The mode. */
    mode: KuadrantMtlsMode;
    /** The Kuadrant operator version assumed (Manual mode is only planned before 1.3). */
    kuadrantVersion: string;
    /** Namespace of Kuadrant, Authorino and Limitador. */
    namespace: string;
    /** Whether gateway -> Authorino is protected. */
    authorino: boolean;
    /** Whether gateway -> Limitador is protected. */
    limitador: boolean;
    /** The servers' mode: STRICT when enabled, PERMISSIVE when not. */
    serverMode: MtlsMode;
    /** Set in Operator mode. */
    operator: KuadrantOperatorPlan | undefined;
    /** Set in Manual mode. */
    manual: KuadrantManualPlan | undefined;
    /** The mesh's data plane. */
    dataPlaneMode: DataPlaneMode;
    /** Set in ambient (with `operator`, whose CR patch then keeps `spec.mtls` off). */
    ambient: KuadrantAmbientPlan | undefined;
}

/**
 * Validates KuadrantMtls's arguments (every problem at once) and resolves every default.
 * `namespaceKnown`: whether `namespace` was known when the component was constructed (false when it was an
 * Output, whose stand-in must not name a resource); it only decides ambient enrollment names.
 */
export function planKuadrantMtls(name: string, args: pulumi.Unwrap<KuadrantMtlsArgs>, namespaceKnown = true): KuadrantMtlsPlan {
    validate(name, args, namespaceKnown);
    const enabled = args.enabled ?? DEFAULT_KUADRANT_MTLS_ENABLED;
    const mode = args.mode ?? DEFAULT_KUADRANT_MTLS_MODE;
    const kuadrantVersion = args.kuadrantVersion ?? DEFAULT_KUADRANT_VERSION;
    const namespace = args.namespace ?? DEFAULT_KUADRANT_NAMESPACE;
    const authorino = args.authorino ?? DEFAULT_KUADRANT_PROTECTED.authorino;
    const limitador = args.limitador ?? DEFAULT_KUADRANT_PROTECTED.limitador;
    const serverMode = enabled ? MtlsMode.STRICT : MtlsMode.PERMISSIVE;
    const dataPlaneMode = args.dataPlaneMode ?? DEFAULT_DATA_PLANE_MODE;
    const base = { name, enabled, mode, kuadrantVersion, namespace, authorino, limitador, serverMode, dataPlaneMode };
    const revision = args.revision ?? DEFAULT_KUADRANT_REVISION;
    if (dataPlaneMode === DataPlaneMode.Ambient) {
        return { ...base, operator: { resourceName: `${name}-kuadrant-mtls`, kuadrantName: args.kuadrantName ?? DEFAULT_KUADRANT_NAME, revision: "", revisionLabels: [] }, manual: undefined, ambient: planAmbient(name, args, base, namespaceKnown) };
    }
    if (mode === KuadrantMtlsMode.Operator) {
        const revisionLabels: KuadrantRevisionLabelPlan[] = [];
        if (revision !== "" && authorino) {
            revisionLabels.push({ component: "authorino", deployment: args.authorinoDeployment ?? DEFAULT_AUTHORINO_DEPLOYMENT, resourceName: `${name}-authorino-revision` });
        }
        if (revision !== "" && limitador) {
            revisionLabels.push({ component: "limitador", deployment: args.limitadorDeployment ?? DEFAULT_LIMITADOR_DEPLOYMENT, resourceName: `${name}-limitador-revision` });
        }
        return { ...base, operator: { resourceName: `${name}-kuadrant-mtls`, kuadrantName: args.kuadrantName ?? DEFAULT_KUADRANT_NAME, revision, revisionLabels }, manual: undefined, ambient: undefined };
    }

    const servers: KuadrantServerPlan[] = [];
    if (authorino) {
        servers.push({ component: "authorino", deployment: args.authorinoDeployment ?? DEFAULT_AUTHORINO_DEPLOYMENT, cluster: AUTH_CLUSTER, selector: { ...AUTHORINO_SELECTOR }, sidecarResourceName: `${name}-authorino-sidecar` });
    }
    if (limitador) {
        servers.push({ component: "limitador", deployment: args.limitadorDeployment ?? DEFAULT_LIMITADOR_DEPLOYMENT, cluster: RATELIMIT_CLUSTER, selector: { ...LIMITADOR_SELECTOR }, sidecarResourceName: `${name}-limitador-sidecar` });
    }
    const removeSidecars = args.removeSidecars ?? DEFAULT_KUADRANT_REMOVE_SIDECARS;
    const envoyFilters = (args.gateways ?? []).flatMap((gw, gatewayIndex) =>
        servers.map((s): KuadrantEnvoyFilterPlan => {
            const filter = kuadrantEnvoyFilterName(s.component, gw.name);
            const resourceName = `${name}-${gw.namespace}-${filter}`;
            return {
                gatewayIndex,
                gateway: { name: gw.name, namespace: gw.namespace },
                component: s.component,
                cluster: s.cluster,
                name: filter,
                namespace: gw.namespace,
                resourceName,
                readResourceName: `${resourceName}-live`,
                readId: `${gw.namespace}/${filter}`,
                errorContext: `${KUADRANT_MTLS_TYPE} "${name}": gateways[${gatewayIndex}] (${gw.namespace}/${gw.name}): EnvoyFilter ${gw.namespace}/${filter}`,
                retainOnDelete: KUADRANT_ENVOY_FILTER_RETAIN_ON_DELETE,
            };
        }),
    );
    const peerAuthentications: KuadrantPeerAuthenticationPlan[] =
        servers.length === 2
            ? [{ resourceName: `${name}-peer-authentication`, name: NAMESPACE_PEER_AUTHENTICATION_NAME, namespace, mode: serverMode, selector: undefined }]
            : servers.map((s) => ({ resourceName: `${name}-${s.component}-peer-authentication`, name: `${s.component}-mtls`, namespace, mode: serverMode, selector: { ...s.selector } }));
    return {
        ...base,
        operator: undefined,
        manual: {
            servers,
            inject: enabled || !removeSidecars,
            revision,
            removeSidecars,
            envoyFilters,
            peerAuthentications,
            order: [...(enabled ? KUADRANT_ENABLE_ORDER : KUADRANT_DISABLE_ORDER)],
        },
        ambient: undefined,
    };
}

/**
 * The enrollments of ambient mode, Kuadrant's namespace first, then each other gateway namespace, each with
 * the argument path its namespace came from, named `<name>-<namespace>-ambient` (the names known namespaces
 * always had: names are a public contract). When `namespace` was an Output at construction it cannot name a
 * resource or be compared with the gateways' (its stand-in in the shape plan never equals one, the real
 * value may): Kuadrant's enrollment is then `<name>-ambient` and the gateways are deduplicated among
 * themselves only, so the shape and the real plan agree (a gateway in that namespace patches the same label twice).
 */
function ambientEnrollments(name: string, namespace: string | undefined, namespaceKnown: boolean, gateways: KuadrantGatewayRef[]): Array<{ field: string; plan: () => NamespaceEnrollmentPlan }> {
    const ns = namespace ?? DEFAULT_KUADRANT_NAMESPACE;
    const seen = namespaceKnown ? [ns] : [];
    const own = { field: "namespace", namespace: ns, resourceName: namespaceKnown ? `${name}-${ns}-ambient` : `${name}-ambient` };
    const others = gateways.flatMap((g, i) => {
        if (seen.includes(g.namespace)) {
            return [];
        }
        seen.push(g.namespace);
        return [{ field: `gateways[${i}].namespace`, namespace: g.namespace, resourceName: `${name}-${g.namespace}-ambient` }];
    });
    return [own, ...others].map((e) => ({ field: e.field, plan: () => planNamespaceEnrollment(e.resourceName, { namespace: e.namespace, dataPlaneMode: DataPlaneMode.Ambient }) }));
}

/** Ambient mode's enrollments and policies (validated arguments). */
function planAmbient(name: string, args: pulumi.Unwrap<KuadrantMtlsArgs>, base: { namespace: string; authorino: boolean; limitador: boolean; serverMode: MtlsMode }, namespaceKnown: boolean): KuadrantAmbientPlan {
    const gateways = (args.gateways ?? []).map((g) => ({ name: g.name, namespace: g.namespace }));
    const selectors: Array<[KuadrantComponent, Record<string, string>]> = [
        ...(base.authorino ? [["authorino", AUTHORINO_SELECTOR] as [KuadrantComponent, Record<string, string>]] : []),
        ...(base.limitador ? [["limitador", LIMITADOR_SELECTOR] as [KuadrantComponent, Record<string, string>]] : []),
    ];
    return {
        enrollments: ambientEnrollments(name, base.namespace, namespaceKnown, gateways).map((e) => e.plan()),
        // Per server, not namespace-wide: the operators' own pods (and their webhooks) share the namespace.
        peerAuthentications: selectors.map(([c, selector]) => ({ resourceName: `${name}-${c}-peer-authentication`, name: `${c}-mtls`, namespace: base.namespace, mode: base.serverMode, selector: { ...selector } })),
        gateways,
    };
}

/**
 * Ambient: Operator mode only (meshtls keeps `spec.mtls` off), no revision labels, and the calling gateways
 * named so their namespaces are enrolled: the operator's clusters reach Authorino and Limitador directly
 * (STRICT_DNS to the pod port, never HBONE), so only a gateway pod ztunnel captures sends them mTLS, and a
 * STRICT server refuses any other (sdk/posture/rules/kuadrantAmbient.ts, kuadrant-operator v1.5.2).
 */
function validateAmbient(v: ArgsValidator, args: pulumi.Unwrap<KuadrantMtlsArgs>): void {
    if (args.mode === KuadrantMtlsMode.Manual) {
        v.fail("mode", args.mode, "Manual mode injects sidecars into Authorino and Limitador and adds TLS to the gateways' clusters, which takes them out of ambient (istio-cni skips pods with a sidecar); in ambient ztunnel carries the mTLS: use mode: Operator (meshtls keeps spec.mtls off)");
    }
    if (args.revision !== undefined && args.revision !== "") {
        v.fail("revision", args.revision, "ambient workloads carry no revision label (ztunnel is the node's); remove revision");
    }
    if ((args.enabled ?? DEFAULT_KUADRANT_MTLS_ENABLED) && (args.gateways ?? []).length === 0) {
        v.fail(
            "gateways",
            args.gateways,
            "in ambient, list the Gateways ({ name, namespace }) that call Authorino and Limitador: their namespaces are enrolled so ztunnel carries the gateway's calls over HBONE; an unenrolled gateway's plain-text call is refused by the STRICT servers",
        );
    }
}

function validate(name: string, args: pulumi.Unwrap<KuadrantMtlsArgs>, namespaceKnown: boolean): void {
    const v = new ArgsValidator(KUADRANT_MTLS_TYPE, name);
    const mode = args.mode ?? DEFAULT_KUADRANT_MTLS_MODE;
    const modeOk = v.enumValue("mode", args.mode, KuadrantMtlsMode);
    const version = args.kuadrantVersion ?? DEFAULT_KUADRANT_VERSION;
    const versionOk = v.version("kuadrantVersion", args.kuadrantVersion);
    v.dnsLabel("namespace", args.namespace);
    v.dnsSubdomain("kuadrantName", args.kuadrantName);
    v.dnsSubdomain("authorinoDeployment", args.authorinoDeployment);
    v.dnsSubdomain("limitadorDeployment", args.limitadorDeployment);
    // The value of the pod label `istio.io/rev` ("" = the default revision, no label).
    v.dnsLabel("revision", args.revision === "" ? undefined : args.revision);
    if ((args.enabled ?? DEFAULT_KUADRANT_MTLS_ENABLED) && args.authorino === false && args.limitador === false) {
        v.fail("authorino/limitador", { authorino: false, limitador: false }, "with enabled: true at least one of authorino and limitador must be protected; set enabled: false to turn mTLS off");
    }
    const ambient = v.enumValue("dataPlaneMode", args.dataPlaneMode, DataPlaneMode) && args.dataPlaneMode === DataPlaneMode.Ambient;
    if (ambient) {
        validateAmbient(v, args);
    } else if (mode === KuadrantMtlsMode.Manual) {
        // Kuadrant >= 1.3 (kuadrant-operator authorino_/limitador_istio_integration_reconciler.go and the
        // istio_*_cluster_reconciler.go) rewrites the sidecar label and the EnvoyFilters from spec.mtls.
        if (versionOk && kuadrantOperatorOwnsMtls(version)) {
            v.fail(
                "mode",
                args.mode,
                `Manual mode only works with Kuadrant before 1.3, and kuadrantVersion is ${JSON.stringify(version)}${args.kuadrantVersion === undefined ? " (the default)" : ""}: from 1.3 on the operator sets sidecar.istio.io/inject: "false" on Authorino and Limitador and rewrites its EnvoyFilters without TLS unless spec.mtls is on; use mode: Operator (or set kuadrantVersion to the older release actually installed)`,
            );
        }
        v.check((args.gateways ?? []).length > 0, "gateways", args.gateways, "Manual mode needs at least one gateway ({ name, namespace }) whose kuadrant-auth-/kuadrant-ratelimiting- EnvoyFilters carry the clusters");
    } else if (modeOk && versionOk && !kuadrantOperatorOwnsMtls(version)) {
        // Before 1.3 the Kuadrant CRD has no spec.mtls (api/v1beta1/kuadrant_types.go at v1.2.0).
        v.fail("mode", args.mode ?? mode, `Operator mode needs Kuadrant 1.3 or later (spec.mtls of the Kuadrant CR), and kuadrantVersion is ${JSON.stringify(version)}; use mode: Manual for older Kuadrant`);
    }
    if (mode !== KuadrantMtlsMode.Manual && !ambient) {
        v.check(args.gateways === undefined, "gateways", args.gateways, "gateways only apply in Manual mode (the operator configures every gateway itself); remove them or set mode: Manual");
        v.check(args.removeSidecars === undefined, "removeSidecars", args.removeSidecars, "removeSidecars only applies in Manual mode (the operator manages the sidecar labels)");
    }
    const gateways = new Map<string, number>();
    (args.gateways ?? []).forEach((gw, i) => {
        // Each gateway's EnvoyFilter patches are named after it: one listed twice would register them twice.
        const seen = gateways.get(`${gw.namespace}/${gw.name}`);
        v.check(seen === undefined, `gateways[${i}]`, gw, `gateways[${seen}] already lists gateway ${gw.namespace}/${gw.name}; list each gateway once`);
        gateways.set(`${gw.namespace}/${gw.name}`, seen ?? i);
        if (v.dnsSubdomain(`gateways[${i}].name`, gw.name, true)) {
            v.check(kuadrantEnvoyFilterName("limitador", gw.name).length <= MAX_OBJECT_NAME, `gateways[${i}].name`, gw.name, "the EnvoyFilter name kuadrant-ratelimiting-<name> must fit in 253 characters");
        }
        v.dnsLabel(`gateways[${i}].namespace`, gw.namespace, true);
    });
    if (ambient) {
        // Which namespaces can join ambient (kube-system never can) is NamespaceEnrollment's rule: its problems
        // are reported under Kuadrant's paths (after Kuadrant's own checks, so a problem both see is kept once).
        for (const e of ambientEnrollments(name, args.namespace, namespaceKnown, args.gateways ?? [])) {
            attemptPlan(v, (field) => (field === "namespace" ? e.field : field), e.plan);
        }
    }
    v.throwIfInvalid();
}
