// The rule "does Istio 1.30.3's injector mutate this pod" (sdk/posture/rules/sidecarInjection.ts, citing
// istio/istio 1.30.3 manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml,
// .../revision-tags-mwc.yaml and pkg/kube/inject/inject.go injectRequired), and that the authorizer pods
// KyvernoAuthz emits are injected, with a revisioned mesh and in a namespace it does not create
// (issue 15, item 3).
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { authzNamespaceObject, authzServerValues, envoyPluginObjects, KyvernoAuthzArgs, KyvernoAuthzFlavor, planKyvernoAuthz } from "../../../sdk/authz";
import { namespaceInjectionLabels, podInjectionLabels } from "../../../sdk/istio";
import { injectorWebhooks, isSidecarInjected, SidecarInjectionInput } from "../../../sdk/posture/rules";

const DEFAULT = [{ revision: "" }];
const REV = [{ revision: "1-30" }];
const injected = (input: Omit<SidecarInjectionInput, "controlPlanes">, controlPlanes = DEFAULT) => isSidecarInjected({ controlPlanes, ...input }).injected;

describe("rule: sidecar injection (istio 1.30.3 injector webhooks)", () => {
    it("the default revision renders rev.namespace., rev.object., namespace., object.; a revision only the rev. pair", () => {
        assert.deepEqual(
            injectorWebhooks({ revision: "" }).map((h) => `${h.prefix}@${h.revision}`),
            ["rev.namespace.@default", "rev.object.@default", "namespace.@default", "object.@default"],
        );
        assert.deepEqual(
            injectorWebhooks({ revision: "1-30" }).map((h) => `${h.prefix}@${h.revision}`),
            ["rev.namespace.@1-30", "rev.object.@1-30"],
        );
        // A `default` tag on a revision brings back the legacy selectors.
        assert.deepEqual(
            injectorWebhooks({ revision: "1-30", revisionTags: ["default"] }).map((h) => `${h.prefix}@${h.revision}`),
            ["rev.namespace.@1-30", "rev.object.@1-30", "rev.namespace.@default", "rev.object.@default", "namespace.@default", "object.@default"],
        );
    });

    it("default revision: istio-injection=enabled injects (by namespace.), istio.io/rev=default too", () => {
        assert.deepEqual(isSidecarInjected({ controlPlanes: DEFAULT, namespaceLabels: { "istio-injection": "enabled" }, podLabels: {} }), { injected: true, matchedBy: ["namespace.@default"] });
        assert.equal(injected({ namespaceLabels: { "istio.io/rev": "default" }, podLabels: {} }), true);
    });

    it("revision: istio.io/rev=<rev> on the namespace injects; istio-injection=enabled does not", () => {
        assert.equal(injected({ namespaceLabels: { "istio.io/rev": "1-30" }, podLabels: {} }, REV), true);
        assert.equal(injected({ namespaceLabels: { "istio-injection": "enabled" }, podLabels: {} }, REV), false);
        // istio-injection blocks revision selection even next to istio.io/rev.
        assert.equal(injected({ namespaceLabels: { "istio-injection": "enabled", "istio.io/rev": "1-30" }, podLabels: {} }, REV), false);
        assert.equal(injected({ namespaceLabels: { "istio.io/rev": "other" }, podLabels: {} }, REV), false);
    });

    it("sidecar.istio.io/inject=false on the pod wins over any namespace label", () => {
        assert.equal(injected({ namespaceLabels: { "istio-injection": "enabled" }, podLabels: { "sidecar.istio.io/inject": "false" } }), false);
        assert.equal(injected({ namespaceLabels: { "istio.io/rev": "1-30" }, podLabels: { "sidecar.istio.io/inject": "false" } }, REV), false);
    });

    it("unlabelled namespace: not injected, unless the pod opts in (inject=true with the default revision; istio.io/rev=<rev> otherwise)", () => {
        assert.equal(injected({ namespaceLabels: {}, podLabels: {} }), false);
        assert.equal(injected({ namespaceLabels: {}, podLabels: { "sidecar.istio.io/inject": "true" } }), true);
        assert.equal(injected({ namespaceLabels: {}, podLabels: { "sidecar.istio.io/inject": "true" } }, REV), false);
        assert.equal(injected({ namespaceLabels: {}, podLabels: { "istio.io/rev": "1-30" } }, REV), true);
        assert.equal(injected({ namespaceLabels: {}, podLabels: { "sidecar.istio.io/inject": "true", "istio.io/rev": "1-30" } }, REV), true);
        // With the default revision, a pod istio.io/rev names another revision: object. does not match.
        assert.equal(injected({ namespaceLabels: {}, podLabels: { "sidecar.istio.io/inject": "true", "istio.io/rev": "1-30" } }), false);
        assert.equal(injected({ namespaceLabels: {}, podLabels: { "sidecar.istio.io/inject": "true" }, hostNetwork: true }), false);
    });

    it("enableNamespacesByDefault injects unlabelled namespaces except the system ones", () => {
        const cps = [{ revision: "", enableNamespacesByDefault: true }];
        assert.equal(injected({ namespace: "apps", namespaceLabels: {}, podLabels: {} }, cps), true);
        assert.equal(injected({ namespace: "kube-system", namespaceLabels: {}, podLabels: {} }, cps), false);
    });

    it("IstioMesh's own enrolment labels satisfy the model, for the default revision and a revision", () => {
        for (const revision of ["", "1-30"]) {
            const cps = [{ revision }];
            assert.equal(injected({ namespaceLabels: namespaceInjectionLabels(revision), podLabels: {} }, cps), true, `namespace labels, revision "${revision}"`);
            assert.equal(injected({ namespaceLabels: {}, podLabels: podInjectionLabels(revision, true) }, cps), true, `pod labels, revision "${revision}"`);
            assert.equal(injected({ namespaceLabels: namespaceInjectionLabels(revision), podLabels: podInjectionLabels(revision, false) }, cps), false);
        }
    });
});

