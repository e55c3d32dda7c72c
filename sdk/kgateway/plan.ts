// KgatewayMtls's plan: pure. Validates the arguments (every problem at once), resolves every default once
// and returns plain data that manifests.ts turns into charts and objects.
import type * as pulumi from "@pulumi/pulumi";
import { checkReservedValues, checkValuesOverride, HelmMode, parseValuesYaml, SetValue } from "../internal/chartValues";
import { ArgsValidator, isDnsName } from "../internal/validation";
import { DataPlaneMode, DEFAULT_ISTIO_NAMESPACE } from "../istio";
import { DEFAULT_CNI_EXCLUDE_NAMESPACES, istioDiscoveryAddressProblem, istioProxyMetaIdProblem, KGATEWAY_ISTIO_PROXY_DEFAULTS, KgatewayIstioProxyContainerFields } from "../posture";
import {
    DEFAULT_INSTALL_GATEWAY_API_CRDS,
    DEFAULT_KGATEWAY_HELM_MODE,
    DEFAULT_KGATEWAY_CREATE_NAMESPACE,
    DEFAULT_KGATEWAY_GATEWAY_NAME,
    DEFAULT_KGATEWAY_LISTENER_PORT,
    DEFAULT_KGATEWAY_NAMESPACE,
    DEFAULT_KGATEWAY_PATH_PREFIX,
    DEFAULT_KGATEWAY_VERSION,
    KGATEWAY_CHART_REPO,
    KGATEWAY_MTLS_TYPE,
    KGATEWAY_SUPPORTED_LINE,
} from "./defaults";
import { KgatewayMtlsArgs } from "./types";

/** The Gateway of a plan. */
export interface KgatewayGatewayPlan {
    /** Name of the Gateway. */
    name: string;
    /** Its namespace (where the proxy pods run). */
    namespace: string;
    /** Whether meshtls creates it (false: routes attach to an existing one). */
    create: boolean;
    /** The HTTP listener's port. */
    port: number;
    /** Whether meshtls creates its namespace (only when it is not the controller's). */
    createNamespace: boolean;
    /** Ambient: whether its namespace is enrolled (always true in a valid ambient plan). */
    enroll: boolean;
}

/** The mesh settings of a plan. */
export interface KgatewayIstioPlan {
    /** The mesh's data plane. */
    dataPlaneMode: DataPlaneMode;
    /** `KGW_ENABLE_ISTIO_AUTO_MTLS` (sidecar). */
    autoMtls: boolean;
    /** `KGW_ENABLE_ISTIO_INTEGRATION` (ambient). */
    istioIntegration: boolean;
    /** Sidecar: the gateway's istio-proxy settings (GatewayParameters `kube.istio.istioProxyContainer`). */
    proxy?: KgatewayIstioProxyContainerFields & { image: { registry: string; repository: string; tag: string } };
}

/** One backend's route. */
export interface KgatewayBackendPlan {
    /** Name of the HTTPRoute. */
    name: string;
    /** The Service. */
    serviceName: string;
    /** Its namespace. */
    serviceNamespace: string;
    /** The Service port. */
    port: number;
    /** The path prefix matched. */
    pathPrefix: string;
    /** Host names matched (empty: the Gateway's). */
    hostnames: string[];
}

/** A ReferenceGrant: lets the Gateway namespace's HTTPRoutes reach these Services of another namespace. */
export interface KgatewayReferenceGrantPlan {
    /** The Services' namespace (where the grant lives). */
    namespace: string;
    /** The Services, sorted. */
    services: string[];
}

/** A KgatewayMtls, validated and fully defaulted: plain data. */
export interface KgatewayMtlsPlan {
    /** The component's resource name; child resource names derive from it. */
    name: string;
    /** The charts' version. */
    version: string;
    /** The charts' OCI registry. */
    chartRepository: string;
    /** The controller's namespace. */
    namespace: string;
    /** Create the controller's namespace. */
    createNamespace: boolean;
    /** How the charts are installed. */
    helmMode: HelmMode;
    /** Install the Gateway API standard CRDs. */
    installGatewayApiCrds: boolean;
    /** The Gateway. */
    gateway: KgatewayGatewayPlan;
    /** The mesh, when the gateway joins one. */
    istio?: KgatewayIstioPlan;
    /** The routes, in the order given. */
    backends: KgatewayBackendPlan[];
    /** One per other namespace the routes reach, sorted by namespace. */
    referenceGrants: KgatewayReferenceGrantPlan[];
    /** The parsed `values` escape hatch (`{}` when none). */
    values: Record<string, unknown>;
}

