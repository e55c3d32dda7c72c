// Rule: from Kuadrant 1.3 on, the Kuadrant operator owns the mTLS wiring between the gateway and
// Authorino / Limitador, and reconciles it from `spec.mtls` of the Kuadrant CR; whatever else wrote it
// (meshtls's Manual mode) is overwritten.
//
// Encodes Kuadrant/kuadrant-operator at tag v1.5.2:
// - `internal/controller/authorino_istio_integration_reconciler.go` (and
//   `limitador_istio_integration_reconciler.go`): the pod-template label
//   `sidecar.istio.io/inject` of the `authorino` (`limitador-limitador`) Deployment is set to
//   `strconv.FormatBool(kObj.IsMTLSAuthorinoEnabled() && len(effectiveAuthPolicies) > 0)`
//   (Limitador: IsMTLSLimitadorEnabled and effective RateLimitPolicies) on every reconcile.
// - `internal/controller/istio_auth_cluster_reconciler.go` / `istio_ratelimit_cluster_reconciler.go`
//   with `cluster_patch_helpers.go`: the `kuadrant-auth-<gw>` / `kuadrant-ratelimiting-<gw>` EnvoyFilters
//   are rebuilt and updated whenever they differ, with the TLS `transport_socket` only when
//   `IsMTLSAuthorinoEnabled()` / `IsMTLSLimitadorEnabled()`.
// - `api/v1beta1/kuadrant_types.go`: `IsAuthorinoEnabled() = mtls.enable && (mtls.authorino ?? mtls.enable)`,
//   the same for Limitador; no `spec.mtls` means off.
// The first tag with these reconcilers is v1.3.0 (v1.3.0-alpha1 already has them; v1.2.0 has neither
// `spec.mtls` nor the sidecar label), so "1.3 and later" includes 1.3 pre-releases.
// Pure: no Pulumi, no I/O.
import { compareVersions } from "../../internal/values";

/** The first Kuadrant operator release whose reconcilers own the sidecar label and the clusters' TLS. */
export const KUADRANT_OPERATOR_MTLS_SINCE = "1.3.0";

/** `spec.mtls` of the Kuadrant CR (`api/v1beta1/kuadrant_types.go`, type MTLS). */
export interface KuadrantCrMtls {
    /** `enable`. */
    enable: boolean;
    /** `authorino`; unset follows `enable`. */
    authorino?: boolean;
    /** `limitador`; unset follows `enable`. */
    limitador?: boolean;
}

/**
 * Whether the Kuadrant operator of `version` owns mTLS (>= 1.3, pre-releases of 1.3.0 included: they
 * already have the reconcilers): it then sets `sidecar.istio.io/inject` on Authorino and Limitador and
 * rewrites the cluster EnvoyFilters from `spec.mtls`, so any other writer of them loses. `version` is
 * checked by the caller (ArgsValidator.version).
 */
export function kuadrantOperatorOwnsMtls(version: string): boolean {
    // compareVersions ignores pre-release suffixes, so 1.3.0-alpha1 compares equal to 1.3.0.
    return compareVersions(version, KUADRANT_OPERATOR_MTLS_SINCE) >= 0;
}

/** `IsMTLSAuthorinoEnabled()` / `IsMTLSLimitadorEnabled()`: the component's switch defaults to `enable`. */
export function kuadrantMtlsEnabledFor(mtls: KuadrantCrMtls | undefined, component: "authorino" | "limitador"): boolean {
    if (!mtls) {
        return false;
    }
    return mtls.enable && (mtls[component] ?? mtls.enable);
}

/**
 * The value the operator of `version` writes to the `sidecar.istio.io/inject` pod label of the
 * component's Deployment, or undefined when it leaves the label alone (before 1.3).
 */
export function kuadrantOperatorSidecarLabel(
    version: string,
    mtls: KuadrantCrMtls | undefined,
    component: "authorino" | "limitador",
    effectivePolicies: number,
): "true" | "false" | undefined {
    if (!kuadrantOperatorOwnsMtls(version)) {
        return undefined;
    }
    return kuadrantMtlsEnabledFor(mtls, component) && effectivePolicies > 0 ? "true" : "false";
}

/**
 * Whether the operator of `version` writes the TLS transport socket into the component's cluster patch
 * when it reconciles the EnvoyFilter. Before 1.3 it has no such option and always writes plain-text
 * clusters (v1.2.0 `istio_auth_cluster_reconciler.go` also updates the EnvoyFilters whenever they differ).
 */
export function kuadrantOperatorClusterTls(version: string, mtls: KuadrantCrMtls | undefined, component: "authorino" | "limitador"): boolean {
    return kuadrantOperatorOwnsMtls(version) && kuadrantMtlsEnabledFor(mtls, component);
}
