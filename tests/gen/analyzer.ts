// The package schema Pulumi's analyzer infers from the components (what `pulumi package add`
// generates SDKs from): the one source of argument shapes for the stack-config schema and the docs.
// It type-checks the project (several seconds), so it runs here, at generation and test time only,
// once per process.
import * as path from "node:path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import * as sdk from "../../sdk";

/** The repository root. */
export const ROOT = path.join(__dirname, "..", "..");

/** Every public component, in the order the docs list them. */
export const COMPONENTS = [sdk.CertificateAuthority, sdk.FleetCertificateAuthority, sdk.Certificate, sdk.IstioMesh, sdk.MtlsPolicy, sdk.SidecarInjection, sdk.NamespaceEnrollment, sdk.KuadrantMtls, sdk.GlooMtls, sdk.KgatewayMtls, sdk.KyvernoAuthz, sdk.MtlsPlatform];

/** A property in the analyzer's schema. */
export interface SchemaProperty {
    /** Primitive or container type. */
    type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
    /** Reference to a named type (`#/types/meshtls:index:X`) or `pulumi.json#/Any`. */
    $ref?: string;
    /** JSDoc text without tags. */
    description?: string;
    /** Element type of an array. */
    items?: SchemaProperty;
    /** Value type of a map. */
    additionalProperties?: SchemaProperty;
}

/** A named type in the analyzer's schema: an object or an enum. */
export interface SchemaType {
    /** `object` or the enum's primitive type. */
    type: string;
    /** An object's properties, in the analyzer's order. */
    properties?: Record<string, SchemaProperty>;
    /** An object's required properties. */
    required?: string[];
    /** An enum's members. */
    enum?: Array<{ name?: string; value: string | number; description?: string }>;
    /** JSDoc text. */
    description?: string;
}

/** A component in the analyzer's schema. */
export interface SchemaResource {
    /** JSDoc text of the class. */
    description?: string;
    /** Constructor args. */
    inputProperties: Record<string, SchemaProperty>;
    /** Required args. */
    requiredInputs?: string[];
    /** Public outputs. */
    properties: Record<string, SchemaProperty>;
}

/** The package schema. */
export interface PackageSchema {
    /** Package name. */
    name: string;
    /** Components by type token. */
    resources: Record<string, SchemaResource>;
    /** Named types by token. */
    types: Record<string, SchemaType>;
}

/** The type token prefix. */
export const TOKEN = "meshtls:index:";

let schema: Promise<PackageSchema> | undefined;

/** The analyzer's schema of the package, computed once per process. */
export function packageSchema(): Promise<PackageSchema> {
    schema ??= new ComponentProvider({ components: COMPONENTS, name: "meshtls", dirname: ROOT }).getSchema().then((s) => JSON.parse(s) as PackageSchema);
    return schema;
}

/** The name of the type a `#/types/meshtls:index:X` reference points to, or undefined. */
export function refName(ref: string | undefined): string | undefined {
    const prefix = `#/types/${TOKEN}`;
    return ref?.startsWith(prefix) ? ref.slice(prefix.length) : undefined;
}
