// Rule: the state of the link "Gloo Edge gateway-proxy -> gloo" (xDS on gloo:9977, REST xDS on 9976),
// with and without `global.glooMtls.enabled`.
//
// Encodes solo-io/gloo at tag v1.22.1 (commit f942554a):
// - install/helm/gloo/templates/18-settings.yaml: with glooMtls, gloo binds xDS to `127.0.0.1:9999` (REST
//   `127.0.0.1:9998`), reachable only inside its pod; without it, to `0.0.0.0:<xdsPort>` in plain text.
// - install/helm/gloo/templates/19-gloo-mtls-configmap.yaml (`envoy-sidecar-config`, the gloo pod's
//   envoy-sidecar): listeners on xdsPort / restXdsPort with a DownstreamTlsContext carrying
//   `tls_certificate_sds_secret_configs: server_cert` AND `validation_context_sds_secret_config:
//   validation_context`, and NO `require_client_certificate`; TCP proxy to 127.0.0.1:9999 / 9998.
// - install/helm/gloo/templates/9-gateway-proxy-configmap.yaml: with glooMtls, the gateway-proxy's
//   `xds_cluster` and `rest_xds_cluster` get an UpstreamTlsContext with `tls_certificate_sds_secret_configs:
//   server_cert` and `validation_context_sds_secret_config: validation_context` from its own `sds` sidecar
//   (7-gateway-proxy-deployment.yaml mounts `gloo-mtls-certs` in it with GLOO_MTLS_SDS_ENABLED).
// - projects/sds/pkg/run/run_main.go and projects/sds/pkg/server/server.go: that sidecar serves
//   `server_cert` = `gloo-mtls-certs` tls.crt/tls.key and `validation_context` = a CertificateValidationContext
//   with only `trusted_ca` = ca.crt (no SAN matcher). Both pods mount the same Secret, so the gateway-proxy
//   presents the very certificate gloo serves; jobs/pkg/certgen/gen_certs.go issues it with both
//   ServerAuth and ClientAuth usages (meshtls's GlooMtls issues it with both too).
// Envoy (envoyproxy/envoy source/extensions/transport_sockets/tls/cert_validator/default_validator.cc,
// tls.proto): a `trusted_ca` makes the server ask for a client certificate (SSL_VERIFY_PEER) and verify it
// against that CA for the `ssl_client` purpose when one is sent; only `require_client_certificate` adds
// SSL_VERIFY_FAIL_IF_NO_PEER_CERT. So gloo's listener verifies a presented client certificate but
// accepts a client without one.
// Finding (contradicts the earlier belief "server-authenticated TLS"): the chart's gateway-proxy DOES
// present a client certificate and gloo verifies it, so its link is mutual (`mtls`); the listener does
// not require one, so any client that reaches gloo:9977 without a certificate gets server-authenticated
// TLS (`tls`).
// Not modelled: a gloo-mtls-certs whose ca.crt does not sign tls.crt (the handshake fails), custom
// `xdsServiceAddress` / `xdsServicePort`, Istio injected into the gloo namespace.
// Pure: no Pulumi, no I/O.
import type { LinkState } from "../model";

/** The link's state and what decided it. */
export interface GlooXdsLink {
    /** The effective state for this client. */
    state: LinkState;
    /** Whether gloo's xDS listener refuses clients without a certificate (never, at v1.22.1). */
    serverRequiresClientCertificate: boolean;
    /** One sentence naming the rule. */
    reason: string;
}

/**
 * The state of a gateway-proxy's xDS link to gloo. `clientPresentsCertificate` is true for the chart's
 * gateway-proxy (its bootstrap names `server_cert` from its sds sidecar); pass false for a client
 * configured without one (another Envoy, a debugging tool).
 */
export function glooXdsLinkState(glooMtlsEnabled: boolean, clientPresentsCertificate = true): GlooXdsLink {
    if (!glooMtlsEnabled) {
        return {
            state: "plaintext",
            serverRequiresClientCertificate: false,
            reason: "without global.glooMtls.enabled gloo serves xDS on 0.0.0.0:9977 with no TLS (18-settings.yaml xdsBindAddr)",
        };
    }
    if (clientPresentsCertificate) {
        return {
            state: "mtls",
            serverRequiresClientCertificate: false,
            reason:
                "the gateway-proxy presents gloo-mtls-certs' tls.crt (SDS server_cert) and gloo's envoy-sidecar verifies it against ca.crt (validation_context); the listener does not require it",
        };
    }
    return {
        state: "tls",
        serverRequiresClientCertificate: false,
        reason: "gloo's envoy-sidecar has no require_client_certificate, so a client without a certificate is accepted with server-authenticated TLS",
    };
}
