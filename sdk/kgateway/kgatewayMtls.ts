import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { installChart, retainingCrds, valuesYaml } from "../internal/helm";
import { CUSTOM_RESOURCE_PLAIN_KEYS, HELM_INSTALL_PLAIN_KEYS, resolveArgs } from "../internal/inputs";
import { childOptions } from "../internal/options";
import { MTLS_POLICY_TYPE, MtlsPolicy, NamespaceEnrollment } from "../istio";
import { KGATEWAY_MTLS_TYPE } from "./defaults";
import { KgatewayManifests, KgatewayObject, kgatewayManifests } from "./manifests";
import { planKgatewayMtls } from "./plan";
import { KgatewayMtlsArgs } from "./types";
import type { LinkPosture } from "../posture";
import { kgatewayPosture } from "./posture";

/**
 * kgateway (Gloo Edge's open-source successor) installed with its charts, wired into the Istio mesh: with
 * sidecars the controller's Istio auto mTLS (the gateway pods get `sds` and `istio-proxy` containers and send
 * Istio mTLS to injected backends), in ambient the Istio integration with the Gateway's namespace enrolled
 * (ztunnel carries the mTLS). Creates (or attaches to) a Gateway of class `kgateway`, and one HTTPRoute per mesh
 * backend with a ReferenceGrant where a route crosses namespaces. The Gateway API standard CRDs (v1.6.1) are
 * installed unless told the cluster has them; CRDs are kept when the stack is destroyed.
 */
export class KgatewayMtls extends pulumi.ComponentResource {
    /** The controller's namespace. */
    public readonly namespace!: pulumi.Output<string>;
    /** The Gateway's `namespace/name`. */
    public readonly gateway!: pulumi.Output<string>;
    /** The HTTPRoutes' names, in the order of `backends`. */
    public readonly routeNames!: pulumi.Output<string[]>;
    /** The `kgateway` chart values as installed, YAML text (plain data, no secrets). */
    public readonly helmValues!: pulumi.Output<string>;
    /**
     * The gateway -> backend links, keyed by link id, with their effective state computed by the posture
     * engine from what this component declares (`kgatewayPosture`; a backend Service it does not see is
     * `unknown`); MtlsPlatform's `posture` sees the mesh and the backends' namespaces together.
     */
    public readonly posture!: pulumi.Output<{ [link: string]: LinkPosture }>;

    constructor(name: string, args: KgatewayMtlsArgs, opts?: pulumi.ComponentResourceOptions) {
        const r = resolveArgs(KGATEWAY_MTLS_TYPE, name, args, (a) => planKgatewayMtls(name, a));
        super(KGATEWAY_MTLS_TYPE, name, args, opts);
        const m = kgatewayManifests(r.shape);
        const real = <T>(pick: (x: KgatewayManifests) => T) => r.from((p) => pick(kgatewayManifests(p)));
        const object = (o: KgatewayObject, pick: (x: KgatewayManifests) => KgatewayObject | undefined, dependsOn: pulumi.Resource[]) =>
            new k8s.apiextensions.CustomResource(
                o.resourceName,
                r.args((p) => (pick(kgatewayManifests(p)) ?? o).object, CUSTOM_RESOURCE_PLAIN_KEYS),
                childOptions(this, opts, dependsOn),
            );

        const namespaces: pulumi.Resource[] = [];
        for (const [o, pick] of [
            [m.namespace, (x: KgatewayManifests) => x.namespace],
            [m.gatewayNamespace, (x: KgatewayManifests) => x.gatewayNamespace],
        ] as const) {
            if (o) {
                namespaces.push(new k8s.core.v1.Namespace(o.resourceName, r.args((p) => ({ metadata: (pick(kgatewayManifests(p)) ?? o).object.metadata })), childOptions(this, opts)));
            }
        }
        if (m.gatewayEnrollment) {
            const e = m.gatewayEnrollment;
            namespaces.push(new NamespaceEnrollment(e.name, { namespace: real((x) => x.gatewayEnrollment?.namespace ?? e.namespace), dataPlaneMode: e.dataPlaneMode }, childOptions(this, opts)));
        }
        const crdDeps: pulumi.Resource[] = [];
        if (m.gatewayApiCrds) {
            // Deleting these CRDs would delete every Gateway API object in the cluster.
            crdDeps.push(new k8s.yaml.v2.ConfigGroup(m.gatewayApiCrds.resourceName, { files: m.gatewayApiCrds.files }, retainingCrds(childOptions(this, opts))));
        }
        const crds = installChart(m.crds.resourceName, r.args((p) => kgatewayManifests(p).crds.install, HELM_INSTALL_PLAIN_KEYS), childOptions(this, opts, [...namespaces, ...crdDeps]));
        // The class's parameters exist before the controller reads them.
        const parameters = m.parameters ? [object(m.parameters, (x) => x.parameters, [...namespaces, crds])] : [];
        const controller = installChart(m.kgateway.resourceName, r.args((p) => kgatewayManifests(p).kgateway.install, HELM_INSTALL_PLAIN_KEYS), childOptions(this, opts, [...namespaces, crds, ...parameters]));
        const gateway = m.gateway ? [object(m.gateway, (x) => x.gateway, [...namespaces, ...crdDeps, controller])] : [];
        // Grants first, so a route resolves its cross-namespace backend as soon as it exists.
        const grants = m.referenceGrants.map((g, i) => object(g, (x) => x.referenceGrants[i], [...crdDeps]));
        m.routes.forEach((route, i) => object(route, (x) => x.routes[i], [...crdDeps, ...gateway, ...grants, controller]));
        if (m.gatewayPolicy) {
            const policy = m.gatewayPolicy;
            new MtlsPolicy(policy.resourceName, r.child(MTLS_POLICY_TYPE, (p) => kgatewayManifests(p).gatewayPolicy?.args ?? policy.args), childOptions(this, opts, namespaces));
        }

        this.namespace = pulumi.output(r.from((p) => p.namespace));
        this.gateway = pulumi.output(r.from((p) => `${p.gateway.namespace}/${p.gateway.name}`));
        this.routeNames = pulumi.output(r.from((p) => p.backends.map((b) => b.name)));
        this.helmValues = pulumi.output(r.from((p) => valuesYaml(kgatewayManifests(p).kgateway.install.values)));
        this.posture = pulumi.output(r.from((p) => kgatewayPosture(p)));
        this.registerOutputs({ namespace: this.namespace, gateway: this.gateway, routeNames: this.routeNames, helmValues: this.helmValues, posture: this.posture });
    }
}
