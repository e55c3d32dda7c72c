// Rule: the state of the link "Kubernetes API server -> kyverno-authz validation webhook".
//
// Encodes:
// - kyverno/kyverno-authz at tag v0.4.0 (commit 2c792244):
//   - `pkg/commands/serve/{envoy,http}/validation-webhook/command.go` (the chart runs
//     `serve <config.type> validation-webhook`): the webhook is controller-runtime's
//     (`ctrl.NewManager(config, ctrl.Options{...})` with no `WebhookServer`, then
//     `ctrl.NewWebhookManagedBy(mgr)...Complete()`), so the manager's default server serves it.
//   - `charts/kyverno-authz-server/templates/validation-webhook/deployment.yaml` mounts the certificate
//     Secret at `/tmp/k8s-webhook-server/serving-certs` (controller-runtime's default CertDir) and passes
//     no webhook TLS flags; `service.yaml` exposes port 9443 (name `webhook`, targetPort `webhook`);
//     `validating-webhook-configuration.yaml` points `clientConfig.service` at port 9443 with
//     `caBundle` = `certificates.static.crt` (or cert-manager's CA injection).
// - kubernetes-sigs/controller-runtime at v0.22.4 (kyverno-authz v0.4.0's go.mod):
//   `pkg/manager/manager.go` uses `webhook.NewServer(webhook.Options{})` when none is given;
//   `pkg/webhook/server.go` `DefaultServer.Start`: `tls.Config{NextProtos: ["h2"]}`, certificate from
//   `CertDir/tls.crt` and `tls.key` (watched), and client authentication ONLY when `ClientCAName` is set
//   (then `RequireAndVerifyClientCert`); the default leaves `ClientAuth` at `NoClientCert`. So the webhook
//   never asks the API server for a certificate: at best server-authenticated TLS.
// - kube-apiserver verifies the served chain against `caBundle` (webhookTrust.ts); a failed verification
//   fails the call (then `failurePolicy` decides whether the request is admitted: not a transport matter).
// A sidecar in front of the webhook pod is decided by inboundFilterChain.ts (the API server sends TLS
// without an Istio ALPN or certificate): pass its chain when the pod is injected.
// Pure: no Pulumi, no I/O.
import type { LinkState } from "../model";
import type { InboundChain } from "./inboundFilterChain";

/** The link's state and why. */
export interface WebhookLink {
    /** The effective state. */
    state: LinkState;
    /** One sentence naming the rule. */
    reason: string;
}

/**
 * The state of the API server's calls to the kyverno-authz v0.4.0 validation webhook: `tls` when the
 * caBundle trusts the served chain (the webhook asks for no client certificate), `refused` when it does
 * not, or when an injected sidecar on the webhook port has no chain for the API server's TLS
 * (`inbound: "none"`, e.g. STRICT). `inbound` undefined: no sidecar.
 */
export function webhookLinkState(caBundleTrustsServedChain: boolean, inbound?: InboundChain): WebhookLink {
    if (inbound === "none") {
        return { state: "refused", reason: "the webhook pod's sidecar has no inbound chain for the API server's TLS (no Istio certificate or ALPN)" };
    }
    if (inbound === "mtls") {
        // The API server never presents an Istio certificate, so a chain that terminates mesh mTLS cannot
        // complete a handshake with it.
        return { state: "refused", reason: "the webhook pod's sidecar would terminate mesh mTLS, which the API server cannot complete" };
    }
    if (!caBundleTrustsServedChain) {
        return { state: "refused", reason: "the webhook's caBundle does not verify the served certificate chain, so the API server's calls fail" };
    }
    return {
        state: "tls",
        reason: "the API server verifies the webhook's certificate through caBundle; controller-runtime's default webhook server requests no client certificate",
    };
}
