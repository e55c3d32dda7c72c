// GlooMtls's objects, from its plan: chart values, the gloo-mtls-certs Secret layout, the xDS
// certificate's arguments, Upstreams and the namespace. Pure: plain data in, plain data out (PEMs may
// be Outputs, carried untouched at the leaves).
import type * as pulumi from "@pulumi/pulumi";
import { HelmInstall, deepMerge } from "../internal/chartValues";
import type { CertificateArgs, IssuerMaterial } from "../pki";
import { GLOO_NAMESPACE_LABELS } from "./defaults";
import { GlooMtlsPlan, GlooUpstreamPlan, GlooXdsPulumiPlan } from "./plan";
import { GlooCertRotation } from "./types";

/** The SDS `sslConfig` that makes an Upstream use the istio-proxy sidecar's certificates. */
export const ISTIO_UPSTREAM_SSL_CONFIG = {
    alpnProtocols: ["istio"],
    sds: {
        targetUri: "127.0.0.1:8234",
        clusterName: "gateway_proxy_sds",
        certificatesSecretName: "istio_server_cert",
        validationContextName: "istio_validation_context",
    },
};

/** The chart values for a plan: what meshtls computes, then the `values` escape hatch merged last. */
export function glooChartValues(plan: GlooMtlsPlan): Record<string, unknown> {
    const global: Record<string, unknown> = {};
    const gateway: Record<string, unknown> = {};
    const values: Record<string, unknown> = { global };
    const glooMtls: Record<string, unknown> = {};

    if (plan.xds) {
        glooMtls.enabled = true;
        if (plan.xds.rotation === GlooCertRotation.Pulumi) {
            // The chart's certgen job (a pre-install hook) passes --force-rotation unless this is
            // false, and would overwrite the secret meshtls created. With false it finds a valid
            // secret and leaves it alone (sdk/posture/rules/certgenRotation.ts, solo-io/gloo v1.22.1
            // 19-gloo-mtls-certgen-job.yaml and jobs/pkg/run/run.go).
            gateway.certGenJob = { forceRotation: false, cron: { enabled: false } };
        } else {
            gateway.certGenJob = { cron: { enabled: true, schedule: plan.xds.cronSchedule }, rotationDuration: plan.xds.rotationDuration };
        }
    }
    const istio = plan.istio;
    if (istio) {
        // The istio-proxy sidecar in gateway-proxy must match the mesh's Istio version.
        glooMtls.istioProxy = { image: { tag: istio.istioVersion } };
        const customSidecars = istio.customSidecars;
        // Istio's injector must stay away from gateway-proxy whatever the mesh's revision: the chart adds
        // its own `istio-proxy` container (solo-io/gloo v1.22.1 install/helm/gloo/templates/
        // 7-gateway-proxy-deployment.yaml), and istiod 1.30.3 would merge its injected sidecar into a
        // container of that name (pkg/kube/inject/inject.go, injection customization) or add a second
        // proxy. `disableAutoinjection` (chart >= 1.8.0) labels gateway-proxy and Gloo's other pods
        // `sidecar.istio.io/inject: "false"`, which every injector webhook of every revision excludes
        // (sdk/posture/rules/sidecarInjection.ts), so this holds in a namespace created elsewhere too.
        // The revision reaches Gloo's own sidecar through istioDiscoveryAddress (istiod-<revision>).
        if (istio.valuesKey === "istioIntegration") {
            global.istioIntegration = { enabled: true, enableAutoMtls: istio.enableAutoMtls, disableAutoinjection: true };
            if (customSidecars) {
                global.istioSDS = { customSidecars };
            }
        } else {
            global.istioSDS = { enabled: true, ...(customSidecars ? { customSidecars } : {}) };
            global.istioIntegration = { disableAutoinjection: true };
        }
        if (istio.istioDiscoveryAddress) {
            values.gatewayProxies = { gatewayProxy: { istioDiscoveryAddress: istio.istioDiscoveryAddress } };
        }
    }
    if (Object.keys(glooMtls).length > 0) {
        global.glooMtls = glooMtls;
    }
    if (Object.keys(gateway).length > 0) {
        values.gateway = gateway;
    }
    return deepMerge(values, plan.extraValues);
}

/** What to install for a plan (used only when `plan.install`). */
export function glooHelmInstall(plan: GlooMtlsPlan, values: Record<string, unknown> = glooChartValues(plan)): HelmInstall {
    return {
        mode: plan.chart.helmMode,
        chart: plan.chart.chart,
        version: plan.chart.version,
        repo: plan.chart.repository,
        releaseName: plan.chart.releaseName,
        namespace: plan.namespace,
        values,
    };
}

