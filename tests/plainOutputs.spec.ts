// Components whose outputs are plain settings define them lazily (sdk/internal/options.ts plainOutputs):
// every declared output must still be an Output with the plan's value, the same Output on each read.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { KuadrantMtls, MtlsMode, MtlsPolicy, MtlsScope, SidecarInjection } from "../sdk";
import { runProgram, valueOf } from "./harness";
import { OPERATOR_AUTHORINO, OPERATOR_LIMITADOR, postureStates } from "./posture/states";

describe("plain outputs are Outputs, made on first read", () => {
    it("MtlsPolicy, SidecarInjection and KuadrantMtls expose every declared output", async () => {
        const result = await runProgram(() => ({
            policy: new MtlsPolicy("p", { namespace: "shop", mode: MtlsMode.PERMISSIVE, destinationRule: {} }),
            sidecar: new SidecarInjection("s", { namespace: "shop", deployment: "web" }),
            kuadrant: new KuadrantMtls("k", {}),
        }));
        const { policy, sidecar, kuadrant } = result.value;
        const expected: Array<[pulumi.Output<unknown>, unknown]> = [
            [policy.scope, MtlsScope.Namespace],
            [policy.namespace, "shop"],
            [policy.policyName, "default"],
            [policy.mode, MtlsMode.PERMISSIVE],
            [policy.destinationRuleHosts, ["*.shop.svc.cluster.local"]],
            [sidecar.podLabels, { "sidecar.istio.io/inject": "true" }],
            [sidecar.podAnnotations, { "sidecar.istio.io/rewriteAppHTTPProbers": "true" }],
            [kuadrant.enabled, true],
            [kuadrant.mode, "Operator"],
            [kuadrant.posture.apply((p) => postureStates(p)), { [OPERATOR_AUTHORINO]: "mtls", [OPERATOR_LIMITADOR]: "mtls" }],
        ];
        assert.equal(expected.length, 10);
        for (const [output, value] of expected) {
            assert.ok(pulumi.Output.isInstance(output));
            assert.deepEqual(await valueOf(output), value);
        }
        assert.equal(policy.mode, policy.mode, "one Output per property");
    });
});
