// The `authentication.istio.io/v1alpha1` API (MeshPolicy, Policy) was deprecated in Istio 1.5 and
// removed in 1.6. Old runbooks still use it; this turns those documents into MtlsPolicyArgs and says
// what could not be carried over (removedApis.ts refuses them wherever a current policy is expected).
import * as YAML from "yaml";
import { ServicePortSpec, servicePortToTargetPort } from "../posture";
import type * as pulumi from "@pulumi/pulumi";
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
    args: pulumi.Unwrap<MtlsPolicyArgs>;
}

/** Options of {@link convertLegacyIstioPolicy}. */
export interface LegacyConversionOptions {
    /**
     * The `spec.ports` of the Services the old Policies target, keyed by `"<namespace>/<service>"` or by
     * the bare service name (the namespaced key wins). v1alpha1 target ports are Service ports, while
     * PeerAuthentication `portLevelMtls` keys are workload (container) ports, so a target port is
     * converted only through its Service's `targetPort`; without an entry it is not converted (see
     * `notes`).
     * @default {} (no port-level entry is converted)
     */
    servicePorts?: Record<string, readonly ServicePortSpec[]>;
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
 * The `portLevelMtls` entries of one target: each Service port translated to the workload port it reaches
 * (servicePortToTargetPort), one entry per workload port; the rest explained in `notes`.
 */
function workloadPorts(
    requested: ReadonlyArray<{ number?: number; name?: string }>,
    namespace: string,
    service: string,
    mode: MtlsMode,
    // Partial: either key may be absent.
    servicePorts: Partial<Record<string, readonly ServicePortSpec[]>>,
    source: string,
    notes: string[],
): pulumi.Unwrap<PortMtls>[] {
    const key = `${namespace}/${service}`;
    const mapping = servicePorts[key] ?? servicePorts[service];
    const ports: pulumi.Unwrap<PortMtls>[] = [];
    for (const selector of requested) {
        const servicePort = typeof selector.number === "number" ? selector.number : selector.name;
        if (servicePort === undefined) {
            notes.push(`${source}: target "${service}" has a port with neither number nor name; dropped.`);
            continue;
        }
        const shown = typeof servicePort === "number" ? `Service port ${servicePort}` : `Service port "${servicePort}"`;
        if (mapping === undefined) {
            notes.push(
                `${source}: target "${service}" ${shown} not converted: v1alpha1 target ports are Service ports, PeerAuthentication portLevelMtls keys are workload (target) ports, ` +
                    `and options.servicePorts has no "${key}" or "${service}" entry to map it.`,
            );
            continue;
        }
        const resolved = servicePortToTargetPort(mapping, servicePort);
        if (resolved.kind === "absent") {
            notes.push(`${source}: target "${service}" ${shown} not converted: options.servicePorts for "${service}" has no such port (got ports ${JSON.stringify(mapping.map((p) => p.name ?? p.port))}).`);
        } else if (resolved.kind === "named") {
            notes.push(
                `${source}: target "${service}" ${shown} not converted: its targetPort is the named container port "${resolved.name}", whose number is in the pod spec; give the number as targetPort.`,
            );
        } else if (!ports.some((p) => p.port === resolved.port)) {
            ports.push({ port: resolved.port, mode });
            if (resolved.port !== selector.number) {
                notes.push(`${source}: target "${service}" ${shown} became workload port ${resolved.port} (the Service's targetPort).`);
            }
        }
    }
    return ports;
}

/**
 * Converts `authentication.istio.io/v1alpha1` MeshPolicy and Policy documents (YAML, several allowed)
 * into MtlsPolicyArgs. ISTIO_MUTUAL DestinationRules in the same text become the client side of the
 * namespace policy they match. Everything not carried over is explained in `notes`.
 *
 * Port-level entries: a v1alpha1 target port is a Service port, a PeerAuthentication `portLevelMtls` key
 * a workload port. Each target port is translated through `options.servicePorts` (the Service's
 * `port -> targetPort`); a port without a mapping, missing from the Service, or reaching a named
 * targetPort (its number is in the pod spec) gets no port-level entry, and `notes` names it. A target
 * whose ports all failed gets no policy at all rather than a wider one.
 */
export function convertLegacyIstioPolicy(yamlText: string, options: LegacyConversionOptions = {}): LegacyConversion {
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
            const requested = target.ports ?? [];
            const ports = workloadPorts(requested, namespace, service, mode, options.servicePorts ?? {}, source, notes);
            if (requested.length > 0 && ports.length === 0) {
                // A workload-wide policy would widen the old port-scoped one; an UNSET one would do nothing.
                notes.push(
                    `${source}: target "${service}" listed only Service ports and none could be mapped to a workload port, so no policy was emitted for it; ` +
                        `pass options.servicePorts["${namespace}/${service}"] (the Service's spec.ports) to convert them.`,
                );
                continue;
            }
            notes.push(
                `${source}: target "${service}" became selector app=${service}; PeerAuthentication selects pods by label, so check it against the Service's selector.`,
            );
            const args: pulumi.Unwrap<MtlsPolicyArgs> = { namespace, name: service, selector: { app: service }, mode: ports.length > 0 ? MtlsMode.UNSET : mode };
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
