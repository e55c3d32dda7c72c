// Rule: which roots ztunnel trusts for workload (HBONE) mTLS, and how long a root-rotation phase must
// dwell in ambient before the next one.
//
// Encodes istio/ztunnel 1.30.3 and istio/istio 1.30.3:
// - ztunnel `src/identity/caclient.rs` lines 179-190: the CSR response's `cert_chain` is split into the
//   leaf (first), intermediates and the LAST entry; `src/tls/certificate.rs` `WorkloadCertificate::new`
//   lines 241-272: the last entry is parsed with `parse_cert_multi` ("there may be multiple roots
//   concatenated in that last cert, so we will need to split them") and every root goes into the rustls
//   `RootCertStore` that verifies peers. So ztunnel DOES trust several roots bundled together.
// - istio `security/pkg/server/ca/server.go` `CreateCertificate` lines 112 and 150-155: that last entry is
//   the CA's key-cert bundle root, i.e. the plug-in CA's `root-cert.pem` (cacerts), unflattened.
// - ztunnel has no PCDS: it subscribes only to `type.googleapis.com/istio.workload.Address` and
//   `.../istio.security.Authorization` (`src/xds/types.rs` lines 44-46, `src/state.rs` lines 1129-1130), and
//   its mesh-config `ProxyConfig` reads only discoveryAddress, proxyAdminPort, statsPort, concurrency and
//   proxyMetadata (`src/config.rs` lines 920-932). istiod sends `meshConfig.caCertificates` to proxies only
//   through PCDS, and only with `ISTIO_MULTIROOT_MESH` (`pilot/pkg/xds/pcds.go` lines 34-37,
//   `pilot/pkg/trustbundle/trustbundle.go` line 220); `pilot/pkg/bootstrap/certcontroller.go` lines 213-224
//   feeds the CA root INTO that trust bundle, never the other way. So `meshConfig.caCertificates` never
//   reaches ztunnel.
// - When: ztunnel requests `SECRET_TTL` (default 24 h: `src/config.rs` lines 91 and 806) and refreshes a
//   certificate at not_before + validity/2 (`src/tls/certificate.rs` `refresh_at` lines 375-381: 12 h), and
//   a failed fetch is retried with a backoff capped at 150 s while the old certificate is kept
//   (`src/identity/manager.rs` lines 39 and 346-405). There is no push that makes it re-fetch, so a new
//   trust bundle reaches a workload identity only at its next refresh: up to 12 h after the change
//   (istio/istio#48120: "ztunnel will only get new certs after the 24hour / 2 refresh interval"; #47427).
// - Also (not a ztunnel rule, but it bounds rotation): istiod reloads a changed `root-cert.pem` in cacerts
//   only with `ISTIO_MULTIROOT_MESH` and only when one bundle is a subset of the other
//   (`pilot/pkg/bootstrap/istio_ca.go` lines 345-368); see istiodRootChange.ts.
// Pure: no Pulumi, no I/O.

/** ztunnel's default requested workload certificate lifetime (`SECRET_TTL`), in seconds. */
export const ZTUNNEL_DEFAULT_CERT_TTL_SECONDS = 24 * 60 * 60;

/** Fraction of the validity after which ztunnel re-fetches a workload certificate (`refresh_at`). */
export const ZTUNNEL_REFRESH_FRACTION = 0.5;

/** Upper bound of ztunnel's retry backoff after a failed certificate fetch, in seconds. */
export const ZTUNNEL_FETCH_RETRY_MAX_SECONDS = 150;

/**
 * Margin added to the refresh interval in the dwell time: covers retries (each capped at 150 s), an
 * istiod restart or a ztunnel start during the window; one hour is a meshtls choice, not an upstream value.
 */
export const AMBIENT_DWELL_MARGIN_SECONDS = 60 * 60;

/**
 * Seconds after which every ztunnel-held workload certificate issued before a change has been re-fetched:
 * the certificate's validity times `ZTUNNEL_REFRESH_FRACTION` (12 h for the default 24 h).
 */
export function ztunnelRefreshSeconds(secretTtlSeconds: number = ZTUNNEL_DEFAULT_CERT_TTL_SECONDS): number {
    return Math.ceil(secretTtlSeconds * ZTUNNEL_REFRESH_FRACTION);
}

/**
 * Dwell time between two root-rotation phases in ambient: the refresh interval plus the margin, so every
 * ztunnel has re-fetched its certificates (and with them the new `root-cert.pem` bundle) before the next
 * phase signs with, or drops, a root. 13 h (46 800 s) with the defaults.
 */
export function ambientRotationDwellSeconds(secretTtlSeconds: number = ZTUNNEL_DEFAULT_CERT_TTL_SECONDS, marginSeconds: number = AMBIENT_DWELL_MARGIN_SECONDS): number {
    return ztunnelRefreshSeconds(secretTtlSeconds) + marginSeconds;
}

/** The ambient dwell time with the defaults (24 h TTL, refresh at 50 %, 1 h margin): 13 h. */
export const AMBIENT_ROTATION_DWELL_SECONDS = ambientRotationDwellSeconds();

/** Split a PEM bundle into its certificates (each `-----BEGIN CERTIFICATE-----` block, trimmed). */
export function splitPemCertificates(pem: string): string[] {
    return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * The roots ztunnel trusts for HBONE mTLS: every root in the CA's `root-cert.pem` (split, deduplicated,
 * in order), and none of `meshCaCertificates` (`meshConfig.caCertificates`), which only sidecars and
 * gateways receive through PCDS. Entries may be single certificates or bundles. `_meshCaCertificates` is
 * deliberately not read; it is a parameter so callers state both inputs and the omission stays visible.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function ztunnelTrustedRoots(rootCertPemRoots: readonly string[], _meshCaCertificates: readonly string[]): string[] {
    const out: string[] = [];
    for (const entry of rootCertPemRoots) {
        for (const cert of splitPemCertificates(entry)) {
            const norm = normalise(cert);
            if (!out.includes(norm)) {
                out.push(norm);
            }
        }
    }
    return out;
}

/**
 * The roots that sidecars would trust (root-cert.pem plus `meshConfig.caCertificates`) but ztunnel does
 * not: each must be in `root-cert.pem` before ambient workloads can accept peers signed by it.
 */
export function rootsMissingForZtunnel(rootCertPemRoots: readonly string[], meshCaCertificates: readonly string[]): string[] {
    const trusted = ztunnelTrustedRoots(rootCertPemRoots, meshCaCertificates);
    return ztunnelTrustedRoots(meshCaCertificates, []).filter((c) => !trusted.includes(c));
}

function normalise(cert: string): string {
    return cert.replace(/\r\n/g, "\n").trim();
}
