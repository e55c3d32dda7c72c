// Issue 17 item 5: a typo in the config namespace (`meshtsl:target`) is refused with the key named instead
// of being silently ignored; other packages' namespaces are left alone; an unknown `meshtls:` key gets a
// "did you mean" when exactly one accepted key is within two edits. Plus the edit distance behind both.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { readPlatformConfig } from "../../sdk";
import { closestWithin, editDistance } from "../../sdk/internal/editDistance";
import { readStackConfig } from "../harness";

const ROOT = path.join(__dirname, "..", "..");
const dev = () => readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"));

/** The problem lines of readPlatformConfig's error for `all` (fails when it does not throw). */
function problems(all: Record<string, string>, otherNamespaces?: string[]): string[] {
    let message = "";
    assert.throws(
        () => readPlatformConfig(all, "meshtls", otherNamespaces),
        (err: Error) => {
            message = err.message;
            return true;
        },
    );
    assert.match(message, /^invalid stack config:\n {2}- /);
    return message.split("\n  - ").slice(1);
}

describe("editDistance (optimal string alignment)", () => {
    const cases: Array<[string, string, number]> = [
        ["meshtls", "meshtls", 0],
        ["", "", 0],
        ["", "abc", 3],
        ["meshtsl", "meshtls", 1], // adjacent transposition: one edit
        ["mshtls", "meshtls", 1], // deletion
        ["meshtlss", "meshtls", 1], // insertion
        ["meshtla", "meshtls", 1], // substitution
        ["mehstsl", "meshtls", 2], // two transpositions
        ["mesh", "meshtls", 3],
        ["tls", "meshtls", 4],
        ["kitten", "sitting", 3],
        ["ca", "abc", 3], // restricted: a transposed pair is not edited again (unrestricted Damerau gives 2)
        ["Meshtls", "meshtls", 1], // case-sensitive
    ];
    it("gives the expected distance, both ways round", () => {
        assert.equal(cases.length, 13);
        for (const [a, b, d] of cases) {
            assert.equal(editDistance(a, b), d, `${a} -> ${b}`);
            assert.equal(editDistance(b, a), d, `${b} -> ${a}`);
        }
    });

    it("closestWithin suggests only a unique near candidate", () => {
        const keys = ["target", "renderDirectory", "ca", "istio", "gloo"];
        assert.equal(closestWithin("istoi", keys, 2), "istio");
        assert.equal(closestWithin("istio", keys, 2), "istio");
        assert.equal(closestWithin("renderdir", keys, 2), undefined); // 6 edits
        assert.equal(closestWithin("xy", keys, 2), undefined); // 2 edits from "ca", but every character rewritten
        assert.equal(closestWithin("cb", keys, 2), "ca");
        assert.equal(closestWithin("ab", ["ac", "ad"], 2), undefined); // a tie suggests nothing
        assert.equal(closestWithin("ab", [], 2), undefined);
    });
});

describe("stack config: namespace typos", () => {
    it("the dev stack has no typo (the checks below start from a valid config)", () => {
        assert.equal(readPlatformConfig(dev()).target, "render");
    });

    const typos: Array<[string, string]> = [
        ["meshtsl:target", "meshtls:target"], // transposition
        ["mestls:renderDirectory", "meshtls:renderDirectory"], // deletion
        ["meshtlz:istio", "meshtls:istio"], // substitution
        ["mesh-tls:ca", "meshtls:ca"], // insertion
        ["mehstsl:gloo", "meshtls:gloo"], // two edits
        ["Meshtls:target", "meshtls:target"], // case only
    ];
    for (const [key, meant] of typos) {
        it(`refuses ${key}, naming the key and the one meant`, () => {
            const found = problems({ ...dev(), [key]: "cluster" });
            assert.equal(found.length, 1, found.join("\n"));
            assert.ok(found[0].startsWith(`${key}: `), found[0]);
            assert.ok(found[0].endsWith(`did you mean ${meant}?`), found[0]);
        });
    }

    it("reports a namespace typo with the other config problems, in the same format", () => {
        const found = problems({ ...dev(), "meshtls:target": "local", "meshtsl:target": "cluster", "meshtls:istoi": "{}" });
        assert.equal(found.length, 3, found.join("\n"));
        assert.equal(found.filter((p) => p.startsWith("meshtsl:target: ")).length, 1);
        assert.equal(found.filter((p) => p.startsWith("meshtls:target: got \"local\"")).length, 1);
        assert.equal(found.filter((p) => p.startsWith("meshtls:istoi: unknown key")).length, 1);
    });

    it("leaves other packages' and far namespaces alone", () => {
        const others = {
            "kubernetes:context": "kind-dev",
            "pulumi:template": "kubernetes-typescript",
            "tls:proxy": "{}",
            "random:x": "y",
            "aws:region": "eu-west-1",
            "myproject:foo": "bar", // a project's own namespace, far from meshtls
            "mesh:foo": "bar", // 3 edits
            "meshtlsxyz:foo": "bar", // 3 edits
        };
        const config = readPlatformConfig({ ...dev(), ...others });
        assert.equal(config.target, "render");
    });

    it("takes the program's own namespace when told, even a typo away", () => {
        assert.equal(problems({ ...dev(), "meshtls2:foo": "bar" }).length, 1);
        assert.equal(readPlatformConfig({ ...dev(), "meshtls2:foo": "bar" }, "meshtls", ["meshtls2"]).target, "render");
    });
});

describe("stack config: unknown keys get a suggestion", () => {
    it("suggests the one accepted top-level key within two edits", () => {
        const found = problems({ ...dev(), "meshtls:istoi": "{}" });
        assert.equal(found.length, 1, found.join("\n"));
        // The existing format is kept: the key, "unknown key", the accepted keys, then the suggestion.
        assert.match(found[0], /^meshtls:istoi: unknown key; accepted: target, renderDirectory, .*; did you mean meshtls:istio\?$/);
    });

    it("suggests within nested objects under their full path", () => {
        const found = problems({ ...dev(), "meshtls:istio": JSON.stringify({ versoin: "1.30.3" }) });
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^meshtls:istio\.versoin: unknown key; accepted: enabled, version, .*; did you mean meshtls:istio\.version\?$/);
    });

    it("suggests a key differing only in case", () => {
        const found = problems({ ...dev(), "meshtls:renderdirectory": "out" });
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /; did you mean meshtls:renderDirectory\?$/);
    });

    it("suggests nothing when no accepted key is close", () => {
        const found = problems({ ...dev(), "meshtls:certificates": "{}", "meshtls:istio": JSON.stringify({ revisionTag: "x" }) });
        assert.equal(found.length, 2, found.join("\n"));
        for (const p of found) {
            assert.match(p, /: unknown key; accepted: /);
            assert.doesNotMatch(p, /did you mean/);
        }
    });
});
