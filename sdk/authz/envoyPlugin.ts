// The seed's kyverno-envoy-plugin (flavor EnvoyPlugin): a Deployment and a Service that load
// kyverno-json policy files from a ConfigMap.
import type * as pulumi from "@pulumi/pulumi";
import * as crypto from "node:crypto";
import { podInjectionLabels } from "../istio";
import { ArgsValidator } from "../internal/validation";
import { DEFAULT_ENVOY_PLUGIN_IMAGE, ENVOY_PLUGIN_HTTP_PORT } from "./defaults";
import { envoyPluginPolicyFiles, KyvernoPolicyPlan } from "./policies";
import type { KyvernoProviderPlan } from "./provider";
import { KyvernoKubernetesObject, KyvernoAuthzArgs } from "./types";

/** The resolved plugin deployment. */
export interface EnvoyPluginPlan {
    /** Name of the Deployment, its container and the Service (the provider's service name). */
    name: string;
    /** Namespace. */
    namespace: string;
    /** Container image. */
    image: string;
    /** HTTP port (container and Service). */
    httpPort: number;
    /** gRPC port (container and Service): the extension provider's port. */
    grpcPort: number;
    /** The ConfigMap holding the policy files. */
    configMapName: string;
    /** Pod labels, also the Service selector. */
    labels: Record<string, string>;
    /**
     * Further pod template labels (not in the selectors, which cannot change): the mesh's pod injection
     * labels, so the plugin is injected whatever its namespace's labels (sdk/posture/rules/sidecarInjection.ts).
     */
    podLabels: Record<string, string>;
}

/** The plugin's objects. */
export interface EnvoyPluginObjects {
    /** The policy files, one key per file. */
    configMap: KyvernoKubernetesObject;
    /** The plugin, rolled by a content hash of the files when they change. */
    deployment: KyvernoKubernetesObject;
    /** The plugin's Service (gRPC for Envoy, HTTP). */
    service: KyvernoKubernetesObject;
}

/** Arguments that only the chart flavor takes. */
const CHART_ONLY = ["version", "chartRepository", "helmMode", "webhookIssuer", "webhookCertManagerIssuer", "installPolicyCrd", "policyApiVersion"] as const;

/**
 * Records the EnvoyPlugin-only problems and resolves the deployment.
 * @param revision the Istio revision whose injector the plugin pods select ("" = the default one)
 * @param ambient the mesh is ambient: the pods get no sidecar labels
 */
export function planEnvoyPlugin(v: ArgsValidator, args: pulumi.Unwrap<KyvernoAuthzArgs>, provider: KyvernoProviderPlan, revision: string, ambient = false): EnvoyPluginPlan {
    for (const field of CHART_ONLY) {
        v.check(args[field] === undefined, field, field === "webhookIssuer" ? "<IssuerMaterial>" : args[field], `${field} only applies to flavor AuthzServer (the kyverno-authz-server chart)`);
    }
    if (args.image !== undefined) {
        v.check(/^[a-z0-9./:_@-]+$/i.test(args.image) && !args.image.includes(" "), "image", args.image, "expected an image reference such as ghcr.io/org/image:tag");
    }
    return {
        name: provider.serviceName,
        namespace: provider.namespace,
        image: args.image ?? DEFAULT_ENVOY_PLUGIN_IMAGE,
        httpPort: ENVOY_PLUGIN_HTTP_PORT,
        grpcPort: provider.port,
        configMapName: `${provider.serviceName}-policies`,
        labels: { app: provider.serviceName },
        podLabels: ambient ? {} : podInjectionLabels(revision, true),
    };
}

/** The plugin's ConfigMap, Deployment and Service for these policies. */
export function envoyPluginObjects(plugin: EnvoyPluginPlan, policies: KyvernoPolicyPlan[]): EnvoyPluginObjects {
    const data = envoyPluginPolicyFiles(policies);
    const labels = plugin.labels;
    // The plugin reads its policy files at start: a content hash in the pod template rolls it on change.
    const digest = crypto.createHash("sha256").update(JSON.stringify(data)).digest("hex");
    const configMap: KyvernoKubernetesObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: plugin.configMapName, namespace: plugin.namespace }, data };
    const deployment: KyvernoKubernetesObject = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: plugin.name, namespace: plugin.namespace, labels },
        spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
                metadata: { labels: { ...labels, ...plugin.podLabels }, annotations: { "meshtls.io/policies-sha256": digest } },
                spec: {
                    containers: [
                        {
                            name: plugin.name,
                            image: plugin.image,
                            imagePullPolicy: "IfNotPresent",
                            args: ["serve", ...Object.keys(data).map((f) => `--policy=/policies/${f}`)],
                            ports: [
                                { name: "http", containerPort: plugin.httpPort },
                                { name: "grpc", containerPort: plugin.grpcPort },
                            ],
                            volumeMounts: [{ name: "policy-files", mountPath: "/policies", readOnly: true }],
                        },
                    ],
                    volumes: [{ name: "policy-files", configMap: { name: plugin.configMapName } }],
                },
            },
        },
    };
    const service: KyvernoKubernetesObject = {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: plugin.name, namespace: plugin.namespace, labels },
        spec: {
            selector: labels,
            ports: [
                { name: "http", port: plugin.httpPort, targetPort: plugin.httpPort },
                { name: "grpc", port: plugin.grpcPort, targetPort: plugin.grpcPort },
            ],
        },
    };
    return { configMap, deployment, service };
}
