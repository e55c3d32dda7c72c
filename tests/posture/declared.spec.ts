// Every example's and the dev stack's posture, computed by the engine from what the program declares
// (tests/posture/program.ts), against expected-link tables written here from the upstream rules (the
// comment on each row says which rule decides it), not copied from the engine's output.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { planMtlsPlatform, readPlatformConfig } from "../../sdk";
import { computePosture } from "../../sdk/posture";
import { loadProgram, readStackConfig, runProgram } from "../harness";
import { programPostureInput } from "./program";
import { OPERATOR_AUTHORINO, OPERATOR_LIMITADOR, postureStates } from "./states";

const ROOT = path.join(__dirname, "..", "..");
const BOOKINFO = path.join(ROOT, "tests", "fixtures", "istio", "bookinfo.yaml");

// Rows shared by several programs.
/** istiod authenticates by its certificate; a Kubernetes sidecar authenticates by JWT, no client certificate (rules/istiodXds.ts). */
const ISTIOD = { "mesh -> istiod istio-system (xDS)": "tls" };
/** kuadrant-operator 1.5.2 with spec.mtls: injected servers, TLS clusters (no ALPN) and its STRICT PeerAuthentication; STRICT takes TLS without ALPN (rules/kuadrantClusterTransport.ts, inboundFilterChain.ts). */
const KUADRANT_OPERATOR = {
    [OPERATOR_AUTHORINO]: "mtls",
    [OPERATOR_LIMITADOR]: "mtls",
    // Any injected client: auto-mTLS sends ISTIO_MUTUAL to an injected endpoint; STRICT accepts it.
    "mesh -> kuadrant-system/authorino-authorino-authorization:50051": "mtls",
    "mesh -> kuadrant-system/limitador-limitador:8081": "mtls",
};
/** The kyverno-authz-server chart in an injected namespace, STRICT, with its ISTIO_MUTUAL DestinationRule; the webhook port PERMISSIVE. */
const KYVERNO_SERVER = {
    // The API server's TLS (no Istio ALPN) on a PERMISSIVE port of an undeclared protocol: passed through to the webhook, which serves the certificate the caBundle trusts (rules/webhookLink.ts, inboundFilterChain.ts).
    "kube-apiserver -> kyverno-authz-server-validation (kyverno/kyverno-authz-server-validation:9443)": "tls",
    // ext_authz calls the provider's outbound cluster (rules/extAuthzCluster.ts): the DestinationRule's ISTIO_MUTUAL into STRICT.
    "mesh -> ext_authz kyverno-authz-server (kyverno-authz-server.kyverno.svc.cluster.local:9081)": "mtls",
    "mesh -> kyverno/kyverno-authz-server:9081": "mtls",
    // Auto-mTLS to the injected webhook pod; PERMISSIVE takes Istio mTLS.
    "mesh -> kyverno/kyverno-authz-server-validation:9443": "mtls",
};

interface Case {
    name: string;
    program: string;
    dir: string;
    project: string;
    config: Record<string, string>;
    expected: Record<string, string>;
}

const example = (name: string, config: Record<string, string>, expected: Record<string, string>, label = name): Case => ({
    name: label,
    program: path.join(ROOT, "examples", name, "index.ts"),
    dir: path.join(ROOT, "examples", name),
    project: name,
    config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`${name}:${k}`, v])),
    expected,
});

/**
 * An ambient server under STRICT (rules/ztunnelPeerAuthentication.ts, ambientTransport.ts): a ztunnel-captured
 * client arrives over HBONE (mtls); a pod outside the mesh arrives in plain text at ztunnel's port 15006 with
 * no identity, which the derived STRICT DENY policy refuses.
 */
const AMBIENT_STRICT = (service: string): Record<string, string> => ({ [`mesh -> ${service}`]: "mtls", [`unenrolled -> ${service}`]: "refused" });

