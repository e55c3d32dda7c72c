// Seed 002 (Istio mTLS modes) done with security.istio.io/v1: Istio installed by Helm, the mesh
// PERMISSIVE so namespaces not yet meshed keep working, bookinfo STRICT with the client-side
// DestinationRule, one workload keeping a plain-text port for a legacy caller, and probe rewrite.
// In your own program import from "meshtls" instead of "../../sdk".
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IstioMesh, MtlsMode, MtlsPolicy, SidecarInjection } from "../../sdk";

const config = new pulumi.Config();
const namespace = config.get("namespace") ?? "bookinfo";
const manifest = config.get("bookinfoManifest") ?? "https://raw.githubusercontent.com/istio/istio/release-1.30/samples/bookinfo/platform/kube/bookinfo.yaml";

const mesh = new IstioMesh("mesh", { mtlsMode: MtlsMode.PERMISSIVE });

const ns = new k8s.core.v1.Namespace(
    "bookinfo",
    { metadata: { name: namespace, labels: { "istio-injection": "enabled" } } },
    { dependsOn: [mesh] },
);
// The sample manifest has no namespace: a provider scoped to ours places it there.
const inNamespace = new k8s.Provider("bookinfo-namespace", { namespace });
const app = new k8s.yaml.v2.ConfigGroup("bookinfo-app", { files: [manifest] }, { provider: inNamespace, dependsOn: [ns] });

// Server side: only mTLS into bookinfo. Client side: every caller uses Istio mTLS to bookinfo hosts.
const strict = new MtlsPolicy("bookinfo-strict", { namespace, destinationRule: {} }, { dependsOn: [mesh, ns] });

// productpage keeps accepting plain text on 9080 from the legacy load balancer outside the mesh;
// everything else on it, and the rest of the namespace, is STRICT.
const legacyPort = new MtlsPolicy(
    "productpage-legacy-port",
    { namespace, selector: { app: "productpage" }, mode: MtlsMode.STRICT, portLevelMtls: [{ port: 9080, mode: MtlsMode.PERMISSIVE }] },
    { dependsOn: [mesh, ns] },
);

// Kubelet probes carry no Istio certificate: rewrite them through the sidecar agent.
for (const deployment of ["details-v1", "productpage-v1", "ratings-v1", "reviews-v1", "reviews-v2", "reviews-v3"]) {
    new SidecarInjection(`${deployment}-sidecar`, { namespace, deployment }, { dependsOn: [app] });
}

export const meshMode = mesh.mtlsMode;
export const strictNamespace = strict.namespace;
export const clientHosts = strict.destinationRuleHosts;
export const exception = legacyPort.policyName;
