// The rule "the narrowest PeerAuthentication wins (workload > namespace > mesh), and in one scope only
// the oldest counts" (istio/istio 1.30.3 pilot/pkg/model/authentication.go addPeerAuthentication,
// pilot/pkg/model/config.go sortConfigByCreationTime, pilot/pkg/security/authn/policy_applier.go
// ComposePeerAuthentication), and that MtlsPlatform never asks for two namespace-wide policies in one
// namespace (issue 15, item 11; the platform side is in tests/platform/plan.spec.ts).
import { strict as assert } from "node:assert";
import { kyvernoMtlsPolicies, planKyvernoAuthz, KyvernoAuthzFlavor } from "../../../sdk/authz";
import { MtlsMode, planMtlsPolicy, MtlsScope } from "../../../sdk/istio";
import { PeerAuthenticationObject, effectivePeerAuthentication, isNamespaceWidePeerAuthentication, oldestPeerAuthentication } from "../../../sdk/posture/rules";

const ROOT = "istio-system";
const mesh = (mode: PeerAuthenticationObject["mode"], createdAt?: number): PeerAuthenticationObject => ({ name: "default", namespace: ROOT, mode, createdAt });

describe("rule: PeerAuthentication precedence (istio 1.30.3)", () => {
    it("no policy at all: PERMISSIVE", () => {
        assert.deepEqual(effectivePeerAuthentication([], "shop", ROOT, {}), { mode: "PERMISSIVE", workload: undefined, namespace: undefined, mesh: undefined });
    });

    it("namespace-wide overrides mesh-wide; a workload selector overrides both, only when it matches", () => {
        const ns: PeerAuthenticationObject = { name: "default", namespace: "shop", mode: "PERMISSIVE" };
        const wl: PeerAuthenticationObject = { name: "web", namespace: "shop", selector: { app: "web" }, mode: "DISABLE" };
        const all = [mesh("STRICT"), ns, wl];
        assert.equal(effectivePeerAuthentication([mesh("STRICT")], "shop", ROOT, {}).mode, "STRICT");
        assert.equal(effectivePeerAuthentication(all, "shop", ROOT, { app: "db" }).mode, "PERMISSIVE");
        const web = effectivePeerAuthentication(all, "shop", ROOT, { app: "web", version: "v1" });
        assert.equal(web.mode, "DISABLE");
        assert.equal(web.workload, wl);
        // Another namespace sees only the mesh.
        assert.equal(effectivePeerAuthentication(all, "other", ROOT, { app: "web" }).mode, "STRICT");
    });

    it("UNSET inherits from the wider scope; an empty selector is namespace-wide", () => {
        const unset: PeerAuthenticationObject = { name: "default", namespace: "shop", mode: "UNSET" };
        assert.equal(effectivePeerAuthentication([mesh("DISABLE"), unset], "shop", ROOT, {}).mode, "DISABLE");
        assert.equal(isNamespaceWidePeerAuthentication({ name: "x", namespace: "shop", selector: {} }), true);
        assert.equal(isNamespaceWidePeerAuthentication({ name: "x", namespace: "shop", selector: { app: "a" } }), false);
    });

    it("only the OLDEST namespace-wide policy counts; ties go to the smaller name", () => {
        const older: PeerAuthenticationObject = { name: "zz", namespace: "shop", mode: "STRICT", createdAt: 1000 };
        const newer: PeerAuthenticationObject = { name: "aa", namespace: "shop", mode: "PERMISSIVE", createdAt: 2000 };
        const e = effectivePeerAuthentication([newer, older], "shop", ROOT, {});
        assert.equal(e.namespace, older);
        assert.equal(e.mode, "STRICT");
        const tie = { ...older, createdAt: 2000 };
        assert.equal(oldestPeerAuthentication([tie, newer]), newer);
    });

    it("several namespace-wide policies without creation times: unknown, unless they all set the same mode", () => {
        const a: PeerAuthenticationObject = { name: "default", namespace: "shop", mode: "STRICT" };
        const b: PeerAuthenticationObject = { name: "mtls-shop", namespace: "shop", mode: "PERMISSIVE" };
        const e = effectivePeerAuthentication([a, b], "shop", ROOT, {});
        assert.equal(e.namespace, "unknown");
        assert.equal(e.mode, "unknown");
        const same = effectivePeerAuthentication([a, { ...b, mode: "STRICT" }], "shop", ROOT, {});
        assert.deepEqual([same.namespace, same.mode], ["unknown", "STRICT"]);
        // A single one needs no creation time; a matching workload policy settles the mode anyway.
        assert.equal(oldestPeerAuthentication([a]), a);
        const wl: PeerAuthenticationObject = { name: "web", namespace: "shop", selector: { app: "web" }, mode: "DISABLE" };
        assert.equal(effectivePeerAuthentication([a, b, wl], "shop", ROOT, { app: "web" }).mode, "DISABLE");
    });

    describe("port-level modes (ComposePeerAuthentication: the chosen workload policy's portLevelMtls only)", () => {
        const wl = (extra: Partial<PeerAuthenticationObject>): PeerAuthenticationObject => ({ name: "api", namespace: "shop", selector: { app: "api" }, ...extra });
        const cases: Array<[string, PeerAuthenticationObject[], number, string]> = [
            ["a listed port takes its own mode", [mesh("STRICT"), wl({ mode: "STRICT", portLevelMtls: { 8081: "PERMISSIVE" } })], 8081, "PERMISSIVE"],
            ["an unlisted port takes the workload's mode", [mesh("PERMISSIVE"), wl({ mode: "STRICT", portLevelMtls: { 8081: "PERMISSIVE" } })], 9090, "STRICT"],
            ["UNSET on the port inherits the composed mode", [mesh("STRICT"), wl({ mode: "UNSET", portLevelMtls: { 8081: "UNSET" } })], 8081, "STRICT"],
            ["UNSET on the port inherits the workload's own mode", [mesh("PERMISSIVE"), wl({ mode: "DISABLE", portLevelMtls: { 8081: "UNSET" } })], 8081, "DISABLE"],
            ["a namespace-wide policy's portLevelMtls is never read", [mesh("STRICT"), { name: "default", namespace: "shop", mode: "STRICT", portLevelMtls: { 8081: "DISABLE" } }], 8081, "STRICT"],
            ["a selector policy in the root namespace is ignored, ports included", [mesh("STRICT"), { name: "x", namespace: ROOT, selector: { app: "api" }, mode: "STRICT", portLevelMtls: { 8081: "DISABLE" } }], 8081, "STRICT"],
            ["two workload policies of unknown age that agree on the port", [mesh("STRICT"), wl({ name: "a", portLevelMtls: { 8081: "PERMISSIVE" } }), wl({ name: "b", mode: "STRICT", portLevelMtls: { 8081: "PERMISSIVE" } })], 8081, "PERMISSIVE"],
            ["two workload policies of unknown age that disagree on the port", [mesh("STRICT"), wl({ name: "a", portLevelMtls: { 8081: "PERMISSIVE" } }), wl({ name: "b", mode: "STRICT" })], 8081, "unknown"],
        ];
        assert.equal(cases.length, 8);
        for (const [what, policies, port, expected] of cases) {
            it(what, () => {
                assert.equal(effectivePeerAuthentication(policies, "shop", ROOT, { app: "api" }, port).mode, expected);
            });
        }

        it("what MtlsPolicy emits for a port-level PERMISSIVE workload gives that mode on the port and STRICT elsewhere", () => {
            const plan = planMtlsPolicy("api", { namespace: "shop", selector: { app: "api" }, mode: MtlsMode.STRICT, portLevelMtls: [{ port: 8081, mode: MtlsMode.PERMISSIVE }] });
            assert.equal(plan.scope, MtlsScope.Workload);
            const object: PeerAuthenticationObject = {
                name: plan.policyName,
                namespace: plan.namespace,
                selector: plan.selector,
                mode: plan.mode,
                portLevelMtls: Object.fromEntries(plan.portLevelMtls.map((p) => [p.port, p.mode])),
            };
            assert.equal(effectivePeerAuthentication([mesh("STRICT"), object], "shop", ROOT, { app: "api" }, 8081).mode, "PERMISSIVE");
            assert.equal(effectivePeerAuthentication([mesh("STRICT"), object], "shop", ROOT, { app: "api" }, 8080).mode, "STRICT");
        });
    });

    it("the root namespace: its namespace-wide policy is the mesh's, its selector policies are ignored", () => {
        const sel: PeerAuthenticationObject = { name: "web", namespace: ROOT, selector: { app: "web" }, mode: "DISABLE" };
        const inShop = effectivePeerAuthentication([mesh("STRICT"), sel], "shop", ROOT, { app: "web" });
        assert.deepEqual([inShop.mode, inShop.workload], ["STRICT", undefined]);
        const inRoot = effectivePeerAuthentication([mesh("PERMISSIVE"), sel], ROOT, ROOT, { app: "web" });
        assert.deepEqual([inRoot.mode, inRoot.namespace, inRoot.workload], ["PERMISSIVE", undefined, undefined]);
        // Two mesh-wide policies: the oldest.
        assert.equal(effectivePeerAuthentication([mesh("DISABLE", 5), { ...mesh("STRICT", 3), name: "other" }], "shop", ROOT, {}).mode, "STRICT");
    });

    it("standalone KyvernoAuthz (the kyverno-extauthz example, flavor EnvoyPlugin): one namespace-wide policy in demo, STRICT", () => {
        // Before: `default` (the authorizer's namespace) and `mtls-demo` (appMtls) both in demo.
        const plan = planKyvernoAuthz("authz", {
            flavor: KyvernoAuthzFlavor.EnvoyPlugin,
            namespace: "demo",
            appMtls: [{ namespace: "demo", permissivePorts: [{ app: "testapp-1", port: 8080 }] }, { namespace: "shop" }],
        });
        const objects: PeerAuthenticationObject[] = kyvernoMtlsPolicies(plan.provider, plan.server, plan.appMtls).map((p) => {
            const planned = planMtlsPolicy(`authz-${p.id}`, p.args);
            return { name: planned.policyName, namespace: planned.namespace, mode: planned.mode, selector: planned.scope === MtlsScope.Workload ? planned.selector : undefined };
        });
        const wide = objects.filter(isNamespaceWidePeerAuthentication).map((o) => `${o.namespace}/${o.name}`);
        assert.deepEqual(wide, ["demo/mtls-demo", "shop/mtls-shop"]);
        const demo = effectivePeerAuthentication(objects, "demo", ROOT, { app: "other" });
        assert.deepEqual([demo.mode, demo.namespace !== "unknown" && demo.namespace?.name], ["STRICT", "mtls-demo"]);
        // The listed app keeps its workload policy (STRICT, its port PERMISSIVE).
        assert.equal((effectivePeerAuthentication(objects, "demo", ROOT, { app: "testapp-1" }).workload as PeerAuthenticationObject).name, "mtls-testapp-1");
    });
});
