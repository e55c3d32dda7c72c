// Rule: the protocol Istio gives a Kubernetes Service port, and the inbound listener protocol (the
// filter chains of sdk/posture/rules/inboundFilterChain.ts) it leads to.
//
// Encodes istio/istio at tag 1.30.3 (commit 56df41f6):
// - pilot/pkg/serviceregistry/kube/conversion.go `convertPort`: every Service port's protocol is
//   `kube.ConvertProtocol(port.Port, port.Name, port.Protocol, port.AppProtocol)`.
// - pkg/config/kube/conversion.go `ConvertProtocol`:
//   1. a port with Kubernetes `protocol: UDP` is UDP, whatever its name;
//   2. when `appProtocol` is set it REPLACES the name (no fall back to the name when it does not parse);
//      the Kubernetes names `kubernetes.io/h2c` (HTTP2), `kubernetes.io/ws` (HTTP), `kubernetes.io/wss`
//      (HTTPS) are read from `appProtocol` only;
//   3. a `grpc-web` prefix (compared case-insensitively, no separator needed: `grpc-webx` is GRPC-Web);
//   4. otherwise the part before the first `-` (the whole value when it has none) goes to `protocol.Parse`;
//   5. an unsupported result on the well-known ports 25, 53, 3306, 27017 is TCP (no sniffing there).
// - pkg/config/protocol/instance.go `Parse`: case-insensitive (`strings.ToLower`) exact names `tcp`,
//   `udp`, `grpc`, `grpc-web`, `http`, `http_proxy`, `http2`, `https`, `tls`, `mongo`, `redis`, `mysql`;
//   anything else is `UnsupportedProtocol` (its `"DoubleHBONE"` case compares a lower-cased string with
//   a mixed-case literal, so it never matches: unsupported too).
// - pilot/pkg/networking/networking.go `ModelProtocolToListenerProtocol`: HTTP, HTTP2, HTTP_PROXY, GRPC,
//   GRPC-Web -> HTTP listener; TCP, HTTPS, TLS, Mongo, Redis, MySQL -> TCP; UnsupportedProtocol -> auto
//   (sniffing); UDP -> Unknown, which pilot/pkg/networking/core/filterchain_options.go
//   `getFilterChainMatchOptions` serves with the TCP chains (its `default` branch).
// - tools/istio-iptables/pkg/capture/run.go: inbound capture rules are all `-p tcp`, so a Kubernetes port
//   with `protocol: UDP` or `SCTP` never reaches the sidecar (`undefined` below). A TCP port whose name
//   parses to UDP (`udp-...`) does get TCP inbound chains, but pilot/pkg/networking/core/cluster.go skips
//   UDP ports (`port.Protocol == protocol.UDP { continue }`): clients have no outbound cluster for it.
// Example: kyverno-authz v0.4.0's validation webhook Service port is named `webhook` (no appProtocol):
// unsupported, so `auto`.
// Not modelled: Sidecar `ingress` listeners (their own `protocol`), a DestinationRule or
// `networking.istio.io/exportTo` on the Service, ambient mode.
// Pure: no Pulumi, no I/O.
import type { InboundPortProtocol } from "./inboundFilterChain";

/** Istio's `protocol.Instance` values a Service port can get (HBONE ones are internal only). */
export type IstioProtocol =
    | "GRPC"
    | "GRPC-Web"
    | "HTTP"
    | "HTTP_PROXY"
    | "HTTP2"
    | "HTTPS"
    | "TCP"
    | "TLS"
    | "UDP"
    | "Mongo"
    | "Redis"
    | "MySQL"
    | "UnsupportedProtocol";

/** One entry of a Kubernetes Service's `spec.ports`, as this rule reads it. */
export interface ServicePortProtocolInput {
    /** `port`: the Service port (the well-known ports 25, 53, 3306, 27017 default to TCP). */
    port: number;
    /** `name`; Istio reads the protocol from its prefix. @default "" */
    name?: string;
    /** `protocol` (Kubernetes L4: TCP, UDP, SCTP). @default "TCP" */
    protocol?: string;
    /** `appProtocol`; when set it replaces the name (even when it does not parse). */
    appProtocol?: string;
}

