// The posture renderings (sdk/posture/format.ts) on hand-made results: the aligned table, the GitHub
// Markdown table, stable JSON, the Mermaid flowchart and the pull-request diff; every rendering ends with
// the ignored kinds and the notes.
import { strict as assert } from "node:assert";
import { diffPosture, formatPosture, formatPostureDiff, ignoredSummary, LINK_STATES, POSTURE_FORMATS, PostureLink, PostureResult, postureDiagram, postureSummary } from "../../sdk/posture";

const link = (client: string, server: string, state: PostureLink["state"], reason = `${state} because`, decidedBy = [`PeerAuthentication ${server.split(":")[0]}`]): PostureLink => ({
    id: `${client} -> ${server}`,
    client,
    server,
    kind: "service",
    state,
    reason,
    decidedBy,
});

const MESH_API = link("mesh", "shop/api:8080", "mtls", "STRICT workload policy; auto-mTLS", ["PeerAuthentication shop/api", "MeshFacts mesh"]);
const XDS = { ...link("gloo-system/gateway-proxy", "gloo-system/gloo:9977", "tls", "glooMtls: server-authenticated TLS on xDS"), kind: "gloo-xds" as const };
const LEGACY = link("mesh", "legacy/db:5432", "plaintext", "DestinationRule tls.mode DISABLE | no PeerAuthentication");
const AUTHZ = link("mesh", "kyverno/kyverno-authz-server:9081", "refused", "STRICT server, no sidecar on the client");

/** Deliberately out of id order: renderings sort. */
const RESULT: PostureResult = { links: [XDS, MESH_API, LEGACY, AUTHZ], ignored: { "v1 ConfigMap": 2, "apps/v1 Deployment": 3 } };
const NOTES = ["no MeshFacts document was given: assumed the defaults"];

describe("posture formats: table", () => {
    const text = formatPosture(RESULT, "table", NOTES);
    const lines = text.split("\n");

    it("has the header, one row per link sorted by id, aligned columns", () => {
        assert.match(lines[0], /^LINK +STATE +REASON +DECIDED BY$/);
        const rows = lines.slice(1, lines.indexOf(""));
        assert.equal(rows.length, 4);
        assert.deepEqual(rows.map((r) => r.split(" ")[0] + " " + r.split(" ")[1] + " " + r.split(" ")[2]), ["gloo-system/gateway-proxy -> gloo-system/gloo:9977", "mesh -> kyverno/kyverno-authz-server:9081", "mesh -> legacy/db:5432", "mesh -> shop/api:8080"]);
        // Every column starts at the header's offset in every row.
        for (const column of ["STATE", "REASON", "DECIDED BY"]) {
            const at = lines[0].indexOf(column);
            assert.equal(rows.filter((r) => r[at - 1] === " " && r[at - 2] === " " && r[at] !== " ").length, rows.length, column);
        }
        assert.match(rows[3], /mtls +STRICT workload policy; auto-mTLS +PeerAuthentication shop\/api, MeshFacts mesh$/);
    });

    it("ends with the counts, the ignored kinds and the notes", () => {
        assert.deepEqual(lines.slice(lines.indexOf("")), [
            "",
            "4 links: 1 mtls, 1 tls, 1 plaintext, 1 refused",
            "ignored (read but not modelled; no rule reads them): 3 apps/v1 Deployment, 2 v1 ConfigMap",
            "note: no MeshFacts document was given: assumed the defaults",
            "",
        ]);
    });

    it("with no links: no header, and still the ignored kinds and notes", () => {
        assert.equal(formatPosture({ links: [], ignored: {} }, "table", ["n"]), "0 links\nignored: none (every object read is modelled)\nnote: n\n");
    });

    it("a reason over several lines stays on one row", () => {
        assert.equal(formatPosture({ links: [link("a", "b:1", "unknown", "first\n  second")], ignored: {} }, "table").split("\n")[1], "a -> b:1  unknown  first second  PeerAuthentication b");
    });
});

describe("posture formats: markdown", () => {
    const text = formatPosture(RESULT, "markdown", NOTES);

    it("is a GitHub table sorted by id, pipes escaped, several deciding objects on separate lines", () => {
        const rows = text.split("\n").filter((l) => l.startsWith("|"));
        assert.equal(rows.length, 6);
        assert.equal(rows[0], "| Link | State | Reason | Decided by |");
        assert.equal(rows[1], "| --- | --- | --- | --- |");
        assert.equal(rows[4], "| `mesh -> legacy/db:5432` | **plaintext** | DestinationRule tls.mode DISABLE \\| no PeerAuthentication | PeerAuthentication legacy/db |");
        assert.equal(rows[5], "| `mesh -> shop/api:8080` | **mtls** | STRICT workload policy; auto-mTLS | PeerAuthentication shop/api<br>MeshFacts mesh |");
        // Every row has the header's number of cells (escaped pipes are not separators).
        assert.deepEqual([...new Set(rows.map((r) => r.replace(/\\\|/g, "").split("|").length))], [6]);
    });

    it("ends with the counts, the ignored kinds and the notes", () => {
        assert.ok(text.endsWith("\n4 links: 1 mtls, 1 tls, 1 plaintext, 1 refused.\n\nignored (read but not modelled; no rule reads them): 3 apps/v1 Deployment, 2 v1 ConfigMap\n\n> **Note:** no MeshFacts document was given: assumed the defaults\n"), text);
    });

    it("no raw HTML from object names", () => {
        assert.match(formatPosture({ links: [link("a", "b:1", "unknown", "<script>")], ignored: {} }, "markdown"), /\| &lt;script> \|/);
    });
});