/** A DNS-1035 label: what a Service name must be (and kgateway names the proxy's Service after its Gateway). */
const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Why an HTTPRoute PathPrefix value is refused, or undefined: the validation rules of the v1.6.1 HTTPRoute
 * CRD (gateway.networking.k8s.io_httproutes.yaml, `spec.rules[].matches[].path`), checked before anything is
 * registered instead of failing mid-update at the API server.
 */
export function pathPrefixProblem(value: string): string | undefined {
    if (!value.startsWith("/")) {
        return "it must be an absolute path starting with '/', e.g. /reviews";
    }
    if (value.length > 1024) {
        return "it must be at most 1024 characters";
    }
    for (const bad of ["//", "/./", "/../", "%2f", "%2F", "#"]) {
        if (value.includes(bad)) {
            return `it must not contain '${bad}'`;
        }
    }
    if (value.endsWith("/.") || value.endsWith("/..")) {
        return "it must not end with '/.' or '/..'";
    }
    if (!/^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/.test(value)) {
        return "it must only contain the characters the CRD allows ([-A-Za-z0-9/._~!$&'()*+,;=:@] or %XX escapes): no '?', spaces or query strings";
    }
    return undefined;
}

/** The chart values meshtls sets (manifests.ts `computeKgatewayValues`): an override must keep them. */
export function kgatewaySetValues(plan: Pick<KgatewayMtlsPlan, "name" | "namespace" | "istio">): SetValue[] {
    const why = "set istio.dataPlaneMode instead: it decides the gateway's mTLS, and meshtls's posture follows it";
    const set: SetValue[] = [];
    if (plan.istio?.autoMtls) {
        set.push({ path: "controller.extraEnv.KGW_ENABLE_ISTIO_AUTO_MTLS", value: "true", guard: why });
    }
    if (plan.istio?.istioIntegration) {
        set.push({ path: "controller.extraEnv.KGW_ENABLE_ISTIO_INTEGRATION", value: "true", guard: why });
    }
    if (plan.istio?.proxy) {
        const refs = "meshtls points class kgateway at the GatewayParameters that carry the mesh settings; remove it";
        set.push({ path: "gatewayClassParametersRefs.kgateway.name", value: `${plan.name}-mesh`, guard: refs });
        set.push({ path: "gatewayClassParametersRefs.kgateway.namespace", value: plan.namespace, guard: refs });
    }
    return set;
}

