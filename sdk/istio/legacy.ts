// The `authentication.istio.io/v1alpha1` API (MeshPolicy, Policy) was deprecated in Istio 1.5 and
// removed in 1.6. Old runbooks still use it; this turns those documents into MtlsPolicyArgs and says
// what could not be carried over (removedApis.ts refuses them wherever a current policy is expected).
import * as YAML from "yaml";
import type { MtlsPolicyArgs, PortMtls } from "./mtlsPolicyPlan";
import { LegacyDoc } from "./removedApis";
import { MtlsMode } from "./types";

/** One converted policy. */
export interface ConvertedPolicy {
    /** Where it came from, e.g. `Policy namespace-name/default`. */
    source: string;
    /** A suggested component name. */
    name: string;
    /** Arguments for `new MtlsPolicy(name, args)`. */
    args: MtlsPolicyArgs;
}

/** The result of converting legacy documents. */
export interface LegacyConversion {
    /** The policies, in document order (duplicates dropped). */
    policies: ConvertedPolicy[];
    /** What was dropped, assumed or left alone, one sentence each. */
    notes: string[];
}

function peerMode(doc: LegacyDoc, source: string, notes: string[]): MtlsMode {
    const spec = doc.spec ?? {};
    const mtls = (spec.peers ?? []).find((p) => "mtls" in p);
    if (spec.origins !== undefined || spec.principalBinding !== undefined) {
        notes.push(`${source}: origins/principalBinding (end-user JWT) dropped; use RequestAuthentication with an AuthorizationPolicy.`);
    }
    if ((spec.peers ?? []).some((p) => "jwt" in p)) {
        notes.push(`${source}: peer jwt dropped; use RequestAuthentication.`);
    }
    if (!mtls) {
        notes.push(`${source}: no peer mtls, so the old policy did not require mTLS; converted to DISABLE. Prefer PERMISSIVE or STRICT.`);
        return MtlsMode.DISABLE;
    }
    if (mtls.mtls?.mode === "PERMISSIVE" || spec.peerIsOptional === true) {
        return MtlsMode.PERMISSIVE;
    }
    return MtlsMode.STRICT;
}

/**
 * Converts `authentication.istio.io/v1alpha1` MeshPolicy and Policy documents (YAML, several allowed)
 * into MtlsPolicyArgs. ISTIO_MUTUAL DestinationRules in the same text become the client side of the
 * namespace policy they match. Everything not carried over is explained in `notes`.
 */
export function convertLegacyIstioPolicy(yamlText: string): LegacyConversion {
    const policies: ConvertedPolicy[] = [];
    const notes: string[] = [];
    const rules: Array<{ namespace: string; host: string; source: string }> = [];
    let meshSource: string | undefined;

    for (const document of YAML.parseAllDocuments(yamlText)) {
        if (document.errors.length > 0) {
            throw new Error(`convertLegacyIstioPolicy: invalid YAML: ${document.errors[0].message}`);
        }
        const doc = document.toJS() as LegacyDoc | null;
        if (!doc || typeof doc !== "object") {
            continue;
        }
        const name = doc.metadata?.name ?? "default";
        const group = (doc.apiVersion ?? "").split("/")[0];
        const source = `${doc.kind ?? "?"} ${doc.metadata?.namespace ? `${doc.metadata.namespace}/` : ""}${name}`;

        if (group === "networking.istio.io" && doc.kind === "DestinationRule") {
            if (doc.spec?.trafficPolicy?.tls?.mode === "ISTIO_MUTUAL" && doc.spec.host) {
                rules.push({ namespace: doc.metadata?.namespace ?? "default", host: doc.spec.host, source });
            } else {
                notes.push(`${source}: not ISTIO_MUTUAL; left alone (DestinationRule is a current API).`);
            }
            continue;
        }
        if (group === "rbac.istio.io") {
            notes.push(`${source}: rbac.istio.io was removed in Istio 1.6 and is not converted; rewrite it as a security.istio.io/v1 AuthorizationPolicy.`);
            continue;
        }
        if (group !== "authentication.istio.io" || (doc.kind !== "MeshPolicy" && doc.kind !== "Policy")) {
            notes.push(`${source}: not a legacy authentication policy; skipped.`);
            continue;
        }

        const mode = peerMode(doc, source, notes);
        if (doc.kind === "MeshPolicy") {
            if (name !== "default") {
                notes.push(`${source}: only the MeshPolicy named "default" took effect; converted anyway as the mesh-wide policy.`);
            }
            if (meshSource !== undefined) {
                notes.push(`${source}: a second mesh-wide policy (the first was ${meshSource}); Istio honours only one, so it was dropped.`);
                continue;
            }
            meshSource = source;
            policies.push({ source, name: "mesh-mtls", args: { mode } });
            continue;
        }

        const namespace = doc.metadata?.namespace ?? "default";
        if (doc.metadata?.namespace === undefined) {
            notes.push(`${source}: no namespace; assumed "default".`);
        }
        const targets = doc.spec?.targets ?? [];
        if (targets.length === 0) {
            policies.push({ source, name: `${namespace}-mtls`, args: { namespace, mode } });
            continue;
        }
        for (const target of targets) {
            const service = target.name ?? "unnamed";
            notes.push(
                `${source}: target "${service}" became selector app=${service}; PeerAuthentication selects pods by label, so check it against the Service's selector.`,
            );
            const ports: PortMtls[] = [];
            for (const port of target.ports ?? []) {
                if (typeof port.number === "number") {
                    ports.push({ port: port.number, mode });
                } else {
                    notes.push(`${source}: target port "${port.name ?? "?"}" is named; PeerAuthentication needs the workload port number, so it was dropped.`);
                }
            }
            const args: MtlsPolicyArgs = { namespace, name: service, selector: { app: service }, mode: ports.length > 0 ? MtlsMode.UNSET : mode };
            if (ports.length > 0) {
                args.portLevelMtls = ports;
                notes.push(`${source}: target "${service}" listed ports, so only those ports get ${mode}; the rest inherit (UNSET).`);
            }
            policies.push({ source, name: `${namespace}-${service}-mtls`, args });
        }
    }

    for (const rule of rules) {
        // The namespace-wide policy of the rule's namespace, else the workload policy whose app label is
        // the host's service name.
        const service = rule.host.split(".")[0];
        const owner =
            policies.find((p) => p.args.namespace === rule.namespace && p.args.selector === undefined) ??
            policies.find((p) => p.args.namespace === rule.namespace && p.args.selector?.app === service);
        if (owner) {
            const hosts = [...(owner.args.destinationRule?.hosts ?? []), rule.host];
            owner.args.destinationRule = { hosts };
        } else {
            notes.push(`${rule.source}: no policy in ${rule.namespace} to attach it to; left alone (DestinationRule is a current API).`);
        }
    }
    return { policies, notes };
}