/** The install namespace, kept out of Istio injection (created only when `plan.createNamespace`). */
export interface GlooNamespaceManifest {
    /** Name and labels. */
    metadata: { name: string; labels: Record<string, string> };
}

/**
 * The install namespace object. Its `istio-injection: disabled` keeps out every injector webhook of every
 * revision, not only the default one: each of them requires the namespace to have no `istio-injection`
 * label or that label `enabled` (istio 1.30.3 istio-discovery/templates/mutatingwebhook.yaml;
 * sdk/posture/rules/sidecarInjection.ts), so no `istio.io/rev` label is needed here.
 */
export function glooNamespace(plan: GlooMtlsPlan): GlooNamespaceManifest {
    return { metadata: { name: plan.namespace, labels: { ...GLOO_NAMESPACE_LABELS } } };
}

/** The PEMs of the xDS secret: strings, or Outputs of strings (carried as they are). */
export interface GlooMtlsPems<T> {
    /** The roots peers trust (`ca.crt`). */
    trustBundlePem: T;
    /** The certificate followed by its intermediates (`tls.crt`). */
    chainPem: T;
    /** The certificate's private key (`tls.key`). */
    privateKeyPem: T;
}

/** The `gloo-mtls-certs` Secret: the layout the chart mounts. */
export interface GlooMtlsSecretManifest<T> {
    /** Name and namespace. */
    metadata: { name: string; namespace: string };
    /** Always `kubernetes.io/tls`. */
    type: string;
    /** `ca.crt`, `tls.crt`, `tls.key`. */
    stringData: { "ca.crt": T; "tls.crt": T; "tls.key": T };
}

/** The `gloo-mtls-certs` Secret for a plan with Pulumi rotation, from its PEMs. */
export function glooMtlsSecret<T>(plan: GlooMtlsPlan, xds: GlooXdsPulumiPlan, pems: GlooMtlsPems<T>): GlooMtlsSecretManifest<T> {
    return {
        metadata: { name: xds.secretName, namespace: plan.namespace },
        type: "kubernetes.io/tls",
        stringData: { "ca.crt": pems.trustBundlePem, "tls.crt": pems.chainPem, "tls.key": pems.privateKeyPem },
    };
}

/**
 * The xDS certificate's arguments: one certificate serves the server (gloo) and its clients
 * (gateway-proxy, extauth, rate-limit), named for gloo's Service in the install namespace.
 */
export function glooXdsCertificateArgs(plan: GlooMtlsPlan, xds: GlooXdsPulumiPlan, issuer: pulumi.Input<IssuerMaterial>): CertificateArgs {
    const ns = plan.namespace;
    return {
        issuer,
        commonName: `gloo.${ns}.svc`,
        dnsNames: ["gloo", `gloo.${ns}`, `gloo.${ns}.svc`, `gloo.${ns}.svc.cluster.local`],
        serverAuth: true,
        clientAuth: true,
        ...xds.certificate.given,
        // Validity resolved, never left to pki's leaf defaults (90 days), which the chart's certgen
        // would replace at once (see GLOO_CERTGEN_RENEW_BEFORE_HOURS).
        validityHours: xds.certificate.validityHours,
        earlyRenewalHours: xds.certificate.earlyRenewalHours,
    };
}

/** A Gloo Upstream with Istio mTLS through the SDS sidecar. */
export interface GlooUpstreamManifest {
    /** `gloo.solo.io/v1`. */
    apiVersion: string;
    /** `Upstream`. */
    kind: string;
    /** Name and namespace. */
    metadata: { name: string; namespace: string };
    /** The Kubernetes service and the SDS `sslConfig`. */
    spec: { kube: { serviceName: string; serviceNamespace: string; servicePort: number }; sslConfig: typeof ISTIO_UPSTREAM_SSL_CONFIG };
}

/** The Upstream object of one planned upstream, in the Gloo namespace. */
export function glooUpstream(plan: GlooMtlsPlan, u: GlooUpstreamPlan): GlooUpstreamManifest {
    return {
        apiVersion: "gloo.solo.io/v1",
        kind: "Upstream",
        metadata: { name: u.name, namespace: plan.namespace },
        spec: { kube: { serviceName: u.serviceName, serviceNamespace: u.serviceNamespace, servicePort: u.port }, sslConfig: ISTIO_UPSTREAM_SSL_CONFIG },
    };
}
