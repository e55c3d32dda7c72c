// The rule "kgateway proxy -> mesh backend" (sdk/posture/rules/kgatewayIstio.ts, citing kgateway-dev/kgateway v2.4.3
// api/settings/settings.go, install/helm/kgateway, pkg/deployer, pkg/kgateway/extensions2/plugins/istio/plugin.go,
// pkg/krtcollections/{endpoints,policy}.go, and istio/istio 1.30.3 injection-template.yaml).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import {
    KGATEWAY_ISTIO_PROXY_DEFAULTS,
    KGW_ENV_ENABLE_ISTIO_AUTO_MTLS,
    KGW_ENV_ENABLE_ISTIO_INTEGRATION,
    KgatewayIstioProxyContainerFields,
    KgatewayLinkInput,
    ReferenceGrantView,
    istioDiscoveryAddressProblem,
    istioProxyMetaIdProblem,
    kgatewayBackendRefAllowed,
    kgatewayControllerExtraEnv,
    kgatewayIngressLinkState,
    kgatewayLinkState,
} from "../../../sdk/posture/rules/kgatewayIstio";

const state = (input: KgatewayLinkInput) => kgatewayLinkState(input).state;
// Upstream data: tests/fixtures/kgateway (kgateway v2.4.3 values.yaml and the GatewayParameters CRD) and
// tests/fixtures/gateway-api (v1.6.1 CRDs); tests/fixtures/SOURCES.md.
const FIXTURES = path.resolve(__dirname, "../../fixtures");
function fixtureYaml(rel: string): unknown {
    return YAML.parse(fs.readFileSync(path.join(FIXTURES, rel), "utf8"));
}

