// Rule: the state of the link "Istio proxies (istio-agent) -> istiod" (xDS and certificate signing on
// 15012): server-authenticated TLS with a JWT, or mutual TLS, or plain text.
//
// Encodes istio/istio at tag 1.30.3 (commit 56df41f6):
// - pilot/pkg/bootstrap/server.go `initSecureDiscoveryService`: the 15012 gRPC server's tls.Config has
//   `ClientAuth: tls.VerifyClientCertIfGiven` (a client certificate is verified when presented, never
//   required), `ClientCAs` from the mesh roots and a `VerifyPeerCertificate` hook. Its authenticators are
//   `ClientCertAuthenticator` first, then the Kubernetes JWT authenticator (and OIDC when `JwtRule` is set).
// - security/pkg/server/ca/authenticate/cert_authenticator.go: the certificate authenticator takes the
//   identity of a verified client chain and fails when none was presented ("no client certificate is
//   presented"); pkg/security/authentication.go `Authenticate`: on a TLS connection, when no authenticator
//   succeeds the request fails ("authentication failure"), and pilot/pkg/xds/ads.go returns
//   `codes.Unauthenticated` (features.XDSAuth, `XDS_AUTH`, default true).
// - pkg/istio-agent/xds_proxy.go `buildUpstreamClientDialOpts` / `getTLSOptions`: the agent's upstream dial
//   is plain text when `controlPlaneAuthPolicy` is NONE; otherwise TLS with the root CA for istiod and the
//   key/cert of `agent.GetKeyCertsForXDS()`, plus per-RPC JWT credentials when a credential fetcher exists.
// - pkg/istio-agent/agent.go `GetKeyCertsForXDS`: a client key pair only with `PROV_CERT` (provisioned
//   certificates, VMs) or file-mounted certificates (`ISTIO_META_TLS_CLIENT_CERT_CHAIN` /
//   `ISTIO_META_TLS_CLIENT_KEY`); a Kubernetes sidecar has neither, so it presents NO certificate: its
//   workload certificate (SDS) is not used toward istiod. `GetKeyCertsForCA` (the CSR client,
//   security/pkg/nodeagent/caclient/providers/citadel/client.go) uses `PROV_CERT` only.
// - pilot/pkg/grpc/tls.go `getTLSDialOption`: an expired client certificate is replaced by none ("using
//   token instead").
// - pilot/cmd/pilot-agent/options/security.go with security/pkg/credentialfetcher/fetcher.go: the JWT
//   credential fetcher exists unless the JWT path is empty (`JWT_POLICY` none / no token mounted).
// - manifests/charts/istio-control/istio-discovery/templates/service.yaml lines 7 and 27-28: istiod's Service
//   is `istiod`, or `istiod-<revision>` for a revision, and serves 15012 (`https-dns`) besides 15010.
// So a Kubernetes sidecar's link to istiod is `tls`: istiod authenticated by certificate, the proxy by
// its service-account JWT inside the TLS session, not by a client certificate.
// Not modelled: an istiod certificate the agent does not trust, a client certificate istiod does not
// trust (the handshake fails), a CA (`CA_ADDR`) other than istiod, an external control plane, ambient.
// Pure: no Pulumi, no I/O.
import type { LinkState } from "../model";
import { CHART_ISTIO_NAMESPACE } from "./istioValidationWebhook";

/** istiod's secure gRPC port (TLS, xDS and the CA). */
export const ISTIOD_SECURE_XDS_PORT = 15012;
/** istiod's plain-text gRPC port (xDS only, no authentication). */
export const ISTIOD_PLAINTEXT_XDS_PORT = 15010;

/**
 * The name of istiod's Service (and of meshtls's istiod release) for a revision: `istiod`, or
 * `istiod-<revision>` (service.yaml line 7).
 * @param revision empty or absent: the default (unrevisioned) istiod
 */
export function istiodServiceName(revision?: string): string {
    return revision === undefined || revision === "" ? "istiod" : `istiod-${revision}`;
}

