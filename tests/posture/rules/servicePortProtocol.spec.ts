// The rule "the protocol Istio 1.30.3 gives a Kubernetes Service port" (pkg/config/kube/conversion.go
// ConvertProtocol, pkg/config/protocol/instance.go Parse, pilot/pkg/networking/networking.go
// ModelProtocolToListenerProtocol), case by case.
import { strict as assert } from "node:assert";
import {
    ISTIO_WELL_KNOWN_TCP_PORTS,
    IstioProtocol,
    InboundPortProtocol,
    ServicePortProtocolInput,
    convertServicePortProtocol,
    listenerProtocolOf,
    parseIstioProtocol,
    servicePortHasOutboundCluster,
    servicePortProtocol,
} from "../../../sdk/posture/rules";

describe("posture rule: Service port protocol (Istio 1.30.3 ConvertProtocol)", () => {
    it("Parse: exact names, case-insensitive; anything else is unsupported", () => {
        const cases: Array<[string, IstioProtocol]> = [
            ["http", "HTTP"],
            ["HTTP", "HTTP"],
            ["Http2", "HTTP2"],
            ["grpc", "GRPC"],
            ["grpc-web", "GRPC-Web"],
            ["http_proxy", "HTTP_PROXY"],
            ["https", "HTTPS"],
            ["tls", "TLS"],
            ["tcp", "TCP"],
            ["udp", "UDP"],
            ["mongo", "Mongo"],
            ["REDIS", "Redis"],
            ["mysql", "MySQL"],
            ["", "UnsupportedProtocol"],
            ["web", "UnsupportedProtocol"],
            ["httpx", "UnsupportedProtocol"],
            ["h2c", "UnsupportedProtocol"],
            // The lower-cased input never equals upstream's mixed-case "DoubleHBONE" case.
            ["DoubleHBONE", "UnsupportedProtocol"],
        ];
        assert.equal(cases.length, 18);
        for (const [s, want] of cases) {
            assert.equal(parseIstioProtocol(s), want, s);
        }
    });

    // [port, listener protocol, Istio protocol]
    const cases: Array<[ServicePortProtocolInput, InboundPortProtocol | undefined, IstioProtocol]> = [
        // Name prefix before the first "-", or the whole name.
        [{ port: 8080, name: "http" }, "http", "HTTP"],
        [{ port: 8080, name: "http-web" }, "http", "HTTP"],
        [{ port: 8080, name: "HTTP-web" }, "http", "HTTP"],
        [{ port: 8080, name: "http2-x" }, "http", "HTTP2"],
        [{ port: 50051, name: "grpc" }, "http", "GRPC"],
        [{ port: 50051, name: "grpc-authz" }, "http", "GRPC"],
        [{ port: 8080, name: "grpc-web" }, "http", "GRPC-Web"],
        // The grpc-web check is a prefix with no separator.
        [{ port: 8080, name: "GRPC-WEBsite" }, "http", "GRPC-Web"],
        [{ port: 8443, name: "https-admin" }, "tcp", "HTTPS"],
        [{ port: 8443, name: "tls-x" }, "tcp", "TLS"],
        [{ port: 9000, name: "tcp-data" }, "tcp", "TCP"],
        [{ port: 6379, name: "redis" }, "tcp", "Redis"],
        [{ port: 27018, name: "mongo-1" }, "tcp", "Mongo"],
        // Not a prefix Istio knows: sniffed.
        [{ port: 8080, name: "web" }, "auto", "UnsupportedProtocol"],
        [{ port: 8080, name: "httpweb" }, "auto", "UnsupportedProtocol"],
        [{ port: 8080, name: "web-http" }, "auto", "UnsupportedProtocol"],
        [{ port: 8080 }, "auto", "UnsupportedProtocol"],
        [{ port: 9443, name: "webhook" }, "auto", "UnsupportedProtocol"],
        // The well-known ports default to TCP when the name says nothing.
        [{ port: 3306 }, "tcp", "TCP"],
        [{ port: 53, name: "dns" }, "tcp", "TCP"],
        [{ port: 25, name: "smtp" }, "tcp", "TCP"],
        [{ port: 27017, name: "db" }, "tcp", "TCP"],
        [{ port: 3306, name: "http" }, "http", "HTTP"],
        // appProtocol replaces the name, with no fall back to it.
        [{ port: 8080, name: "tcp-x", appProtocol: "http" }, "http", "HTTP"],
        [{ port: 8080, name: "http", appProtocol: "custom" }, "auto", "UnsupportedProtocol"],
        [{ port: 8080, name: "http", appProtocol: "" }, "auto", "UnsupportedProtocol"],
        [{ port: 8080, name: "http", appProtocol: "grpc-web" }, "http", "GRPC-Web"],
        [{ port: 8080, name: "tcp", appProtocol: "kubernetes.io/h2c" }, "http", "HTTP2"],
        [{ port: 8080, appProtocol: "kubernetes.io/ws" }, "http", "HTTP"],
        [{ port: 8443, appProtocol: "kubernetes.io/wss" }, "tcp", "HTTPS"],
        // The Kubernetes names are exact: another spelling is parsed like any value.
        [{ port: 8080, appProtocol: "Kubernetes.io/h2c" }, "auto", "UnsupportedProtocol"],
        [{ port: 3306, name: "http", appProtocol: "custom" }, "tcp", "TCP"],
        // A TCP port named udp-...: UDP in Istio's model, served with the TCP chains.
        [{ port: 5000, name: "udp-x" }, "tcp", "UDP"],
        [{ port: 5000, name: "udp-x", protocol: "TCP" }, "tcp", "UDP"],
        // Kubernetes protocol UDP (or SCTP): not captured by the sidecar.
        [{ port: 53, name: "http", protocol: "UDP" }, undefined, "UDP"],
        [{ port: 9999, name: "http", protocol: "SCTP" }, undefined, "HTTP"],
    ];

    it("gives every case's Istio protocol and listener protocol", () => {
        assert.equal(cases.length, 36);
        for (const [input, listener, istio] of cases) {
            const label = JSON.stringify(input);
            assert.equal(convertServicePortProtocol(input), istio, label);
            assert.equal(servicePortProtocol(input), listener, label);
        }
    });

    it("maps every Istio protocol to a listener protocol (UDP gets the TCP chains)", () => {
        const all: Array<[IstioProtocol, InboundPortProtocol]> = [
            ["GRPC", "http"],
            ["GRPC-Web", "http"],
            ["HTTP", "http"],
            ["HTTP_PROXY", "http"],
            ["HTTP2", "http"],
            ["HTTPS", "tcp"],
            ["TCP", "tcp"],
            ["TLS", "tcp"],
            ["UDP", "tcp"],
            ["Mongo", "tcp"],
            ["Redis", "tcp"],
            ["MySQL", "tcp"],
            ["UnsupportedProtocol", "auto"],
        ];
        assert.equal(all.length, 13);
        for (const [p, l] of all) {
            assert.equal(listenerProtocolOf(p), l, p);
        }
    });

    it("builds no outbound cluster for UDP ports, by protocol or by name", () => {
        assert.deepEqual(ISTIO_WELL_KNOWN_TCP_PORTS, [25, 53, 3306, 27017]);
        assert.equal(servicePortHasOutboundCluster({ port: 53, protocol: "UDP", name: "dns" }), false);
        assert.equal(servicePortHasOutboundCluster({ port: 5000, name: "udp-stream" }), false);
        assert.equal(servicePortHasOutboundCluster({ port: 5000, name: "tcp-stream" }), true);
        assert.equal(servicePortHasOutboundCluster({ port: 8080 }), true);
    });
});