describe("rule: kgateway proxy -> mesh backend (kgateway v2.4.3, istio 1.30.3)", () => {
    describe("auto mTLS (KGW_ENABLE_ISTIO_AUTO_MTLS)", () => {
        it("sends Istio mTLS to a sidecar backend, whatever the backend mode", () => {
            for (const backendMode of ["STRICT", "PERMISSIVE"] as const) {
                const out = kgatewayLinkState({ mode: "auto-mtls", backend: "sidecar", backendMode });
                assert.equal(out.state, "mtls", backendMode);
                assert.match(out.reason, /security\.istio\.io\/tlsMode/);
            }
        });

        it("the disable annotation makes it plaintext: refused by STRICT, accepted by PERMISSIVE", () => {
            assert.equal(state({ mode: "auto-mtls", backend: "sidecar", backendMode: "STRICT", backendDisablesAutoMtls: true }), "refused");
            assert.equal(state({ mode: "auto-mtls", backend: "sidecar", backendMode: "PERMISSIVE", backendDisablesAutoMtls: true }), "plaintext");
        });

        it("sends plaintext to an ambient backend (no tlsMode label): STRICT ztunnel refuses it", () => {
            const out = kgatewayLinkState({ mode: "auto-mtls", backend: "ambient", backendMode: "STRICT" });
            assert.equal(out.state, "refused");
            assert.match(out.reason, /15006/);
            assert.equal(state({ mode: "auto-mtls", backend: "ambient", backendMode: "PERMISSIVE" }), "plaintext");
            assert.equal(state({ mode: "auto-mtls", backend: "none", backendMode: "STRICT" }), "plaintext");
        });

        it("an injected gateway namespace breaks the gateway (kgateway#14493)", () => {
            const out = kgatewayLinkState({ mode: "auto-mtls", gatewayInjected: true, backend: "sidecar", backendMode: "PERMISSIVE" });
            assert.equal(out.state, "refused");
            assert.match(out.reason, /14493/);
        });

        it("auto mTLS with an enrolled gateway is not guessed", () => {
            assert.equal(state({ mode: "auto-mtls", gatewayEnrolled: true, backend: "sidecar", backendMode: "STRICT" }), "unknown");
        });
    });

    describe("ambient (KGW_ENABLE_ISTIO_INTEGRATION)", () => {
        it("an enrolled gateway reaches an ambient backend over HBONE, STRICT or PERMISSIVE", () => {
            for (const backendMode of ["STRICT", "PERMISSIVE"] as const) {
                const out = kgatewayLinkState({ mode: "ambient-integration", gatewayEnrolled: true, backend: "ambient", backendMode });
                assert.equal(out.state, "mtls", backendMode);
                assert.match(out.reason, /HBONE/);
            }
        });

        it("an unenrolled gateway: STRICT refuses, PERMISSIVE is plaintext", () => {
            assert.equal(state({ mode: "ambient-integration", backend: "ambient", backendMode: "STRICT" }), "refused");
            assert.equal(state({ mode: "ambient-integration", gatewayEnrolled: false, backend: "ambient", backendMode: "PERMISSIVE" }), "plaintext");
        });

        it("the flag itself changes no transport: mode none gives the same states", () => {
            const cases: KgatewayLinkInput[] = [
                { mode: "none", gatewayEnrolled: true, backend: "ambient", backendMode: "STRICT" },
                { mode: "none", backend: "ambient", backendMode: "STRICT" },
                { mode: "none", backend: "ambient", backendMode: "PERMISSIVE" },
                { mode: "none", backend: "sidecar", backendMode: "STRICT" },
                { mode: "none", gatewayEnrolled: true, backend: "sidecar", backendMode: "STRICT" },
                { mode: "none", gatewayEnrolled: true, backend: "none", backendMode: "STRICT" },
            ];
            const expected = ["mtls", "refused", "plaintext", "refused", "mtls", "plaintext"];
            assert.equal(cases.length, expected.length);
            for (const [i, c] of cases.entries()) {
                assert.equal(state(c), expected[i], JSON.stringify(c));
                assert.equal(state({ ...c, mode: "ambient-integration" }), expected[i], `ambient-integration ${JSON.stringify(c)}`);
            }
        });

        it("an enrolled gateway -> sidecar backend: HBONE by default, refused by STRICT without HBONE", () => {
            assert.equal(state({ mode: "ambient-integration", gatewayEnrolled: true, backend: "sidecar", backendMode: "STRICT" }), "mtls");
        });

        it("an injected gateway is not modelled, and injected + enrolled is flagged", () => {
            assert.equal(state({ mode: "ambient-integration", gatewayInjected: true, backend: "ambient", backendMode: "STRICT" }), "unknown");
            const both = kgatewayLinkState({ mode: "none", gatewayInjected: true, gatewayEnrolled: true, backend: "ambient", backendMode: "STRICT" });
            assert.equal(both.state, "unknown");
            assert.match(both.reason, /sidecar wins/);
        });
    });

    it("a missing ReferenceGrant refuses the hop in every mode", () => {
        const modes = ["auto-mtls", "ambient-integration", "none"] as const;
        assert.equal(modes.length, 3);
        for (const mode of modes) {
            const out = kgatewayLinkState({ mode, gatewayEnrolled: mode !== "auto-mtls", backend: "sidecar", backendMode: "PERMISSIVE", referenceAllowed: false });
            assert.equal(out.state, "refused", mode);
            assert.match(out.reason, /ReferenceGrant/);
        }
    });

    it("ingress: an enrolled gateway under STRICT refuses clients outside the mesh", () => {
        assert.equal(kgatewayIngressLinkState({ gatewayEnrolled: true, gatewayMode: "STRICT" }).state, "refused");
        assert.equal(kgatewayIngressLinkState({ gatewayEnrolled: true, gatewayMode: "PERMISSIVE" }).state, "plaintext");
        assert.equal(kgatewayIngressLinkState({ gatewayEnrolled: true, gatewayMode: "PERMISSIVE", clientSendsTls: true }).state, "tls");
        assert.equal(kgatewayIngressLinkState({ gatewayMode: "STRICT" }).state, "plaintext");
        assert.equal(kgatewayIngressLinkState({ gatewayMode: "STRICT", clientSendsTls: true }).state, "tls");
    });
});

