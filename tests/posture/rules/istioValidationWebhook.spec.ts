// The rule "which Istio 1.30.3 chart renders which validation webhook, which values key sets its
// failurePolicy, and does istiod flip it back" (sdk/posture/rules/istioValidationWebhook.ts, citing
// istio/istio 1.30.3 manifests/charts/base/templates/defaultrevision-validatingwebhookconfiguration.yaml,
// manifests/charts/istio-control/istio-discovery/templates/validatingwebhookconfiguration.yaml and
// pkg/webhooks/validation/controller/controller.go), and that what IstioMesh installs satisfies it
// (issue 15, item 7).
import type * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { DEFAULT_ISTIO_NAMESPACE, IstioMeshArgs, istioBaseValues, istiodValues, planIstioMesh } from "../../../sdk/istio";
import {
    CHART_ISTIO_NAMESPACE,
    ISTIO_VALIDATION_WEBHOOK_SOURCES,
    RenderedValidationWebhook,
    istiodRevisionLabel,
    liveFailurePolicy,
    renderedValidationWebhooks,
    validationWebhookFlipFlops,
} from "../../../sdk/posture/rules";

const FIXTURES = path.join(__dirname, "../../fixtures/istio");
const valuesDefaults = (file: string) => {
    const parsed = YAML.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as Record<string, unknown>;
    return (parsed._internal_defaults_do_not_set ?? parsed) as Record<string, unknown>;
};

/** Every webhook both charts render for a mesh, and whether any of them flip-flops against its istiod. */
function meshWebhooks(args: pulumi.Unwrap<IstioMeshArgs>): { webhooks: RenderedValidationWebhook[]; flipFlopping: string[] } {
    const plan = planIstioMesh("mesh", args);
    const webhooks = [...renderedValidationWebhooks("base", istioBaseValues(plan)), ...renderedValidationWebhooks("istiod", istiodValues(plan))];
    return { webhooks, flipFlopping: webhooks.filter((w) => validationWebhookFlipFlops(w, [plan.revision])).map((w) => w.name) };
}

