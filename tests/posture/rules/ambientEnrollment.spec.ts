// The rule "does istio-cni 1.30.3 enroll a pod in ambient" (sdk/posture/rules/ambientEnrollment.ts, citing
// istio/istio 1.30.3 manifests/charts/istio-cni/values.yaml ambient.enablementSelectors and excludeNamespaces,
// cni/pkg/util/enablement_selector.go Matches, cni/pkg/util/podutil.go podHasSidecar, and
// pkg/config/analysis/analyzers/injection/injection.go for IST0123).
import * as fs from "node:fs";
import * as path from "node:path";
import { strict as assert } from "node:assert";
import * as YAML from "yaml";
import {
    DATAPLANE_MODE_LABEL,
    DEFAULT_CNI_EXCLUDE_NAMESPACES,
    DEFAULT_ENABLEMENT_SELECTORS,
    labelSelectorMatches,
    namespaceEnrollmentConflict,
    podDataplane,
} from "../../../sdk/posture/rules/ambientEnrollment";

const AMBIENT_NS = { [DATAPLANE_MODE_LABEL]: "ambient" };
// tests/fixtures/istio/cni.values.yaml: istio/istio 1.30.3 manifests/charts/istio-cni/values.yaml (tests/fixtures/SOURCES.md).
const CNI_VALUES = YAML.parse(fs.readFileSync(path.join(__dirname, "../../fixtures/istio/cni.values.yaml"), "utf8")) as {
    _internal_defaults_do_not_set: { excludeNamespaces: string[]; ambient: { enablementSelectors: unknown } };
};

