// Stack config for the root program: `meshtls:*` keys checked against a JSON schema (ajv), so a typo
// or a wrong type fails with the key named instead of being ignored.
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import * as YAML from "yaml";
import { KyvernoAuthzFlavor } from "../authz/kyvernoAuthz";
import { GlooCertRotation } from "../gloo/glooMtls";
import { HelmMode } from "../internal/helm";
import { MtlsMode } from "../istio/types";
import { KuadrantMtlsMode } from "../kuadrant/kuadrantMtls";
import { KeyAlgorithm, RotationPhase } from "../pki/types";
import { MtlsPlatformArgs } from "./mtlsPlatform";

/** Where the root program sends its Kubernetes objects. */
export enum DeployTarget {
    /** Write every manifest to a directory (`renderYamlToDirectory`); no cluster needed. */
    Render = "render",
    /** Apply to the cluster of the current (or given) kubeconfig context. */
    Cluster = "cluster",
}

/** The root program's settings, parsed from stack config. */
export interface PlatformStackConfig {
    /** `meshtls:target`. @default DeployTarget.Render */
    target: DeployTarget;
    /** `meshtls:renderDirectory`. @default "rendered" */
    renderDirectory: string;
    /** `meshtls:kubeconfigContext`: the context for target cluster. @default the current context */
    kubeconfigContext?: string;
    /** The platform: `meshtls:ca`, `istio`, `kuadrant`, `gloo`, `authz`, `policies`, `helmMode`. */
    platform: MtlsPlatformArgs;
}

type Schema = Record<string, unknown>;

const str: Schema = { type: "string" };
const bool: Schema = { type: "boolean" };
const int: Schema = { type: "integer" };
const port: Schema = { type: "integer", minimum: 1, maximum: 65535 };
const freeObject: Schema = { type: "object" };
/** Raw Helm values: a YAML mapping in the stack file, or YAML text. */
const valuesText: Schema = { type: ["object", "string"] };
const strings: Schema = { type: "array", items: str };
const labels: Schema = { type: "object", additionalProperties: str };
const enumOf = (e: Record<string, string>): Schema => ({ type: "string", enum: Object.values(e) });
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: "object", properties, required, additionalProperties: false });
const namedExpression = obj({ name: str, expression: str }, ["name", "expression"]);

const extensionProvider = obj(
    {
        name: str,
        envoyExtAuthzGrpc: obj({ service: str, port, timeout: str, failOpen: bool, statusOnError: str, includeRequestBodyInCheck: freeObject }, ["service", "port"]),
        envoyExtAuthzHttp: obj(
            {
                service: str,
                port,
                timeout: str,
                pathPrefix: str,
                failOpen: bool,
                statusOnError: str,
                includeRequestHeadersInCheck: strings,
                includeAdditionalHeadersInCheck: labels,
                includeRequestBodyInCheck: freeObject,
                headersToUpstreamOnAllow: strings,
                headersToDownstreamOnDeny: strings,
                headersToDownstreamOnAllow: strings,
            },
            ["service", "port"],
        ),
    },
    ["name"],
);

const mtlsPolicyArgs = obj({
    namespace: str,
    rootNamespace: str,
    name: str,
    selector: labels,
    mode: enumOf(MtlsMode),
    portLevelMtls: { type: "array", items: obj({ port, mode: enumOf(MtlsMode) }, ["port", "mode"]) },
    destinationRule: obj({ hosts: strings, name: str }),
    clusterDomain: str,
});