describe("posture rule: Istio validation webhooks and their failurePolicy", () => {
    describe("the model", () => {
        it("names the base chart as the renderer of istiod-default-validator, reading a key base's values.yaml does not list", () => {
            assert.deepEqual(
                ISTIO_VALIDATION_WEBHOOK_SOURCES.map((s) => [s.chart, s.template, s.failurePolicyKey]),
                [
                    ["base", "manifests/charts/base/templates/defaultrevision-validatingwebhookconfiguration.yaml", "base.validationFailurePolicy"],
                    ["istiod", "manifests/charts/istio-control/istio-discovery/templates/validatingwebhookconfiguration.yaml", "base.validationFailurePolicy"],
                ],
            );
            // The table's claim, checked against the 1.30.3 values files (tests/fixtures/istio, copies of
            // manifests/charts/base/values.yaml and istio-control/istio-discovery/values.yaml).
            const base = valuesDefaults("base.values.yaml").base as Record<string, unknown>;
            const istiod = valuesDefaults("istiod.values.yaml").base as Record<string, unknown>;
            assert.deepEqual(Object.keys(base).sort(), ["enableCRDTemplates", "enableIstioConfigCRDs", "excludedCRDs", "validationCABundle", "validationURL"]);
            assert.equal("validationFailurePolicy" in base, false);
            assert.equal("validationFailurePolicy" in istiod, false);
            assert.match(fs.readFileSync(path.join(FIXTURES, "istiod.values.yaml"), "utf8"), /^ {4}# validationFailurePolicy: Fail$/m, "istiod documents it commented out");
            assert.deepEqual(ISTIO_VALIDATION_WEBHOOK_SOURCES.map((s) => s.keyListedInChartValues), [false, false]);
            assert.equal(valuesDefaults("base.values.yaml").defaultRevision, "default", "so base renders the webhook by default");
        });

        it("base renders istiod-default-validator by default with Ignore on install, none on upgrade, and obeys the values", () => {
            assert.deepEqual(renderedValidationWebhooks("base", {}), [{ chart: "base", name: "istiod-default-validator", revisionLabel: "default", failurePolicy: "Ignore" }]);
            assert.deepEqual(renderedValidationWebhooks("base", {}, true), [{ chart: "base", name: "istiod-default-validator", revisionLabel: "default" }]);
            assert.deepEqual(renderedValidationWebhooks("base", { base: { validationFailurePolicy: "Fail" } }).map((w) => w.failurePolicy), ["Fail"]);
            assert.deepEqual(renderedValidationWebhooks("base", { base: { validationCABundle: "Q0E=", validationFailurePolicy: "Ignore" } }).map((w) => w.failurePolicy), ["Fail"]);
            assert.deepEqual(renderedValidationWebhooks("base", { defaultRevision: "canary" }).map((w) => [w.name, w.revisionLabel]), [["istiod-default-validator", "canary"]]);
            assert.deepEqual(renderedValidationWebhooks("base", { defaultRevision: "" }), []);
            assert.deepEqual(renderedValidationWebhooks("base", { global: { resourceScope: "namespace" } }), []);
        });

        it("istiod renders istio-validator[-<revision>]-<namespace>, unless validation is off or istiod is remote", () => {
            assert.deepEqual(renderedValidationWebhooks("istiod", {}), [{ chart: "istiod", name: "istio-validator-istio-system", revisionLabel: "default", failurePolicy: "Ignore" }]);
            assert.deepEqual(
                renderedValidationWebhooks("istiod", { revision: "canary", global: { istioNamespace: "mesh" }, base: { validationFailurePolicy: "Fail" } }),
                [{ chart: "istiod", name: "istio-validator-canary-mesh", revisionLabel: "canary", failurePolicy: "Fail" }],
            );
            assert.deepEqual(renderedValidationWebhooks("istiod", { global: { configValidation: false } }), []);
            assert.deepEqual(renderedValidationWebhooks("istiod", { istiodRemote: { enabled: true } }), []);
            assert.equal(renderedValidationWebhooks("istiod", { istiodRemote: { enabled: true }, global: { configCluster: true } }).length, 1);
        });

        it("istiod sets Fail on the webhooks labelled with its revision; a rendered Ignore then flip-flops, Fail or none does not", () => {
            assert.deepEqual([istiodRevisionLabel(""), istiodRevisionLabel("canary")], ["default", "canary"]);
            const ignore: RenderedValidationWebhook = { chart: "base", name: "istiod-default-validator", revisionLabel: "default", failurePolicy: "Ignore" };
            assert.equal(liveFailurePolicy(ignore, [""]), "Fail");
            assert.equal(validationWebhookFlipFlops(ignore, [""]), true);
            assert.equal(liveFailurePolicy(ignore, ["canary"]), "Ignore", "no istiod of that revision: nobody patches it");
            assert.equal(validationWebhookFlipFlops(ignore, ["canary"]), false);
            assert.equal(validationWebhookFlipFlops({ ...ignore, failurePolicy: "Fail" }, [""]), false);
            assert.equal(validationWebhookFlipFlops({ chart: "base", name: "istiod-default-validator", revisionLabel: "default" }, [""]), false);
        });
    });

    describe("what IstioMesh installs", () => {
        // Fails on c86b4a9 (before the fix): the base chart got no base.validationFailurePolicy, so
        // istiod-default-validator rendered Ignore and flip-flopped against istiod.
        const cases: [string, pulumi.Unwrap<IstioMeshArgs>][] = [
            ["the default mesh", {}],
            ["a revisioned mesh in its own namespace", { revision: "canary", namespace: "mesh-system" }],
            ["a mesh with every chart", { cni: true, gateway: {}, meshId: "m" }],
        ];
        assert.equal(cases.length, 3);
        for (const [what, args] of cases) {
            it(`${what}: both validation webhooks render Fail and none flip-flops`, () => {
                const { webhooks, flipFlopping } = meshWebhooks(args);
                const ns = args.namespace ?? "istio-system";
                const rev = args.revision ? `-${args.revision}` : "";
                assert.deepEqual(
                    webhooks.map((w) => [w.chart, w.name, w.revisionLabel]),
                    [
                        ["base", "istiod-default-validator", args.revision ?? "default"],
                        ["istiod", `istio-validator${rev}-${ns}`, args.revision ?? "default"],
                    ],
                );
                assert.deepEqual(webhooks.map((w) => w.failurePolicy), ["Fail", "Fail"]);
                assert.deepEqual(flipFlopping, []);
            });
        }

        it("the escape hatch can still choose: Ignore in values.base brings the flip-flop back (and the model sees it)", () => {
            const { flipFlopping } = meshWebhooks({ values: { base: YAML.stringify({ base: { validationFailurePolicy: "Ignore" } }) } });
            assert.deepEqual(flipFlopping, ["istiod-default-validator"]);
        });
    });
});

describe("istio validation webhook rule: its chart default agrees with meshtls's", () => {
    it("CHART_ISTIO_NAMESPACE is meshtls's default Istio namespace", () => {
        assert.equal(CHART_ISTIO_NAMESPACE, DEFAULT_ISTIO_NAMESPACE);
    });
});