describe("rule: ambient enrollment (istio-cni 1.30.3 enablement selectors)", () => {
    it("the defaults are the pinned istio-cni chart's (tests/fixtures/istio/cni.values.yaml)", () => {
        const chart = CNI_VALUES._internal_defaults_do_not_set;
        assert.deepEqual(DEFAULT_ENABLEMENT_SELECTORS, chart.ambient.enablementSelectors);
        assert.deepEqual(DEFAULT_CNI_EXCLUDE_NAMESPACES, chart.excludeNamespaces);
    });

    it("the chart default has two selectors: pod label ambient, or namespace label ambient and pod not none", () => {
        assert.equal(DEFAULT_ENABLEMENT_SELECTORS.length, 2);
        assert.deepEqual(DEFAULT_ENABLEMENT_SELECTORS[0], { podSelector: { matchLabels: { "istio.io/dataplane-mode": "ambient" } } });
        assert.deepEqual(DEFAULT_ENABLEMENT_SELECTORS[1].namespaceSelector, { matchLabels: { "istio.io/dataplane-mode": "ambient" } });
    });

    it("a pod in an ambient namespace is ambient; an unlabelled namespace leaves it outside", () => {
        assert.equal(podDataplane({ namespace: "shop", namespaceLabels: AMBIENT_NS, podLabels: { app: "web" } }).mode, "ambient");
        assert.equal(podDataplane({ namespace: "shop", namespaceLabels: {}, podLabels: { app: "web" } }).mode, "none");
        // Another value on the namespace (a typo, or "none") does not enroll.
        assert.equal(podDataplane({ namespaceLabels: { [DATAPLANE_MODE_LABEL]: "Ambient" }, podLabels: {} }).mode, "none");
    });

    it("the pod label decides both ways: ambient enrolls in any namespace, none opts out of an ambient namespace", () => {
        assert.equal(podDataplane({ namespaceLabels: {}, podLabels: AMBIENT_NS }).mode, "ambient");
        assert.equal(podDataplane({ namespaceLabels: { [DATAPLANE_MODE_LABEL]: "none" }, podLabels: AMBIENT_NS }).mode, "ambient");
        const out = podDataplane({ namespaceLabels: AMBIENT_NS, podLabels: { [DATAPLANE_MODE_LABEL]: "none" } });
        assert.equal(out.mode, "none");
        assert.match(out.reason, /opts out/);
    });

    it("a pod with a sidecar is never ambient: injected flag or the sidecar.istio.io/status annotation", () => {
        const injected = podDataplane({ namespaceLabels: AMBIENT_NS, podLabels: AMBIENT_NS, sidecarInjected: true });
        assert.equal(injected.mode, "sidecar");
        assert.match(injected.reason, /never enrolls/);
        assert.equal(podDataplane({ namespaceLabels: AMBIENT_NS, podLabels: {}, podAnnotations: { "sidecar.istio.io/status": "{}" } }).mode, "sidecar");
        // Other annotations do not count.
        assert.equal(podDataplane({ namespaceLabels: AMBIENT_NS, podLabels: {}, podAnnotations: { "ambient.istio.io/redirection": "enabled" } }).mode, "ambient");
    });

    it("excludeNamespaces (default kube-system) wins over the labels", () => {
        assert.equal(podDataplane({ namespace: "kube-system", namespaceLabels: AMBIENT_NS, podLabels: AMBIENT_NS }).mode, "none");
        assert.equal(podDataplane({ namespace: "kube-system", namespaceLabels: AMBIENT_NS, podLabels: {}, excludeNamespaces: [] }).mode, "ambient");
    });

    it("custom enablement selectors: an empty selector matches everything", () => {
        assert.equal(podDataplane({ namespaceLabels: {}, podLabels: {}, enablementSelectors: [{}] }).mode, "ambient");
        assert.equal(podDataplane({ namespaceLabels: {}, podLabels: {}, enablementSelectors: [] }).mode, "none");
    });

    it("label selectors follow Kubernetes: NotIn and DoesNotExist match an absent key, In and Exists do not", () => {
        const k = "k";
        assert.equal(labelSelectorMatches({ matchExpressions: [{ key: k, operator: "NotIn", values: ["x"] }] }, {}), true);
        assert.equal(labelSelectorMatches({ matchExpressions: [{ key: k, operator: "NotIn", values: ["x"] }] }, { k: "x" }), false);
        assert.equal(labelSelectorMatches({ matchExpressions: [{ key: k, operator: "In", values: ["x"] }] }, {}), false);
        assert.equal(labelSelectorMatches({ matchExpressions: [{ key: k, operator: "Exists" }] }, { k: "" }), true);
        assert.equal(labelSelectorMatches({ matchExpressions: [{ key: k, operator: "DoesNotExist" }] }, { k: "" }), false);
        assert.equal(labelSelectorMatches({ matchLabels: { a: "1" } }, { a: "2" }), false);
        assert.equal(labelSelectorMatches(undefined, { a: "2" }), true);
    });
});

describe("rule: a namespace enrolled in both data planes (IST0123)", () => {
    it("ambient with istio-injection=enabled, or with istio.io/rev and no istio-injection, is a conflict", () => {
        const a = namespaceEnrollmentConflict({ ...AMBIENT_NS, "istio-injection": "enabled" });
        assert.ok(a !== undefined);
        assert.match(a, /istio-injection=enabled/);
        assert.match(a, /IST0123/);
        const b = namespaceEnrollmentConflict({ ...AMBIENT_NS, "istio.io/rev": "1-30" });
        assert.ok(b !== undefined);
        assert.match(b, /istio\.io\/rev=1-30/);
    });

    it("no conflict: ambient alone, sidecar alone, injection disabled next to a revision, or dataplane-mode none", () => {
        assert.equal(namespaceEnrollmentConflict(AMBIENT_NS), undefined);
        assert.equal(namespaceEnrollmentConflict({ "istio-injection": "enabled" }), undefined);
        assert.equal(namespaceEnrollmentConflict({ ...AMBIENT_NS, "istio-injection": "disabled", "istio.io/rev": "1-30" }), undefined);
        assert.equal(namespaceEnrollmentConflict({ ...AMBIENT_NS, "istio-injection": "disabled" }), undefined);
        assert.equal(namespaceEnrollmentConflict({ [DATAPLANE_MODE_LABEL]: "none", "istio-injection": "enabled" }), undefined);
    });
});