/** The JSON schema of every `meshtls:*` key (structured values arrive as JSON text). */
export const PLATFORM_CONFIG_SCHEMA: Record<string, Schema> = {
    target: enumOf(DeployTarget),
    renderDirectory: str,
    kubeconfigContext: str,
    helmMode: enumOf(HelmMode),
    ca: obj({
        commonName: str,
        organization: str,
        keyAlgorithm: enumOf(KeyAlgorithm),
        validityHours: int,
        earlyRenewalHours: int,
        intermediate: obj({ commonName: str, validityHours: int, earlyRenewalHours: int }),
        generation: int,
        previousGeneration: int,
        rotationPhase: enumOf(RotationPhase),
    }),
    istio: obj({
        enabled: bool,
        version: str,
        chartRepository: str,
        namespace: str,
        createNamespace: bool,
        revision: str,
        helmMode: enumOf(HelmMode),
        trustDomain: str,
        meshId: str,
        mtlsMode: enumOf(MtlsMode),
        holdApplicationUntilProxyStarts: bool,
        rewriteAppHTTPProbe: bool,
        cni: bool,
        gateway: obj({ name: str, namespace: str, createNamespace: bool }),
        usePlatformCa: bool,
        multiRootTrust: bool,
        extraExtensionProviders: { type: "array", items: extensionProvider },
        values: obj({ base: valuesText, istiod: valuesText, cni: valuesText, gateway: valuesText }),
    }),
    kuadrant: obj({
        enabled: bool,
        namespace: str,
        authorino: bool,
        limitador: bool,
        mode: enumOf(KuadrantMtlsMode),
        kuadrantName: str,
        authorinoDeployment: str,
        limitadorDeployment: str,
        gateways: { type: "array", items: obj({ name: str, namespace: str }, ["name", "namespace"]) },
        removeSidecars: bool,
    }),
    gloo: obj({
        version: str,
        chartRepository: str,
        namespace: str,
        createNamespace: bool,
        releaseName: str,
        install: bool,
        helmMode: enumOf(HelmMode),
        xds: bool,
        xdsRotation: enumOf(GlooCertRotation),
        xdsCertificate: obj({ keyAlgorithm: enumOf(KeyAlgorithm), validityHours: int, earlyRenewalHours: int }),
        cronSchedule: str,
        rotationDuration: str,
        istioIntegration: bool,
        istioUpstreams: { type: "array", items: obj({ serviceName: str, serviceNamespace: str, port, name: str }, ["serviceName", "serviceNamespace", "port"]) },
        enableAutoMtls: bool,
        strictUpstreamNamespaces: bool,
        values: valuesText,
    }),
    authz: obj({
        flavor: enumOf(KyvernoAuthzFlavor),
        namespace: str,
        serviceName: str,
        providerName: str,
        timeout: str,
        failOpen: bool,
        createNamespace: bool,
        version: str,
        chartRepository: str,
        helmMode: enumOf(HelmMode),
        webhookCertManagerIssuer: obj({ name: str, kind: str, group: str }, ["name", "kind"]),
        installPolicyCrd: bool,
        policyApiVersion: str,
        image: str,
        policies: {
            type: "array",
            items: obj(
                {
                    name: str,
                    yaml: str,
                    spec: obj(
                        {
                            failurePolicy: str,
                            matchConditions: { type: "array", items: namedExpression },
                            variables: { type: "array", items: namedExpression },
                            validations: { type: "array", items: obj({ expression: str, message: str }, ["expression"]) },
                        },
                        ["validations"],
                    ),
                },
                ["name"],
            ),
        },
        targets: {
            type: "array",
            items: obj(
                {
                    namespace: str,
                    name: str,
                    selector: labels,
                    targetRefs: { type: "array", items: obj({ kind: str, name: str, group: str }, ["kind", "name"]) },
                    paths: strings,
                    hosts: strings,
                    methods: strings,
                },
                ["namespace"],
            ),
        },
        appMtls: { type: "array", items: obj({ namespace: str, permissivePorts: { type: "array", items: obj({ app: str, port }, ["app", "port"]) } }, ["namespace"]) },
    }),
    policies: { type: "array", items: obj({ name: str, args: mtlsPolicyArgs }, ["name", "args"]) },
};

const SCALAR_KEYS = new Set(["target", "renderDirectory", "kubeconfigContext", "helmMode"]);

// verbose: errors carry the offending data and schema, for messages that show the value and the accepted keys.
// Compiled on first use, not at import: programs that never read stack config should not pay for it.
let validateAll: ValidateFunction | undefined;
function configValidator(): ValidateFunction {
    validateAll ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(obj(PLATFORM_CONFIG_SCHEMA));
    return validateAll;
}

function describeError(namespace: string, e: ErrorObject): string {
    const segments = e.instancePath.split("/").filter(Boolean);
    const key = `${namespace}:${segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : `${i > 0 ? "." : ""}${s}`)).join("")}`;
    switch (e.keyword) {
        case "additionalProperties": {
            const extra = (e.params as { additionalProperty: string }).additionalProperty;
            const parent = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
            const where = segments.length === 0 ? `${namespace}:${extra}` : `${key}.${extra}`;
            return `${where}: unknown key; accepted: ${Object.keys(parent).join(", ")}`;
        }
        case "enum":
            return `${key}: got ${JSON.stringify(e.data)}; expected one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((x) => JSON.stringify(x)).join(", ")}`;
        case "type":
            return `${key}: got ${JSON.stringify(e.data)}; expected ${(e.params as { type: string }).type}`;
        case "required":
            return `${key}: missing required key ${(e.params as { missingProperty: string }).missingProperty}`;
        default:
            return `${key}: got ${JSON.stringify(e.data)}; ${e.message ?? "invalid"}`;
    }
}

