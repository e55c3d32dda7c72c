// The Istio API groups removed in 1.6 (`authentication.istio.io/v1alpha1`, `rbac.istio.io`), and the
// check that refuses their documents where current arguments are expected. Shared by MtlsPolicy's plan
// and the converter (legacy.ts), so neither imports the other.
import { ArgsError } from "../internal/validation";

/** A document of a removed API, as far as the check and the converter read it. */
export interface LegacyDoc {
    apiVersion?: string;
    kind?: string;
    metadata?: { name?: string; namespace?: string };
    spec?: {
        peers?: Array<{ mtls?: { mode?: string } | null; jwt?: unknown }>;
        peerIsOptional?: boolean;
        origins?: unknown[];
        principalBinding?: string;
        targets?: Array<{ name?: string; ports?: Array<{ number?: number; name?: string }> }>;
        host?: string;
        trafficPolicy?: { tls?: { mode?: string } };
    };
}

/** Removed API group -> what replaces it. */
export const LEGACY_GROUPS: Record<string, string> = {
    "authentication.istio.io": "security.istio.io/v1 PeerAuthentication (mTLS) and RequestAuthentication + AuthorizationPolicy (JWT)",
    "rbac.istio.io": "security.istio.io/v1 AuthorizationPolicy",
};

/** The replacement for a removed Istio API group, or undefined when the group is current. */
export function legacyReplacement(apiVersion: unknown): string | undefined {
    if (typeof apiVersion !== "string") {
        return undefined;
    }
    return LEGACY_GROUPS[apiVersion.split("/")[0]];
}

/**
 * Throws when a removed-API document is passed where MtlsPolicyArgs are expected (callers in
 * JavaScript or YAML can pass anything).
 */
export function rejectLegacyPolicy(type: string, name: string, args: unknown): void {
    if (!args || typeof args !== "object") {
        return;
    }
    const doc = args as LegacyDoc;
    const replacement = legacyReplacement(doc.apiVersion);
    const looksLegacy = replacement !== undefined || doc.kind === "MeshPolicy" || (doc.spec !== undefined && "peers" in doc.spec);
    if (!looksLegacy) {
        return;
    }
    throw new ArgsError(type, name, [
        {
            field: "apiVersion",
            value: doc.apiVersion,
            shown: `${doc.apiVersion === undefined ? "nothing" : JSON.stringify(doc.apiVersion)} (a ${doc.kind ?? "Policy"} document)`,
            accepted:
                `that API was removed in Istio 1.6. Use ${replacement ?? LEGACY_GROUPS["authentication.istio.io"]}: ` +
                `pass MtlsPolicyArgs ({ namespace, selector, mode, portLevelMtls }), or convert the YAML with convertLegacyIstioPolicy(yamlText).`,
        },
    ]);
}
