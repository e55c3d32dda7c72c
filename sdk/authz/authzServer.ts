// The kyverno-authz-server chart (flavor AuthzServer): its resolved install settings, its values and
// the webhook certificate it needs.
import type * as pulumi from "@pulumi/pulumi";
import { podInjectionLabels } from "../istio";
import { HelmInstall, HelmMode } from "../internal/chartValues";
import { ArgsValidator } from "../internal/validation";
import type { CertificateArgs, IssuerMaterial } from "../pki";
import {
    DEFAULT_CERT_MANAGER_GROUP,
    DEFAULT_KYVERNO_AUTHZ_VERSION,
    DEFAULT_KYVERNO_HELM_MODE,
    DEFAULT_KYVERNO_INSTALL_POLICY_CRD,
    DEFAULT_KYVERNO_POLICY_API_VERSION,
    KYVERNO_CLUSTER_DOMAIN,
    KYVERNO_AUTHZ_CHART,
    KYVERNO_AUTHZ_CHART_REPO,
    KYVERNO_FLAVOR_DEFAULTS,
    KYVERNO_WEBHOOK_PORT,
    KYVERNO_WEBHOOK_SELECTOR,
    kyvernoPolicyCrdUrl,
} from "./defaults";
import { KYVERNO_AUTHZ_POLICY_CRD_SERVED, kyvernoAuthzPolicyCrdServes } from "../posture";
import type { KyvernoProviderPlan } from "./provider";
import { KYVERNO_AUTHZ_TYPE, KyvernoAuthzArgs, KyvernoAuthzFlavor } from "./types";

/** The webhook certificate issued here (from `webhookIssuer`). */
export interface WebhookCertificatePlan {
    /** The issuer, passed to the Certificate as given (an Input: it holds a key). */
    issuer: pulumi.Input<IssuerMaterial>;
    /** `<webhook>.<namespace>.svc`. */
    commonName: string;
    /** The webhook Service's names, short to fully qualified. */
    dnsNames: string[];
}

/** The chart's validation webhook. */
export interface AuthzServerWebhookPlan {
    /** The webhook Service (`<serviceName>-validation`, the chart's naming); also its PeerAuthentication's name. */
    name: string;
    /** The webhook port, reached by the API server without mesh mTLS. */
    port: number;
    /** Labels of the webhook pods. */
    selector: Record<string, string>;
    /** Set when the certificate is issued here (`webhookIssuer`). */
    certificate?: WebhookCertificatePlan;
    /** Set when cert-manager issues the certificate (`webhookCertManagerIssuer`), group defaulted. */
    certManagerIssuer?: { name: string; kind: string; group: string };
}

/** The resolved install of the kyverno-authz-server chart. */
export interface AuthzServerPlan {
    /** Chart name. */
    chart: string;
    /** Chart version. */
    version: string;
    /** Chart repository. */
    repository: string;
    /** helm.v3.Release or helm.v4.Chart. */
    helmMode: HelmMode;
    /** Helm release name: the service name (the chart names its objects after it). */
    releaseName: string;
    /** Install namespace. */
    namespace: string;
    /** The chart's `nameOverride`, set when the service name is not the chart's default. */
    nameOverride?: string;
    /** apiVersion of ValidatingPolicies built from a typed spec. */
    policyApiVersion: string;
    /** The ValidatingPolicy CRD manifest to install, when `installPolicyCrd`. */
    policyCrdUrl?: string;
    /** The validation webhook. */
    webhook: AuthzServerWebhookPlan;
    /**
     * Labels of the server and validation-webhook pods (`authzServer.pod.labels`,
     * `validatingWebhookConfiguration.pod.labels`): the mesh's pod injection labels, so they are injected
     * whatever their namespace's labels (sdk/posture/rules/sidecarInjection.ts).
     */
    podLabels: Record<string, string>;
}

/** The webhook certificate's PEMs, as chart values take them (Outputs at the leaves; the key secret). */
export interface WebhookCertificatePems {
    /**
     * `certificates.static.crt`: the chart serves it (Secret `tls.crt`) and trusts it (webhook `caBundle`),
     * so it is `webhookStaticCrt(chain, trust bundle)`: leaf, intermediates and every root trusted now.
     */
    crt: pulumi.Input<string>;
    /** Private key PEM (`certificates.static.key`): a secret Output. */
    key: pulumi.Input<string>;
}

/**
 * Records the AuthzServer-only problems and resolves the chart install.
 * @param revision the Istio revision whose injector the server pods select ("" = the default one)
 * @param ambient the mesh is ambient: the pods get no sidecar labels
 */
