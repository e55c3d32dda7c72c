import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../internal/options";
import { ArgsValidator } from "../internal/validation";
import { peerAuthentication } from "../istio/resources";
import { SidecarInjection } from "../istio/sidecarInjection";
import { MtlsMode } from "../istio/types";

const TYPE = "meshtls:index:KuadrantMtls";

/** How KuadrantMtls turns mTLS on. */
export enum KuadrantMtlsMode {
    /** Kuadrant >= 1.3: set `spec.mtls` on the Kuadrant CR and let the operator do the rest. */
    Operator = "Operator",
    /** Older Kuadrant: sidecar labels, TLS in the operator's EnvoyFilters, PeerAuthentication (the manual procedure). */
    Manual = "Manual",
}

/** A Gateway whose Kuadrant EnvoyFilters carry the Authorino and Limitador clusters. */
export interface KuadrantGatewayRef {
    /** Gateway name. */
    name: string;
    /** Gateway namespace (the EnvoyFilters live there). */
    namespace: string;
}

/** Arguments of a KuadrantMtls. */
export interface KuadrantMtlsArgs {
    /**
     * mTLS on (true) or off (false). Off keeps the resources and sets them to their safe "off" state, so
     * switching is a reviewable update, not a delete.
     * @default true
     */
    enabled?: boolean;
    /**
     * Namespace of Kuadrant, Authorino and Limitador.
     * @default "kuadrant-system"
     */
    namespace?: string;
    /**
     * Protect gateway -> Authorino traffic.
     * @default true
     */
    authorino?: boolean;
    /**
     * Protect gateway -> Limitador traffic.
     * @default true
     */
    limitador?: boolean;
    /**
     * Operator (Kuadrant >= 1.3) or Manual (older Kuadrant).
     * @default KuadrantMtlsMode.Operator
     */
    mode?: KuadrantMtlsMode;
    /**
     * Name of the Kuadrant CR (Operator mode).
     * @default "kuadrant"
     */
    kuadrantName?: string;
    /**
     * Authorino Deployment (Manual mode).
     * @default "authorino"
     */
    authorinoDeployment?: string;
    /**
     * Limitador Deployment (Manual mode).
     * @default "limitador-limitador"
     */
    limitadorDeployment?: string;
    /** Gateways whose `kuadrant-auth-<gateway>` / `kuadrant-ratelimiting-<gateway>` EnvoyFilters get TLS (Manual mode, required there). */
    gateways?: KuadrantGatewayRef[];
    /**
     * When disabled in Manual mode, also take the sidecars out (`sidecar.istio.io/inject: "false"`).
     * @default false (sidecars stay, which is safe)
     */
    removeSidecars?: boolean;
}

/** Envoy cluster names the Kuadrant operator writes (internal/kuadrant/kuadrant.go). */
export const AUTH_CLUSTER = "kuadrant-auth-service";
/** Envoy cluster name of the rate-limit service. */
export const RATELIMIT_CLUSTER = "kuadrant-ratelimit-service";

/** EnvoyFilter names the operator writes per gateway. */
export function kuadrantEnvoyFilterName(component: "authorino" | "limitador", gateway: string): string {
    return component === "authorino" ? `kuadrant-auth-${gateway}` : `kuadrant-ratelimiting-${gateway}`;
}

const SDS_FROM_ISTIO_AGENT = { api_config_source: { api_type: "GRPC", grpc_services: [{ envoy_grpc: { cluster_name: "sds-grpc" } }] } };

/**
 * The seed's client TLS: certificate `default` and roots `ROOTCA` from the istio-agent's SDS, the same
 * material the sidecars use, so the gateway speaks Istio mTLS to Authorino and Limitador.
 */
export const KUADRANT_TLS_TRANSPORT_SOCKET = {
    name: "envoy.transport_sockets.tls",
    typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
        common_tls_context: {
            tls_certificate_sds_secret_configs: [{ name: "default", sds_config: SDS_FROM_ISTIO_AGENT }],
            validation_context_sds_secret_config: { name: "ROOTCA", sds_config: SDS_FROM_ISTIO_AGENT },
        },
    },
};

interface ConfigPatch {
    applyTo?: string;
    patch?: { value?: { name?: string; transport_socket?: unknown } };
}

/**
 * The EnvoyFilter spec with the TLS transport socket added to (tls = true) or removed from (false) the
 * CLUSTER patch named `cluster`; every other field is kept as the operator wrote it. Throws when no
 * such patch exists.
 */