/**
 * Parses and checks the `meshtls:*` stack config (as `pulumi.runtime.allConfig()` returns it: fully
 * qualified keys, structured values as JSON text). Every problem is reported at once, each naming
 * its key. Render target: every chart becomes a helm.v4.Chart (a Release cannot be rendered), and
 * what only a live cluster can do is refused.
 */
export function readPlatformConfig(all: Record<string, string>, namespace = "meshtls"): PlatformStackConfig {
    const raw: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const [fullKey, text] of Object.entries(all)) {
        if (!fullKey.startsWith(`${namespace}:`)) {
            continue;
        }
        const key = fullKey.slice(namespace.length + 1);
        if (SCALAR_KEYS.has(key) || !(key in PLATFORM_CONFIG_SCHEMA)) {
            raw[key] = text;
            continue;
        }
        try {
            raw[key] = JSON.parse(text) as unknown;
        } catch {
            problems.push(`${fullKey}: got ${JSON.stringify(text)}; expected structured config (a YAML object or list in the stack file)`);
        }
    }
    const validate = configValidator();
    if (!validate(raw)) {
        problems.push(...(validate.errors ?? []).map((e) => describeError(namespace, e)));
    }
    // Structured values in the stack file become the YAML text the components take.
    const asText = (v: unknown) => (v === undefined || typeof v === "string" ? v : YAML.stringify(v));
    const istio = raw.istio as (Record<string, unknown> & { values?: Record<string, unknown> }) | undefined;
    if (istio?.values) {
        istio.values = Object.fromEntries(Object.entries(istio.values).map(([k, v]) => [k, asText(v)]));
    }
    const gloo = raw.gloo as Record<string, unknown> | undefined;
    if (gloo?.values !== undefined) {
        gloo.values = asText(gloo.values);
    }
    const target = (raw.target as DeployTarget | undefined) ?? DeployTarget.Render;
    const platform: MtlsPlatformArgs = {
        ca: raw.ca as MtlsPlatformArgs["ca"],
        istio: raw.istio as MtlsPlatformArgs["istio"],
        kuadrant: raw.kuadrant as MtlsPlatformArgs["kuadrant"],
        gloo: raw.gloo as MtlsPlatformArgs["gloo"],
        authz: raw.authz as MtlsPlatformArgs["authz"],
        policies: raw.policies as MtlsPlatformArgs["policies"],
        helmMode: raw.helmMode as HelmMode | undefined,
    };
    if (target === DeployTarget.Render) {
        const releases: Array<[string, HelmMode | undefined]> = [
            [`${namespace}:helmMode`, platform.helmMode],
            [`${namespace}:istio.helmMode`, platform.istio?.helmMode],
            [`${namespace}:gloo.helmMode`, platform.gloo?.helmMode],
            [`${namespace}:authz.helmMode`, platform.authz?.helmMode],
        ];
        for (const [key, mode] of releases) {
            if (mode === HelmMode.Release) {
                problems.push(`${key}: got "Release"; with ${namespace}:target render every chart is rendered with helm.v4.Chart (a helm.v3.Release cannot be rendered); remove it or set target cluster`);
            }
        }
        if (platform.kuadrant?.mode === KuadrantMtlsMode.Manual) {
            problems.push(`${namespace}:kuadrant.mode: got "Manual"; Manual mode reads the operator's live EnvoyFilters, which needs a cluster; use mode Operator, or set ${namespace}:target cluster`);
        }
        if (platform.gloo && (platform.gloo.xdsRotation === GlooCertRotation.CronJob) && platform.gloo.install !== false) {
            problems.push(`${namespace}:gloo.xdsRotation: got "CronJob"; the chart's first certificate comes from a Helm hook, which rendering drops; use Pulumi rotation, or set ${namespace}:target cluster`);
        }
        platform.helmMode = HelmMode.Chart;
    } else if (raw.renderDirectory !== undefined) {
        problems.push(`${namespace}:renderDirectory: got ${JSON.stringify(raw.renderDirectory)}; it only applies with ${namespace}:target render`);
    }
    if (target === DeployTarget.Render && raw.kubeconfigContext !== undefined) {
        problems.push(`${namespace}:kubeconfigContext: got ${JSON.stringify(raw.kubeconfigContext)}; it only applies with ${namespace}:target cluster`);
    }
    if (problems.length > 0) {
        throw new Error(`invalid stack config:\n  - ${problems.join("\n  - ")}`);
    }
    return {
        target,
        renderDirectory: (raw.renderDirectory as string | undefined) ?? "rendered",
        kubeconfigContext: raw.kubeconfigContext as string | undefined,
        platform,
    };
}
