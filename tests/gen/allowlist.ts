// The intended differences between the component interfaces (MtlsPlatformArgs, as the analyzer sees
// it) and the `meshtls:*` stack config. The generator applies exactly these and fails on an entry
// that no longer matches anything, so this list stays the whole truth.
import { DeployTarget } from "../../sdk";

/** A JSON schema node. */
export type JsonSchema = Record<string, unknown>;

/** A key only the stack config has: the root program's own settings, not MtlsPlatform's. */
export interface StackOnlyKey {
    /** Top-level key (after `meshtls:`). */
    key: string;
    /** Its JSON schema. */
    schema: JsonSchema;
    /** Why it is there. */
    reason: string;
}

/** A difference at one config path (`gloo.values`, `authz.webhookIssuer`). */
export interface PathDifference {
    /** Dotted path below `meshtls:`. */
    path: string;
    /** Why. */
    reason: string;
}

/** How a TypeScript `number` field is checked in the stack config. */
export enum NumberKind {
    /** A whole number. */
    Integer = "integer",
    /** A TCP/UDP port: a whole number from 1 to 65535. */
    Port = "port",
}

/** The root program's keys, listed first in the schema (and in "accepted:" error messages). */
export const STACK_ONLY: StackOnlyKey[] = [
    { key: "target", schema: { type: "string", enum: Object.values(DeployTarget) }, reason: "where the root program sends its objects (render to a directory or apply to a cluster); not a platform setting" },
    { key: "renderDirectory", schema: { type: "string" }, reason: "the render target's directory; the root program's provider setting" },
    { key: "kubeconfigContext", schema: { type: "string" }, reason: "the cluster target's kubeconfig context; the root program's provider setting" },
    {
        key: "fleetCaStack",
        schema: { type: "object", properties: { stack: { type: "string" }, cluster: { type: "string" } }, required: ["stack", "cluster"], additionalProperties: false },
        reason: "a cluster stack of the stack-per-cluster layout: the root program reads the fleet CA stack's `material` output through a StackReference and passes it as `fleetIssuer`",
    },
    { key: "skipRotationGuard", schema: { type: "boolean" }, reason: "skips the CA rotation guard knowingly (the root program feeds `ca.previousRotationState` from the stack's own outputs unless this is true)" },
];

/** Component fields the stack config does not take. */
export const OMITTED: PathDifference[] = [
    { path: "authz.webhookIssuer", reason: "the platform CA issues the webhook certificate; private keys do not belong in stack config (`webhookCertManagerIssuer` is accepted)" },
    { path: "ca.previousRotationState", reason: "the root program reads it from the stack's own `rotationState` output (README, rotation runbook); `skipRotationGuard` turns the check off" },
    { path: "authz.meshExtensionProviders", reason: "the platform passes the mesh's own providers (its integrations' and `istio.extraExtensionProviders`)" },
    { path: "fleetIssuer", reason: "its `material` is another stack's output: the root program reads it from the stack `fleetCaStack` names" },
    { path: "kuadrant.dataPlaneMode", reason: "the platform passes its mesh's `istio.dataPlaneMode`" },
    { path: "authz.dataPlaneMode", reason: "the platform passes its mesh's `istio.dataPlaneMode`" },
];

/**
 * Fields that are YAML text in the component interfaces (a free-form object cannot be described in a
 * package schema) but also accept a YAML mapping in the stack file, which readPlatformConfig turns
 * into the YAML text the component takes.
 */
export const YAML_TEXT: PathDifference[] = [
    { path: "istio.values.base", reason: "raw chart values: written as a YAML mapping in the stack file" },
    { path: "istio.values.istiod", reason: "raw chart values: written as a YAML mapping in the stack file" },
    { path: "istio.values.cni", reason: "raw chart values: written as a YAML mapping in the stack file" },
    { path: "istio.values.gateway", reason: "raw chart values: written as a YAML mapping in the stack file" },
    { path: "istio.values.ztunnel", reason: "raw chart values: written as a YAML mapping in the stack file" },
    { path: "gloo.values", reason: "raw chart values: written as a YAML mapping in the stack file" },
    { path: "kgateway.values", reason: "raw chart values: written as a YAML mapping in the stack file" },
];

/**
 * TypeScript has one `number` type; the stack config checks whole numbers. Every `number` field
 * reachable from MtlsPlatformArgs is listed here by `Interface.field` (the generator fails on an
 * unlisted one), so a new number field needs a decision.
 */
export const NUMBERS: Record<string, NumberKind> = {
    "PlatformCaArgs.validityHours": NumberKind.Integer,
    "PlatformCaArgs.earlyRenewalHours": NumberKind.Integer,
    "PlatformCaArgs.generation": NumberKind.Integer,
    "PlatformCaArgs.previousGeneration": NumberKind.Integer,
    "IntermediateCaArgs.validityHours": NumberKind.Integer,
    "ExternalRootArgs.generation": NumberKind.Integer,
    "SignedIntermediateArgs.generation": NumberKind.Integer,
    "IntermediateCaArgs.earlyRenewalHours": NumberKind.Integer,
    "GlooXdsCertificateArgs.validityHours": NumberKind.Integer,
    "GlooXdsCertificateArgs.earlyRenewalHours": NumberKind.Integer,
    "ExtAuthzRequestBody.maxRequestBytes": NumberKind.Integer,
    "EnvoyExtAuthzGrpcProvider.port": NumberKind.Port,
    "EnvoyExtAuthzHttpProvider.port": NumberKind.Port,
    "PortMtls.port": NumberKind.Port,
    "GlooIstioUpstreamArgs.port": NumberKind.Port,
    "KgatewayBackendArgs.port": NumberKind.Port,
    "KgatewayGatewayArgs.port": NumberKind.Port,
    "AppPort.port": NumberKind.Port,
};