export function planAuthzServer(v: ArgsValidator, args: pulumi.Unwrap<KyvernoAuthzArgs>, provider: KyvernoProviderPlan, revision: string, ambient = false): AuthzServerPlan {
    v.check(args.image === undefined, "image", args.image, "image only applies to flavor EnvoyPlugin; the chart's image follows its version");
    const certWays = [args.webhookIssuer, args.webhookCertManagerIssuer].filter((x) => x !== undefined).length;
    v.check(
        certWays === 1,
        "webhookIssuer/webhookCertManagerIssuer",
        certWays === 0 ? undefined : "both",
        "the chart's validation webhook needs a certificate: set exactly one of webhookIssuer (an IssuerMaterial, e.g. CertificateAuthority.issuer) and webhookCertManagerIssuer",
    );
    // cert-manager reads an issuerRef without a group as cert-manager.io, whose kinds are Issuer and
    // ClusterIssuer; another group is an external issuer with kinds of its own.
    v.certManagerIssuerRef("webhookCertManagerIssuer", args.webhookCertManagerIssuer, DEFAULT_CERT_MANAGER_GROUP);
    let knownApiVersion = true;
    if (args.policyApiVersion !== undefined) {
        knownApiVersion = v.check(/^policies\.kyverno\.io\/v1(alpha1|beta1)?$/.test(args.policyApiVersion), "policyApiVersion", args.policyApiVersion, "expected policies.kyverno.io/v1alpha1, v1beta1 or v1");
    }

    const version = args.version ?? DEFAULT_KYVERNO_AUTHZ_VERSION;
    const ns = provider.namespace;
    const webhookName = `${provider.serviceName}-validation`;
    const webhook: AuthzServerWebhookPlan = { name: webhookName, port: KYVERNO_WEBHOOK_PORT, selector: { ...KYVERNO_WEBHOOK_SELECTOR } };
    if (args.webhookIssuer !== undefined) {
        webhook.certificate = {
            issuer: args.webhookIssuer,
            commonName: `${webhookName}.${ns}.svc`,
            dnsNames: [webhookName, `${webhookName}.${ns}`, `${webhookName}.${ns}.svc`, `${webhookName}.${ns}.svc.${KYVERNO_CLUSTER_DOMAIN}`],
        };
    } else if (args.webhookCertManagerIssuer) {
        const ref = args.webhookCertManagerIssuer;
        webhook.certManagerIssuer = { name: ref.name, kind: ref.kind, group: ref.group ?? DEFAULT_CERT_MANAGER_GROUP };
    }
    const plan: AuthzServerPlan = {
        chart: KYVERNO_AUTHZ_CHART,
        version,
        repository: args.chartRepository ?? KYVERNO_AUTHZ_CHART_REPO,
        helmMode: args.helmMode ?? DEFAULT_KYVERNO_HELM_MODE,
        releaseName: provider.serviceName,
        namespace: ns,
        policyApiVersion: args.policyApiVersion ?? DEFAULT_KYVERNO_POLICY_API_VERSION,
        webhook,
        // In ambient the namespace label enrolls the pods; a sidecar label would take them out of ambient.
        podLabels: ambient ? {} : podInjectionLabels(revision, true),
    };
    if (provider.serviceName !== KYVERNO_FLAVOR_DEFAULTS[KyvernoAuthzFlavor.AuthzServer].serviceName) {
        // The chart names its Service (and the webhook, <name>-validation) after nameOverride.
        plan.nameOverride = provider.serviceName;
    }
    if (args.installPolicyCrd ?? DEFAULT_KYVERNO_INSTALL_POLICY_CRD) {
        plan.policyCrdUrl = kyvernoPolicyCrdUrl(version);
        if (args.policyApiVersion !== undefined && knownApiVersion && !installedPolicyCrdServes(plan, args.policyApiVersion)) {
            v.fail("policyApiVersion", args.policyApiVersion, installedPolicyCrdAccepted(plan));
        }
    }
    return plan;
}

/**
 * Whether the ValidatingPolicy CRD the plan installs (`installPolicyCrd`) serves `apiVersion`, from the
 * rule's table of what each kyverno-authz release's CRD serves (sdk/posture/rules/crdServedVersion.ts);
 * true when no CRD is installed here or the release is not in the table (not known to refuse).
 */
export function installedPolicyCrdServes(server: AuthzServerPlan, apiVersion: string): boolean {
    return server.policyCrdUrl === undefined || (kyvernoAuthzPolicyCrdServes(server.version, apiVersion) ?? true);
}

