// The rule "which proxies a selector/targetRefs policy attaches to" (istio/istio 1.30.3
// pilot/pkg/model/policyattachment.go), and that every AuthorizationPolicy KyvernoAuthz emits attaches to
// a proxy of a sidecar mesh, any other target being refused (issue 15, item 8).
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { authorizationPolicyObject, KyvernoAuthzTarget, planKyvernoAuthz } from "../../../sdk/authz";
import { AttachmentPolicy, AttachmentProxy, GATEWAY_NAME_LABEL, shouldAttachPolicy, targetRefReachesNonWaypoint } from "../../../sdk/posture/rules";

const ROOT = "istio-system";
const GW = "gateway.networking.k8s.io";
const sidecar = (namespace: string, labels: Record<string, string> = { app: "api" }): AttachmentProxy => ({ namespace, labels, isWaypoint: false, rootNamespace: ROOT });
const gateway = (namespace: string, name: string): AttachmentProxy => ({ namespace, labels: { [GATEWAY_NAME_LABEL]: name }, isWaypoint: false, rootNamespace: ROOT });
const waypoint = (namespace: string, services: AttachmentProxy["services"] = []): AttachmentProxy => ({ namespace, labels: { [GATEWAY_NAME_LABEL]: "waypoint" }, isWaypoint: true, rootNamespace: ROOT, services });

