// The mesh extension provider of a kyverno authorizer: resolved once from the arguments, so
// IstioMesh, MtlsPlatform and the component's AuthorizationPolicies all name the same provider.
import type * as pulumi from "@pulumi/pulumi";
import { ArgsValidator } from "../internal/validation";
import type { ExtensionProvider } from "../istio";
import { DEFAULT_KYVERNO_FLAVOR, DEFAULT_KYVERNO_NAMESPACE, KYVERNO_CLUSTER_DOMAIN, KYVERNO_FLAVOR_DEFAULTS } from "./defaults";
import { KyvernoAuthzFlavor, KyvernoExtensionProviderArgs } from "./types";

/** The resolved extension provider: every default applied. */
export interface KyvernoProviderPlan {
    /** Which authorizer. */
    flavor: KyvernoAuthzFlavor;
    /** Namespace of the authorizer. */
    namespace: string;
    /** Service name of the authorizer. */
    serviceName: string;
    /** Extension provider name (what AuthorizationPolicies refer to). */
    providerName: string;
    /** Fully qualified service host, `<serviceName>.<namespace>.svc.<cluster domain>`. */
    service: string;
    /** gRPC port of the service. */
    port: number;
    /** The `meshConfig.extensionProviders[]` entry for IstioMesh (with `timeout` and `failOpen` when set). */
    extensionProvider: pulumi.Unwrap<ExtensionProvider>;
}

/** Records the provider arguments' problems. */
export function validateKyvernoProviderArgs(v: ArgsValidator, args: pulumi.Unwrap<KyvernoExtensionProviderArgs>): void {
    v.enumValue("flavor", args.flavor, KyvernoAuthzFlavor);
    v.dnsLabel("namespace", args.namespace);
    v.dnsLabel("serviceName", args.serviceName);
    if (args.providerName !== undefined) {
        v.nonEmpty("providerName", args.providerName, 253);
    }
    v.protobufDuration("timeout", args.timeout);
}

/**
 * Applies the defaults to provider arguments (the one place they are resolved). Does not validate:
 * callers validate first with `validateKyvernoProviderArgs`.
 */
export function resolveKyvernoProvider(args: pulumi.Unwrap<KyvernoExtensionProviderArgs>): KyvernoProviderPlan {
    const flavor = args.flavor ?? DEFAULT_KYVERNO_FLAVOR;
    // An unknown flavor is reported by validation; the server's names keep resolution total meanwhile.
    const defaults = flavor === KyvernoAuthzFlavor.EnvoyPlugin ? KYVERNO_FLAVOR_DEFAULTS[KyvernoAuthzFlavor.EnvoyPlugin] : KYVERNO_FLAVOR_DEFAULTS[KyvernoAuthzFlavor.AuthzServer];
    const namespace = args.namespace ?? DEFAULT_KYVERNO_NAMESPACE;
    const serviceName = args.serviceName ?? defaults.serviceName;
    const providerName = args.providerName ?? defaults.providerName;
    const service = `${serviceName}.${namespace}.svc.${KYVERNO_CLUSTER_DOMAIN}`;
    const port = defaults.grpcPort;
    const grpc: NonNullable<pulumi.Unwrap<ExtensionProvider>["envoyExtAuthzGrpc"]> = { service, port };
    if (args.timeout !== undefined) {
        grpc.timeout = args.timeout;
    }
    if (args.failOpen !== undefined) {
        grpc.failOpen = args.failOpen;
    }
    return { flavor, namespace, serviceName, providerName, service, port, extensionProvider: { name: providerName, envoyExtAuthzGrpc: grpc } };
}

/**
 * The mesh extension provider for a kyverno authorizer: pass it to `IstioMesh({ extensionProviders })`.
 * KyvernoAuthz resolves its provider the same way, so its AuthorizationPolicies name the provider
 * IstioMesh registered. Plain data, known before anything is created.
 */
export function kyvernoExtensionProvider(args: pulumi.Unwrap<KyvernoExtensionProviderArgs> = {}): pulumi.Unwrap<ExtensionProvider> {
    const v = new ArgsValidator("kyvernoExtensionProvider", args.serviceName ?? "default");
    validateKyvernoProviderArgs(v, args);
    v.throwIfInvalid();
    return resolveKyvernoProvider(args).extensionProvider;
}

/** Records a problem when the mesh's extension providers do not register `provider` with its service and port. */
export function checkMeshRegistration(v: ArgsValidator, provider: KyvernoProviderPlan, meshExtensionProviders: pulumi.Unwrap<ExtensionProvider>[] | undefined): void {
    if (meshExtensionProviders === undefined) {
        return;
    }
    const registered = meshExtensionProviders.find((p) => p.name === provider.providerName);
    const howTo = `register it: new IstioMesh(..., { extensionProviders: [kyvernoExtensionProvider({ ${provider.flavor === KyvernoAuthzFlavor.EnvoyPlugin ? "flavor: KyvernoAuthzFlavor.EnvoyPlugin, " : ""}namespace: "${provider.namespace}" }), ...] }) with the same arguments as this component`;
    if (!registered) {
        v.fail(
            "meshExtensionProviders",
            meshExtensionProviders.map((p) => p.name),
            `the mesh has no extension provider named "${provider.providerName}", so AuthorizationPolicies naming it would deny or be ignored; ${howTo}`,
        );
    } else if (registered.envoyExtAuthzGrpc?.service !== provider.service || registered.envoyExtAuthzGrpc.port !== provider.port) {
        v.fail("meshExtensionProviders", registered, `provider "${provider.providerName}" is registered for another service; expected envoyExtAuthzGrpc ${provider.service}:${provider.port}; ${howTo}`);
    }
}
