// The rule "which DestinationRule applies to a call, and does its tls mode replace auto-mTLS"
// (sdk/posture/rules/istioDestinationRuleTls.ts, citing istio/istio 1.30.3 pilot/pkg/model/push_context.go,
// pilot/pkg/model/config.go, pkg/config/host/names.go and pilot/pkg/networking/core/cluster_tls.go), and that
// the DestinationRules MtlsPolicy emits satisfy it: no injected client sends mesh mTLS to the API server
// or to a namespace without sidecars (issue 15, item 4).
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { MtlsPolicyArgs, mtlsPolicyObjects, planMtlsPolicy } from "../../../sdk/istio";
import { DestinationRuleView, ServiceCall, applicableDestinationRule, breaksPlaintextEndpoint, hostMatches, mostSpecificRule, upstreamTls } from "../../../sdk/posture/rules";

const ROOT = "istio-system";
const call = (clientNamespace: string, host: string, serviceNamespace = host.split(".")[1]): ServiceCall => ({ clientNamespace, host, serviceNamespace, rootNamespace: ROOT });
const API_SERVER = "kubernetes.default.svc.cluster.local";
const MUTUAL = "ISTIO_MUTUAL" as const;

/** The DestinationRules an MtlsPolicy emits, as the model sees them. */
function emitted(args: pulumi.Unwrap<MtlsPolicyArgs>): DestinationRuleView[] {
    return mtlsPolicyObjects(planMtlsPolicy("p", args))
        .map((o) => o.object as { kind: string; metadata: { namespace: string }; spec: { host: string; exportTo?: string[]; trafficPolicy?: { tls?: { mode: "ISTIO_MUTUAL" } } } })
        .filter((o) => o.kind === "DestinationRule")
        .map((o) => ({ namespace: o.metadata.namespace, host: o.spec.host, exportTo: o.spec.exportTo, tlsMode: o.spec.trafficPolicy?.tls?.mode }));
}

