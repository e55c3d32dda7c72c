// kgateway, Gloo Edge's open-source successor (issue 19), as the ingress of a STRICT Istio mesh: bookinfo in
// the mesh, and kgateway routing to productpage over the mesh's mTLS. With sidecars (default) the controller's
// Istio auto mTLS gives the gateway pods an istio-proxy (certificates only) and an sds container, pointed at
// this mesh's istiod; the gateway's namespace stays uninjected (kgateway-dev/kgateway#14493). In ambient the
// gateway's namespace is enrolled and ztunnel carries the mTLS. See the README for each hop.
// In your own program import from "meshtls" instead of "../../sdk".
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DataPlaneMode, IstioMesh, KgatewayIstioArgs, KgatewayMtls, MtlsMode, NamespaceEnrollment, posture } from "../../sdk";

const config = new pulumi.Config();
const mode = config.get<DataPlaneMode>("dataPlaneMode") ?? DataPlaneMode.Sidecar;
const namespace = config.get("namespace") ?? "bookinfo";
const revision = config.get("revision");
const manifest = config.get("bookinfoManifest") ?? "https://raw.githubusercontent.com/istio/istio/release-1.30/samples/bookinfo/platform/kube/bookinfo.yaml";

// base and istiod (plus cni and ztunnel in ambient); STRICT mesh-wide: nothing reaches bookinfo in plain text.
const mesh = new IstioMesh("mesh", { dataPlaneMode: mode, mtlsMode: MtlsMode.STRICT, revision });

// Injection labels with sidecars (`istio.io/rev` for a revision), the ambient label in ambient (which takes no
// revision): whichever the mesh's data plane takes.
const enrollment = new NamespaceEnrollment(
    "bookinfo",
    { namespace, dataPlaneMode: mesh.dataPlaneMode, revision: mode === DataPlaneMode.Sidecar ? mesh.revision : undefined, createNamespace: true },
    { dependsOn: [mesh] },
);

// The sample manifest has no namespace: a provider scoped to ours places it there.
const inNamespace = new k8s.Provider("bookinfo-scope", { namespace });
new k8s.yaml.v2.ConfigGroup("bookinfo-app", { files: [manifest] }, { provider: inNamespace, dependsOn: [enrollment] });

// Sidecar: the gateway's istio-proxy gets its certificates from this mesh's istiod (revision-aware address),
// in this mesh's ID (IstioMesh sets no meshId, so Istio uses the trust domain), at the mesh's version. Ambient:
// those settings do not exist (no istio-proxy in the gateway pods); KgatewayMtls refuses them.
const istio: KgatewayIstioArgs =
    mode === DataPlaneMode.Sidecar
        ? {
              dataPlaneMode: mode,
              istioVersion: mesh.version,
              discoveryAddress: pulumi.all([mesh.namespace, mesh.revision]).apply(([ns, rev]) => posture.istiodDiscoveryAddress(ns, rev)),
              meshId: mesh.meshId,
          }
        : { dataPlaneMode: mode };

// Gateway API CRDs, kgateway-crds, kgateway; the Gateway `mesh-ingress` and one HTTPRoute to productpage
// (with a ReferenceGrant in bookinfo: the route lives in the Gateway's namespace).
const kgw = new KgatewayMtls(
    "kgateway",
    { istio, backends: [{ serviceName: "productpage", serviceNamespace: namespace, port: 9080 }] },
    { dependsOn: [mesh, enrollment] },
);

export const gateway = kgw.gateway;
export const routeNames = kgw.routeNames;
export const helmValues = kgw.helmValues;
export const dataPlaneMode = mesh.dataPlaneMode;
