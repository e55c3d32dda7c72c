// The GlooMtls component: registers what its plan and manifests describe, nothing else.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { installChart, valuesYaml } from "../internal/helm";
import { CUSTOM_RESOURCE_PLAIN_KEYS, HELM_INSTALL_PLAIN_KEYS, resolveArgs } from "../internal/inputs";
import { childOptions } from "../internal/options";
import { MtlsPolicy } from "../istio";
import { CERTIFICATE_TYPE, Certificate, bundleFingerprints, publicIssuer } from "../pki";
import { GLOO_MTLS_TYPE } from "./defaults";
import { glooChartValues, glooHelmInstall, glooMtlsSecret, glooNamespace, glooUpstream, glooXdsCertificateArgs } from "./manifests";
import { GlooMtlsPlan, GlooXdsPulumiPlan, planGlooMtls } from "./plan";
import type { LinkPosture } from "../posture";
import { glooPosture } from "./posture";
import { GlooCertRotation, GlooMtlsArgs } from "./types";

// Kept for modules that import these from here (sdk/platform today); new code imports "../gloo".
export { DEFAULT_GLOO_VERSION, GLOO_CHART_REPO, GLOO_MTLS_SECRET, ISTIO_INTEGRATION_SINCE } from "./defaults";
export { ISTIO_UPSTREAM_SSL_CONFIG } from "./manifests";
export { GlooCertRotation, glooInstallSettings } from "./types";
export type { GlooInstallSettings, GlooIstioArgs, GlooIstioUpstreamArgs, GlooMtlsArgs, GlooXdsCertificateArgs, GlooXdsMtlsArgs } from "./types";

/**
 * Gloo Edge with TLS on xDS and Istio mTLS to the mesh: xDS TLS (`global.glooMtls`) with a Pulumi-issued
 * `gloo-mtls-certs` or the chart's cron rotation, and Istio upstream mTLS (`global.istioIntegration` /
 * `global.istioSDS`) with SDS Upstreams. The xDS link is server-authenticated TLS, not mTLS: Gloo's xDS
 * sidecar does not require client certificates (no `require_client_certificate` in the chart's
 * `19-gloo-mtls-configmap.yaml`, v1.22.1). Gloo Edge OSS reaches end of life on 2026-12-31 (see the README).
 */
export class GlooMtls extends pulumi.ComponentResource {
    /** The chart values as YAML text: installed, or to apply to an existing release (`helm upgrade -f`) when `install: false`. */
    public readonly helmValues!: pulumi.Output<string>;
    /** Name of the xDS secret (`gloo-mtls-certs`), or "" without xds mTLS. */
    public readonly secretName!: pulumi.Output<string>;
    /** SHA-256 fingerprint of the xDS server certificate ("" unless Pulumi rotation). */
    public readonly fingerprintSha256!: pulumi.Output<string>;
    /** Start of validity of the xDS server certificate ("" unless Pulumi rotation). */
    public readonly notBefore!: pulumi.Output<string>;
    /** End of validity of the xDS server certificate ("" unless Pulumi rotation). */
    public readonly notAfter!: pulumi.Output<string>;
    /** Serial number of the xDS server certificate ("" unless Pulumi rotation). */
    public readonly serialNumber!: pulumi.Output<string>;
    /** Fingerprints of the roots in `ca.crt` (empty unless Pulumi rotation). */
    public readonly trustBundleFingerprints!: pulumi.Output<string[]>;
    /** Names of the Upstreams created. */
    public readonly upstreamNames!: pulumi.Output<string[]>;
    /**
     * The links this component owns, keyed by link id, with their effective state computed by the posture
     * engine from what it declares (`glooPosture`: xDS and the Upstream links); MtlsPlatform's `posture` sees every component and the mesh together.
     */
    public readonly posture!: pulumi.Output<{ [link: string]: LinkPosture }>;

