import * as crypto from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { compact, HelmMode, installChart, retainCrdsTransform } from "../internal/helm";
import { childOptions } from "../internal/options";
import { ArgsValidator, isDnsName } from "../internal/validation";
import { MtlsPolicy } from "../istio/mtlsPolicy";
import { sortKeys } from "../internal/values";
import { AUTHORIZATION_POLICY_API } from "../istio/resources";
import { ExtensionProvider, MtlsMode } from "../istio/types";
import { Certificate } from "../pki/certificate";
import { IssuerMaterial, publicIssuer } from "../pki/types";

const TYPE = "meshtls:index:KyvernoAuthz";

/** The kyverno-authz-server chart installed by default. */
export const DEFAULT_KYVERNO_AUTHZ_VERSION = "0.4.0";
/** The kyverno-authz chart repository. */
export const KYVERNO_AUTHZ_CHART_REPO = "https://kyverno.github.io/kyverno-authz";
/** The image of the seed's kyverno-envoy-plugin deployment (json policies loaded with `serve --policy`). */
export const DEFAULT_ENVOY_PLUGIN_IMAGE = "sanskardevops/plugin:0.0.29";

/** Which authorizer runs. */
export enum KyvernoAuthzFlavor {
    /** The kyverno-authz-server chart: gRPC 9081, policies as `policies.kyverno.io` ValidatingPolicy (evaluation.mode Envoy). */
    AuthzServer = "AuthzServer",
    /** The seed's kyverno-envoy-plugin: a Deployment + Service, gRPC 9000 and HTTP 8000, json policies from a ConfigMap. */
    EnvoyPlugin = "EnvoyPlugin",
}

/** How the authorizer is reached from the mesh; the same arguments give the same provider everywhere. */
export interface KyvernoExtensionProviderArgs {
    /**
     * Which authorizer.
     * @default KyvernoAuthzFlavor.AuthzServer
     */
    flavor?: KyvernoAuthzFlavor;
    /**
     * Namespace of the authorizer.
     * @default "kyverno"
     */
    namespace?: string;
    /**
     * Service name of the authorizer.
     * @default "kyverno-authz-server" (AuthzServer), "ext-authz" (EnvoyPlugin)
     */
    serviceName?: string;
    /**
     * Extension provider name (what AuthorizationPolicies refer to).
     * @default "kyverno-authz-server" (AuthzServer), "kyverno-ext-authz-grpc" (EnvoyPlugin)
     */
    providerName?: string;
    /** Per-check timeout, a protobuf duration such as `0.5s`. */
    timeout?: string;
    /**
     * Allow requests when the authorizer cannot be reached.
     * @default false (deny)
     */
    failOpen?: boolean;
}

/** A named CEL expression (`matchConditions`, `variables`). */
export interface NamedExpression {
    /** Name. */
    name: string;
    /** CEL expression over the Envoy CheckRequest (`object.attributes.request.http...`). */
    expression: string;
}

/** One validation of a ValidatingPolicy. */
export interface PolicyValidation {
    /** CEL expression returning `envoy.Allowed().Response()`, `envoy.Denied(403).Response()` or null (no decision). */
    expression: string;
    /** Message for a failure. */
    message?: string;
}

/** The spec of a `policies.kyverno.io` ValidatingPolicy for the authz server; `evaluation.mode: Envoy` is added. */
export interface ValidatingPolicySpec {
    /**
     * What happens when evaluation fails.
     * @default "Fail"
     */
    failurePolicy?: string;
    /** Conditions a check request must meet for the policy to apply. */
    matchConditions?: NamedExpression[];
    /** Named expressions the validations can use as `variables.<name>`. */
    variables?: NamedExpression[];
    /** The decisions, evaluated in order until one returns a response. */
    validations: PolicyValidation[];
}

/** A policy for the authorizer. Set exactly one of `yaml` and `spec`. */
export interface KyvernoPolicy {
    /** Policy name: `metadata.name` (AuthzServer) or the file `<name>.yaml` (EnvoyPlugin). */
    name: string;
    /** A whole policy document as YAML text (either flavor). */
    yaml?: string;
    /** The ValidatingPolicy spec as typed data (AuthzServer; apiVersion, kind and metadata are filled in). */
    spec?: ValidatingPolicySpec;
}