/** Validates KgatewayMtls arguments and resolves every default; throws one `pulumi.ResourceError`. */
export function planKgatewayMtls(name: string, args: pulumi.Unwrap<KgatewayMtlsArgs>): KgatewayMtlsPlan {
    const v = new ArgsValidator(KGATEWAY_MTLS_TYPE, name);
    if (args.chartRepository !== undefined && v.chartRepository("chartRepository", args.chartRepository)) {
        // manifests.ts names each chart `<chartRepository>/<chart>`: an OCI registry, not a chart.
        v.check(
            args.chartRepository.startsWith("oci://") && !/\/(kgateway|kgateway-crds)\/*$/.test(args.chartRepository),
            "chartRepository",
            args.chartRepository,
            "expected the OCI registry that holds the kgateway-crds and kgateway charts, e.g. oci://cr.kgateway.dev/kgateway-dev/charts (the charts are published there only)",
        );
    }
    if (v.version("version", args.version) && args.version !== undefined) {
        v.check(KGATEWAY_SUPPORTED_LINE.test(args.version), "version", args.version, `expected a 2.4.x release such as ${DEFAULT_KGATEWAY_VERSION}: meshtls's kgateway integration (controller env, GatewayParameters fields) was read at v2.4.3`);
    }
    v.dnsLabel("namespace", args.namespace);
    v.enumValue("helmMode", args.helmMode, HelmMode);
    const namespace = args.namespace ?? DEFAULT_KGATEWAY_NAMESPACE;
    const g = args.gateway ?? {};
    if (g.name !== undefined) {
        // kgateway names the proxy's Deployment and Service after the Gateway and labels its pods with the name
        // (kgateway v2.4.3 pkg/kgateway/deployer/gateway_parameters.go, helm/envoy templates).
        v.check(SERVICE_NAME.test(g.name), "gateway.name", g.name, "expected a DNS-1035 label (lower-case letters, digits and '-', starting with a letter), at most 63 characters: kgateway names the proxy's Service after the Gateway");
    }
    v.dnsLabel("gateway.namespace", g.namespace);
    v.port("gateway.port", g.port);
    if (g.create === false && g.port !== undefined) {
        v.fail("gateway.port", g.port, "it sets the listener of the Gateway meshtls creates, and gateway.create is false; remove it (the existing Gateway's listeners stay as they are)");
    }
    const gatewayNamespace = g.namespace ?? namespace;
    if (g.createNamespace !== undefined && gatewayNamespace === namespace) {
        v.fail("gateway.createNamespace", g.createNamespace, `the Gateway is in the controller's namespace (${namespace}), which createNamespace decides; remove it`);
    }
    const istio = planIstio(v, args, gatewayNamespace);
    const backends = planBackends(v, args);
    const values = parseValuesYaml(v, "values", args.values) ?? {};
    // What meshtls derives from the istio settings must not be changed behind its back: the values it sets
    // keep their value and every mapping above them stays a mapping; the mesh switch it does not set stays unset.
    checkValuesOverride(v, "values", kgatewaySetValues({ name, namespace, istio }), values);
    const why = "set istio.dataPlaneMode instead: it decides the gateway's mTLS, and meshtls's posture follows it";
    checkReservedValues(
        v,
        "values",
        [
            ...(istio?.autoMtls ? [] : [{ path: "controller.extraEnv.KGW_ENABLE_ISTIO_AUTO_MTLS", reason: why }]),
            ...(istio?.istioIntegration ? [] : [{ path: "controller.extraEnv.KGW_ENABLE_ISTIO_INTEGRATION", reason: why }]),
            ...(istio?.proxy ? [] : [{ path: "gatewayClassParametersRefs.kgateway", reason: "meshtls sets the class's parameters with sidecars only; remove it" }]),
        ],
        values,
    );
    v.throwIfInvalid();

    const grants = new Map<string, Set<string>>();
    for (const b of backends.filter((x) => x.serviceNamespace !== gatewayNamespace)) {
        grants.set(b.serviceNamespace, (grants.get(b.serviceNamespace) ?? new Set<string>()).add(b.serviceName));
    }
    return {
        name,
        version: args.version ?? DEFAULT_KGATEWAY_VERSION,
        chartRepository: args.chartRepository ?? KGATEWAY_CHART_REPO,
        namespace,
        createNamespace: args.createNamespace ?? DEFAULT_KGATEWAY_CREATE_NAMESPACE,
        helmMode: args.helmMode ?? DEFAULT_KGATEWAY_HELM_MODE,
        installGatewayApiCrds: args.installGatewayApiCrds ?? DEFAULT_INSTALL_GATEWAY_API_CRDS,
        gateway: {
            name: g.name ?? DEFAULT_KGATEWAY_GATEWAY_NAME,
            namespace: gatewayNamespace,
            create: g.create ?? true,
            port: g.port ?? DEFAULT_KGATEWAY_LISTENER_PORT,
            createNamespace: gatewayNamespace !== namespace && (g.createNamespace ?? DEFAULT_KGATEWAY_CREATE_NAMESPACE),
            enroll: istio?.dataPlaneMode === DataPlaneMode.Ambient && (g.enroll ?? true),
        },
        ...(istio ? { istio } : {}),
        backends,
        referenceGrants: [...grants.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([ns, services]) => ({ namespace: ns, services: [...services].sort() })),
        values,
    };
}

function planIstio(v: ArgsValidator, args: pulumi.Unwrap<KgatewayMtlsArgs>, gatewayNamespace: string): KgatewayIstioPlan | undefined {
    const i = args.istio;
    if (i === undefined) {
        if (args.gateway?.enroll !== undefined) {
            v.fail("gateway.enroll", args.gateway.enroll, "it only applies with istio.dataPlaneMode: Ambient; remove it");
        }
        return undefined;
    }
    if (!v.enumValue("istio.dataPlaneMode", i.dataPlaneMode, DataPlaneMode)) {
        return undefined;
    }
    const mode = i.dataPlaneMode ?? DataPlaneMode.Sidecar;
    if (mode === DataPlaneMode.Ambient) {
        const sidecarOnly = "it configures the gateway's istio-proxy container, which only the sidecar mesh's auto mTLS adds (in ambient ztunnel carries the mTLS); remove it";
        for (const [field, value] of [["istioVersion", i.istioVersion], ["discoveryAddress", i.discoveryAddress], ["meshId", i.meshId], ["clusterId", i.clusterId]] as const) {
            if (value !== undefined) {
                v.fail(`istio.${field}`, value, sidecarOnly);
            }
        }
        if (args.gateway?.enroll === false) {
            v.fail(
                "gateway.enroll",
                false,
                `kgateway's proxy never speaks HBONE itself (its Istio integration only adds ServiceEntry backends and DestinationRule locality): ztunnel carries the mTLS only when the Gateway's namespace ${gatewayNamespace} is enrolled, so unenrolled the gateway-to-app hop is plain text (refused by STRICT backends); remove gateway.enroll`,
            );
        }
        if (gatewayNamespace === DEFAULT_ISTIO_NAMESPACE) {
            v.fail("gateway.namespace", gatewayNamespace, "the control plane's namespace stays out of ambient, and a workload policy for the gateway pods there would be ignored (the mesh's root namespace); put the Gateway in its own namespace");
        }
        if (DEFAULT_CNI_EXCLUDE_NAMESPACES.includes(gatewayNamespace)) {
            v.fail("gateway.namespace", gatewayNamespace, `the Istio CNI agent never redirects pods in ${gatewayNamespace} (its default excludeNamespaces), so the gateway could not be enrolled; use another namespace`);
        }
        return { dataPlaneMode: mode, autoMtls: false, istioIntegration: true };
    }
    if (args.gateway?.enroll !== undefined) {
        v.fail("gateway.enroll", args.gateway.enroll, "it only applies with istio.dataPlaneMode: Ambient (with sidecars the Gateway's namespace must not be injected: kgateway-dev/kgateway#14493); remove it");
    }
    const versionOk = typeof i.istioVersion === "string" && /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(i.istioVersion);
    v.check(versionOk, "istio.istioVersion", i.istioVersion, "the mesh's Istio version is required with sidecars: it is the gateway's istio-proxy image tag, e.g. \"1.30.3\" (IstioMesh.version)");
    const discoveryAddress = i.discoveryAddress ?? KGATEWAY_ISTIO_PROXY_DEFAULTS.istioDiscoveryAddress;
    const meshId = i.meshId ?? KGATEWAY_ISTIO_PROXY_DEFAULTS.istioMetaMeshId;
    const clusterId = i.clusterId ?? KGATEWAY_ISTIO_PROXY_DEFAULTS.istioMetaClusterId;
    // Each setting is checked under the argument the user wrote. Which resources exist depends on the mode
    // only: an invalid field is reported, never drops the parameters.
    for (const [field, value, problem] of [
        ["istio.discoveryAddress", discoveryAddress, istioDiscoveryAddressProblem(discoveryAddress)],
        ["istio.meshId", meshId, istioProxyMetaIdProblem(meshId)],
        ["istio.clusterId", clusterId, istioProxyMetaIdProblem(clusterId)],
    ] as const) {
        v.check(problem === undefined, field, value, problem ?? "");
    }
    const fields: KgatewayIstioProxyContainerFields = { istioDiscoveryAddress: discoveryAddress, istioMetaMeshId: meshId, istioMetaClusterId: clusterId };
    const image = KGATEWAY_ISTIO_PROXY_DEFAULTS.image;
    return {
        dataPlaneMode: mode,
        autoMtls: true,
        istioIntegration: false,
        proxy: { ...fields, image: { registry: image.registry, repository: image.repository, tag: String(i.istioVersion) } },
    };
}

function planBackends(v: ArgsValidator, args: pulumi.Unwrap<KgatewayMtlsArgs>): KgatewayBackendPlan[] {
    const byService = new Map<string, number>();
    const byName = new Map<string, number>();
    const byMatch = new Map<string, number>();
    return (args.backends ?? []).map((b, i) => {
        const at = `backends[${i}]`;
        v.check(typeof b.serviceName === "string" && SERVICE_NAME.test(b.serviceName), `${at}.serviceName`, b.serviceName, "expected a Service name: a DNS-1035 label (lower-case letters, digits and '-', starting with a letter), at most 63 characters");
        v.dnsLabel(`${at}.serviceNamespace`, b.serviceNamespace, true);
        v.port(`${at}.port`, b.port, true);
        const routeName = b.name ?? `${b.serviceNamespace}-${b.serviceName}-${b.port}`;
        v.dnsSubdomain(b.name === undefined ? `${at}.name (defaults to <serviceNamespace>-<serviceName>-<port>)` : `${at}.name`, routeName);
        const key = `${b.serviceNamespace}/${b.serviceName}:${b.port}`;
        const seen = byService.get(key);
        v.check(seen === undefined, at, key, `backends[${seen}] already routes to ${key}; list each backend once (add hostnames or path prefixes to one route instead)`);
        byService.set(key, seen ?? i);
        const named = byName.get(routeName);
        v.check(named === undefined || seen !== undefined, `${at}.name`, routeName, `backends[${named}] already has the HTTPRoute name ${routeName}; give one of them another name`);
        byName.set(routeName, named ?? i);
        const prefix = b.pathPrefix ?? DEFAULT_KGATEWAY_PATH_PREFIX;
        const problem = typeof prefix === "string" ? pathPrefixProblem(prefix) : "expected a string";
        if (problem !== undefined) {
            v.fail(`${at}.pathPrefix`, b.pathPrefix, `${problem} (the Gateway API v1.6.1 HTTPRoute CRD's path rules)`);
        }
        const hostnames = b.hostnames ?? [];
        v.check(hostnames.length <= 16, `${at}.hostnames`, hostnames.length, "at most 16 host names per HTTPRoute (the CRD's maxItems)");
        hostnames.forEach((h, j) => {
            v.check(isDnsName(h, true) && !/^[0-9.]+$/.test(h), `${at}.hostnames[${j}]`, h, "expected a host name such as shop.example.com or *.example.com (Gateway API: no port, no IP address)");
        });
        v.unique(`${at}.hostnames`, hostnames);
        // Two routes with the same match on one Gateway: the oldest wins, the other backend gets nothing.
        const match = `${[...hostnames].sort().join(",")} ${prefix}`;
        const first = byMatch.get(match);
        if (first !== undefined && seen === undefined) {
            v.fail(
                hostnames.length > 0 ? `${at}.hostnames` : `${at}.pathPrefix`,
                hostnames.length > 0 ? hostnames : prefix,
                `backends[${first}] matches the same requests (host names ${hostnames.length > 0 ? hostnames.join(", ") : "of the Gateway"}, path prefix ${prefix}); Gateway API gives them to the oldest route, so this backend would get none: give one a pathPrefix or hostnames of its own`,
            );
        }
        byMatch.set(match, first ?? i);
        return { name: routeName, serviceName: b.serviceName, serviceNamespace: b.serviceNamespace, port: b.port, pathPrefix: prefix, hostnames: [...(b.hostnames ?? [])] };
    });
}
