// The KyvernoAuthz component: registers what its plan (./plan.ts) and manifests describe, nothing else.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { installChart, retainingCrds } from "../internal/helm";
import { CUSTOM_RESOURCE_PLAIN_KEYS, HELM_INSTALL_PLAIN_KEYS, ResolvedArgs, resolveArgs } from "../internal/inputs";
import { childOptions } from "../internal/options";
import { DataPlaneMode, ExtensionProvider, MTLS_POLICY_TYPE, MtlsPolicy, istioMutualDestinationRuleObject } from "../istio";
import { CERTIFICATE_TYPE, Certificate, CertificateArgs, publicIssuer } from "../pki";
import { AuthzServerPlan, authzServerInstall, policyCrdArgs, webhookCertificateArgs, webhookStaticCrt } from "./authzServer";
import { EnvoyPluginObjects, EnvoyPluginPlan, envoyPluginObjects } from "./envoyPlugin";
import { authorizationPolicyObject, authzNamespaceObject, kyvernoDestinationRule, kyvernoMtlsPolicies } from "./meshPolicies";
import { KyvernoAuthzPlan, planKyvernoAuthz } from "./plan";
import { KyvernoPolicyPlan, validatingPolicyObject } from "./policies";
import { KYVERNO_AUTHZ_TYPE, KyvernoAuthzArgs } from "./types";
import type { LinkPosture } from "../posture";
import { kyvernoPosture } from "./posture";

// Kept for existing deep imports of this file (sdk/platform); new code imports from ./index.
export { DEFAULT_ENVOY_PLUGIN_IMAGE, DEFAULT_KYVERNO_AUTHZ_VERSION, KYVERNO_AUTHZ_CHART_REPO } from "./defaults";
export { kyvernoExtensionProvider } from "./provider";
export { KyvernoAuthzFlavor } from "./types";
export type {
    AppPort,
    CertManagerIssuerRef,
    KyvernoAppMtls,
    KyvernoAuthzArgs,
    KyvernoAuthzTarget,
    KyvernoExtensionProviderArgs,
    KyvernoPolicy,
    NamedExpression,
    PolicyTargetRef,
    PolicyValidation,
    ValidatingPolicySpec,
} from "./types";

/**
 * The kyverno authorizer for Istio's CUSTOM authorization, in the mesh so its traffic is mTLS:
 * the kyverno-authz-server chart (or the seed's kyverno-envoy-plugin deployment), its policies, the
 * AuthorizationPolicies that send requests to it, and STRICT mTLS in its namespace and the apps'.
 */
export class KyvernoAuthz extends pulumi.ComponentResource {
    /** The extension provider this authorizer is registered as. */
    public readonly extensionProvider!: pulumi.Output<ExtensionProvider>;
    /** Names of the policies loaded. */
    public readonly policyNames!: pulumi.Output<string[]>;
    /** `<namespace>/<name>` of each AuthorizationPolicy. */
    public readonly authorizationPolicies!: pulumi.Output<string[]>;
    /** SHA-256 fingerprint of the webhook certificate ("" unless issued from `webhookIssuer`). */
    public readonly webhookFingerprintSha256!: pulumi.Output<string>;
    /** Start of validity of the webhook certificate ("" unless issued from `webhookIssuer`). */
    public readonly webhookNotBefore!: pulumi.Output<string>;
    /** End of validity of the webhook certificate ("" unless issued from `webhookIssuer`). */
    public readonly webhookNotAfter!: pulumi.Output<string>;
    /** Serial number of the webhook certificate ("" unless issued from `webhookIssuer`). */
    public readonly webhookSerialNumber!: pulumi.Output<string>;
    /**
     * The links this component owns, keyed by link id, with their effective state computed by the posture
     * engine from what it declares (`kyvernoPosture`: mesh -> ext_authz and API server -> webhook); MtlsPlatform's `posture` sees every component and the mesh together.
     */
    public readonly posture!: pulumi.Output<{ [link: string]: LinkPosture }>;