/**
 * istiod's TLS address for a revision: its Service in the Istio namespace, port 15012 (what proxies and
 * kgateway's istio-proxy use as `discoveryAddress` and `CA_ADDR`).
 * @param istioNamespace @default "istio-system"
 * @param revision empty or absent: the default (unrevisioned) istiod
 */
export function istiodDiscoveryAddress(istioNamespace = CHART_ISTIO_NAMESPACE, revision?: string): string {
    const rev = revision ?? "";
    const dns = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
    if (!dns.test(istioNamespace)) {
        throw new Error(`istioNamespace "${istioNamespace}" is not a Kubernetes namespace name`);
    }
    if (rev !== "" && !dns.test(rev)) {
        throw new Error(`revision "${rev}" is not a valid Istio revision (lowercase letters, digits and '-')`);
    }
    return `${istiodServiceName(rev)}.${istioNamespace}.svc:${ISTIOD_SECURE_XDS_PORT}`;
}

/** What decides the agent's connection to istiod. */
export interface IstiodXdsClient {
    /** `proxyConfig.controlPlaneAuthPolicy`: `NONE` dials without TLS. @default "MUTUAL_TLS" */
    controlPlaneAuthPolicy?: "MUTUAL_TLS" | "NONE";
    /** The port of `proxyConfig.discoveryAddress`. @default 15012 */
    discoveryPort?: number;
    /**
     * Whether the agent has a valid (not expired) client key pair for xDS: `PROV_CERT` or file-mounted
     * certificates. A Kubernetes sidecar's SDS workload certificate does not count. @default false
     */
    clientCertificate?: boolean;
    /** Whether the agent sends its service-account JWT (a credential fetcher exists). @default true */
    jwt?: boolean;
}

/** The link's state and why. */
export interface IstiodXdsLink {
    /** The effective state. */
    state: LinkState;
    /** One sentence naming the rule. */
    reason: string;
}

/** The state of the link from an Istio proxy to istiod (see the file's comment for the upstream code). */
export function istiodXdsLinkState(client: IstiodXdsClient = {}): IstiodXdsLink {
    const policy = client.controlPlaneAuthPolicy ?? "MUTUAL_TLS";
    const port = client.discoveryPort ?? ISTIOD_SECURE_XDS_PORT;
    const cert = client.clientCertificate ?? false;
    const jwt = client.jwt ?? true;
    if (port !== ISTIOD_SECURE_XDS_PORT && port !== ISTIOD_PLAINTEXT_XDS_PORT) {
        return { state: "unknown", reason: `the discovery address port ${port} is neither istiod's TLS port 15012 nor its plain-text port 15010` };
    }
    if (policy === "NONE") {
        return port === ISTIOD_PLAINTEXT_XDS_PORT
            ? { state: "plaintext", reason: "controlPlaneAuthPolicy NONE dials istiod's plain-text xDS port 15010 without TLS (xds_proxy.go getTLSOptions)" }
            : { state: "refused", reason: "controlPlaneAuthPolicy NONE dials without TLS, and istiod's port 15012 only speaks TLS" };
    }
    if (port === ISTIOD_PLAINTEXT_XDS_PORT) {
        return { state: "refused", reason: "the agent dials TLS, and istiod's port 15010 is plain-text gRPC" };
    }
    if (cert) {
        return {
            state: "mtls",
            reason: "the agent presents its provisioned or file-mounted client certificate and istiod verifies it (ClientAuth VerifyClientCertIfGiven)",
        };
    }
    if (jwt) {
        return {
            state: "tls",
            reason: "istiod is authenticated by its certificate; the agent presents no client certificate (GetKeyCertsForXDS is empty for a Kubernetes sidecar) and authenticates with its service-account JWT",
        };
    }
    return { state: "refused", reason: "the agent presents neither a client certificate nor a JWT, so istiod's authenticators fail and xDS answers Unauthenticated" };
}
