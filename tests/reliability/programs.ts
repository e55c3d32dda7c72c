// Every example program and the root program with Pulumi.dev.yaml, as the reliability suite runs them.
import * as path from "node:path";
import { RunOptions, loadProgram, readStackConfig } from "../harness";

const ROOT = path.join(__dirname, "..", "..");

/** A program to run and the options it needs. */
export interface NamedProgram {
    name: string;
    program: () => Record<string, unknown>;
    options: RunOptions;
    /** Whether it creates a CA (so private keys must show up, proving the secrets check ran). */
    hasKeys: boolean;
    /**
     * Every Helm install it declares (helm.v4.Chart or helm.v3.Release) by name, and whether the
     * chart takes TLS material as values by its own design (kyverno-authz 0.4.0; see KyvernoAuthz).
     */
    charts: Record<string, boolean>;
    /** The stack outputs it exports. */
    exports: string[];
}

const devConfig = () => readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"));

const example = (name: string, hasKeys: boolean, charts: Record<string, boolean>, exports: string[], config: Record<string, string> = {}): NamedProgram => ({
    hasKeys,
    charts,
    exports,
    name: `examples/${name}${Object.keys(config).length ? ` ${JSON.stringify(config)}` : ""}`,
    program: () => loadProgram(path.join(ROOT, "examples", name, "index.ts")),
    options: { project: name, config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`${name}:${k}`, v])) },
});

const MESH = { "mesh-base": false, "mesh-istiod": false };
const GLOO_XDS_EXPORTS = ["xdsCertFingerprint", "xdsCertNotAfter", "trustedRoots", "signingGeneration"];
const KYVERNO_EXPORTS = ["extensionProvider", "authorizationPolicies"];
const KGATEWAY_EXPORTS = ["gateway", "routeNames", "helmValues", "dataPlaneMode"];
const KGATEWAY_CHARTS = { "kgateway-crds": false, "kgateway-kgateway": false };
const AMBIENT_EXPORTS = ["meshMode", "dataPlaneMode", "enrolledNamespace", "enrollmentLabels", "trustedRoots", "signingGeneration", "rootCertFingerprints", "rotationDwellSeconds"];

/** The root program and every example (each example's config variants included). */
export const PROGRAMS: NamedProgram[] = [
    {
        name: "root program (Pulumi.dev.yaml)",
        program: () => loadProgram(path.join(ROOT, "index.ts")),
        options: { config: devConfig() },
        hasKeys: true,
        charts: { "meshtls-istio-base": false, "meshtls-istio-istiod": false, "meshtls-istio-gateway": false, "meshtls-authz-server": true, "meshtls-gloo-gloo": false },
        exports: ["certificates", "posture", "trustBundleFingerprints", "target", "rotationState"],
    },
    {
        name: "root program (Pulumi.ambient.yaml)",
        program: () => loadProgram(path.join(ROOT, "index.ts")),
        options: { config: readStackConfig(path.join(ROOT, "Pulumi.ambient.yaml")) },
        hasKeys: true,
        charts: { "meshtls-istio-base": false, "meshtls-istio-istiod": false, "meshtls-istio-cni": false, "meshtls-istio-ztunnel": false, "meshtls-authz-server": true },
        exports: ["certificates", "posture", "trustBundleFingerprints", "target", "rotationState"],
    },
    example("istio-strict-mesh", false, MESH, ["meshMode", "strictNamespace", "clientHosts", "exception"]),
    example("kuadrant-mtls", false, MESH, ["posture", "kuadrantMode"]),
    example("gloo-xds-mtls", true, { "gloo-gloo": false }, GLOO_XDS_EXPORTS),
    example("gloo-xds-mtls", true, { "gloo-gloo": false }, GLOO_XDS_EXPORTS, { generation: "2", previousGeneration: "1", rotationPhase: "TrustNew" }),
    example("gloo-istio-upstream", false, { ...MESH, "gloo-gloo": false }, ["upstreams", "glooValues"]),
    example("kyverno-extauthz", true, { ...MESH, "kyverno-server": true }, KYVERNO_EXPORTS),
    example("kyverno-extauthz", false, MESH, KYVERNO_EXPORTS, { flavor: "EnvoyPlugin" }),
    example("ambient-mesh", true, { ...MESH, "mesh-cni": false, "mesh-ztunnel": false }, AMBIENT_EXPORTS),
    example("ambient-mesh", true, { ...MESH, "mesh-cni": false, "mesh-ztunnel": false }, AMBIENT_EXPORTS, { generation: "2", previousGeneration: "1", rotationPhase: "ServeNew" }),
    example("kgateway-mesh", false, { ...MESH, ...KGATEWAY_CHARTS }, KGATEWAY_EXPORTS),
    example("kgateway-mesh", false, { ...MESH, "mesh-cni": false, "mesh-ztunnel": false, ...KGATEWAY_CHARTS }, KGATEWAY_EXPORTS, { dataPlaneMode: "Ambient" }),
    example("multi-cluster", true, { "fleet-east-istio-base": false, "fleet-east-istio-istiod": false, "fleet-west-istio-base": false, "fleet-west-istio-istiod": false }, ["certificates", "trustBundleFingerprints", "rotationState"]),
];
