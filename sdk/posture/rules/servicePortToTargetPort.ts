// Rule: which workload (container) port a Kubernetes Service port reaches, as the legacy converter needs
// it to turn `authentication.istio.io/v1alpha1` Service ports into PeerAuthentication `portLevelMtls` keys.
//
// Encodes:
// - kubernetes/api `core/v1/types.go` (ServicePort.TargetPort; the Service API of every release the
//   pinned Istio 1.30.3 supports): "Number or name of the port to access on the pods targeted by the
//   service. ... If this is a string, it will be looked up as a named port in the target Pod's container
//   ports. If this is not specified, the value of the 'port' field is used (an identity map)." A named
//   targetPort is therefore unknown without the pod spec.
// - istio/api 1.5.10 `authentication/v1alpha1/policy.proto` (TargetSelector.ports, PortSelector): the old
//   Policy's target ports are "the port(s) exposed by the service, not workload instance ports" (by
//   number, or by the Service port's name).
// - istio/api 1.30.3 `security/v1beta1/peer_authentication.proto` (port_level_mtls): "The port refers to
//   the port of the workload, not the port of the Kubernetes service."
// Pure: no Pulumi, no I/O.

/** One entry of a Kubernetes Service's `spec.ports`, as the rule reads it. */
export interface ServicePortSpec {
    /** `name` of the Service port (needed to match a v1alpha1 port selector by name). */
    name?: string;
    /** `port`: the port the Service exposes. */
    port: number;
    /**
     * `targetPort`: a number (the container port) or a name (a named container port of the pod).
     * @default the value of `port` (Kubernetes' identity map)
     */
    targetPort?: number | string;
}

/** What a Service port reaches on the workload. */
export type TargetPortResolution =
    /** The workload port number: usable as a PeerAuthentication `portLevelMtls` key. */
    | { kind: "number"; port: number }
    /** A named container port: its number is in the pod spec, unknown here. */
    | { kind: "named"; name: string }
    /** The Service has no such port. */
    | { kind: "absent" };

/**
 * The workload port a Service port (matched by `port` number, or by `name` when `port` is a string, as a
 * v1alpha1 PortSelector can) forwards to: `targetPort` when numeric, `port` itself when `targetPort` is
 * unset, "named" when `targetPort` is a name, "absent" when the Service has no such port.
 */
export function servicePortToTargetPort(servicePorts: readonly ServicePortSpec[], port: number | string): TargetPortResolution {
    const entry = servicePorts.find((p) => (typeof port === "number" ? p.port === port : p.name === port));
    if (!entry) {
        return { kind: "absent" };
    }
    if (entry.targetPort === undefined) {
        return { kind: "number", port: entry.port };
    }
    if (typeof entry.targetPort === "number") {
        return { kind: "number", port: entry.targetPort };
    }
    return { kind: "named", name: entry.targetPort };
}