export function withTransportSocket(spec: unknown, cluster: string, tls: boolean, where: string): Record<string, unknown> {
    const s = (spec && typeof spec === "object" ? spec : {}) as { configPatches?: ConfigPatch[] };
    const patches = s.configPatches ?? [];
    const isTarget = (p: ConfigPatch) => p.applyTo === "CLUSTER" && p.patch?.value?.name === cluster;
    if (!patches.some(isTarget)) {
        throw new Error(
            `${where}: no CLUSTER patch named ${cluster}. The Kuadrant operator writes it once an ` +
                `${cluster === AUTH_CLUSTER ? "AuthPolicy" : "RateLimitPolicy"} targets the gateway; check the gateway name, or turn this component off for it.`,
        );
    }
    const configPatches = patches.map((p) => {
        if (!isTarget(p) || !p.patch) {
            return p;
        }
        const value: Record<string, unknown> = { ...p.patch.value };
        if (tls) {
            value.transport_socket = KUADRANT_TLS_TRANSPORT_SOCKET;
        } else {
            delete value.transport_socket;
        }
        return { ...p, patch: { ...p.patch, value } };
    });
    return { ...s, configPatches };
}

/**
 * mTLS between an Istio gateway (Kuadrant's Wasm plugin) and Authorino / Limitador.
 *
 * Operator mode patches `spec.mtls` on the Kuadrant CR (server-side apply); destroying the component
 * gives those fields back, which turns mTLS off. Manual mode automates the manual procedure: sidecar
 * labels, the TLS transport socket in the operator's per-gateway EnvoyFilters (read live, changed,
 * applied back whole), and a STRICT PeerAuthentication. Enabling orders sidecars -> client TLS ->
 * STRICT; disabling orders PERMISSIVE -> client TLS removed -> sidecars (if removed). The operator may
 * rewrite its EnvoyFilters: run `pulumi up` on a schedule (or `pulumi refresh` + `preview` in CI) to
 * re-assert and detect that.
 */
export class KuadrantMtls extends pulumi.ComponentResource {
    /** Whether mTLS is on. */
    public readonly enabled!: pulumi.Output<boolean>;
    /** The mode used. */
    public readonly mode!: pulumi.Output<KuadrantMtlsMode>;
    /** The protected links, e.g. `gateway->authorino`, with their mode (STRICT when on, PERMISSIVE when off). */
    public readonly posture!: pulumi.Output<{ [link: string]: string }>;

    constructor(name: string, args: KuadrantMtlsArgs, opts?: pulumi.ComponentResourceOptions) {
        validateKuadrantArgs(name, args);
        super(TYPE, name, args, opts);
        const enabled = args.enabled ?? true;
        const namespace = args.namespace ?? "kuadrant-system";
        const authorino = args.authorino ?? true;
        const limitador = args.limitador ?? true;
        const mode = args.mode ?? KuadrantMtlsMode.Operator;

        if (mode === KuadrantMtlsMode.Operator) {
            new k8s.apiextensions.CustomResourcePatch(
                `${name}-kuadrant-mtls`,
                {
                    apiVersion: "kuadrant.io/v1beta1",
                    kind: "Kuadrant",
                    metadata: { name: args.kuadrantName ?? "kuadrant", namespace, annotations: { "pulumi.com/patchForce": "true" } },
                    spec: { mtls: enabled ? { enable: true, authorino, limitador } : { enable: false } },
                },
                childOptions(this, opts),
            );
        } else {
            this.manual(name, args, { enabled, namespace, authorino, limitador }, opts);
        }

        const state = enabled ? MtlsMode.STRICT : MtlsMode.PERMISSIVE;
        const posture: Record<string, string> = {};
        if (authorino) {
            posture["gateway->authorino"] = state;
        }
        if (limitador) {
            posture["gateway->limitador"] = state;
        }
        this.enabled = pulumi.output(enabled);
        this.mode = pulumi.output(mode);
        this.posture = pulumi.output(posture);
        this.registerOutputs({ enabled: this.enabled, mode: this.mode, posture: this.posture });
    }

