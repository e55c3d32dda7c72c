import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { installChart, valuesYaml } from "../internal/helm";
import { HELM_INSTALL_PLAIN_KEYS, resolveArgs } from "../internal/inputs";
import type { LinkPosture } from "../posture";
import { istioPosture } from "./posture";
import { childOptions } from "../internal/options";
import { bundleFingerprints, issuerParts, publicIssuer } from "../pki";
import { cacertsSecret, istioMeshManifests, IstioChartInstall, IstioMeshManifests } from "./istioMeshManifests";
import { ISTIO_MESH_TYPE, IstioMeshArgs, planIstioMesh } from "./istioMeshPlan";
import { MtlsPolicy } from "./mtlsPolicy";
import { MTLS_POLICY_TYPE } from "./mtlsPolicyPlan";
import { DataPlaneMode, MtlsMode } from "./types";

// Defaults and argument types live in pure modules; re-exported here where other folders have
// imported them.
export { DEFAULT_ISTIO_VERSION, ISTIO_CHART_REPO } from "./defaults";
export { istioInstallSettings } from "./istioMeshPlan";
export type { IngressGatewayArgs, IstioChartValues, IstioInstallSettings, IstioMeshArgs } from "./istioMeshPlan";

/**
 * Istio installed with Helm (`base`, `istiod`, optional `cni` and `gateway`; `cni` and `ztunnel` in
 * ambient mode), a mesh-wide
 * PeerAuthentication, and optionally a plug-in CA from an IssuerMaterial.
 *
 * Other components' Istio resources should depend on this component (`dependsOn: [mesh]`): that waits
 * for the CRDs, istiod and the mesh-wide policy. CustomResourceDefinitions are kept when the stack is
 * destroyed (deleting a CRD deletes every resource of its kind, cluster-wide); remove them by hand.
 */
export class IstioMesh extends pulumi.ComponentResource {
    /** The control-plane (and root) namespace. */
    public readonly namespace!: pulumi.Output<string>;
    /** The Istio version installed. */
    public readonly version!: pulumi.Output<string>;
    /** The control-plane revision ("" for the default revision). */
    public readonly revision!: pulumi.Output<string>;
    /** The mode of the mesh-wide PeerAuthentication. */
    public readonly mtlsMode!: pulumi.Output<MtlsMode>;
    /** The SPIFFE trust domain of the mesh. */
    public readonly trustDomain!: pulumi.Output<string>;
    /** The mesh ID in effect: `meshId`, else the trust domain (what Istio uses when `global.meshID` is unset). */
    public readonly meshId!: pulumi.Output<string>;
    /**
     * The namespace labels that turn on sidecar injection from this mesh's control plane:
     * `istio-injection: enabled` for the default revision, `istio.io/rev: <revision>` otherwise. In
     * ambient, namespaces join with `enrollmentLabels` instead (these would give their pods sidecars).
     */
    public readonly injectionLabels!: pulumi.Output<{ [key: string]: string }>;
    /** The data plane: `Sidecar` or `Ambient`. */
    public readonly dataPlaneMode!: pulumi.Output<DataPlaneMode>;
    /**
     * The namespace labels that enroll a namespace in this mesh's data plane: the injection labels with
     * sidecars, `istio.io/dataplane-mode: ambient` in ambient (NamespaceEnrollment applies them).
     */
    public readonly enrollmentLabels!: pulumi.Output<{ [key: string]: string }>;
    /** The pod labels that enroll one workload: `sidecar.istio.io/inject: "true"`, plus `istio.io/rev` with a revision. */
    public readonly podInjectionLabels!: pulumi.Output<{ [key: string]: string }>;
    /** Names of the registered extension providers. */
    public readonly extensionProviderNames!: pulumi.Output<string[]>;
    /** SHA-256 fingerprints of the roots in `root-cert.pem` (empty without a plug-in CA). */
    public readonly rootFingerprints!: pulumi.Output<string[]>;
    /** The istiod chart values as installed, YAML text (plain data, no secrets). */
    public readonly istiodValues!: pulumi.Output<string>;
    /**
     * The links this component owns, keyed by link id, with their effective state computed by the posture
     * engine from what it declares (`istioPosture`: proxies -> istiod); MtlsPlatform's `posture` sees every component and the mesh together.
     */
    public readonly posture!: pulumi.Output<{ [link: string]: LinkPosture }>;

