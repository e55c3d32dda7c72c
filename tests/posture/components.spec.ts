// Each component that owns links exposes them as its `posture` output, computed by the engine from what
// the component declares (expected states from the upstream rules, as in tests/posture/declared.spec.ts).
import { strict as assert } from "node:assert";
import { GlooCertRotation, GlooMtls, IstioMesh, KyvernoAuthz, MtlsMode } from "../../sdk";
import type { LinkPosture } from "../../sdk/posture";
import { runProgram, valueOf } from "../harness";
import { postureStates } from "./states";

describe("posture outputs of the components that own links", () => {
    it("IstioMesh: proxies -> istiod is TLS with JWT client authentication", async () => {
        const r = await runProgram(() => new IstioMesh("mesh", { mtlsMode: MtlsMode.STRICT }));
        assert.deepEqual(postureStates((await valueOf(r.value.posture)) as Record<string, LinkPosture>), { "mesh -> istiod istio-system (xDS)": "tls" });
    });

    it("GlooMtls: xDS mutual with glooMtls (CronJob rotation here), plain without xds; an Upstream to a Service it does not declare is unknown", async () => {
        const on = await runProgram(() => new GlooMtls("g", { xds: { rotation: GlooCertRotation.CronJob }, istio: { istioVersion: "1.30.3", upstreams: [{ serviceName: "web", serviceNamespace: "shop", port: 80 }] } }));
        assert.deepEqual(postureStates((await valueOf(on.value.posture)) as Record<string, LinkPosture>), {
            "gateway-proxy gloo-system -> gloo gloo-system (xDS)": "mtls",
            "gateway-proxy gloo-system -> shop/web:80": "unknown",
        });
        const off = await runProgram(() => new GlooMtls("g", { istio: { istioVersion: "1.30.3" } }));
        assert.deepEqual(postureStates((await valueOf(off.value.posture)) as Record<string, LinkPosture>), { "gateway-proxy gloo-system -> gloo gloo-system (xDS)": "plaintext" });
    });

    it("KyvernoAuthz: ext_authz through its ISTIO_MUTUAL DestinationRule into its STRICT namespace; the webhook port passes the API server's TLS", async () => {
        const r = await runProgram(() => new KyvernoAuthz("authz", { webhookCertManagerIssuer: { name: "ca", kind: "ClusterIssuer" } }));
        const posture = (await valueOf(r.value.posture)) as Record<string, LinkPosture>;
        assert.deepEqual(postureStates(posture), {
            "kube-apiserver -> kyverno-authz-server-validation (kyverno/kyverno-authz-server-validation:9443)": "tls",
            "mesh -> ext_authz kyverno-authz-server (kyverno-authz-server.kyverno.svc.cluster.local:9081)": "mtls",
        });
        assert.ok(posture["mesh -> ext_authz kyverno-authz-server (kyverno-authz-server.kyverno.svc.cluster.local:9081)"].decidedBy.includes("DestinationRule kyverno/kyverno-authz-server-mtls"));
    });
});