    private manual(
        name: string,
        args: KuadrantMtlsArgs,
        s: { enabled: boolean; namespace: string; authorino: boolean; limitador: boolean },
        opts: pulumi.ComponentResourceOptions | undefined,
    ): void {
        const components: Array<{ key: "authorino" | "limitador"; deployment: string; cluster: string; selector: Record<string, string> }> = [];
        if (s.authorino) {
            components.push({ key: "authorino", deployment: args.authorinoDeployment ?? "authorino", cluster: AUTH_CLUSTER, selector: { "authorino-resource": "authorino" } });
        }
        if (s.limitador) {
            components.push({ key: "limitador", deployment: args.limitadorDeployment ?? "limitador-limitador", cluster: RATELIMIT_CLUSTER, selector: { app: "limitador" } });
        }
        const inject = s.enabled || !(args.removeSidecars ?? false);

        // The server policy: namespace-wide when both are protected, per component otherwise (seed).
        const policies: Array<{ resource: string; name: string; selector?: Record<string, string> }> =
            components.length === 2
                ? [{ resource: "peer-authentication", name: "default" }]
                : components.map((c) => ({ resource: `${c.key}-peer-authentication`, name: `${c.key}-mtls`, selector: c.selector }));
        const makePolicies = (dependsOn: pulumi.Resource[]) =>
            policies.map((p) =>
                peerAuthentication(
                    `${name}-${p.resource}`,
                    { name: p.name, namespace: s.namespace, mode: s.enabled ? MtlsMode.STRICT : MtlsMode.PERMISSIVE, selector: p.selector },
                    childOptions(this, opts, dependsOn),
                ),
            );
        const makeSidecars = (dependsOn: pulumi.Resource[]) =>
            components.map((c) => new SidecarInjection(`${name}-${c.key}-sidecar`, { namespace: s.namespace, deployment: c.deployment, inject }, childOptions(this, opts, dependsOn)));
        const makeClientTls = (dependsOn: pulumi.Resource[]) =>
            (args.gateways ?? []).flatMap((gw, i) =>
                components.map((c) => {
                    const filter = kuadrantEnvoyFilterName(c.key, gw.name);
                    const base = `${name}-${gw.namespace}-${filter}`;
                    // Read what the operator wrote now, so the patch carries every field of it. Naming
                    // `spec` in the args is what gives the read resource a `spec` output.
                    const live = new k8s.apiextensions.CustomResource(
                        `${base}-live`,
                        { apiVersion: "networking.istio.io/v1alpha3", kind: "EnvoyFilter", spec: undefined },
                        { ...childOptions(this, opts), id: `${gw.namespace}/${filter}` },
                    ) as k8s.apiextensions.CustomResource & { spec: pulumi.Output<unknown> };
                    return new k8s.apiextensions.CustomResourcePatch(
                        base,
                        {
                            apiVersion: "networking.istio.io/v1alpha3",
                            kind: "EnvoyFilter",
                            metadata: { name: filter, namespace: gw.namespace, annotations: { "pulumi.com/patchForce": "true" } },
                            spec: live.spec.apply((spec) => withTransportSocket(spec, c.cluster, s.enabled, `${TYPE} "${name}": gateways[${i}] (${gw.namespace}/${gw.name}): EnvoyFilter ${gw.namespace}/${filter}`)),
                        },
                        childOptions(this, opts, dependsOn),
                    );
                }),
            );

        if (s.enabled) {
            // Sidecars first (the servers accept mTLS), then client TLS, then STRICT.
            const sidecars = makeSidecars([]);
            const clientTls = makeClientTls(sidecars);
            makePolicies([...sidecars, ...clientTls]);
        } else {
            // PERMISSIVE first (plain text accepted again), then client TLS off, then sidecars.
            const policyResources = makePolicies([]);
            const clientTls = makeClientTls(policyResources);
            makeSidecars([...policyResources, ...clientTls]);
        }
    }
}

function validateKuadrantArgs(name: string, args: KuadrantMtlsArgs): void {
    const v = new ArgsValidator(TYPE, name);
    const mode = args.mode ?? KuadrantMtlsMode.Operator;
    v.enumValue("mode", args.mode, KuadrantMtlsMode);
    v.dnsLabel("namespace", args.namespace);
    v.dnsSubdomain("kuadrantName", args.kuadrantName);
    v.dnsSubdomain("authorinoDeployment", args.authorinoDeployment);
    v.dnsSubdomain("limitadorDeployment", args.limitadorDeployment);
    if ((args.enabled ?? true) && args.authorino === false && args.limitador === false) {
        v.fail("authorino/limitador", { authorino: false, limitador: false }, "with enabled: true at least one of authorino and limitador must be protected; set enabled: false to turn mTLS off");
    }
    if (mode === KuadrantMtlsMode.Manual) {
        v.check((args.gateways ?? []).length > 0, "gateways", args.gateways, "Manual mode needs at least one gateway ({ name, namespace }) whose kuadrant-auth-/kuadrant-ratelimiting- EnvoyFilters carry the clusters");
    } else {
        v.check(args.gateways === undefined, "gateways", args.gateways, "gateways only apply in Manual mode (the operator configures every gateway itself); remove them or set mode: Manual");
        v.check(args.removeSidecars === undefined, "removeSidecars", args.removeSidecars, "removeSidecars only applies in Manual mode (the operator manages the sidecar labels)");
    }
    (args.gateways ?? []).forEach((gw, i) => {
        if (v.dnsSubdomain(`gateways[${i}].name`, gw.name, true)) {
            v.check(kuadrantEnvoyFilterName("limitador", gw.name).length <= 253, `gateways[${i}].name`, gw.name, "the EnvoyFilter name kuadrant-ratelimiting-<name> must fit in 253 characters");
        }
        v.dnsLabel(`gateways[${i}].namespace`, gw.namespace, true);
    });
    v.throwIfInvalid();
}
