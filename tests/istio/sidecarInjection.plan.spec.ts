// SidecarInjection's plan and manifests, and the injection labels, as plain functions: no mock runtime.
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import { SidecarInjectionArgs, namespaceInjectionLabels, planIstioMesh, planSidecarInjection, podInjectionLabels, podTemplateFields, sidecarPatch } from "../../sdk";
import { planProblems } from "../planErrors";

const TYPE = "meshtls:index:SidecarInjection";
const DNS_LABEL = "expected a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

/** The problems of a rejected plan, one per line. */
const problems = (args: pulumi.Unwrap<SidecarInjectionArgs>, name = "s"): string[] => planProblems(() => planSidecarInjection(name, args), TYPE, name);

describe("istio (pure): planSidecarInjection", () => {
    it("resolves every default", () => {
        assert.deepEqual(planSidecarInjection("reviews-sidecar", { namespace: "bookinfo", deployment: "reviews-v1" }), {
            name: "reviews-sidecar",
            namespace: "bookinfo",
            deployment: "reviews-v1",
            inject: true,
            rewriteAppHTTPProbers: true,
            revision: "",
        });
    });

    it("keeps what is given", () => {
        assert.deepEqual(planSidecarInjection("s", { namespace: "a", deployment: "d.v2", inject: false, rewriteAppHTTPProbers: false, revision: "canary" }), {
            name: "s",
            namespace: "a",
            deployment: "d.v2",
            inject: false,
            rewriteAppHTTPProbers: false,
            revision: "canary",
        });
    });

    describe("rejects, naming the field, the value and what is accepted", () => {
        const cases: Array<[string, Partial<pulumi.Unwrap<SidecarInjectionArgs>>, string[]]> = [
            ["a missing deployment", { deployment: undefined }, ["deployment: got nothing; it is required: a DNS-1123 name (lower-case letters, digits, '-' and '.')"]],
            ["a deployment that is not DNS-1123", { deployment: "Reviews" }, ["deployment: got \"Reviews\"; expected a DNS-1123 name: lower-case letters, digits, '-' and '.', at most 253 characters"]],
            ["a missing namespace", { namespace: undefined }, ["namespace: got nothing; it is required: a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)"]],
            ["a bad namespace", { namespace: "Default" }, [`namespace: got "Default"; ${DNS_LABEL}`]],
            ["a revision that is a version", { revision: "1.30.3" }, [`revision: got "1.30.3"; ${DNS_LABEL}`]],
        ];
        assert.equal(cases.length, 5);
        for (const [what, args, expected] of cases) {
            it(what, () => {
                assert.deepEqual(problems({ namespace: "a", deployment: "d", ...args }), expected);
            });
        }

        it("every problem at once", () => {
            assert.deepEqual(problems({ namespace: "A", deployment: "D", revision: "R" }), [
                `namespace: got "A"; ${DNS_LABEL}`,
                "deployment: got \"D\"; expected a DNS-1123 name: lower-case letters, digits, '-' and '.', at most 253 characters",
                `revision: got "R"; ${DNS_LABEL}`,
            ]);
        });
    });
});

describe("istio (pure): sidecarPatch", () => {
    it("patches only the injection label and probe annotation, forcing ownership", () => {
        assert.deepEqual(sidecarPatch(planSidecarInjection("reviews-sidecar", { namespace: "bookinfo", deployment: "reviews-v1" })), {
            resourceName: "reviews-sidecar-pod-template",
            args: {
                metadata: { name: "reviews-v1", namespace: "bookinfo", annotations: { "pulumi.com/patchForce": "true" } },
                spec: { template: { metadata: { labels: { "sidecar.istio.io/inject": "true" }, annotations: { "sidecar.istio.io/rewriteAppHTTPProbers": "true" } } } },
            },
        });
    });

    it("turns injection and probe rewrite off, and selects a revision", () => {
        const plan = planSidecarInjection("s", { namespace: "a", deployment: "d", inject: false, rewriteAppHTTPProbers: false, revision: "canary" });
        assert.deepEqual(podTemplateFields(plan), { labels: { "sidecar.istio.io/inject": "false", "istio.io/rev": "canary" }, annotations: { "sidecar.istio.io/rewriteAppHTTPProbers": "false" } });
        assert.deepEqual(sidecarPatch(plan).args.spec.template.metadata, podTemplateFields(plan));
    });

    it("is deterministic", () => {
        const args = { namespace: "a", deployment: "d", revision: "canary" };
        assert.equal(JSON.stringify(sidecarPatch(planSidecarInjection("s", args))), JSON.stringify(sidecarPatch(planSidecarInjection("s", args))));
    });
});

describe("istio (pure): injection labels", () => {
    it("namespace: istio-injection for the default revision, istio.io/rev alone otherwise", () => {
        assert.deepEqual(namespaceInjectionLabels(""), { "istio-injection": "enabled" });
        assert.deepEqual(namespaceInjectionLabels("canary"), { "istio.io/rev": "canary" });
    });

    it("pod: sidecar.istio.io/inject, plus istio.io/rev with a revision", () => {
        assert.deepEqual(podInjectionLabels("", true), { "sidecar.istio.io/inject": "true" });
        assert.deepEqual(podInjectionLabels("canary", false), { "sidecar.istio.io/inject": "false", "istio.io/rev": "canary" });
    });

    it("a mesh's pod labels are what SidecarInjection sets for the same revision", () => {
        const pair = (revision: string | undefined) => [planIstioMesh("mesh", { revision }).injectionLabels.pod, podTemplateFields(planSidecarInjection("s", { namespace: "a", deployment: "d", revision })).labels];
        const [meshDefault, sidecarDefault] = pair(undefined);
        assert.deepEqual(meshDefault, sidecarDefault);
        const [meshCanary, sidecarCanary] = pair("canary");
        assert.deepEqual(meshCanary, sidecarCanary);
        assert.notDeepEqual(meshDefault, meshCanary);
    });
});
