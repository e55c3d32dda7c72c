// The platform's trust graph for the posture diagram: the platform CA's generations (root, intermediate)
// and the Secrets and certificates the platform fills from it, read from the plan (no restated default).
// Pure.
import type { TrustEdge, TrustNode } from "../posture";
import type { MtlsPlatformPlan } from "./plan";

/**
 * The platform's trust nodes: per CA generation its root and (when the CA has one) its intermediate; then,
 * for each child that takes the platform CA, what it fills: Istio's plug-in CA Secret `cacerts` (holds the
 * signing CA's certificate and key), Gloo's xDS Secret `gloo-mtls-certs` and the authorizer's webhook
 * certificate (both signed by it). Each of those carries every generation's root in its trust bundle
 * (`root-cert.pem`, `ca.crt`, the webhook's `caBundle`), so each trusts every root in the plan.
 */
export function platformTrust(plan: Pick<MtlsPlatformPlan, "ca" | "istio" | "gloo" | "authz">): TrustNode[] {
    const ca = plan.ca.plan;
    const nodes: TrustNode[] = [];
    const roots: string[] = [];
    let signer: string | undefined;
    for (const g of ca.generations) {
        const root = `${ca.name}/g${g.generation}/root`;
        roots.push(root);
        nodes.push({ id: root, label: `g${g.generation} root: ${g.root.commonNameBase}`, kind: "root", from: [] });
        let issuing = root;
        if (g.intermediate) {
            issuing = `${ca.name}/g${g.generation}/intermediate`;
            nodes.push({ id: issuing, label: `g${g.generation} intermediate: ${g.intermediate.commonNameBase}`, kind: "intermediate", from: [{ from: root, relation: "signs" }] });
        }
        if (g.generation === ca.signingGeneration) {
            signer = issuing;
        }
    }
    if (signer === undefined) {
        return nodes;
    }
    const trusts = roots.map((r): TrustEdge => ({ from: r, relation: "trusts" }));
    if (plan.istio?.usesPlatformCa) {
        const ns = plan.istio.plan.namespace;
        nodes.push({ id: `secret/${ns}/cacerts`, label: `Secret ${ns}/cacerts (istiod's plug-in CA)`, kind: "secret", from: [{ from: signer, relation: "holds" }, ...trusts] });
    }
    const xds = plan.gloo?.usesPlatformCa ? plan.gloo.plan.xds : undefined;
    if (plan.gloo && xds) {
        const ns = plan.gloo.plan.namespace;
        nodes.push({ id: `secret/${ns}/${xds.secretName}`, label: `Secret ${ns}/${xds.secretName} (Gloo xDS)`, kind: "secret", from: [{ from: signer, relation: "signs" }, ...trusts] });
    }
    const server = plan.authz?.usesPlatformCa ? plan.authz.plan.server : undefined;
    if (plan.authz && server?.webhook.certificate) {
        const name = `${plan.authz.name}-webhook-cert`;
        nodes.push({
            id: `certificate/${name}`,
            label: `Certificate ${name} (webhook ${server.namespace}/${server.webhook.name})`,
            kind: "certificate",
            from: [{ from: signer, relation: "signs" }, ...trusts],
        });
    }
    return nodes;
}
