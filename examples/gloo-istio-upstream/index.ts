// Seed 004 (Gloo and Istio mTLS) declaratively: Istio by Helm, the app namespace injected, Gloo
// with the Istio integration (istio-proxy + SDS sidecars in gateway-proxy, pinned to the mesh's
// Istio version), an Upstream for productpage with the SDS sslConfig, and STRICT in its namespace.
// In your own program import from "meshtls" instead of "../../sdk".
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_ISTIO_VERSION, GlooMtls, IstioMesh, MtlsMode } from "../../sdk";

const config = new pulumi.Config();
const appNamespace = config.get("appNamespace") ?? "default";
const istioVersion = DEFAULT_ISTIO_VERSION;

const mesh = new IstioMesh("mesh", { version: istioVersion, mtlsMode: MtlsMode.PERMISSIVE });

// The seed: `kubectl label namespace default istio-injection=enabled` (bookinfo runs there).
new k8s.core.v1.NamespacePatch(
    "app-namespace-injection",
    { metadata: { name: appNamespace, labels: { "istio-injection": "enabled" }, annotations: { "pulumi.com/patchForce": "true" } } },
    { dependsOn: [mesh] },
);

const gloo = new GlooMtls(
    "gloo",
    {
        istio: {
            istioVersion,
            upstreams: [{ serviceName: "productpage", serviceNamespace: appNamespace, port: 9080 }],
            strictUpstreamNamespaces: true,
        },
    },
    { dependsOn: [mesh] },
);

export const upstreams = gloo.upstreamNames;
export const glooValues = gloo.helmValues;
