// Gloo's upstream discovery (UDS, Kubernetes plugin): which Upstream name it gives a Service port, which
// Upstreams it counts as its own, and what one resync does to an existing Upstream. A pure model, for
// the posture engine and for tests that check the Upstreams meshtls emits.
//
// Encodes solo-io/gloo at tag v1.22.1:
// - projects/gloo/pkg/plugins/kubernetes/uds_convert.go (CreateUpstream, UpstreamName): one Upstream
//   per Service port, named `SanitizeNameV2("<svcNamespace>-<svcName>-<port>")`, labels cleared.
// - projects/gloo/pkg/plugins/kubernetes/uds.go (ConvertServices): written to the write namespace
//   (Settings `discoveryNamespace`, the install namespace unless `settings.writeNamespace`,
//   install/helm/gloo/templates/18-settings.yaml); no Service annotation or Upstream label opts a
//   Service out (`gloo.solo.io/discover: "true"` only forces discovery).
// - projects/gloo/pkg/discovery/discovery.go (Resync, setLabels): every discovered Upstream gets the
//   label `discovered_by: <plugin>` ("kubernetesplugin"); the reconciler lists only the Upstreams with
//   that label as the existing ones.
// - projects/gloo/pkg/plugins/utils/update_upstream_spec.go (UpdateUpstream): on an update of an owned
//   Upstream, user fields discovery does not set (sslConfig, ...) are kept.
// And solo-io/k8s-utils (gloo v1.22.1 requires v0.13.0; read at the mirror's HEAD, these files last
// changed 2024-05) kubeutils/util.go (SanitizeNameV2) and strings.go (ShortenName): '*', '/', '.', ':',
// '_', ' ' become '-', brackets, newlines and quotes are dropped; over 63 bytes: the first 31, '-', the
// first 31 hex digits of the md5; then lower case.
// And solo-io/solo-kit (gloo v1.22.1 requires v0.41.0; read at the mirror's HEAD, 2025-09,
// reconciler.go last changed in v0.23.0) pkg/api/v1/reconcile/reconciler.go (Reconcile) and
// pkg/api/v1/clients/kube/resource_client.go (Write): a desired Upstream that is not among the owned ones is
// written with `OverwriteExisting: true` and no resource version (an unconditional update that
// replaces a same-named Upstream wholesale, labels included); an owned Upstream no longer desired is
// deleted; Upstreams without the label are otherwise never touched.
import { createHash } from "node:crypto";

/** The label discovery marks its Upstreams with (`discovery.go`, setLabels). */
export const GLOO_DISCOVERY_OWNER_LABEL = "discovered_by";
/** The label's value for the Kubernetes UDS plugin (the Go type `*kubernetes.plugin`, '*' and '.' removed). */
export const GLOO_KUBE_UDS_NAME = "kubernetesplugin";

/** Gloo's `SanitizeNameV2`, verbatim in behaviour. */
export function glooSanitizeNameV2(input: string): string {
    let name = input.replace(/[*/.:_ ]/g, "-").replace(/[[\]\n"']/g, "");
    if (name.length > 63) {
        const hash = createHash("md5").update(name).digest("hex");
        name = `${name.slice(0, 31)}-${hash}`.slice(0, 63);
    }
    return name.toLowerCase();
}

/** The name discovery gives the Upstream of a Service port (`uds_convert.go`, UpstreamName). */
export function discoveredUpstreamName(svc: { namespace: string; name: string }, port: number): string {
    return glooSanitizeNameV2(`${svc.namespace}-${svc.name}-${port}`);
}

/** An Upstream as discovery sees it. */
export interface GlooUpstreamRef {
    /** metadata.name. */
    name: string;
    /** metadata.namespace. */
    namespace: string;
    /** metadata.labels. */
    labels?: Readonly<Record<string, string>>;
}

/** Whether discovery (the given UDS plugin, Kubernetes by default) counts the Upstream as its own. */
export function discoveryOwnsUpstream(upstream: GlooUpstreamRef, udsName: string = GLOO_KUBE_UDS_NAME): boolean {
    return upstream.labels?.[GLOO_DISCOVERY_OWNER_LABEL] === udsName;
}

/**
 * What one discovery resync does to an existing Upstream:
 * - "leave": not owned and no discovered Upstream of that name and namespace;
 * - "overwrite": not owned but discovery wants that name: replaced wholesale by the discovered Upstream
 *   (its sslConfig and labels lost) and from then on owned by discovery;
 * - "update": owned and still wanted: updated, user-set fields (sslConfig, ...) kept;
 * - "delete": owned and no longer wanted (its Service or port is gone, or it is not a discovered name).
 */
export type DiscoveryResyncAction = "leave" | "overwrite" | "update" | "delete";

/**
 * The resync's action on `upstream`, given the Services discovery sees (each port yields one
 * Upstream in `writeNamespace`).
 */
export function discoveryResyncAction(
    upstream: GlooUpstreamRef,
    services: readonly { namespace: string; name: string; ports: readonly number[] }[],
    writeNamespace: string,
    udsName: string = GLOO_KUBE_UDS_NAME,
): DiscoveryResyncAction {
    const wanted =
        upstream.namespace === writeNamespace && services.some((s) => s.ports.some((p) => discoveredUpstreamName(s, p) === upstream.name));
    if (discoveryOwnsUpstream(upstream, udsName)) {
        return wanted ? "update" : "delete";
    }
    return wanted ? "overwrite" : "leave";
}
