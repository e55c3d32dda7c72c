// Rule: what Gloo Edge's Envoy (the gateway-proxy) sends to an Upstream's endpoints, from the Upstream's
// `spec.sslConfig` (or, without one, Gloo's Istio auto-mTLS).
//
// Encodes solo-io/gloo at tag v1.22.1 (commit f942554a):
// - projects/gloo/pkg/translator/clusters.go: an Upstream with `sslConfig` gets a cluster
//   `transport_socket` = envoy.transport_sockets.tls with `ResolveUpstreamSslConfig(secrets, sslConfig)`
//   (only `parameters` is defaulted from Settings, by applyDefaultsToUpstreamSslConfig); a translation
//   error leaves the Upstream in error (reported, no transport socket written).
// - projects/gloo/pkg/utils/ssl.go:
//   - `ResolveUpstreamSslConfig`: the common context of `ResolveCommonSslConfig(uc, secrets, false)`;
//     `oneWayTls` drops the client certificates, but only when `sds` is not used.
//   - `ResolveCommonSslConfig`, one of `secretRef` (a Gloo/Kubernetes TLS Secret: certificate and key when it
//     has them, root CA when it has one), `sslFiles` (`tlsCert` and `tlsKey` must come together, else
//     "both or none of cert chain and private key must be provided"), `sds` (handleSds), or none (TLS with
//     no certificate and no validation). `AlpnProtocols = cs.GetAlpnProtocols()` in every branch: the
//     Upstream's `alpnProtocols` are sent exactly as written and, unlike downstreams (ResolveDownstreamSslConfig
//     defaults to `h2,http/1.1`), nothing is added when empty ("If empty, it is not set", ssl.proto).
//   - `handleSds`: "at least one of certificates_secret_name or validation_context_name must be provided";
//     `verifySubjectAltName` needs `validationContextName`; a client certificate is configured only with
//     `certificatesSecretName` (`tls_certificate_sds_secret_configs`).
// - projects/gloo/pkg/plugins/istio_automtls/plugin.go: with Settings `gloo.istioOptions.enableAutoMtls`
//   (and `enableIntegration`), an Upstream WITHOUT `sslConfig` and without `disableIstioAutoMtls` gets
//   transport socket matches: endpoints labelled `security.istio.io/tlsMode: istio` get TLS with ALPN
//   `istio` and the SDS `istio_server_cert`; the others `raw_buffer` (plain text).
// The sds sidecar (projects/sds/pkg/run/run_main.go) serves `istio_server_cert` / `istio_validation_context`
// from the istio-proxy's certificates and `server_cert` / `validation_context` from gloo-mtls-certs.
// Not modelled: whether the SDS names exist on the SDS server (Envoy then never gets the secret and the
// cluster's TLS context stays unready), Envoy-added ALPN for auto-protocol clusters (Gloo's translation
// adds none; an `h2`-style ALPN never matches Istio's chains anyway), `sni`, validation failures.
// Pure: no Pulumi, no I/O.
import type { EnvoyClientTls } from "./kuadrantClusterTransport";

/** The part of a Gloo `Upstream` spec this rule reads (`gloo.solo.io/v1`). */
export interface GlooUpstreamSpecView {
    /** `spec.sslConfig` (UpstreamSslConfig); absent: no TLS from the Upstream itself. */
    sslConfig?: unknown;
    /** `spec.disableIstioAutoMtls`. @default false */
    disableIstioAutoMtls?: boolean;
}

/** What else decides the transport. */
export interface GlooUpstreamTlsContext {
    /** Settings `gloo.istioOptions.enableAutoMtls` and `enableIntegration` both on. @default false */
    istioAutoMtls?: boolean;
    /** Whether the endpoint is labelled `security.istio.io/tlsMode: istio` (has a sidecar). @default false */
    endpointHasSidecar?: boolean;
    /** For `sslConfig.secretRef`: whether that Secret holds a certificate and key; undefined: not known. */
    secretHasKeyPair?: boolean;
}

/** The transport Gloo's Envoy uses to an Upstream, or why it is not known. */
export type GlooUpstreamTls =
    | {
          /** The transport is known. */
          known: true;
          /** What the gateway-proxy sends. */
          tls: EnvoyClientTls;
          /** One sentence naming the rule. */
          reason: string;
      }
    | {
          /** Gloo rejects the sslConfig, or what it sends depends on an object not given. */
          known: false;
          /** Why. */
          reason: string;
      };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** Gloo's upstream TLS for an Upstream spec (see the file's comment for the upstream code it encodes). */