/** A Gateway or Service an AuthorizationPolicy attaches to (`targetRefs[]`). */
export interface PolicyTargetRef {
    /** Kind, e.g. `Gateway` or `Service`. */
    kind: string;
    /** Name. */
    name: string;
    /**
     * API group.
     * @default "gateway.networking.k8s.io" for Gateway, "" (core) otherwise
     */
    group?: string;
}

/** An app label and a port that stays PERMISSIVE. */
export interface AppPort {
    /** Value of the pods' `app` label. */
    app: string;
    /** Workload port. */
    port: number;
}

/** A cert-manager issuer for the chart's webhook certificate. */
export interface CertManagerIssuerRef {
    /** Issuer name. */
    name: string;
    /** `Issuer` or `ClusterIssuer`. */
    kind: string;
    /**
     * API group.
     * @default "cert-manager.io"
     */
    group?: string;
}

/** Where requests go through the authorizer: one AuthorizationPolicy with `action: CUSTOM`. */
export interface KyvernoAuthzTarget {
    /** Namespace of the workloads. */
    namespace: string;
    /**
     * AuthorizationPolicy name.
     * @default the provider name
     */
    name?: string;
    /** Workloads (`selector.matchLabels`); at most one of selector and targetRefs. Neither: the whole namespace. */
    selector?: { [key: string]: string };
    /** Gateways or Services the policy attaches to (`targetRefs`); at most one of selector and targetRefs. */
    targetRefs?: PolicyTargetRef[];
    /** Only requests to these paths (exact, `prefix*` or `*suffix`). */
    paths?: string[];
    /** Only requests to these hosts. */
    hosts?: string[];
    /** Only these HTTP methods. */
    methods?: string[];
}

/** An application namespace made STRICT, with plain-text exceptions for named app ports (the seed's layout). */
export interface KyvernoAppMtls {
    /** Namespace of the applications; gets PeerAuthentication `mtls-<namespace>` STRICT. */
    namespace: string;
    /** `app` label + port pairs that stay PERMISSIVE (PeerAuthentication `mtls-<app>`, STRICT elsewhere). */
    permissivePorts?: AppPort[];
}

/** Arguments of a KyvernoAuthz. */
export interface KyvernoAuthzArgs extends KyvernoExtensionProviderArgs {
    /**
     * Create the authorizer namespace, labelled `istio-injection: enabled` (its traffic is mTLS).
     * @default true
     */
    createNamespace?: boolean;
    /**
     * kyverno-authz-server chart version (AuthzServer).
     * @default "0.4.0"
     */
    version?: string;
    /**
     * Chart repository (AuthzServer).
     * @default "https://kyverno.github.io/kyverno-authz"
     */
    chartRepository?: string;
    /**
     * How the chart is installed (AuthzServer). With `webhookIssuer` the certificate is chart values,
     * unknown until it is issued, so a helm.v4.Chart renders at the first `up`, not at its preview.
     * @default HelmMode.Release
     */
    helmMode?: HelmMode;
    /** Issues the chart's validation-webhook certificate (AuthzServer; one of this and `webhookCertManagerIssuer`). */
    webhookIssuer?: pulumi.Input<IssuerMaterial>;
    /** A cert-manager issuer for the webhook certificate instead (AuthzServer). */
    webhookCertManagerIssuer?: CertManagerIssuerRef;
    /**
     * Install the ValidatingPolicy CRD (it is not in the chart) from the kyverno-authz release manifest
     * pinned to `version`. Leave off when Kyverno (which ships it) is installed.
     * @default false
     */
    installPolicyCrd?: boolean;
    /**
     * API version of emitted ValidatingPolicies (AuthzServer).
     * @default "policies.kyverno.io/v1alpha1" (the version kyverno-authz 0.4.0 serves)
     */
    policyApiVersion?: string;
    /**
     * Plugin image (EnvoyPlugin).
     * @default "sanskardevops/plugin:0.0.29" (the seed's)
     */
    image?: string;
    /** Policies the authorizer evaluates. */
    policies?: KyvernoPolicy[];
    /** Where requests are sent to the authorizer. */
    targets?: KyvernoAuthzTarget[];
    /** Application namespaces: STRICT with port-level PERMISSIVE exceptions. */
    appMtls?: KyvernoAppMtls[];
    /**
     * The mesh's extension providers (what IstioMesh was given). When set, the component checks its
     * provider is registered there, with the same service and port.
     */
    meshExtensionProviders?: ExtensionProvider[];
}