const CASES: Case[] = [
    {
        name: "dev stack (Pulumi.dev.yaml)",
        program: path.join(ROOT, "index.ts"),
        dir: ROOT,
        project: "meshtls",
        config: readStackConfig(path.join(ROOT, "Pulumi.dev.yaml")),
        expected: {
            ...ISTIOD,
            ...KUADRANT_OPERATOR,
            ...KYVERNO_SERVER,
            // bookinfo is not deployed by the stack: its Service is not among the objects, so unknown, not assumed.
            "gateway-proxy gloo-system -> bookinfo/productpage:9080": "unknown",
            // glooMtls: the gateway-proxy presents gloo-mtls-certs and gloo verifies it (rules/glooXds.ts).
            "gateway-proxy gloo-system -> gloo gloo-system (xDS)": "mtls",
        },
    },
    {
        name: "ambient stack (Pulumi.ambient.yaml)",
        program: path.join(ROOT, "index.ts"),
        dir: ROOT,
        project: "meshtls",
        config: readStackConfig(path.join(ROOT, "Pulumi.ambient.yaml")),
        expected: {
            ...ISTIOD,
            // Kuadrant's namespace and its gateway's are enrolled: the operator's plain cluster leaves the
            // captured gateway through ztunnel over HBONE; Authorino and Limitador are STRICT (rules/kuadrantAmbient.ts).
            "gateway gateway-system/external -> kuadrant-system/authorino-authorino-authorization:50051": "mtls",
            "gateway gateway-system/external -> kuadrant-system/limitador-limitador:8081": "mtls",
            ...AMBIENT_STRICT("kuadrant-system/authorino-authorino-authorization:50051"),
            ...AMBIENT_STRICT("kuadrant-system/limitador-limitador:8081"),
            // The authorizer's namespace is ambient and STRICT.
            ...AMBIENT_STRICT("kyverno/kyverno-authz-server:9081"),
            // The webhook port stays PERMISSIVE: HBONE from the mesh, plain text from outside is forwarded,
            // and the API server's own TLS is passed through to the webhook (ambientTransport.ts, webhookLink.ts).
            "mesh -> kyverno/kyverno-authz-server-validation:9443": "mtls",
            "unenrolled -> kyverno/kyverno-authz-server-validation:9443": "plaintext",
            "kube-apiserver -> kyverno-authz-server-validation (kyverno/kyverno-authz-server-validation:9443)": "tls",
            // ztunnel ignores CUSTOM; the policy targets Kuadrant's Gateway (class istio), which is not among
            // the objects, so which proxy calls the authorizer is not known (rules/ambientAuthorization.ts).
            "mesh -> ext_authz kyverno-authz-server (kyverno-authz-server.kyverno.svc.cluster.local:9081)": "unknown",
        },
    },
    example(
        "istio-strict-mesh",
        { bookinfoManifest: BOOKINFO },
        {
            ...ISTIOD,
            // Injected namespace, namespace STRICT, the namespace's ISTIO_MUTUAL DestinationRule.
            "mesh -> bookinfo/details:9080": "mtls",
            "mesh -> bookinfo/ratings:9080": "mtls",
            "mesh -> bookinfo/reviews:9080": "mtls",
            // Port 9080 of productpage is PERMISSIVE (workload policy's port level); the client still sends Istio mTLS with an Istio ALPN.
            "mesh -> bookinfo/productpage:9080": "mtls",
        },
    ),
    example("kuadrant-mtls", {}, { ...ISTIOD, ...KUADRANT_OPERATOR }),
    example("kgateway-mesh", { bookinfoManifest: BOOKINFO }, {
        ...ISTIOD,
        // Injected bookinfo under mesh-wide STRICT, auto-mTLS between sidecars.
        "mesh -> bookinfo/details:9080": "mtls",
        "mesh -> bookinfo/productpage:9080": "mtls",
        "mesh -> bookinfo/ratings:9080": "mtls",
        "mesh -> bookinfo/reviews:9080": "mtls",
        // KGW_ENABLE_ISTIO_AUTO_MTLS: productpage's pod carries security.istio.io/tlsMode (injected), so the
        // proxy sends Istio mTLS from its SDS certificate; the Gateway's namespace is not injected (rules/kgatewayIstio.ts).
        "gateway kgateway-system/mesh-ingress -> bookinfo/productpage:9080": "mtls",
    }),
    example(
        "kgateway-mesh",
        { bookinfoManifest: BOOKINFO, dataPlaneMode: "Ambient" },
        {
            ...ISTIOD,
            ...AMBIENT_STRICT("bookinfo/details:9080"),
            ...AMBIENT_STRICT("bookinfo/productpage:9080"),
            ...AMBIENT_STRICT("bookinfo/ratings:9080"),
            ...AMBIENT_STRICT("bookinfo/reviews:9080"),
            // The Gateway's namespace is enrolled: ztunnel carries the proxy's plain-text call over HBONE (rules/kgatewayIstio.ts, ambientTransport.ts).
            "gateway kgateway-system/mesh-ingress -> bookinfo/productpage:9080": "mtls",
        },
        "kgateway-mesh (ambient)",
    ),
    example("ambient-mesh", { bookinfoManifest: BOOKINFO }, {
        ...ISTIOD,
        // bookinfo enrolled in ambient, STRICT mesh-wide: no sidecars, ztunnel on both ends.
        ...AMBIENT_STRICT("bookinfo/details:9080"),
        ...AMBIENT_STRICT("bookinfo/productpage:9080"),
        ...AMBIENT_STRICT("bookinfo/ratings:9080"),
        ...AMBIENT_STRICT("bookinfo/reviews:9080"),
    }),
    example("gloo-xds-mtls", {}, { "gateway-proxy gloo-system -> gloo gloo-system (xDS)": "mtls" }),
    example(
        "gloo-istio-upstream",
        {},
        {
            ...ISTIOD,
            // Without glooMtls, xDS is plain gRPC on 0.0.0.0:9977 (rules/glooXds.ts).
            "gateway-proxy gloo-system -> gloo gloo-system (xDS)": "plaintext",
            // The upstream's Service is not among the example's objects.
            "gateway-proxy gloo-system -> default/productpage:9080": "unknown",
        },
    ),
    example(
        "kyverno-extauthz",
        {},
        {
            ...ISTIOD,
            ...KYVERNO_SERVER,
            // The demo apps: injected namespace, no PeerAuthentication there (PERMISSIVE), auto-mTLS.
            "mesh -> demo/testapp-1:8080": "mtls",
            "mesh -> demo/testapp-2:8080": "mtls",
        },
    ),
    // Two clusters, no application: each cluster's istiod, seen by its own sidecars (rules/istiodXds.ts).
    example("multi-cluster", {}, { ...ISTIOD }),
];