export function glooUpstreamTls(spec: GlooUpstreamSpecView, context: GlooUpstreamTlsContext = {}): GlooUpstreamTls {
    const ssl = spec.sslConfig;
    if (ssl === undefined || ssl === null) {
        if ((context.istioAutoMtls ?? false) && !(spec.disableIstioAutoMtls ?? false)) {
            return context.endpointHasSidecar ?? false
                ? { known: true, tls: { transport: { kind: "tls", alpn: ["istio"] }, clientCertificate: true }, reason: "Gloo's Istio auto-mTLS: an endpoint labelled tlsMode istio gets TLS with ALPN istio and istio_server_cert" }
                : { known: true, tls: { transport: { kind: "plaintext" }, clientCertificate: false }, reason: "Gloo's Istio auto-mTLS: an endpoint without the tlsMode istio label gets raw_buffer" };
        }
        return { known: true, tls: { transport: { kind: "plaintext" }, clientCertificate: false }, reason: "the Upstream has no sslConfig (and Gloo's Istio auto-mTLS does not apply)" };
    }
    if (!isRecord(ssl)) {
        return { known: false, reason: "spec.sslConfig is not an object" };
    }
    const alpnRaw = ssl.alpnProtocols ?? [];
    if (!Array.isArray(alpnRaw) || !alpnRaw.every((a): a is string => typeof a === "string")) {
        return { known: false, reason: "spec.sslConfig.alpnProtocols is not a list of strings" };
    }
    const alpn = [...alpnRaw];
    const tls = (clientCertificate: boolean, reason: string): GlooUpstreamTls => ({ known: true, tls: { transport: { kind: "tls", alpn }, clientCertificate }, reason });
    const sources = ["secretRef", "sslFiles", "sds"].filter((k) => ssl[k] !== undefined && ssl[k] !== null);
    if (sources.length > 1) {
        return { known: false, reason: `spec.sslConfig sets ${sources.join(" and ")}, members of one oneof` };
    }
    const oneWay = ssl.oneWayTls === true;
    const verifySan = Array.isArray(ssl.verifySubjectAltName) && ssl.verifySubjectAltName.length > 0;
    const [source] = sources;
    if (source === "sds") {
        const sds = isRecord(ssl.sds) ? ssl.sds : {};
        const certName = str(sds.certificatesSecretName);
        const validationName = str(sds.validationContextName);
        if (certName === "" && validationName === "") {
            return { known: false, reason: "Gloo rejects sslConfig.sds without certificatesSecretName or validationContextName" };
        }
        if (verifySan && validationName === "") {
            return { known: false, reason: "Gloo rejects sslConfig.verifySubjectAltName without sds.validationContextName" };
        }
        // oneWayTls does nothing with SDS.
        return tls(certName !== "", certName !== "" ? `SDS certificate ${certName} is presented` : "SDS with only a validation context: no client certificate");
    }
    if (source === "sslFiles") {
        const files = isRecord(ssl.sslFiles) ? ssl.sslFiles : {};
        const cert = str(files.tlsCert) !== "";
        const key = str(files.tlsKey) !== "";
        if (cert !== key) {
            return { known: false, reason: "Gloo rejects sslConfig.sslFiles with only one of tlsCert and tlsKey" };
        }
        if (verifySan && str(files.rootCa) === "") {
            return { known: false, reason: "Gloo rejects sslConfig.verifySubjectAltName without a root CA" };
        }
        return tls(cert && !oneWay, !cert ? "sslFiles without a certificate" : oneWay ? "oneWayTls drops the sslFiles certificate" : "the sslFiles certificate is presented");
    }
    if (source === "secretRef") {
        if (oneWay) {
            return tls(false, "oneWayTls drops the secretRef certificate");
        }
        if (context.secretHasKeyPair === undefined) {
            return { known: false, reason: "whether a client certificate is sent depends on the secretRef Secret's contents" };
        }
        return tls(context.secretHasKeyPair, context.secretHasKeyPair ? "the secretRef certificate is presented" : "the secretRef Secret holds no certificate and key");
    }
    if (verifySan) {
        return { known: false, reason: "Gloo rejects sslConfig.verifySubjectAltName without a root CA" };
    }
    return tls(false, "sslConfig with no certificate source: TLS without a client certificate or validation");
}
