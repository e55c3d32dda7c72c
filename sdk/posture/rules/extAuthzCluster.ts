// Rule: which Envoy cluster Istio's ext_authz filter (a `meshConfig.extensionProviders` entry of kind
// `envoyExtAuthzGrpc` / `envoyExtAuthzHttp`, used by an AuthorizationPolicy with `action: CUSTOM`) calls,
// and so what TLS that call gets.
//
// Encodes istio/istio at tag 1.30.3 (commit 56df41f6):
// - pilot/pkg/security/authz/builder/extauthz.go `buildExtAuthzGRPC` / `buildExtAuthzHTTP`: `parsePort`
//   (1..65535, else "port must be in the range [1, 65535]"), then `model.LookupCluster(push, service, port)`;
//   the gRPC config's `envoy_grpc.cluster_name` / the HTTP config's `http_uri.cluster` is that cluster.
// - pilot/pkg/model/telemetry_logging.go `LookupCluster`: `service` is `<namespace>/<hostname>` or a bare
//   hostname; it is looked up in `push.ServiceIndex.HostnameAndNamespace`; a bare hostname must exist in
//   exactly one namespace ("found ... in multiple namespaces ..., specify the namespace explicitly");
//   none: "could not find service ... in Istio service registry". The cluster is
//   `BuildSubsetKey(TrafficDirectionOutbound, "", hostname, port)` (pilot/pkg/model/service.go):
//   `outbound|<port>||<hostname>`, the same outbound cluster any mesh call to that service port uses, so
//   its TLS is the client's DestinationRule / auto-mTLS (istioDestinationRuleTls.ts). The port is NOT
//   checked against the service's ports: a port the service lacks names a cluster the proxy does not have.
// - pilot/pkg/security/authz/builder/builder.go: a provider that failed to build ("failed to process
//   CUSTOM action ..., will generate deny configs") gets an RBAC filter that DENIES the requests its
//   CUSTOM rules match, instead of calling anything.
// Not modelled: the proxy's SidecarScope (a service not visible to the proxy has no cluster there either),
// `failOpen` / `statusOnError` when the cluster is missing or unreachable.
// Pure: no Pulumi, no I/O.

/** A service of Istio's registry (`ServiceIndex.HostnameAndNamespace`). */
export interface RegistryServiceView {
    /** Its hostname, e.g. `kyverno-authz-server.kyverno.svc.cluster.local`. */
    hostname: string;
    /** Its namespace. */
    namespace: string;
    /** Its ports (to tell whether the outbound cluster exists); undefined: not known. */
    ports?: readonly number[];
}

/** Where the ext_authz filter sends its checks. */
export type ExtAuthzClusterLookup =
    | {
          /** The service was found: the filter calls its outbound cluster. */
          found: true;
          /** The service's hostname. */
          hostname: string;
          /** Its namespace. */
          namespace: string;
          /** The cluster name, `outbound|<port>||<hostname>`. */
          cluster: string;
          /** Whether the proxy has that cluster (the service has the port); undefined when its ports are not given. */
          clusterExists: boolean | undefined;
      }
    | {
          /** The provider does not build: requests under its CUSTOM policies are denied by RBAC. */
          found: false;
          /** Istio's error. */
          error: string;
      };

/** `model.BuildSubsetKey(TrafficDirectionOutbound, "", hostname, port)`. */
export function outboundClusterName(hostname: string, port: number): string {
    return `outbound|${port}||${hostname}`;
}

/**
 * The cluster Istio 1.30.3's ext_authz filter uses for a provider `service` (`ns/host` or `host`) and `port`,
 * given the registry's services; or the error that makes the provider deny instead.
 */
export function extAuthzCluster(service: string, port: number, registry: readonly RegistryServiceView[]): ExtAuthzClusterLookup {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        return { found: false, error: `port must be in the range [1, 65535], found: ${port}` };
    }
    if (service === "") {
        return { found: false, error: "service must not be empty" };
    }
    const resolved = (svc: RegistryServiceView): ExtAuthzClusterLookup => ({
        found: true,
        hostname: svc.hostname,
        namespace: svc.namespace,
        cluster: outboundClusterName(svc.hostname, port),
        clusterExists: svc.ports === undefined ? undefined : svc.ports.includes(port),
    });
    const parts = service.split("/");
    if (parts.length === 2) {
        const [namespace, hostname] = parts;
        const svc = registry.find((s) => s.hostname === hostname && s.namespace === namespace);
        if (svc) {
            return resolved(svc);
        }
    } else {
        const matches = registry.filter((s) => s.hostname === service);
        const namespaces = [...new Set(matches.map((s) => s.namespace))].sort();
        if (namespaces.length === 1) {
            return resolved(matches[0]);
        }
        if (namespaces.length > 1) {
            return { found: false, error: `found ${service} in multiple namespaces [${namespaces.join(" ")}], specify the namespace explicitly in the format of <Namespace>/<Hostname>` };
        }
    }
    return { found: false, error: `could not find service ${service} in Istio service registry` };
}