    constructor(name: string, args: KyvernoAuthzArgs, opts?: pulumi.ComponentResourceOptions) {
        const r = resolveArgs(KYVERNO_AUTHZ_TYPE, name, args, (a) => planKyvernoAuthz(name, a));
        const plan = r.shape;
        const webhookIssuer = args.webhookIssuer;
        super(KYVERNO_AUTHZ_TYPE, name, { ...args, webhookIssuer: webhookIssuer === undefined ? undefined : publicIssuer(webhookIssuer) }, opts);

        const before: pulumi.Resource[] = [];
        if (plan.createNamespace) {
            before.push(new k8s.core.v1.Namespace(`${name}-namespace`, r.args((p) => authzNamespaceObject(p.provider, p.revision, p.dataPlaneMode)) as k8s.core.v1.NamespaceArgs, childOptions(this, opts)));
        }

        let server: pulumi.Resource[] = [];
        let webhookCert: Certificate | undefined;
        if (plan.server) {
            const installed = this.authzServer(name, r, plan.server, plan.policies, before, opts);
            server = [installed.chart];
            webhookCert = installed.webhookCert;
        } else if (plan.plugin) {
            server = this.envoyPlugin(name, r, before, opts);
        }

        kyvernoMtlsPolicies(plan.provider, plan.server, plan.appMtls, plan.dataPlaneMode).forEach((policy, i) => {
            const policyArgs = r.child(MTLS_POLICY_TYPE, (p) => kyvernoMtlsPolicies(p.provider, p.server, p.appMtls, p.dataPlaneMode)[i].args);
            new MtlsPolicy(`${name}-${policy.id}`, policyArgs, childOptions(this, opts, policy.inAuthzNamespace ? before : []));
        });

        // The authorizer's host is called with Istio mTLS only (fails closed); in place before any request goes
        // there. Not in ambient: ztunnel never reads DestinationRules and carries the calls over HBONE.
        const authzDr: pulumi.Resource[] = [];
        if (plan.dataPlaneMode !== DataPlaneMode.Ambient) {
            const dr = r.args((p) => istioMutualDestinationRuleObject(kyvernoDestinationRule(p.provider).spec), CUSTOM_RESOURCE_PLAIN_KEYS);
            authzDr.push(new k8s.apiextensions.CustomResource(`${name}-${kyvernoDestinationRule(plan.provider).id}`, dr as unknown as k8s.apiextensions.CustomResourceArgs, childOptions(this, opts, before)));
        }

        plan.targets.forEach((target, i) => {
            new k8s.apiextensions.CustomResource(
                `${name}-authz-${target.namespace}-${target.name}`,
                r.args((p) => authorizationPolicyObject(p.targets[i], p.provider.providerName), CUSTOM_RESOURCE_PLAIN_KEYS),
                // Requests are sent to the authorizer only once it is serving (failOpen is false by default).
                childOptions(this, opts, [...server, ...authzDr]),
            );
        });

        this.extensionProvider = pulumi.output(r.from((p) => p.provider.extensionProvider));
        this.policyNames = pulumi.output(plan.policies.map((p) => p.name));
        this.authorizationPolicies = pulumi.output(plan.targets.map((t) => `${t.namespace}/${t.name}`));
        this.webhookFingerprintSha256 = webhookCert?.fingerprintSha256 ?? pulumi.output("");
        this.webhookNotBefore = webhookCert?.notBefore ?? pulumi.output("");
        this.webhookNotAfter = webhookCert?.notAfter ?? pulumi.output("");
        this.webhookSerialNumber = webhookCert?.serialNumber ?? pulumi.output("");
        this.posture = pulumi.output(r.from((p) => kyvernoPosture(name, p)));
        this.registerOutputs({
            posture: this.posture,
            extensionProvider: this.extensionProvider,
            policyNames: this.policyNames,
            authorizationPolicies: this.authorizationPolicies,
            webhookFingerprintSha256: this.webhookFingerprintSha256,
            webhookNotBefore: this.webhookNotBefore,
            webhookNotAfter: this.webhookNotAfter,
            webhookSerialNumber: this.webhookSerialNumber,
        });
    }

    private authzServer(
        name: string,
        r: ResolvedArgs<KyvernoAuthzPlan>,
        server: AuthzServerPlan,
        policies: KyvernoPolicyPlan[],
        before: pulumi.Resource[],
        opts: pulumi.ComponentResourceOptions | undefined,
    ): { chart: pulumi.Resource; webhookCert?: Certificate } {
        const deps = [...before];
        // The real plan's server part (the shape's has the same names and counts).
        const real = (p: KyvernoAuthzPlan): AuthzServerPlan => p.server ?? server;
        if (policyCrdArgs(server)) {
            const crd = r.args((p) => policyCrdArgs(real(p)) ?? { files: [] });
            // Deleting the CRD would delete every ValidatingPolicy in the cluster.
            deps.push(new k8s.yaml.v2.ConfigGroup(`${name}-policy-crd`, crd, retainingCrds(childOptions(this, opts))));
        }
        const cert = webhookCertificateArgs(server) === undefined ? undefined : new Certificate(`${name}-webhook-cert`, r.child(CERTIFICATE_TYPE, (p) => webhookCertificateArgs(real(p)) as CertificateArgs), childOptions(this, opts));
        // The key stays a secret Output at its leaf of the chart values.
        const pems = cert ? { crt: pulumi.all([cert.chainPem, cert.trustBundlePem]).apply(([chain, bundle]) => webhookStaticCrt(chain, bundle)), key: cert.privateKeyPem } : undefined;
        const chart = installChart(`${name}-server`, r.args((p) => authzServerInstall(real(p), pems), HELM_INSTALL_PLAIN_KEYS), childOptions(this, opts, deps));
        // ValidatingPolicies are cluster-scoped; they go in after the chart's webhook that validates them.
        policies.forEach((policy, i) => {
            const object = r.args((p) => validatingPolicyObject(p.policies[i]), CUSTOM_RESOURCE_PLAIN_KEYS);
            new k8s.apiextensions.CustomResource(`${name}-policy-${policy.name}`, object as k8s.apiextensions.CustomResourceArgs, childOptions(this, opts, [...deps, chart]));
        });
        return { chart, webhookCert: cert };
    }

    private envoyPlugin(name: string, r: ResolvedArgs<KyvernoAuthzPlan>, before: pulumi.Resource[], opts: pulumi.ComponentResourceOptions | undefined): pulumi.Resource[] {
        const objects = <T extends object>(pick: (o: EnvoyPluginObjects) => T) => r.args((p) => pick(envoyPluginObjects(p.plugin as EnvoyPluginPlan, p.policies)), CUSTOM_RESOURCE_PLAIN_KEYS);
        const configMap = new k8s.core.v1.ConfigMap(`${name}-policies`, objects((o) => o.configMap) as k8s.core.v1.ConfigMapArgs, childOptions(this, opts, before));
        const deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, objects((o) => o.deployment) as unknown as k8s.apps.v1.DeploymentArgs, childOptions(this, opts, [...before, configMap]));
        const service = new k8s.core.v1.Service(`${name}-service`, objects((o) => o.service) as k8s.core.v1.ServiceArgs, childOptions(this, opts, before));
        return [deployment, service];
    }
}