const cm = { webhookCertManagerIssuer: { name: "selfsigned", kind: "ClusterIssuer" } };
const plugin: pulumi.Unwrap<KyvernoAuthzArgs> = { flavor: KyvernoAuthzFlavor.EnvoyPlugin, namespace: "demo" };

/** The namespace and pod labels of the authorizer's server pods as KyvernoAuthz emits them. */
function authzPod(args: pulumi.Unwrap<KyvernoAuthzArgs>): { namespaceLabels: Record<string, string>; podLabels: Record<string, string> } {
    const plan = planKyvernoAuthz("authz", args);
    // A namespace it does not create is taken unlabelled (the worst case meshtls must still handle).
    const namespaceLabels = plan.createNamespace ? (authzNamespaceObject(plan.provider, plan.revision).metadata.labels ?? {}) : {};
    let podLabels: Record<string, string>;
    if (plan.server) {
        // The chart adds its own app.kubernetes.io/* labels to these; none of them selects injection.
        const values = authzServerValues(plan.server) as { authzServer?: { pod?: { labels?: Record<string, string> } } };
        podLabels = values.authzServer?.pod?.labels ?? {};
    } else {
        assert.ok(plan.plugin);
        const template = envoyPluginObjects(plan.plugin, plan.policies).deployment.spec as { template: { metadata: { labels: Record<string, string> } } };
        podLabels = template.template.metadata.labels;
    }
    return { namespaceLabels, podLabels };
}

describe("rule: sidecar injection: KyvernoAuthz's server pods are injected", () => {
    const cases: { name: string; args: pulumi.Unwrap<KyvernoAuthzArgs>; revision: string }[] = [
        { name: "AuthzServer, default revision", args: cm, revision: "" },
        { name: "AuthzServer, revision 1-30", args: { ...cm, revision: "1-30" }, revision: "1-30" },
        { name: "AuthzServer, default revision, createNamespace: false", args: { ...cm, createNamespace: false }, revision: "" },
        { name: "AuthzServer, revision 1-30, createNamespace: false", args: { ...cm, revision: "1-30", createNamespace: false }, revision: "1-30" },
        { name: "EnvoyPlugin, default revision", args: plugin, revision: "" },
        { name: "EnvoyPlugin, revision 1-30", args: { ...plugin, revision: "1-30" }, revision: "1-30" },
        { name: "EnvoyPlugin, default revision, createNamespace: false", args: { ...plugin, createNamespace: false }, revision: "" },
        { name: "EnvoyPlugin, revision 1-30, createNamespace: false", args: { ...plugin, revision: "1-30", createNamespace: false }, revision: "1-30" },
    ];
    assert.equal(cases.length, 8);
    for (const c of cases) {
        it(c.name, () => {
            const decision = isSidecarInjected({ controlPlanes: [{ revision: c.revision }], ...authzPod(c.args) });
            assert.equal(decision.injected, true, JSON.stringify({ ...authzPod(c.args), matchedBy: decision.matchedBy }));
        });
    }

    it("the revisioned namespace carries only istio.io/rev (istio-injection would block the revisioned injector)", () => {
        const plan = planKyvernoAuthz("authz", { ...cm, revision: "1-30" });
        assert.deepEqual(authzNamespaceObject(plan.provider, plan.revision).metadata.labels, { "istio.io/rev": "1-30" });
    });
});
