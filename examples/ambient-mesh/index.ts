// Istio ambient mode (issue 18): ztunnel on every node instead of a sidecar in every pod, istiod signing
// with a meshtls plug-in CA (rotated in staged steps, as in gloo-xds-mtls), STRICT mesh-wide, and bookinfo
// enrolled by its namespace label. What istio-strict-mesh adds for sidecars is left out on purpose: no
// SidecarInjection (no sidecars), no probe rewrite (the CNI exempts kubelet probes from capture), no
// client DestinationRule (ztunnel always originates HBONE mTLS to enrolled pods), no port-level exception
// (ztunnel's port-level semantics differ: see the README).
// In your own program import from "meshtls" instead of "../../sdk".
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CertificateAuthority, DataPlaneMode, IstioMesh, MtlsMode, NamespaceEnrollment, RotationPhase, posture } from "../../sdk";

const config = new pulumi.Config();
const namespace = config.get("namespace") ?? "bookinfo";
const manifest = config.get("bookinfoManifest") ?? "https://raw.githubusercontent.com/istio/istio/release-1.30/samples/bookinfo/platform/kube/bookinfo.yaml";

// The root stays offline in Pulumi state; istiod signs with the intermediate (cacerts). Every root the
// phase trusts goes into root-cert.pem: the only place ztunnel reads trust from.
const ca = new CertificateAuthority("mesh-ca", {
    commonName: "ambient mesh CA",
    intermediate: {},
    generation: config.getNumber("generation") ?? 1,
    previousGeneration: config.getNumber("previousGeneration"),
    rotationPhase: config.get<RotationPhase>("rotationPhase") ?? RotationPhase.Stable,
});

// base, istiod (ambient profile), cni (ambient profile), ztunnel, in that order; cacerts before istiod.
const mesh = new IstioMesh("mesh", { dataPlaneMode: DataPlaneMode.Ambient, mtlsMode: MtlsMode.STRICT, pluginCa: ca.issuer });

// One label enrolls the namespace: the CNI agent captures running pods too, so nothing restarts.
const enrollment = new NamespaceEnrollment("bookinfo", { namespace, dataPlaneMode: DataPlaneMode.Ambient, createNamespace: true }, { dependsOn: [mesh] });

// The sample manifest has no namespace: a provider scoped to ours places it there.
const inNamespace = new k8s.Provider("bookinfo-scope", { namespace });
new k8s.yaml.v2.ConfigGroup("bookinfo-app", { files: [manifest] }, { provider: inNamespace, dependsOn: [enrollment] });

export const meshMode = mesh.mtlsMode;
export const dataPlaneMode = mesh.dataPlaneMode;
export const enrolledNamespace = enrollment.namespace;
export const enrollmentLabels = enrollment.labels;
export const trustedRoots = ca.trustBundleFingerprints;
export const signingGeneration = ca.signingGeneration;
export const rootCertFingerprints = mesh.rootFingerprints;
/** Wait this long between two rotation steps (ztunnel picks up root-cert.pem only when it renews). */
export const rotationDwellSeconds = posture.AMBIENT_ROTATION_DWELL_SECONDS;
