// The trust-and-links diagram (issue 16 item 6): the Mermaid formatter, the platform's trust graph read
// from its plan, and the dev stack's diagram committed in README.md (stale: this spec fails).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { GlooCertRotation, RotationPhase, planMtlsPlatform, platformTrust } from "../../sdk";
import type { LinkState, PostureLink, TrustNode } from "../../sdk/posture";
import { LINK_STATES, postureDiagram } from "../../sdk/posture";
import { DIAGRAM_END, DIAGRAM_START, REGENERATE, ROOT, devStackDiagram, devStackPlan, diagramBlock, readmeDiagramBlock } from "./readmeDiagram";

const link = (client: string, server: string, state: LinkState): PostureLink => ({ id: `${client} -> ${server}`, client, server, kind: "service", state, reason: "r", decidedBy: [] });

/** Node declarations (`id["label"]`, `id("label")`, with an optional `:::class`) of a diagram. */
function nodes(diagram: string): Array<{ id: string; label: string; cls?: string }> {
    return [...diagram.matchAll(/^ {8}([^\s[(]+)[[(]"(.*)"[\])](?::::(\w+))?$/gm)].map((m) => ({ id: m[1], label: m[2], cls: m[3] }));
}

/** Edges (`from -->|label| to`, any arrow) of a diagram. */
function edges(diagram: string): Array<{ from: string; arrow: string; label: string; to: string }> {
    return [...diagram.matchAll(/^ {8}(\S+) (-->|==>|-\.->)\|([^|]+)\| (\S+)$/gm)].map((m) => ({ from: m[1], arrow: m[2], label: m[3], to: m[4] }));
}

const idOf = (diagram: string, label: string): string => {
    const found = nodes(diagram).filter((n) => n.label === label);
    assert.equal(found.length, 1, `one node labelled ${label}`);
    return found[0].id;
};

const TRUST: TrustNode[] = [
    { id: "ca/g1/root", label: "g1 root", kind: "root", from: [] },
    { id: "ca/g1/intermediate", label: "g1 intermediate", kind: "intermediate", from: [{ from: "ca/g1/root", relation: "signs" }] },
    {
        id: "secret/istio-system/cacerts",
        label: "Secret istio-system/cacerts",
        kind: "secret",
        from: [
            { from: "ca/g1/intermediate", relation: "holds" },
            { from: "ca/g1/root", relation: "trusts" },
        ],
    },
];

describe("posture diagram: the Mermaid formatter", () => {
    it("draws every link as one edge client -> server labelled with its state, and every trust edge with its relation", () => {
        const links = [link("mesh", "shop/web:80", "mtls"), link("mesh", "shop/db:5432", "plaintext"), link("kube-apiserver", "hooks (kyverno/hook:9443)", "tls"), link("gateway gw/gw", "shop/web:80", "refused")];
        const d = postureDiagram({ trust: TRUST, links });
        assert.ok(d.startsWith("flowchart LR\n"));
        const all = edges(d);
        assert.equal(all.length, 3 + links.length);
        const linkEdges = all.filter((e) => e.from.startsWith("l_"));
        assert.equal(linkEdges.length, links.length);
        for (const l of links) {
            assert.equal(linkEdges.filter((e) => e.from === idOf(d, l.client) && e.to === idOf(d, l.server) && e.label === l.state && e.arrow === "-->").length, 1, l.id);
        }
        const trustEdges = all.filter((e) => e.from.startsWith("t_"));
        assert.deepEqual(
            trustEdges.map((e) => `${e.from} ${e.arrow}|${e.label}| ${e.to}`),
            [
                "t_ca_g1_intermediate ==>|holds| t_secret_istio_system_cacerts",
                "t_ca_g1_root -->|signs| t_ca_g1_intermediate",
                "t_ca_g1_root -.->|trusts| t_secret_istio_system_cacerts",
            ],
        );
        // CA certificates are rounded, Secrets boxes.
        assert.ok(d.includes('        t_ca_g1_root("g1 root")\n'));
        assert.ok(d.includes('        t_secret_istio_system_cacerts["Secret istio-system/cacerts"]\n'));
    });

    it("sanitizes node ids (letters, digits, _; prefixed, so never a keyword such as end) and keeps distinct names distinct", () => {
        const names = ["end", "a-b", "a_b", "a b", 'say "hi" <b>', "ns/svc:80", "#1"];
        const links = names.map((n) => link("mesh", n, "mtls"));
        const d = postureDiagram({ trust: [{ id: "end", label: "end", kind: "root", from: [] }], links });
        const declared = nodes(d);
        assert.equal(declared.length, names.length + 2); // servers, the mesh client, the trust node
        for (const n of declared) {
            assert.match(n.id, /^[tl]_[A-Za-z0-9_]*$/, n.id);
        }
        assert.equal(new Set(declared.map((n) => n.id)).size, declared.length, "ids are unique");
        // a-b, a_b and "a b" sanitize alike: sorted by name, the first keeps the id, the others get _2, _3.
        assert.deepEqual(["a b", "a-b", "a_b"].map((n) => idOf(d, n)), ["l_a_b", "l_a_b_2", "l_a_b_3"]);
        // Labels: quotes, angle brackets and # as Mermaid entity codes, so no label ends early.
        assert.equal(idOf(d, "say #quot;hi#quot; #lt;b#gt;"), "l_say_hi_b");
        assert.equal(idOf(d, "#35;1"), "l_1");
        assert.ok(!/^\s+end\b/m.test(d.replace(/^ {4}end$/gm, "")), "no node id is the keyword end");
    });

    it("classes each server node by its least protected incoming link and colours each link edge by state", () => {
        const links = [link("a", "s1", "mtls"), link("b", "s1", "refused"), link("a", "s2", "tls"), link("a", "s3", "unknown")];
        const d = postureDiagram({ trust: TRUST, links });
        const cls = new Map(nodes(d).map((n) => [n.label, n.cls]));
        assert.deepEqual([cls.get("s1"), cls.get("s2"), cls.get("s3"), cls.get("a")], ["refused", "tls", "unknown", undefined]);
        const classDefs = d.split("\n").filter((l) => l.startsWith("    classDef "));
        assert.equal(classDefs.length, LINK_STATES.length);
        // linkStyle indices count every edge: the 3 trust edges first (0..2), then the links in id order
        // (a -> s1 mtls 3, a -> s2 tls 4, a -> s3 unknown 5, b -> s1 refused 6), one line per state present.
        const styles = d.split("\n").filter((l) => l.startsWith("    linkStyle ")).map((l) => l.trim());
        assert.deepEqual(styles, ["linkStyle 3 stroke:#2e7d32,stroke-width:2px", "linkStyle 4 stroke:#1565c0,stroke-width:2px", "linkStyle 6 stroke:#c62828,stroke-width:2px", "linkStyle 5 stroke:#757575,stroke-width:2px"]);
    });

    it("is deterministic: the same links and trust in another order give the same text", () => {
        const links = [link("mesh", "x/a:1", "mtls"), link("mesh", "x/b:1", "refused"), link("gw", "x/a:1", "tls")];
        const a = postureDiagram({ trust: TRUST, links });
        const b = postureDiagram({ trust: [...TRUST].reverse().map((n) => ({ ...n, from: [...n.from].reverse() })), links: [...links].reverse() });
        assert.equal(a, b);
        assert.notEqual(a, postureDiagram({ trust: TRUST, links: links.slice(1) }), "a missing link changes the text");
    });

    it("refuses a trust edge from a node that does not exist", () => {
        assert.throws(() => postureDiagram({ trust: [{ id: "s", label: "s", kind: "secret", from: [{ from: "nowhere", relation: "signs" }] }], links: [] }), /trust node s has an edge from nowhere/);
    });
});

/** The trust graph as `from -relation-> to` lines, sorted. */
function trustLines(trust: TrustNode[]): string[] {
    return trust.flatMap((n) => n.from.map((e) => `${e.from} -${e.relation}-> ${n.id}`)).sort();
}

describe("posture diagram: the platform's trust graph (platformTrust)", () => {
    it("the CA's generation signs its intermediate; the intermediate is held in cacerts and signs the xDS Secret and the webhook certificate; each trusts the root", () => {
        const plan = planMtlsPlatform("p", { ca: { intermediate: {} }, gloo: {}, authz: {} });
        const trust = platformTrust(plan);
        assert.deepEqual(trust.map((n) => `${n.kind} ${n.id}`).sort(), [
            "certificate certificate/p-authz-webhook-cert",
            "intermediate p-ca/g1/intermediate",
            "root p-ca/g1/root",
            "secret secret/gloo-system/gloo-mtls-certs",
            "secret secret/istio-system/cacerts",
        ]);
        assert.deepEqual(trustLines(trust), [
            "p-ca/g1/intermediate -holds-> secret/istio-system/cacerts",
            "p-ca/g1/intermediate -signs-> certificate/p-authz-webhook-cert",
            "p-ca/g1/intermediate -signs-> secret/gloo-system/gloo-mtls-certs",
            "p-ca/g1/root -signs-> p-ca/g1/intermediate",
            "p-ca/g1/root -trusts-> certificate/p-authz-webhook-cert",
            "p-ca/g1/root -trusts-> secret/gloo-system/gloo-mtls-certs",
            "p-ca/g1/root -trusts-> secret/istio-system/cacerts",
        ]);
    });

    it("without an intermediate the root itself is held and signs", () => {
        const trust = platformTrust(planMtlsPlatform("p", { gloo: {} }));
        assert.deepEqual(trustLines(trust), [
            "p-ca/g1/root -holds-> secret/istio-system/cacerts",
            "p-ca/g1/root -signs-> secret/gloo-system/gloo-mtls-certs",
            "p-ca/g1/root -trusts-> secret/gloo-system/gloo-mtls-certs",
            "p-ca/g1/root -trusts-> secret/istio-system/cacerts",
        ]);
    });

    it("during a rotation both generations exist and are trusted; TrustNew signs with the previous one, ServeNew with the new one", () => {
        const signerOf = (phase: RotationPhase) => {
            const trust = platformTrust(planMtlsPlatform("p", { ca: { intermediate: {}, generation: 2, previousGeneration: 1, rotationPhase: phase } }));
            assert.deepEqual(trust.filter((n) => n.kind === "root").map((n) => n.id), ["p-ca/g1/root", "p-ca/g2/root"]);
            const cacerts = trust.filter((n) => n.id === "secret/istio-system/cacerts");
            assert.equal(cacerts.length, 1);
            assert.deepEqual(cacerts[0].from.filter((e) => e.relation === "trusts").map((e) => e.from).sort(), ["p-ca/g1/root", "p-ca/g2/root"]);
            const held = cacerts[0].from.filter((e) => e.relation === "holds");
            assert.equal(held.length, 1);
            return held[0].from;
        };
        assert.equal(signerOf(RotationPhase.TrustNew), "p-ca/g1/intermediate");
        assert.equal(signerOf(RotationPhase.ServeNew), "p-ca/g2/intermediate");
    });

    it("leaves out what the platform CA does not fill: Istio's own CA, Gloo's CronJob rotation, a cert-manager webhook certificate", () => {
        const trust = platformTrust(
            planMtlsPlatform("p", { istio: { usePlatformCa: false }, gloo: { xdsRotation: GlooCertRotation.CronJob }, authz: { webhookCertManagerIssuer: { name: "ca", kind: "ClusterIssuer" } } }),
        );
        assert.deepEqual(trust.map((n) => n.id), ["p-ca/g1/root"]);
    });
});

describe("posture diagram: the dev stack's diagram in README.md", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

    it("is the committed block between the markers, regenerated from Pulumi.dev.yaml", () => {
        const committed = readmeDiagramBlock(readme);
        assert.ok(committed !== undefined, `README.md has no ${DIAGRAM_START} ... ${DIAGRAM_END} block; add the markers and run ${REGENERATE}`);
        assert.ok(committed === diagramBlock(devStackDiagram()), `README.md's posture diagram is stale: run ${REGENERATE} and commit README.md`);
    });

    it("shows every link of the dev stack's posture, with its state, and the platform CA's users", () => {
        const d = devStackDiagram();
        const posture = Object.entries(devStackPlan().posture);
        const linkEdges = edges(d).filter((e) => e.from.startsWith("l_"));
        assert.ok(posture.length > 0);
        assert.equal(linkEdges.length, posture.length);
        for (const [id, l] of posture) {
            const [client, server] = id.split(" -> ");
            assert.equal(linkEdges.filter((e) => e.from === idOf(d, client) && e.to === idOf(d, server.replace(/"/g, "#quot;")) && e.label === l.state).length, 1, id);
        }
        // At least one link is not mtls (istiod xDS: tls), so the diagram shows more than one state.
        assert.ok(linkEdges.some((e) => e.label !== "mtls"));
        for (const label of ["Secret istio-system/cacerts (istiod's plug-in CA)", "Secret gloo-system/gloo-mtls-certs (Gloo xDS)"]) {
            assert.match(idOf(d, label), /^t_/);
        }
        assert.equal(nodes(d).filter((n) => n.label.startsWith("Certificate meshtls-authz-webhook-cert")).length, 1);
    });

    it("a stale block is told apart, and a README without markers has no block", () => {
        assert.equal(readmeDiagramBlock("# x\nno markers\n"), undefined);
        assert.equal(readmeDiagramBlock(`${DIAGRAM_END}\n${DIAGRAM_START}`), undefined, "markers in the wrong order");
        const stale = diagramBlock(postureDiagram({ trust: [], links: [] }));
        assert.notEqual(readmeDiagramBlock(`# x\n${stale}\n`), diagramBlock(devStackDiagram()));
    });
});