describe("posture formats: json", () => {
    it("is the result (links sorted by id) plus the notes, keys sorted, parseable", () => {
        const text = formatPosture(RESULT, "json", NOTES);
        const parsed = JSON.parse(text) as { links: PostureLink[]; ignored: Record<string, number>; notes: string[] };
        assert.deepEqual(Object.keys(parsed), ["ignored", "links", "notes"]);
        assert.deepEqual(parsed.links.map((l) => l.id), [XDS.id, AUTHZ.id, LEGACY.id, MESH_API.id]);
        assert.deepEqual(parsed.links[3], MESH_API);
        assert.deepEqual(Object.keys(parsed.links[0]), ["client", "decidedBy", "id", "kind", "reason", "server", "state"]);
        assert.deepEqual(parsed.ignored, RESULT.ignored);
        assert.deepEqual(parsed.notes, NOTES);
        assert.ok(text.startsWith('{\n  "ignored": {\n    "apps/v1 Deployment": 3,'));
    });

    it("is stable: the same result in another order prints the same bytes", () => {
        const shuffled: PostureResult = { links: [...RESULT.links].reverse().map((l) => ({ state: l.state, reason: l.reason, server: l.server, kind: l.kind, id: l.id, decidedBy: l.decidedBy, client: l.client })), ignored: { "v1 ConfigMap": 2, "apps/v1 Deployment": 3 } };
        assert.equal(formatPosture(shuffled, "json", NOTES), formatPosture(RESULT, "json", NOTES));
        assert.notEqual(formatPosture(RESULT, "json"), formatPosture(RESULT, "json", NOTES), "notes are part of it");
    });
});