interface Resolved {
    flavor: KyvernoAuthzFlavor;
    namespace: string;
    serviceName: string;
    providerName: string;
    port: number;
}

function resolveProvider(args: KyvernoExtensionProviderArgs): Resolved {
    const flavor = args.flavor ?? KyvernoAuthzFlavor.AuthzServer;
    const plugin = flavor === KyvernoAuthzFlavor.EnvoyPlugin;
    return {
        flavor,
        namespace: args.namespace ?? "kyverno",
        serviceName: args.serviceName ?? (plugin ? "ext-authz" : "kyverno-authz-server"),
        providerName: args.providerName ?? (plugin ? "kyverno-ext-authz-grpc" : "kyverno-authz-server"),
        port: plugin ? 9000 : 9081,
    };
}

function validateProviderArgs(v: ArgsValidator, args: KyvernoExtensionProviderArgs): void {
    v.enumValue("flavor", args.flavor, KyvernoAuthzFlavor);
    v.dnsLabel("namespace", args.namespace);
    v.dnsLabel("serviceName", args.serviceName);
    if (args.providerName !== undefined) {
        v.nonEmpty("providerName", args.providerName, 253);
    }
    v.protobufDuration("timeout", args.timeout);
}

/**
 * The mesh extension provider for a kyverno authorizer: pass it to `IstioMesh({ extensionProviders })`.
 * KyvernoAuthz uses the same function, so its AuthorizationPolicies name the provider IstioMesh
 * registered. Plain data, known before anything is created.
 */
export function kyvernoExtensionProvider(args: KyvernoExtensionProviderArgs = {}): ExtensionProvider {
    const v = new ArgsValidator("kyvernoExtensionProvider", args.serviceName ?? "default");
    validateProviderArgs(v, args);
    v.throwIfInvalid();
    const r = resolveProvider(args);
    const grpc: ExtensionProvider["envoyExtAuthzGrpc"] = { service: `${r.serviceName}.${r.namespace}.svc.cluster.local`, port: r.port };
    if (args.timeout !== undefined) {
        grpc.timeout = args.timeout;
    }
    if (args.failOpen !== undefined) {
        grpc.failOpen = args.failOpen;
    }
    return { name: r.providerName, envoyExtAuthzGrpc: grpc };
}

/** The removed policy kinds of the authorizer's history, and what replaces them. */
const OBSOLETE_POLICY_APIS: Record<string, string> = {
    "envoy.kyverno.io": "envoy.kyverno.io AuthorizationPolicy (kyverno-envoy-plugin 0.2-0.3) is obsolete",
    "authz.kyverno.io": "authz.kyverno.io (kyverno-envoy-plugin 0.4.0-beta.1) is obsolete",
};