describe("posture: every example and the dev stack, computed from what the program declares", () => {
    it("covers the dev and ambient stacks and every TypeScript example (examples/yaml-platform is YAML: its objects are the same components')", () => {
        const programs = fs.readdirSync(path.join(ROOT, "examples")).filter((d) => fs.existsSync(path.join(ROOT, "examples", d, "index.ts")));
        // The two stacks of the root program, then one case per example (kgateway-mesh in both data planes).
        assert.equal(CASES.length, programs.length + 3);
        assert.deepEqual([...new Set(CASES.slice(2).map((c) => c.project))].sort(), programs.sort());
    });

    for (const c of CASES) {
        it(`${c.name}: the expected links`, async () => {
            const result = await runProgram(() => loadProgram(c.program), { project: c.project, config: c.config });
            const { input, overlaps } = programPostureInput(result, c.dir);
            assert.deepEqual(postureStates(Object.fromEntries(computePosture(input).links.map((l) => [l.id, l]))), c.expected);
            // What a component's plan describes and what it registers are the same objects.
            for (const o of overlaps) {
                assert.deepEqual(o.planned, o.registered, o.key);
            }
        });
    }

    it("the dev stack: MtlsPlatform's plan-computed posture equals the posture of what the program registers", async () => {
        const config = readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"));
        const result = await runProgram(() => loadProgram(path.join(ROOT, "index.ts")), { config });
        const { input, overlaps } = programPostureInput(result, ROOT);
        assert.ok(overlaps.length >= 8, `the plan describes registered objects: ${overlaps.length}`);
        const registered = Object.fromEntries(computePosture(input).links.map((l) => [l.id, l.state]));
        const planned = postureStates(planMtlsPlatform("meshtls", readPlatformConfig(config).platform).posture);
        assert.deepEqual(planned, registered);
    });

    it("at least one link of the dev stack is not mtls, and the reason names the rule", () => {
        const posture = planMtlsPlatform("meshtls", readPlatformConfig(readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"))).platform).posture;
        const notMtls = Object.entries(posture).filter(([, l]) => l.state !== "mtls");
        assert.ok(notMtls.length >= 2, notMtls.map(([id]) => id).join(", "));
        assert.match(posture["mesh -> istiod istio-system (xDS)"].reason, /JWT/);
    });
});