describe("posture rule: which DestinationRule applies, and does it replace auto-mTLS", () => {
    describe("the model", () => {
        it("matches hosts exactly or by wildcard suffix", () => {
            assert.deepEqual(
                [hostMatches("*.local", API_SERVER), hostMatches("*", "a.b"), hostMatches("*.bookinfo.svc.cluster.local", API_SERVER), hostMatches("reviews.a.svc.cluster.local", "reviews.a.svc.cluster.local"), hostMatches("reviews.a.svc.cluster.local", "x.reviews.a.svc.cluster.local")],
                [true, true, false, true, false],
            );
        });

        it("picks the most specific host: exact over wildcard, longer wildcard over shorter", () => {
            const rules = ["*.local", "*.svc.cluster.local", "*.a.svc.cluster.local", "r.a.svc.cluster.local"].map((host) => ({ namespace: ROOT, host }));
            assert.equal(mostSpecificRule("r.a.svc.cluster.local", rules)?.host, "r.a.svc.cluster.local");
            assert.equal(mostSpecificRule("s.a.svc.cluster.local", rules)?.host, "*.a.svc.cluster.local");
            assert.equal(mostSpecificRule("s.b.svc.cluster.local", rules)?.host, "*.svc.cluster.local");
            assert.equal(mostSpecificRule("x.example.local", rules)?.host, "*.local");
            assert.equal(mostSpecificRule("api.stripe.com", rules), undefined);
        });

        it("looks in the client's namespace, then the service's exported rules, then the root namespace's", () => {
            const client: DestinationRuleView = { namespace: "shop", host: "*.local", tlsMode: "DISABLE" };
            const service: DestinationRuleView = { namespace: "pay", host: "*.pay.svc.cluster.local", tlsMode: "SIMPLE" };
            const root: DestinationRuleView = { namespace: ROOT, host: "*.local", tlsMode: MUTUAL };
            const all = [root, service, client];
            // A less specific host in the client's namespace still beats the service's and the root's.
            assert.equal(applicableDestinationRule(call("shop", "api.pay.svc.cluster.local"), all), client);
            assert.equal(applicableDestinationRule(call("web", "api.pay.svc.cluster.local"), all), service);
            assert.equal(applicableDestinationRule(call("web", API_SERVER), all), root, "root namespace rules apply mesh-wide");
            // exportTo: a private rule serves only its own namespace; a rule exported elsewhere not this client.
            const privateRoot = { ...root, exportTo: ["."] };
            assert.equal(applicableDestinationRule(call("web", API_SERVER), [privateRoot]), undefined);
            assert.equal(applicableDestinationRule(call(ROOT, API_SERVER), [privateRoot]), privateRoot, "the root namespace's own proxies see its private rules");
            assert.equal(applicableDestinationRule(call("web", API_SERVER), [{ ...root, exportTo: ["shop"] }]), undefined);
            assert.equal(applicableDestinationRule(call("shop", API_SERVER), [{ ...root, exportTo: ["shop"] }])?.namespace, ROOT);
            assert.equal(applicableDestinationRule(call("web", "api.pay.svc.cluster.local"), [{ ...service, exportTo: ["."] }]), undefined);
        });

        it("an explicit tls mode applies to every endpoint; without one, auto-mTLS follows the endpoint's sidecar", () => {
            const rule: DestinationRuleView = { namespace: ROOT, host: "*.local", tlsMode: MUTUAL };
            assert.deepEqual(upstreamTls(rule, false), { mode: MUTUAL, source: "DestinationRule" });
            assert.deepEqual(upstreamTls({ ...rule, tlsMode: "DISABLE" }, true), { mode: "PLAINTEXT", source: "DestinationRule" });
            assert.deepEqual(upstreamTls({ ...rule, tlsMode: undefined }, false), { mode: "PLAINTEXT", source: "AutoMtls" });
            assert.deepEqual(upstreamTls(undefined, true), { mode: MUTUAL, source: "AutoMtls" });
            assert.deepEqual(upstreamTls(undefined, false), { mode: "PLAINTEXT", source: "AutoMtls" });
            assert.deepEqual(upstreamTls(undefined, true, false), { mode: "PLAINTEXT", source: "None" });
        });

        it("a mesh-wide *.local ISTIO_MUTUAL rule breaks calls to the API server and to uninjected namespaces; none breaks nothing", () => {
            const meshWide: DestinationRuleView[] = [{ namespace: ROOT, host: "*.local", tlsMode: MUTUAL }];
            assert.equal(breaksPlaintextEndpoint(call("kuadrant-system", API_SERVER), meshWide), true);
            assert.equal(breaksPlaintextEndpoint(call("kyverno", "legacy.plain.svc.cluster.local"), meshWide), true);
            assert.equal(breaksPlaintextEndpoint(call("kuadrant-system", API_SERVER), []), false);
            // A client-namespace rule for the API server with DISABLE would repair it (what users had to add).
            assert.equal(breaksPlaintextEndpoint(call("kuadrant-system", API_SERVER), [...meshWide, { namespace: "kuadrant-system", host: API_SERVER, tlsMode: "DISABLE" }]), false);
        });
    });

    describe("what MtlsPolicy emits", () => {
        const clients = ["istio-system", "kuadrant-system", "kyverno", "bookinfo"];
        const plainTargets = [call("", API_SERVER, "default"), call("", "legacy.plain.svc.cluster.local")];
        const broken = (rules: DestinationRuleView[]) =>
            clients.flatMap((c) => plainTargets.filter((t) => breaksPlaintextEndpoint({ ...t, clientNamespace: c }, rules)).map((t) => `${c} -> ${t.host}`));

        it("the mesh scope's former default (*.local in the root namespace) broke every client (what c86b4a9 emitted for destinationRule: {})", () => {
            const former: DestinationRuleView[] = [{ namespace: ROOT, host: "*.local", tlsMode: MUTUAL }];
            assert.equal(broken(former).length, clients.length * plainTargets.length);
        });

        it("mesh scope without hosts is refused, naming destinationRule.hosts, the scope and the fix", () => {
            // Fails on c86b4a9: planMtlsPolicy accepted it and emitted *.local (broken() above).
            assert.throws(
                () => planMtlsPolicy("p", { destinationRule: {} }),
                (e: Error) =>
                    /destinationRule\.hosts: got nothing; it is required at mesh scope \(root namespace istio-system\)/.test(e.message) &&
                    e.message.includes("list the meshed services' hosts (e.g. reviews.bookinfo.svc.cluster.local), or set namespace for a namespace-scope rule"),
            );
        });

        it("mesh-scope hosts covering the API server are refused", () => {
            // ("*" alone is refused earlier, as not a host name.)
            assert.throws(() => planMtlsPolicy("p", { destinationRule: { hosts: ["*"] } }), /destinationRule\.hosts\[0\]: got "\*"; expected a host name/);
            for (const host of ["*.local", "*.cluster.local", "*.svc.cluster.local", "*.default.svc.cluster.local", API_SERVER]) {
                assert.throws(() => planMtlsPolicy("p", { destinationRule: { hosts: [host] } }), new RegExp(`destinationRule\\.hosts\\[0\\]: got "${host.replace(/\*/g, "\\*").replace(/\./g, "\\.")}"; at mesh scope`), host);
                // The model agrees this host would break the API server.
                assert.equal(breaksPlaintextEndpoint(call("kyverno", API_SERVER, "default"), [{ namespace: ROOT, host, tlsMode: MUTUAL }]), true, host);
            }
        });

        it("accepted mesh-scope and namespace-scope rules break no client's call to the API server or an uninjected namespace", () => {
            const accepted: pulumi.Unwrap<MtlsPolicyArgs>[] = [
                { destinationRule: { hosts: ["reviews.bookinfo.svc.cluster.local", "*.bookinfo.svc.cluster.local"] } },
                { namespace: "bookinfo", destinationRule: {} },
                { namespace: "bookinfo", selector: { app: "reviews" }, destinationRule: { hosts: ["reviews.bookinfo.svc.cluster.local"] } },
            ];
            const rules = accepted.flatMap(emitted);
            assert.deepEqual(
                rules.map((r) => [r.namespace, r.host, r.tlsMode]),
                [
                    [ROOT, "reviews.bookinfo.svc.cluster.local", MUTUAL],
                    [ROOT, "*.bookinfo.svc.cluster.local", MUTUAL],
                    ["bookinfo", "*.bookinfo.svc.cluster.local", MUTUAL],
                    ["bookinfo", "reviews.bookinfo.svc.cluster.local", MUTUAL],
                ],
            );
            assert.deepEqual(broken(rules), []);
            // The meshed services still get mesh mTLS from the explicit rules.
            assert.equal(upstreamTls(applicableDestinationRule(call("kyverno", "reviews.bookinfo.svc.cluster.local"), rules), true).mode, MUTUAL);
        });
    });
});