interface PolicyDoc {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown };
    spec?: { evaluation?: { mode?: unknown } } & Record<string, unknown>;
}

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
    /** End of validity of the webhook certificate ("" unless issued from `webhookIssuer`). */
    public readonly webhookNotAfter!: pulumi.Output<string>;
    /** Serial number of the webhook certificate ("" unless issued from `webhookIssuer`). */
    public readonly webhookSerialNumber!: pulumi.Output<string>;

    constructor(name: string, args: KyvernoAuthzArgs, opts?: pulumi.ComponentResourceOptions) {
        const docs = validateKyvernoArgs(name, args);
        const webhookIssuer = args.webhookIssuer;
        super(TYPE, name, { ...args, webhookIssuer: webhookIssuer === undefined ? undefined : publicIssuer(webhookIssuer) }, opts);

        const r = resolveProvider(args);
        const provider = kyvernoExtensionProvider(args);
        const before: pulumi.Resource[] = [];
        if (args.createNamespace ?? true) {
            before.push(new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: r.namespace, labels: { "istio-injection": "enabled" } } }, childOptions(this, opts)));
        }

        const server: pulumi.Resource[] = [];
        let webhookCert: Certificate | undefined;
        if (r.flavor === KyvernoAuthzFlavor.AuthzServer) {
            const installed = this.authzServer(name, args, r, docs, before, opts);
            server.push(installed.chart);
            webhookCert = installed.webhookCert;
        } else {
            server.push(...this.envoyPlugin(name, args, r, docs, before, opts));
        }

        // The authorizer's namespace only takes mTLS; the chart's webhook port takes the API server's TLS.
        new MtlsPolicy(`${name}-namespace-mtls`, { namespace: r.namespace, mode: MtlsMode.STRICT }, childOptions(this, opts, before));
        if (r.flavor === KyvernoAuthzFlavor.AuthzServer) {
            new MtlsPolicy(
                `${name}-webhook-mtls`,
                {
                    namespace: r.namespace,
                    name: `${r.serviceName}-validation`,
                    selector: { "app.kubernetes.io/component": "validation-webhook" },
                    mode: MtlsMode.STRICT,
                    portLevelMtls: [{ port: 9443, mode: MtlsMode.PERMISSIVE }],
                },
                childOptions(this, opts, before),
            );
        }

        for (const app of args.appMtls ?? []) {
            new MtlsPolicy(`${name}-${app.namespace}-mtls`, { namespace: app.namespace, name: `mtls-${app.namespace}`, mode: MtlsMode.STRICT }, childOptions(this, opts));
            const byApp = new Map<string, number[]>();
            for (const p of app.permissivePorts ?? []) {
                byApp.set(p.app, [...(byApp.get(p.app) ?? []), p.port]);
            }
            for (const [appName, ports] of [...byApp.entries()].sort(([a], [b]) => a.localeCompare(b))) {
                new MtlsPolicy(
                    `${name}-${app.namespace}-${appName}-mtls`,
                    { namespace: app.namespace, name: `mtls-${appName}`, selector: { app: appName }, mode: MtlsMode.STRICT, portLevelMtls: ports.map((port) => ({ port, mode: MtlsMode.PERMISSIVE })) },
                    childOptions(this, opts),
                );
            }
        }

        const apNames: string[] = [];
        for (const t of args.targets ?? []) {
            const apName = t.name ?? r.providerName;
            apNames.push(`${t.namespace}/${apName}`);
            const operation: Record<string, string[]> = {};
            if (t.paths?.length) {
                operation.paths = t.paths;
            }
            if (t.hosts?.length) {
                operation.hosts = t.hosts;
            }
            if (t.methods?.length) {
                operation.methods = t.methods;
            }
            const spec: Record<string, unknown> = {};
            if (t.selector) {
                spec.selector = { matchLabels: sortKeys(t.selector) };
            }
            if (t.targetRefs) {
                spec.targetRefs = t.targetRefs.map((ref) => ({ group: ref.group ?? (ref.kind === "Gateway" ? "gateway.networking.k8s.io" : ""), kind: ref.kind, name: ref.name }));
            }
            spec.action = "CUSTOM";
            spec.provider = { name: provider.name };
            spec.rules = Object.keys(operation).length > 0 ? [{ to: [{ operation }] }] : [{}];
            new k8s.apiextensions.CustomResource(
                `${name}-authz-${t.namespace}-${apName}`,
                { apiVersion: AUTHORIZATION_POLICY_API, kind: "AuthorizationPolicy", metadata: { name: apName, namespace: t.namespace }, spec },
                // Requests are sent to the authorizer only once it is serving (failOpen is false by default).
                childOptions(this, opts, server),
            );
        }

        this.extensionProvider = pulumi.output(provider);
        this.policyNames = pulumi.output((args.policies ?? []).map((p) => p.name));
        this.authorizationPolicies = pulumi.output(apNames);
        this.webhookFingerprintSha256 = webhookCert?.fingerprintSha256 ?? pulumi.output("");
        this.webhookNotAfter = webhookCert?.notAfter ?? pulumi.output("");
        this.webhookSerialNumber = webhookCert?.serialNumber ?? pulumi.output("");
        this.registerOutputs({
            extensionProvider: this.extensionProvider,
            policyNames: this.policyNames,
            authorizationPolicies: this.authorizationPolicies,
            webhookFingerprintSha256: this.webhookFingerprintSha256,
            webhookNotAfter: this.webhookNotAfter,
            webhookSerialNumber: this.webhookSerialNumber,
        });
    }

    private authzServer(
        name: string,
        args: KyvernoAuthzArgs,
        r: Resolved,
        docs: PolicyDoc[],
        before: pulumi.Resource[],
        opts: pulumi.ComponentResourceOptions | undefined,
    ): { chart: pulumi.Resource; webhookCert?: Certificate } {
        const version = args.version ?? DEFAULT_KYVERNO_AUTHZ_VERSION;
        const deps = [...before];
        if (args.installPolicyCrd) {
            deps.push(
                new k8s.yaml.v2.ConfigGroup(
                    `${name}-policy-crd`,
                    { files: [`https://raw.githubusercontent.com/kyverno/kyverno-authz/v${version}/.crds/policies.kyverno.io/policies.kyverno.io_validatingpolicies.yaml`] },
                    // Deleting the CRD would delete every ValidatingPolicy in the cluster.
                    { ...childOptions(this, opts), transforms: [retainCrdsTransform] },
                ),
            );
        }
        const values: Record<string, unknown> = { config: { type: "envoy" } };
        if (r.serviceName !== "kyverno-authz-server") {
            // The chart names its Service (and the webhook, <name>-validation) after nameOverride.
            values.nameOverride = r.serviceName;
        }
        const webhook = `${r.serviceName}-validation`;
        let cert: Certificate | undefined;
        if (args.webhookIssuer !== undefined) {
            cert = new Certificate(
                `${name}-webhook-cert`,
                {
                    issuer: args.webhookIssuer,
                    commonName: `${webhook}.${r.namespace}.svc`,
                    dnsNames: [webhook, `${webhook}.${r.namespace}`, `${webhook}.${r.namespace}.svc`, `${webhook}.${r.namespace}.svc.cluster.local`],
                    serverAuth: true,
                },
                childOptions(this, opts),
            );
            // kyverno-authz-server 0.4.0 takes its webhook certificate only as values
            // (certificates.static.{crt,key}); the chart writes them into a kubernetes.io/tls Secret
            // and the webhook's caBundle. The key stays a secret Output at its leaf.
            values.validatingWebhookConfiguration = { certificates: { static: { crt: cert.chainPem, key: cert.privateKeyPem } } };
        } else if (args.webhookCertManagerIssuer) {
            const ref = args.webhookCertManagerIssuer;
            values.validatingWebhookConfiguration = { certificates: { certManager: { issuerRef: { name: ref.name, kind: ref.kind, group: ref.group ?? "cert-manager.io" } } } };
        }
        const chart = installChart(
            `${name}-server`,
            {
                mode: args.helmMode ?? HelmMode.Release,
                chart: "kyverno-authz-server",
                version,
                repo: args.chartRepository ?? KYVERNO_AUTHZ_CHART_REPO,
                releaseName: r.serviceName,
                namespace: r.namespace,
                values,
            },
            childOptions(this, opts, deps),
        );
        // ValidatingPolicies are cluster-scoped; they go in after the chart's webhook that validates them.
        docs.forEach((doc, i) => {
            const policy = (args.policies ?? [])[i];
            new k8s.apiextensions.CustomResource(`${name}-policy-${policy.name}`, doc as k8s.apiextensions.CustomResourceArgs, childOptions(this, opts, [...deps, chart]));
        });
        return { chart, webhookCert: cert };
    }

    private envoyPlugin(name: string, args: KyvernoAuthzArgs, r: Resolved, docs: PolicyDoc[], before: pulumi.Resource[], opts: pulumi.ComponentResourceOptions | undefined): pulumi.Resource[] {
        const files: Record<string, string> = {};
        (args.policies ?? []).forEach((p, i) => {
            files[`${p.name}.yaml`] = p.yaml ?? YAML.stringify(docs[i]);
        });
        const data = Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]]));
        const configMap = new k8s.core.v1.ConfigMap(`${name}-policies`, { metadata: { name: `${r.serviceName}-policies`, namespace: r.namespace }, data }, childOptions(this, opts, before));
        const labels = { app: r.serviceName };
        // The plugin reads its policy files at start: a content hash in the pod template rolls it on change.
        const digest = crypto.createHash("sha256").update(JSON.stringify(data)).digest("hex");
        const deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: { name: r.serviceName, namespace: r.namespace, labels },
                spec: {
                    replicas: 1,
                    selector: { matchLabels: labels },
                    template: {
                        metadata: { labels, annotations: { "meshtls.io/policies-sha256": digest } },
                        spec: {
                            containers: [
                                {
                                    name: r.serviceName,
                                    image: args.image ?? DEFAULT_ENVOY_PLUGIN_IMAGE,
                                    imagePullPolicy: "IfNotPresent",
                                    args: ["serve", ...Object.keys(data).map((f) => `--policy=/policies/${f}`)],
                                    ports: [
                                        { name: "http", containerPort: 8000 },
                                        { name: "grpc", containerPort: 9000 },
                                    ],
                                    volumeMounts: [{ name: "policy-files", mountPath: "/policies", readOnly: true }],
                                },
                            ],
                            volumes: [{ name: "policy-files", configMap: { name: `${r.serviceName}-policies` } }],
                        },
                    },
                },
            },
            childOptions(this, opts, [...before, configMap]),
        );
        const service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: r.serviceName, namespace: r.namespace, labels },
                spec: {
                    selector: labels,
                    ports: [
                        { name: "http", port: 8000, targetPort: 8000 },
                        { name: "grpc", port: 9000, targetPort: 9000 },
                    ],
                },
            },
            childOptions(this, opts, before),
        );
        return [deployment, service];
    }
}

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