describe("kgateway settings and GatewayParameters fields (kgateway v2.4.3)", () => {
    it("controller.extraEnv is a map of string values, only for enabled settings", () => {
        assert.deepEqual(kgatewayControllerExtraEnv({}), {});
        assert.deepEqual(kgatewayControllerExtraEnv({ autoMtls: true }), { [KGW_ENV_ENABLE_ISTIO_AUTO_MTLS]: "true" });
        assert.deepEqual(kgatewayControllerExtraEnv({ istioIntegration: true, autoMtls: false }), { [KGW_ENV_ENABLE_ISTIO_INTEGRATION]: "true" });
        assert.deepEqual(Object.keys(kgatewayControllerExtraEnv({ autoMtls: true, istioIntegration: true })), ["KGW_ENABLE_ISTIO_AUTO_MTLS", "KGW_ENABLE_ISTIO_INTEGRATION"]);
    });

    it("the chart's values file has controller.extraEnv as a map", () => {
        const values = fixtureYaml("kgateway/kgateway.values.yaml") as { controller: { extraEnv: unknown } };
        assert.deepEqual(values.controller.extraEnv, {});
    });

    it("the istioProxyContainer fields meshtls sets are the GatewayParameters CRD's string fields", () => {
        // Typed as the interface: a field added to it must be added here, and then be in the CRD.
        const fields: KgatewayIstioProxyContainerFields = { istioDiscoveryAddress: "istiod:15012", istioMetaMeshId: "m", istioMetaClusterId: "c" };
        type Node = { properties: Record<string, Node | undefined>; type?: string };
        const crd = fixtureYaml("kgateway/GatewayParameters.crd.yaml") as { spec: { versions: { schema: { openAPIV3Schema: Node } }[] } };
        const at = (node: Node | undefined, key: string): Node | undefined => node?.properties[key];
        const container = ["spec", "kube", "istio", "istioProxyContainer"].reduce<Node | undefined>(at, crd.spec.versions[0]?.schema.openAPIV3Schema);
        const props = container?.properties ?? {};
        const names = Object.keys(fields);
        assert.equal(names.length, 3);
        for (const name of names) {
            assert.equal(props[name]?.type, "string", name);
        }
    });

    it("istio-proxy settings: what the unquoted template would mangle is refused, plain values and the defaults pass", () => {
        assert.equal(istioDiscoveryAddressProblem(KGATEWAY_ISTIO_PROXY_DEFAULTS.istioDiscoveryAddress), undefined);
        assert.equal(istioDiscoveryAddressProblem("istiod-canary.istio-system.svc:15012"), undefined);
        const badAddresses = ["istiod.istio-system.svc", "istiod.istio-system.svc:99999", "istiod:0", "[::1]:15012", "Istiod:15012", ""];
        assert.equal(badAddresses.length, 6);
        for (const bad of badAddresses) {
            assert.match(istioDiscoveryAddressProblem(bad) ?? "", /^expected host:port with a lower-case DNS host/, bad);
        }
        for (const ok of [KGATEWAY_ISTIO_PROXY_DEFAULTS.istioMetaMeshId, KGATEWAY_ISTIO_PROXY_DEFAULTS.istioMetaClusterId, "mesh1", "cluster_a", "v1.2-x"]) {
            assert.equal(istioProxyMetaIdProblem(ok), undefined, ok);
        }
        const badIds = ["123", "1e3", "true", "No", "null", "~", "mesh one", "-mesh", "mesh:", ""];
        assert.equal(badIds.length, 10);
        for (const bad of badIds) {
            assert.match(istioProxyMetaIdProblem(bad) ?? "", /^expected letters, digits/, bad);
        }
    });
});

describe("kgateway ReferenceGrant check (pkg/krtcollections/policy.go, Gateway API v1.6.1)", () => {
    const grant: ReferenceGrantView = {
        namespace: "shop",
        from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "edge" }],
        to: [{ group: "", kind: "Service" }],
    };
    const ref = { fromNamespace: "edge", toNamespace: "shop", toName: "cart" };

    it("same namespace needs no grant; another namespace needs a matching one", () => {
        assert.equal(kgatewayBackendRefAllowed({ fromNamespace: "shop", toNamespace: "shop", toName: "cart" }, []), true);
        assert.equal(kgatewayBackendRefAllowed(ref, []), false);
        assert.equal(kgatewayBackendRefAllowed(ref, [grant]), true);
    });

    it("a grant in the wrong namespace, for another route namespace, kind or name does not match", () => {
        assert.equal(kgatewayBackendRefAllowed(ref, [{ ...grant, namespace: "edge" }]), false);
        assert.equal(kgatewayBackendRefAllowed(ref, [{ ...grant, from: [{ ...grant.from[0], namespace: "other" }] }]), false);
        assert.equal(kgatewayBackendRefAllowed(ref, [{ ...grant, from: [{ ...grant.from[0], kind: "GRPCRoute" }] }]), false);
        assert.equal(kgatewayBackendRefAllowed(ref, [{ ...grant, to: [{ group: "", kind: "Service", name: "other" }] }]), false);
        assert.equal(kgatewayBackendRefAllowed(ref, [{ ...grant, to: [{ group: "", kind: "Service", name: "cart" }] }]), true);
        assert.equal(kgatewayBackendRefAllowed(ref, [{ ...grant, to: [{ group: "core", kind: "Service" }] }]), true);
    });

    it("the grant's field names are those of the v1.6.1 ReferenceGrant CRD", () => {
        const crd = fixtureYaml("gateway-api/ReferenceGrant.crd.yaml") as { spec: { versions: unknown } };
        const versions = (crd.spec.versions as { name: string; served: boolean; schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, { items: { properties: Record<string, unknown>; required: string[] } }> } } } } }[]);
        const v1beta1 = versions.find((v) => v.name === "v1beta1");
        assert.ok(v1beta1?.served);
        const spec = v1beta1.schema.openAPIV3Schema.properties.spec.properties;
        assert.deepEqual(spec.from.items.required, ["group", "kind", "namespace"]);
        assert.deepEqual(spec.to.items.required, ["group", "kind"]);
        assert.deepEqual(Object.keys(spec.to.items.properties).sort(), ["group", "kind", "name"]);
    });
});