/** `parsePortProtocol`'s lookup: `protocol.Parse` after `strings.ToLower`. */
const PARSE: Readonly<Record<string, IstioProtocol>> = Object.freeze({
    tcp: "TCP",
    udp: "UDP",
    grpc: "GRPC",
    "grpc-web": "GRPC-Web",
    http: "HTTP",
    http_proxy: "HTTP_PROXY",
    http2: "HTTP2",
    https: "HTTPS",
    tls: "TLS",
    mongo: "Mongo",
    redis: "Redis",
    mysql: "MySQL",
});

/** `wellKnownPorts` of pkg/config/kube/conversion.go: SMTP, DNS, MySQL, MongoDB. */
export const ISTIO_WELL_KNOWN_TCP_PORTS: readonly number[] = Object.freeze([25, 53, 3306, 27017]);

/** Istio's `protocol.Parse`: a case-insensitive exact name, else `UnsupportedProtocol`. */
export function parseIstioProtocol(s: string): IstioProtocol {
    return PARSE[s.toLowerCase()] ?? "UnsupportedProtocol";
}

/** Istio's `ConvertProtocol`: the protocol of a Kubernetes Service port (see the file's comment). */
export function convertServicePortProtocol(p: ServicePortProtocolInput): IstioProtocol {
    if (p.protocol === "UDP") {
        return "UDP";
    }
    let name = p.name ?? "";
    if (p.appProtocol !== undefined) {
        name = p.appProtocol;
        // Exact, case-sensitive comparisons in upstream's switch.
        switch (name) {
            case "kubernetes.io/h2c":
                return "HTTP2";
            case "kubernetes.io/ws":
                return "HTTP";
            case "kubernetes.io/wss":
                return "HTTPS";
        }
    }
    const grpcWeb = "grpc-web";
    if (name.length >= grpcWeb.length && name.slice(0, grpcWeb.length).toLowerCase() === grpcWeb) {
        return "GRPC-Web";
    }
    const dash = name.indexOf("-");
    const parsed = parseIstioProtocol(dash >= 0 ? name.slice(0, dash) : name);
    if (parsed === "UnsupportedProtocol" && ISTIO_WELL_KNOWN_TCP_PORTS.includes(p.port)) {
        return "TCP";
    }
    return parsed;
}

/**
 * `ModelProtocolToListenerProtocol` followed by `getFilterChainMatchOptions`: the inbound chains an Istio
 * protocol gets (`UDP` maps to Unknown, which gets the TCP chains).
 */
export function listenerProtocolOf(protocol: IstioProtocol): InboundPortProtocol {
    switch (protocol) {
        case "HTTP":
        case "HTTP2":
        case "HTTP_PROXY":
        case "GRPC":
        case "GRPC-Web":
            return "http";
        case "UnsupportedProtocol":
            return "auto";
        case "TCP":
        case "HTTPS":
        case "TLS":
        case "Mongo":
        case "Redis":
        case "MySQL":
        case "UDP":
            return "tcp";
    }
}

/**
 * The inbound listener protocol Istio 1.30.3 uses for a Kubernetes Service port (`http`, `tcp`, `auto`),
 * or undefined when the port's Kubernetes `protocol` is not TCP (UDP, SCTP): the sidecar captures TCP only.
 */
export function servicePortProtocol(p: ServicePortProtocolInput): InboundPortProtocol | undefined {
    if (p.protocol !== undefined && p.protocol !== "TCP") {
        return undefined;
    }
    return listenerProtocolOf(convertServicePortProtocol(p));
}

/**
 * Whether Istio builds outbound clusters for the port (every protocol but UDP, by `protocol` or by name):
 * without one no DestinationRule or auto-mTLS applies to calls to it (where they go instead is not modelled).
 */
export function servicePortHasOutboundCluster(p: ServicePortProtocolInput): boolean {
    return convertServicePortProtocol(p) !== "UDP";
}