/** Validates everything and returns the policy documents (AuthzServer) or parsed files (EnvoyPlugin). */
function validateKyvernoArgs(name: string, args: KyvernoAuthzArgs): PolicyDoc[] {
    const v = new ArgsValidator(TYPE, name);
    validateProviderArgs(v, args);
    const r = resolveProvider(args);
    const server = r.flavor === KyvernoAuthzFlavor.AuthzServer;
    v.version("version", args.version);
    v.enumValue("helmMode", args.helmMode, HelmMode);
    if (server) {
        v.check(args.image === undefined, "image", args.image, "image only applies to flavor EnvoyPlugin; the chart's image follows its version");
        const certWays = [args.webhookIssuer, args.webhookCertManagerIssuer].filter((x) => x !== undefined).length;
        v.check(
            certWays === 1,
            "webhookIssuer/webhookCertManagerIssuer",
            certWays === 0 ? undefined : "both",
            "the chart's validation webhook needs a certificate: set exactly one of webhookIssuer (an IssuerMaterial, e.g. CertificateAuthority.issuer) and webhookCertManagerIssuer",
        );
        if (args.policyApiVersion !== undefined) {
            v.check(/^policies\.kyverno\.io\/v1(alpha1|beta1)?$/.test(args.policyApiVersion), "policyApiVersion", args.policyApiVersion, "expected policies.kyverno.io/v1alpha1, v1beta1 or v1");
        }
    } else {
        for (const field of ["version", "chartRepository", "helmMode", "webhookIssuer", "webhookCertManagerIssuer", "installPolicyCrd", "policyApiVersion"] as const) {
            v.check(args[field] === undefined, field, field === "webhookIssuer" ? "<IssuerMaterial>" : args[field], `${field} only applies to flavor AuthzServer (the kyverno-authz-server chart)`);
        }
        if (args.image !== undefined) {
            v.check(/^[a-z0-9./:_@-]+$/i.test(args.image) && !args.image.includes(" "), "image", args.image, "expected an image reference such as ghcr.io/org/image:tag");
        }
    }

    const docs: PolicyDoc[] = [];
    const names = new Set<string>();
    (args.policies ?? []).forEach((p, i) => {
        const at = `policies[${i}]`;
        if (v.dnsSubdomain(`${at}.name`, p.name, true)) {
            v.check(!names.has(p.name), `${at}.name`, p.name, "policy names must be unique");
            names.add(p.name);
        }
        if (!v.check((p.yaml === undefined) !== (p.spec === undefined), at, Object.keys(p).filter((k) => k !== "name"), "set exactly one of yaml and spec")) {
            docs.push({});
            return;
        }
        let doc: PolicyDoc;
        if (p.yaml !== undefined) {
            const parsed = v.yaml(`${at}.yaml`, p.yaml);
            if (parsed === undefined) {
                docs.push({});
                return;
            }
            // A scalar or empty document is not a policy; it then fails the apiVersion/kind check below.
            doc = parsed !== null && typeof parsed === "object" ? parsed : {};
        } else if (!server) {
            v.fail(`${at}.spec`, p.spec, "flavor EnvoyPlugin loads kyverno-json files: give the policy as yaml");
            docs.push({});
            return;
        } else {
            if (p.spec?.failurePolicy !== undefined) {
                v.check(["Fail", "Ignore"].includes(p.spec.failurePolicy), `${at}.spec.failurePolicy`, p.spec.failurePolicy, "expected Fail or Ignore");
            }
            v.check(Array.isArray(p.spec?.validations) && p.spec.validations.length > 0, `${at}.spec.validations`, p.spec?.validations, "expected at least one validation");
            doc = { apiVersion: args.policyApiVersion ?? "policies.kyverno.io/v1alpha1", kind: "ValidatingPolicy", metadata: { name: p.name }, spec: compact({ ...p.spec }) };
        }
        const group = typeof doc.apiVersion === "string" ? doc.apiVersion.split("/")[0] : "";
        const expectedGroup = server ? "policies.kyverno.io" : "json.kyverno.io";
        if (group in OBSOLETE_POLICY_APIS) {
            v.fail(`${at}.apiVersion`, doc.apiVersion, `${OBSOLETE_POLICY_APIS[group]}; write a policies.kyverno.io ValidatingPolicy with spec.evaluation.mode: Envoy (flavor AuthzServer)`);
        } else if (group !== expectedGroup || doc.kind !== "ValidatingPolicy") {
            v.fail(
                at,
                `${String(doc.apiVersion)} ${String(doc.kind)}`,
                server
                    ? "flavor AuthzServer loads policies.kyverno.io ValidatingPolicy documents (kyverno-json json.kyverno.io policies are for flavor EnvoyPlugin)"
                    : "flavor EnvoyPlugin loads kyverno-json json.kyverno.io/v1alpha1 ValidatingPolicy files (policies.kyverno.io policies are for flavor AuthzServer)",
            );
        }
        // The object name, for the chart's cluster-scoped ValidatingPolicies; plugin files are named by `name`.
        if (server && doc.metadata?.name !== undefined && doc.metadata.name !== p.name) {
            v.fail(`${at}.yaml metadata.name`, doc.metadata.name, `it must equal the policy name "${p.name}" (or be left out)`);
        }
        if (server) {
            const mode = doc.spec?.evaluation?.mode;
            v.check(mode === undefined || mode === "Envoy", `${at} spec.evaluation.mode`, mode, "the authz server only evaluates policies with evaluation.mode Envoy (Kubernetes is admission control); leave it out or set Envoy");
            doc = { ...doc, metadata: { ...(doc.metadata ?? {}), name: p.name }, spec: { ...(doc.spec ?? {}), evaluation: { ...(doc.spec?.evaluation ?? {}), mode: "Envoy" } } };
        }
        docs.push(doc);
    });

    const apNames = new Set<string>();
    (args.targets ?? []).forEach((t, i) => {
        const at = `targets[${i}]`;
        v.dnsLabel(`${at}.namespace`, t.namespace, true);
        const apName = t.name ?? r.providerName;
        if (v.dnsSubdomain(`${at}.name`, apName)) {
            v.check(!apNames.has(`${t.namespace}/${apName}`), `${at}.name`, apName, "two targets in one namespace need different names");
            apNames.add(`${t.namespace}/${apName}`);
        }
        v.check(!(t.selector && t.targetRefs), at, "selector and targetRefs", "Istio allows only one of selector and targetRefs on an AuthorizationPolicy");
        if (t.selector) {
            v.check(Object.keys(t.selector).length > 0, `${at}.selector`, t.selector, "expected at least one label; omit it for the whole namespace");
            v.labels(`${at}.selector`, t.selector);
        }
        (t.targetRefs ?? []).forEach((ref, j) => {
            v.nonEmpty(`${at}.targetRefs[${j}].kind`, ref.kind, 63, true);
            v.dnsSubdomain(`${at}.targetRefs[${j}].name`, ref.name, true);
        });
        (t.paths ?? []).forEach((p, j) => v.check(p === "*" || p.startsWith("/") || p.startsWith("*"), `${at}.paths[${j}]`, p, "expected a path starting with '/' (or a '*' wildcard)"));
        (t.hosts ?? []).forEach((h, j) => v.check(h === "*" || isDnsName(h.split(":")[0].replace(/^\*\./, "x."), false), `${at}.hosts[${j}]`, h, "expected a host such as testapp-1.demo.svc.cluster.local[:port] (or '*')"));
        (t.methods ?? []).forEach((m, j) => v.check(HTTP_METHODS.includes(m), `${at}.methods[${j}]`, m, `expected one of ${HTTP_METHODS.join(", ")}`));
    });

    (args.appMtls ?? []).forEach((a, i) => {
        v.dnsLabel(`appMtls[${i}].namespace`, a.namespace, true);
        const seen = new Set<string>();
        (a.permissivePorts ?? []).forEach((p, j) => {
            v.labels(`appMtls[${i}].permissivePorts[${j}]`, { app: p.app });
            v.port(`appMtls[${i}].permissivePorts[${j}].port`, p.port, true);
            v.check(!seen.has(`${p.app}:${p.port}`), `appMtls[${i}].permissivePorts[${j}]`, p, "each app/port pair may appear once");
            seen.add(`${p.app}:${p.port}`);
        });
    });

    if (args.meshExtensionProviders !== undefined) {
        const mine = { name: r.providerName, service: `${r.serviceName}.${r.namespace}.svc.cluster.local`, port: r.port };
        const registered = args.meshExtensionProviders.find((p) => p.name === mine.name);
        const howTo = `register it: new IstioMesh(..., { extensionProviders: [kyvernoExtensionProvider({ ${r.flavor === KyvernoAuthzFlavor.EnvoyPlugin ? "flavor: KyvernoAuthzFlavor.EnvoyPlugin, " : ""}namespace: "${r.namespace}" }), ...] }) with the same arguments as this component`;
        if (!registered) {
            v.fail("meshExtensionProviders", args.meshExtensionProviders.map((p) => p.name), `the mesh has no extension provider named "${mine.name}", so AuthorizationPolicies naming it would deny or be ignored; ${howTo}`);
        } else if (registered.envoyExtAuthzGrpc?.service !== mine.service || registered.envoyExtAuthzGrpc.port !== mine.port) {
            v.fail("meshExtensionProviders", registered, `provider "${mine.name}" is registered for another service; expected envoyExtAuthzGrpc ${mine.service}:${mine.port}; ${howTo}`);
        }
    }
    v.throwIfInvalid();
    return docs;
}