    constructor(name: string, args: IstioMeshArgs, opts?: pulumi.ComponentResourceOptions) {
        const r = resolveArgs(ISTIO_MESH_TYPE, name, args, (a) => planIstioMesh(name, a));
        const plan = r.shape;
        // The recorded inputs carry the plug-in CA's certificates, never its key.
        super(ISTIO_MESH_TYPE, name, { ...args, pluginCa: args.pluginCa === undefined ? undefined : publicIssuer(args.pluginCa) }, opts);

        const m = istioMeshManifests(plan);
        const parent = childOptions(this, opts);
        const chart = (c: IstioChartInstall, pick: (m: IstioMeshManifests) => IstioChartInstall | undefined, dependsOn: pulumi.Resource[]) =>
            installChart(c.resourceName, r.args((p) => pick(istioMeshManifests(p))?.install ?? c.install, HELM_INSTALL_PLAIN_KEYS), childOptions(this, opts, dependsOn));

        const before: pulumi.Resource[] = [];
        if (m.namespace) {
            before.push(new k8s.core.v1.Namespace(m.namespace.resourceName, r.args((p) => istioMeshManifests(p).namespace?.args ?? {}), parent));
        }
        const base = chart(m.base, (x) => x.base, before);
        const istiodDeps = [...before, base];

        let rootFingerprints: pulumi.Output<string[]> = pulumi.output([]);
        if (args.pluginCa !== undefined) {
            const issuer = issuerParts(args.pluginCa);
            const secret = cacertsSecret(plan, issuer);
            istiodDeps.push(new k8s.core.v1.Secret(secret.resourceName, r.args((p) => cacertsSecret(p, issuer).args), childOptions(this, opts, before)));
            rootFingerprints = issuer.trustBundlePem.apply(bundleFingerprints);
        }
        // Sidecars: the CNI agent before istiod, so injected pods never start without it. Ambient: base,
        // istiod, cni, ztunnel (Istio's ambient Helm install order): ztunnel needs istiod's CA and the agent
        // that redirects pods to it.
        if (m.cni && !m.ztunnel) {
            istiodDeps.push(chart(m.cni, (x) => x.cni, [...before, base]));
        }
        const istiod = chart(m.istiod, (x) => x.istiod, istiodDeps);
        if (m.cni && m.ztunnel) {
            const cni = chart(m.cni, (x) => x.cni, [...before, base, istiod]);
            chart(m.ztunnel, (x) => x.ztunnel, [...before, istiod, cni]);
        }

        if (m.gateway) {
            const gwDeps: pulumi.Resource[] = [istiod];
            if (m.gatewayNamespace) {
                gwDeps.push(new k8s.core.v1.Namespace(m.gatewayNamespace.resourceName, r.args((p) => istioMeshManifests(p).gatewayNamespace?.args ?? {}), parent));
            }
            chart(m.gateway, (x) => x.gateway, gwDeps);
        }

        new MtlsPolicy(m.meshPolicy.resourceName, r.child(MTLS_POLICY_TYPE, (p) => istioMeshManifests(p).meshPolicy.args), childOptions(this, opts, [base, istiod]));

        this.namespace = pulumi.output(r.from((p) => p.namespace));
        this.version = pulumi.output(r.from((p) => p.version));
        this.revision = pulumi.output(r.from((p) => p.revision));
        this.mtlsMode = pulumi.output(r.from((p) => p.mtlsMode));
        this.trustDomain = pulumi.output(r.from((p) => p.trustDomain));
        this.meshId = pulumi.output(r.from((p) => p.meshId ?? p.trustDomain));
        this.injectionLabels = pulumi.output(r.from((p) => p.injectionLabels.namespace));
        this.dataPlaneMode = pulumi.output(r.from((p) => p.dataPlaneMode));
        this.enrollmentLabels = pulumi.output(r.from((p) => p.enrollmentLabels));
        this.podInjectionLabels = pulumi.output(r.from((p) => p.injectionLabels.pod));
        this.extensionProviderNames = pulumi.output(r.from((p) => p.extensionProviders.map((e) => e.name)));
        this.rootFingerprints = rootFingerprints;
        this.istiodValues = pulumi.output(r.from((p) => valuesYaml(istioMeshManifests(p).istiod.install.values)));
        this.posture = pulumi.output(r.from((p) => istioPosture(p)));
        this.registerOutputs({
            posture: this.posture,
            namespace: this.namespace,
            version: this.version,
            revision: this.revision,
            mtlsMode: this.mtlsMode,
            trustDomain: this.trustDomain,
            meshId: this.meshId,
            injectionLabels: this.injectionLabels,
            dataPlaneMode: this.dataPlaneMode,
            enrollmentLabels: this.enrollmentLabels,
            podInjectionLabels: this.podInjectionLabels,
            extensionProviderNames: this.extensionProviderNames,
            rootFingerprints: this.rootFingerprints,
            istiodValues: this.istiodValues,
        });
    }
}