    constructor(name: string, args: GlooMtlsArgs, opts?: pulumi.ComponentResourceOptions) {
        const r = resolveArgs(GLOO_MTLS_TYPE, name, args, (a) => planGlooMtls(name, a));
        const plan = r.shape;
        const issuer = args.xds?.issuer;
        // The recorded inputs never carry the issuer's key.
        super(GLOO_MTLS_TYPE, name, { ...args, xds: args.xds ? { ...args.xds, issuer: issuer === undefined ? undefined : publicIssuer(issuer) } : undefined }, opts);


        const before: pulumi.Resource[] = [];
        if (plan.createNamespace) {
            before.push(new k8s.core.v1.Namespace(`${name}-namespace`, r.args((p) => glooNamespace(p)), childOptions(this, opts)));
        }

        let facts: pulumi.Output<{ fingerprintSha256: string; notBefore: string; notAfter: string; serialNumber: string; roots: string[] }> = pulumi.output({
            fingerprintSha256: "",
            notBefore: "",
            notAfter: "",
            serialNumber: "",
            roots: [] as string[],
        });
        const xds = plan.xds;
        // The plan guarantees an issuer with Pulumi rotation; the check narrows its type.
        if (xds?.rotation === GlooCertRotation.Pulumi && issuer !== undefined) {
            const cert = new Certificate(`${name}-xds-cert`, r.child(CERTIFICATE_TYPE, (p) => glooXdsCertificateArgs(p, pulumiXds(p, xds), issuer)), childOptions(this, opts));
            const pems = { trustBundlePem: cert.trustBundlePem, chainPem: cert.chainPem, privateKeyPem: cert.privateKeyPem };
            const secret = r.args((p) => glooMtlsSecret(p, pulumiXds(p, xds), pems));
            // Retained on delete, so switching to CronJob rotation (or removing this component) leaves
            // gloo-mtls-certs in place for the chart. At solo-io/gloo v1.22.1 the certgen Job that creates
            // it is a `pre-install` hook only, unless `gateway.certGenJob.runOnUpdate`
            // (install/helm/gloo/templates/19-gloo-mtls-certgen-job.yaml), and the CronJob runs only on
            // its schedule (19-gloo-mtls-certgen-cronjob.yaml): deleted at the end of `up`, the secret
            // would be missing until the cron fires, and new gloo or gateway-proxy pods could not mount
            // it. Kept, the first cron run finds a valid secret and rotates it in stages, bundle first
            // (jobs/pkg/run/run.go, GetExistingValidTlsSecret then RotateCerts).
            before.push(new k8s.core.v1.Secret(`${name}-mtls-certs`, secret, { ...childOptions(this, opts, before), retainOnDelete: true }));
            facts = pulumi.all([cert.fingerprintSha256, cert.notBefore, cert.notAfter, cert.serialNumber, cert.trustBundlePem]).apply(([fingerprintSha256, notBefore, notAfter, serialNumber, bundle]) => ({
                fingerprintSha256,
                notBefore,
                notAfter,
                serialNumber,
                roots: bundleFingerprints(bundle),
            }));
        }

        if (plan.install) {
            before.push(installChart(`${name}-gloo`, r.args((p) => glooHelmInstall(p, glooChartValues(p)), HELM_INSTALL_PLAIN_KEYS), childOptions(this, opts, before)));
        }

        const upstreams = plan.istio?.upstreams ?? [];
        upstreams.forEach((u, i) => {
            const upstream = r.args((p) => glooUpstream(p, p.istio?.upstreams[i] ?? u), CUSTOM_RESOURCE_PLAIN_KEYS);
            new k8s.apiextensions.CustomResource(`${name}-upstream-${u.name}`, upstream, childOptions(this, opts, before));
        });
        for (const ns of plan.istio?.strictNamespaces ?? []) {
            new MtlsPolicy(`${name}-${ns}-strict`, { namespace: ns }, childOptions(this, opts, before));
        }

        this.helmValues = pulumi.output(r.from((p) => valuesYaml(glooChartValues(p))));
        this.secretName = pulumi.output(xds?.secretName ?? "");
        this.fingerprintSha256 = facts.fingerprintSha256;
        this.notBefore = facts.notBefore;
        this.notAfter = facts.notAfter;
        this.serialNumber = facts.serialNumber;
        this.trustBundleFingerprints = facts.roots;
        this.upstreamNames = pulumi.output(upstreams.map((u) => u.name));
        this.posture = pulumi.output(r.from((p) => glooPosture(name, p)));
        this.registerOutputs({
            helmValues: this.helmValues,
            secretName: this.secretName,
            fingerprintSha256: this.fingerprintSha256,
            notBefore: this.notBefore,
            notAfter: this.notAfter,
            serialNumber: this.serialNumber,
            trustBundleFingerprints: this.trustBundleFingerprints,
            upstreamNames: this.upstreamNames,
            posture: this.posture,
        });
    }
}

/** The real plan's Pulumi-rotated xDS part (the shape's has the same names). */
function pulumiXds(plan: GlooMtlsPlan, shape: GlooXdsPulumiPlan): GlooXdsPulumiPlan {
    return plan.xds?.rotation === GlooCertRotation.Pulumi ? plan.xds : shape;
}
