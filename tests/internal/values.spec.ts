// The shared value helpers of sdk/internal/values.ts.
import { strict as assert } from "node:assert";
import { compareVersions, matchesLabels, sortKeys } from "../../sdk/internal/values";

describe("internal value helpers", () => {
    it("sortKeys orders keys by code unit", () => {
        assert.deepEqual(Object.keys(sortKeys({ b: "1", a: "2", B: "3" })), ["B", "a", "b"]);
    });

    it("compareVersions compares major.minor.patch and ignores a leading v and pre-release suffixes", () => {
        assert.ok(compareVersions("1.22.1", "1.17.0") > 0);
        assert.ok(compareVersions("v1.2.9", "1.3.0") < 0);
        assert.equal(compareVersions("1.3.0-alpha1", "1.3.0"), 0);
        assert.ok(compareVersions("1.10.0", "1.9.9") > 0);
    });

    it("matchesLabels: every selector key present with its value; an empty selector matches everything", () => {
        assert.equal(matchesLabels({ app: "web" }, { app: "web", tier: "front" }), true);
        assert.equal(matchesLabels({ app: "web", tier: "back" }, { app: "web", tier: "front" }), false);
        assert.equal(matchesLabels({ app: "web" }, {}), false);
        assert.equal(matchesLabels({}, { app: "web" }), true);
        assert.equal(matchesLabels({ constructor: "x" }, {}), false, "inherited properties are not labels");
    });
});