/** What a policy API version may be with the CRD the plan installs (the error's accepted values). */
export function installedPolicyCrdAccepted(server: AuthzServerPlan): string {
    const served = (KYVERNO_AUTHZ_POLICY_CRD_SERVED[`v${server.version.replace(/^v/, "")}`] ?? []).map((x) => `policies.kyverno.io/${x}`).join(", ");
    return (
        `installPolicyCrd installs the ValidatingPolicy CRD of kyverno-authz v${server.version}, which serves only ${served}: ` +
        `use ${served}, or set installPolicyCrd: false and install a CRD that serves the version (Kyverno's own)`
    );
}

/**
 * The chart values. `pems` is required when the plan issues the webhook certificate here:
 * kyverno-authz-server 0.4.0 takes that certificate only as values (certificates.static.{crt,key}) and
 * writes it into a kubernetes.io/tls Secret and the webhook's caBundle, so the PEMs sit at those leaves.
 */
export function authzServerValues(server: AuthzServerPlan, pems?: WebhookCertificatePems): Record<string, unknown> {
    const values: Record<string, unknown> = { config: { type: "envoy" }, authzServer: { pod: { labels: { ...server.podLabels } } } };
    if (server.nameOverride !== undefined) {
        values.nameOverride = server.nameOverride;
    }
    // The validation-webhook pods (chart 0.4.0 validatingWebhookConfiguration.pod.labels, templates/
    // validation-webhook/deployment.yaml) share the server's namespace and its injection: the API server
    // reaches them without a sidecar on port 9443, which kyvernoMtlsPolicies keeps PERMISSIVE; that port
    // (Service port name `webhook`, protocol undeclared) passes the API server's TLS through
    // (sdk/posture/rules/inboundFilterChain.ts), so the sidecar never refuses it.
    const webhook: Record<string, unknown> = { pod: { labels: { ...server.podLabels } } };
    values.validatingWebhookConfiguration = webhook;
    if (server.webhook.certificate !== undefined) {
        if (pems === undefined) {
            throw new Error(`${KYVERNO_AUTHZ_TYPE}: internal error: the plan issues the webhook certificate (${server.webhook.certificate.commonName}), so its PEMs must be passed to the chart values`);
        }
        webhook.certificates = { static: { crt: pems.crt, key: pems.key } };
    } else if (server.webhook.certManagerIssuer !== undefined) {
        webhook.certificates = { certManager: { issuerRef: { ...server.webhook.certManagerIssuer } } };
    }
    return values;
}

/** The chart install (see `authzServerValues` for `pems`). */
export function authzServerInstall(server: AuthzServerPlan, pems?: WebhookCertificatePems): HelmInstall {
    return {
        mode: server.helmMode,
        chart: server.chart,
        version: server.version,
        repo: server.repository,
        releaseName: server.releaseName,
        namespace: server.namespace,
        values: authzServerValues(server, pems),
    };
}

/** Arguments of the webhook's Certificate, when the plan issues it here. */
export function webhookCertificateArgs(server: AuthzServerPlan): CertificateArgs | undefined {
    const cert = server.webhook.certificate;
    if (cert === undefined) {
        return undefined;
    }
    return { issuer: cert.issuer, commonName: cert.commonName, dnsNames: [...cert.dnsNames], serverAuth: true };
}

/** Arguments of the ConfigGroup that installs the ValidatingPolicy CRD, when the plan asks for it. */
export function policyCrdArgs(server: AuthzServerPlan): { files: string[] } | undefined {
    return server.policyCrdUrl === undefined ? undefined : { files: [server.policyCrdUrl] };
}

/**
 * The chart's `certificates.static.crt` for a certificate issued here: the leaf and its intermediates
 * (`Certificate.chainPem`), then every root of the issuer's trust bundle not already there. kyverno-authz
 * 0.4.0 uses this one value as the served chain and as the webhook's `caBundle`; with the roots in it, the
 * API server keeps trusting the webhook when the leaf is renewed or re-signed by the next CA generation
 * (each rotation phase's bundle holds the root that signs the phases next to it), whichever of the
 * webhook configuration and the pod's Secret is updated first. With only the leaf, each change swapped
 * the trust anchor at once (issue 15, item 10).
 */
export function webhookStaticCrt(chainPem: string, trustBundlePem: string): string {
    // Text only (this module stays free of the pki components): PEM blocks in order, duplicates dropped.
    const pemBlocks = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    const seen = new Set<string>();
    const blocks = [...pemBlocks(chainPem), ...pemBlocks(trustBundlePem)].filter((b) => {
        const key = b.replace(/\s+/g, "");
        if (seen.has(key)) {
            return false;
        }
        seen.add(key);
        return true;
    });
    return blocks.map((b) => `${b}\n`).join("");
}