describe("posture formats: mermaid (the links part of postureDiagram, with a notes node)", () => {
    const text = formatPosture(RESULT, "mermaid", NOTES);
    const lines = text.trimEnd().split("\n");

    it("is a flowchart LR with one node per endpoint and one edge per link labelled with its state", () => {
        assert.equal(lines[0], "flowchart LR");
        const nodes = lines.filter((l) => /^ {8}l_\w+\["/.test(l));
        assert.equal(nodes.length, 6, "mesh, gateway-proxy and four servers");
        assert.ok(nodes.includes('        l_mesh["mesh"]'));
        assert.ok(nodes.includes('        l_gloo_system_gloo_9977["gloo-system/gloo:9977"]:::tls'));
        const edges = lines.filter((l) => l.includes("-->"));
        assert.deepEqual(edges, [
            "        l_gloo_system_gateway_proxy -->|tls| l_gloo_system_gloo_9977",
            "        l_mesh -->|refused| l_kyverno_kyverno_authz_server_9081",
            "        l_mesh -->|plaintext| l_legacy_db_5432",
            "        l_mesh -->|mtls| l_shop_api_8080",
        ]);
        assert.equal(formatPosture(RESULT, "mermaid", NOTES), postureDiagram({ trust: [], links: RESULT.links, notes: [postureSummary(RESULT), ignoredSummary(RESULT), ...NOTES.map((n) => `note: ${n}`)] }));
    });

    it("has a classDef per state, servers classed by their least protected link, edges styled by state", () => {
        assert.deepEqual(lines.filter((l) => l.startsWith("    classDef ")).map((l) => l.split(" ")[5]), [...LINK_STATES, "notes"]);
        assert.ok(lines.includes('        l_legacy_db_5432["legacy/db:5432"]:::plaintext'));
        const twoLinks = formatPosture({ links: [link("a", "s:1", "mtls"), link("b", "s:1", "refused"), link("c", "s:1", "tls")], ignored: {} }, "mermaid");
        assert.match(twoLinks, /\n {8}l_s_1\["s:1"\]:::refused\n/);
        const styles = lines.filter((l) => l.startsWith("    linkStyle "));
        assert.equal(styles.length, 4);
        assert.ok(styles.includes("    linkStyle 1 stroke:#c62828,stroke-width:2px"), styles.join("\n"));
    });

    it("shows the counts, the ignored kinds and the notes in a node of the diagram", () => {
        assert.ok(lines.includes('    notes["4 links: 1 mtls, 1 tls, 1 plaintext, 1 refused<br/>ignored (read but not modelled; no rule reads them): 3 apps/v1 Deployment, 2 v1 ConfigMap<br/>note: no MeshFacts document was given: assumed the defaults"]:::notes'), lines.join("\n"));
    });

    it("sanitizes ids (no reserved word, no collision) and escapes labels", () => {
        const out = formatPosture({ links: [link("end", "a/b:1", "mtls"), link("end", "a_b:1", "mtls"), link('x"y', "<z>:1", "unknown")], ignored: {} }, "mermaid");
        const ids = [...out.matchAll(/^ +(\w+)\["/gm)].map((m) => m[1]);
        assert.equal(ids.length, 6, "five endpoints and the notes node");
        assert.equal(new Set(ids).size, 6);
        assert.deepEqual(ids.filter((id) => !/^l_[A-Za-z0-9_]+$/.test(id)), ["notes"]);
        assert.match(out, /l_a_b_1\["a\/b:1"\]/);
        assert.match(out, /l_a_b_1_2\["a_b:1"\]/);
        assert.match(out, /l_end\["end"\]/);
        assert.match(out, /\["x#quot;y"\]/);
        assert.match(out, /\["#lt;z#gt;:1"\]/);
    });
});

describe("posture formats: every format tells what is not covered", () => {
    it("prints the ignored kinds and each note in every format", () => {
        assert.equal(POSTURE_FORMATS.length, 4);
        for (const format of POSTURE_FORMATS) {
            const out = formatPosture(RESULT, format, ["note one", "note two"]);
            assert.match(out, /3 apps\/v1 Deployment|"apps\/v1 Deployment": 3/, format);
            assert.match(out, /note one/, format);
            assert.match(out, /note two/, format);
        }
    });

    it("summaries", () => {
        assert.equal(postureSummary({ links: [MESH_API], ignored: {} }), "1 link: 1 mtls");
        assert.equal(ignoredSummary({ links: [], ignored: {} }), "ignored: none (every object read is modelled)");
    });
});

describe("posture diff", () => {
    const before: PostureResult = { links: [MESH_API, LEGACY, XDS], ignored: { "v1 ConfigMap": 1 } };
    const after: PostureResult = {
        links: [{ ...MESH_API, reason: "a reworded reason" }, { ...LEGACY, state: "refused", reason: "STRICT now; the client sends plaintext", decidedBy: ["PeerAuthentication legacy/default"] }, AUTHZ],
        ignored: { "v1 ConfigMap": 1 },
    };

    it("finds links added, removed and whose state changed (a changed reason alone is no change)", () => {
        const d = diffPosture(before, after);
        assert.deepEqual(d.added.map((l) => l.id), [AUTHZ.id]);
        assert.deepEqual(d.removed.map((l) => l.id), [XDS.id]);
        assert.deepEqual(d.changed.map((c) => `${c.id}: ${c.before.state} -> ${c.after.state}`), [`${LEGACY.id}: plaintext -> refused`]);
        assert.equal(d.unchanged, 1);
    });

    it("renders Markdown for a pull request: verdict, changed, added, removed, counts, ignored, notes", () => {
        const md = formatPostureDiff(before, after, { verdict: "unsafe", reason: "legacy/db is refused while the client still sends plaintext" }, ["after: a note"]);
        assert.equal(
            md,
            [
                "## meshtls posture diff",
                "",
                "**Transition safety: unsafe.** legacy/db is refused while the client still sends plaintext",
                "",
                "### State changed (1)",
                "",
                "| Link | Before | After | Reason (after) | Decided by (after) |",
                "| --- | --- | --- | --- | --- |",
                "| `mesh -> legacy/db:5432` | plaintext | **refused** | STRICT now; the client sends plaintext | PeerAuthentication legacy/default |",
                "",
                "### Added (1)",
                "",
                "| Link | State | Reason | Decided by |",
                "| --- | --- | --- | --- |",
                "| `mesh -> kyverno/kyverno-authz-server:9081` | **refused** | STRICT server, no sidecar on the client | PeerAuthentication kyverno/kyverno-authz-server |",
                "",
                "### Removed (1)",
                "",
                "| Link | State (before) | Reason (before) |",
                "| --- | --- | --- |",
                "| `gloo-system/gateway-proxy -> gloo-system/gloo:9977` | tls | glooMtls: server-authenticated TLS on xDS |",
                "",
                "Unchanged: 1 link. After: 3 links: 1 mtls, 2 refused.",
                "",
                "ignored (read but not modelled; no rule reads them): 1 v1 ConfigMap",
                "",
                "> **Note:** after: a note",
                "",
            ].join("\n"),
        );
    });

    it("says so when nothing changed, and that the transition was not evaluated when no verdict is given", () => {
        const md = formatPostureDiff(before, { ...before, ignored: {} });
        assert.match(md, /\n\*\*Transition safety: not evaluated\.\*\*\n/);
        assert.match(md, /\nNo posture change: the 3 links keep their state\.\n/);
        assert.doesNotMatch(md, /###/);
        // The ignored kinds differ: both sides shown.
        assert.match(md, /\nBefore: ignored \(read but not modelled; no rule reads them\): 1 v1 ConfigMap\n\nAfter: ignored: none/);
        assert.match(formatPostureDiff(before, before, { verdict: "safe", reason: "no intermediate state breaks a link" }), /\n\*\*Transition safety: safe\.\*\* no intermediate state breaks a link\n/);
    });
});