describe("posture rule: Istio policy attachment (selector / targetRefs)", () => {
    describe("the model", () => {
        it("sidecars: selector (or none) attaches; any targetRefs makes the policy ignored", () => {
            assert.equal(shouldAttachPolicy(sidecar("demo"), { namespace: "demo" }), true);
            assert.equal(shouldAttachPolicy(sidecar("demo"), { namespace: "demo", selector: { app: "api" } }), true);
            assert.equal(shouldAttachPolicy(sidecar("demo"), { namespace: "demo", selector: { app: "web" } }), false);
            for (const kind of ["Service", "ServiceEntry", "Gateway", "GatewayClass"]) {
                assert.equal(shouldAttachPolicy(sidecar("demo"), { namespace: "demo", targetRefs: [{ group: "", kind, name: "api" }] }), false, kind);
            }
        });

        it("Gateway API gateways: kind Gateway of gateway.networking.k8s.io naming it, in its namespace", () => {
            const ref = { group: GW, kind: "Gateway", name: "public" };
            assert.equal(shouldAttachPolicy(gateway("edge", "public"), { namespace: "edge", targetRefs: [ref] }), true);
            assert.equal(shouldAttachPolicy(gateway("edge", "public"), { namespace: "other", targetRefs: [ref] }), false, "another namespace");
            assert.equal(shouldAttachPolicy(gateway("edge", "public"), { namespace: "edge", targetRefs: [{ ...ref, name: "private" }] }), false, "another gateway");
            assert.equal(shouldAttachPolicy(gateway("edge", "public"), { namespace: "edge", targetRefs: [{ ...ref, group: "networking.istio.io" }] }), false, "another group");
            assert.equal(shouldAttachPolicy(gateway("edge", "public"), { namespace: "edge", targetRefs: [{ group: "", kind: "Service", name: "public" }] }), false, "Service: waypoints only");
            assert.equal(shouldAttachPolicy(gateway("edge", "public"), { namespace: "edge" }), true, "selector-based gateway policy is on by default");
            assert.equal(shouldAttachPolicy({ ...gateway("edge", "public"), selectorBasedGatewayPolicy: false }, { namespace: "edge" }), false);
        });

        it("waypoints: Service, ServiceEntry and the istio-waypoint GatewayClass (root namespace); never a selector", () => {
            const wp = waypoint("demo", [
                { name: "api", namespace: "demo", registry: "Kubernetes" },
                { name: "ext", namespace: "demo", registry: "External" },
            ]);
            assert.equal(shouldAttachPolicy(wp, { namespace: "demo", targetRefs: [{ group: "", kind: "Service", name: "api" }] }), true);
            assert.equal(shouldAttachPolicy(wp, { namespace: "demo", targetRefs: [{ group: "core", kind: "Service", name: "api" }] }), true, "\"core\" is the core group");
            assert.equal(shouldAttachPolicy(wp, { namespace: "demo", targetRefs: [{ group: "networking.istio.io", kind: "ServiceEntry", name: "ext" }] }), true);
            assert.equal(shouldAttachPolicy(wp, { namespace: "demo", targetRefs: [{ group: "networking.istio.io", kind: "ServiceEntry", name: "api" }] }), false, "api is a Kubernetes Service");
            assert.equal(shouldAttachPolicy(wp, { namespace: ROOT, targetRefs: [{ group: GW, kind: "GatewayClass", name: "istio-waypoint" }] }), true);
            assert.equal(shouldAttachPolicy(wp, { namespace: "demo", targetRefs: [{ group: GW, kind: "GatewayClass", name: "istio-waypoint" }] }), false, "GatewayClass only from the root namespace");
            assert.equal(shouldAttachPolicy(wp, { namespace: "demo" }), false);
        });

        it("targetRefReachesNonWaypoint: only kind Gateway of gateway.networking.k8s.io in the policy's namespace", () => {
            assert.equal(targetRefReachesNonWaypoint({ group: GW, kind: "Gateway", name: "g" }, "edge"), true);
            assert.equal(targetRefReachesNonWaypoint({ group: GW, kind: "Gateway", name: "g", namespace: "other" }, "edge"), false);
            assert.equal(targetRefReachesNonWaypoint({ group: GW, kind: "GatewayClass", name: "istio-waypoint" }, ROOT), false);
            assert.equal(targetRefReachesNonWaypoint({ group: "", kind: "Service", name: "g" }, "edge"), false);
        });
    });

    describe("KyvernoAuthz's AuthorizationPolicies attach to a proxy of a sidecar mesh", () => {
        const cm = { webhookCertManagerIssuer: { name: "x", kind: "Issuer" } };
        // Each target, and the non-waypoint proxy it is meant to protect.
        const cases: Array<[string, pulumi.Unwrap<KyvernoAuthzTarget>, AttachmentProxy]> = [
            ["the whole namespace", { namespace: "demo" }, sidecar("demo")],
            ["a workload selector", { namespace: "demo", selector: { app: "api" } }, sidecar("demo")],
            ["a Gateway", { namespace: "edge", targetRefs: [{ kind: "Gateway", name: "public" }] }, gateway("edge", "public")],
            ["a Service", { namespace: "demo", targetRefs: [{ kind: "Service", name: "api" }] }, sidecar("demo")],
            ["a ServiceEntry", { namespace: "demo", targetRefs: [{ kind: "ServiceEntry", name: "api", group: "networking.istio.io" }] }, sidecar("demo")],
            ["the waypoint GatewayClass", { namespace: ROOT, targetRefs: [{ kind: "GatewayClass", name: "istio-waypoint", group: GW }] }, sidecar(ROOT)],
            ["a Gateway of Istio's group", { namespace: "edge", targetRefs: [{ kind: "Gateway", name: "public", group: "networking.istio.io" }] }, gateway("edge", "public")],
        ];

        /** The emitted AuthorizationPolicy as the rule reads it, or the ResourceError's message. */
        function emitted(target: pulumi.Unwrap<KyvernoAuthzTarget>): { policy?: AttachmentPolicy; error?: string } {
            try {
                const plan = planKyvernoAuthz("authz", { ...cm, targets: [target] });
                const object = authorizationPolicyObject(plan.targets[0], plan.provider.providerName);
                const spec = object.spec as { selector?: { matchLabels: Record<string, string> }; targetRefs?: Array<{ group: string; kind: string; name: string }> };
                return { policy: { namespace: String(object.metadata.namespace), selector: spec.selector?.matchLabels, targetRefs: spec.targetRefs } };
            } catch (err) {
                assert.ok(err instanceof pulumi.ResourceError, String(err));
                return { error: err.message };
            }
        }

        // Fails on c86b4a9 (before the fix): Service, ServiceEntry and GatewayClass targets were emitted and
        // attach to no sidecar.
        it("each target is emitted only when the policy attaches to the proxy it is meant for; the rest are refused naming targetRefs[j]", () => {
            assert.equal(cases.length, 7);
            const outcomes = cases.map(([what, target, proxy]) => ({ what, proxy, ...emitted(target) }));
            assert.deepEqual(
                outcomes.map((o) => [o.what, o.policy !== undefined]),
                [
                    ["the whole namespace", true],
                    ["a workload selector", true],
                    ["a Gateway", true],
                    ["a Service", false],
                    ["a ServiceEntry", false],
                    ["the waypoint GatewayClass", false],
                    ["a Gateway of Istio's group", false],
                ],
            );
            for (const o of outcomes) {
                if (o.policy !== undefined) {
                    assert.equal(shouldAttachPolicy(o.proxy, o.policy), true, o.what);
                } else {
                    assert.match(o.error ?? "", /targets\[0\]\.targetRefs\[0\]\.(kind|group): got "/, o.what);
                }
            }
        });

        it("what was refused would have protected nothing but a waypoint", () => {
            const refused = cases.filter(([, target]) => emitted(target).error !== undefined);
            assert.equal(refused.length, 4);
            for (const [what, target, proxy] of refused) {
                const policy: AttachmentPolicy = { namespace: target.namespace, targetRefs: (target.targetRefs ?? []).map((r) => ({ group: r.group ?? "", kind: r.kind, name: r.name })) };
                assert.equal(shouldAttachPolicy(proxy, policy), false, what);
                assert.equal(policy.targetRefs?.some((r) => targetRefReachesNonWaypoint(r, policy.namespace)), false, what);
            }
        });
    });
});
