// A Mermaid diagram of trust (CA generations and the Secrets and certificates they sign or are held in)
// and of the links the posture engine computes. Pure: plain data in, Mermaid `flowchart LR` text out,
// byte-identical for the same input (nodes and edges sorted), so a test can tell when a committed copy
// is stale.
import type { LinkState, PostureLink } from "./model";
import { LINK_STATES } from "./model";

/** What a trust node is: a CA certificate, a Secret holding TLS material, or a leaf certificate. */
export type TrustNodeKind = "root" | "intermediate" | "secret" | "certificate";

/**
 * How material reaches a trust node:
 * - `signs`: the source CA signs the node's certificate;
 * - `holds`: the node holds the source CA's certificate and key (Istio's plug-in CA `cacerts`);
 * - `trusts`: the node carries the source root in its trust bundle.
 */
export type TrustRelation = "signs" | "holds" | "trusts";

/** One edge into a trust node. */
export interface TrustEdge {
    /** The `id` of the source node. */
    from: string;
    /** How the material flows. */
    relation: TrustRelation;
}

/** A node of the trust graph. */
export interface TrustNode {
    /** Stable identifier (any text: the diagram sanitizes it), e.g. `ca/g1/root`. */
    id: string;
    /** What the diagram shows, e.g. `Secret istio-system/cacerts`. */
    label: string;
    /** What it is (shapes: CA certificates are rounded, Secrets and certificates are boxes). */
    kind: TrustNodeKind;
    /** The edges into it. @default [] */
    from: TrustEdge[];
}

/** What the diagram shows. */
export interface PostureDiagramInput {
    /** The trust graph. */
    trust: TrustNode[];
    /** The links (the posture engine's `links`): one edge each, client to server, labelled with its state. */
    links: PostureLink[];
    /** Lines shown in a `notes` node (what the diagram does not cover: counts, ignored kinds, notes). @default none */
    notes?: string[];
}

/** Stroke colour per link state (edges and server nodes); the CLI's `--format mermaid` is this diagram without trust. */
const STATE_COLOURS: Readonly<Record<LinkState, string>> = Object.freeze({
    mtls: "#2e7d32",
    tls: "#1565c0",
    plaintext: "#ef6c00",
    refused: "#c62828",
    unknown: "#757575",
});

/** Trust node kinds in diagram order. */
const TRUST_KINDS: readonly TrustNodeKind[] = Object.freeze(["root", "intermediate", "secret", "certificate"]);

const RELATION_ARROWS: Readonly<Record<TrustRelation, string>> = Object.freeze({ signs: "-->", holds: "==>", trusts: "-.->" });

/** A Mermaid node id from any text: letters, digits and `_` only, with a prefix so no id is a keyword (`end`). */
function mermaidId(prefix: string, raw: string): string {
    return `${prefix}_${raw.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "")}`;
}

/** A label inside `["..."]`: Mermaid's entity codes for the characters that would end or break it. */
function label(text: string): string {
    return `"${text.replace(/#/g, "#35;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;")}"`;
}

function byText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** Distinct ids for distinct raw keys: a sanitized id taken by an earlier key gets `_2`, `_3`, ... (keys sorted first). */
function assignIds(prefix: string, keys: Iterable<string>): Map<string, string> {
    const out = new Map<string, string>();
    const used = new Set<string>();
    for (const key of [...new Set(keys)].sort(byText)) {
        const base = mermaidId(prefix, key);
        let id = base;
        for (let i = 2; used.has(id); i++) {
            id = `${base}_${i}`;
        }
        used.add(id);
        out.set(key, id);
    }
    return out;
}

/** The least protected of some states (LINK_STATES order), for a server reached by several links. */
function worst(states: readonly LinkState[]): LinkState {
    return states.reduce((w, s) => (LINK_STATES.indexOf(s) > LINK_STATES.indexOf(w) ? s : w), states[0]);
}

/**
 * The Mermaid `flowchart LR` of trust and links: a `trust` subgraph (CA generations, then what they sign,
 * hold or are trusted by) and a `links` subgraph (one edge per link, client -> server, labelled with the
 * state; edges coloured and server nodes classed by state). Sorted, so the same input gives the same text.
 * Throws on a trust edge from an id that is not a node (a diagram with a dangling edge would mislead).
 */
export function postureDiagram(input: PostureDiagramInput): string {
    const lines = ["flowchart LR"];
    const edgeStyles = new Map<LinkState, number[]>();
    let edgeIndex = 0;

    // CA certificates first, then what they fill; by id within each kind.
    const trust = [...input.trust].sort((a, b) => TRUST_KINDS.indexOf(a.kind) - TRUST_KINDS.indexOf(b.kind) || byText(a.id, b.id));
    const trustIds = assignIds("t", trust.map((n) => n.id));
    if (trust.length > 0) {
        lines.push('    subgraph trust["Trust"]', "        direction LR");
    }
    for (const n of trust) {
        const id = trustIds.get(n.id) as string;
        lines.push(n.kind === "root" || n.kind === "intermediate" ? `        ${id}(${label(n.label)})` : `        ${id}[${label(n.label)}]`);
    }
    const trustEdges = trust.flatMap((n) => n.from.map((e) => ({ to: n.id, ...e })));
    trustEdges.sort((a, b) => byText(a.from, b.from) || byText(a.to, b.to) || byText(a.relation, b.relation));
    for (const e of trustEdges) {
        const from = trustIds.get(e.from);
        if (from === undefined) {
            throw new Error(`postureDiagram: trust node ${e.to} has an edge from ${e.from}, which is not a trust node`);
        }
        lines.push(`        ${from} ${RELATION_ARROWS[e.relation]}|${e.relation}| ${trustIds.get(e.to) as string}`);
        edgeIndex++;
    }
    if (trust.length > 0) {
        lines.push("    end");
    }

    const links = [...input.links].sort((a, b) => byText(a.id, b.id));
    const endpointIds = assignIds("l", links.flatMap((l) => [l.client, l.server]));
    const serverStates = new Map<string, LinkState[]>();
    for (const l of links) {
        serverStates.set(l.server, [...(serverStates.get(l.server) ?? []), l.state]);
    }
    lines.push('    subgraph links["Links"]', "        direction LR");
    for (const [name, id] of [...endpointIds].sort((a, b) => byText(a[1], b[1]))) {
        const states = serverStates.get(name);
        lines.push(`        ${id}[${label(name)}]${states === undefined ? "" : `:::${worst(states)}`}`);
    }
    for (const l of links) {
        lines.push(`        ${endpointIds.get(l.client) as string} -->|${l.state}| ${endpointIds.get(l.server) as string}`);
        edgeStyles.set(l.state, [...(edgeStyles.get(l.state) ?? []), edgeIndex++]);
    }
    lines.push("    end");
    if (input.notes !== undefined && input.notes.length > 0) {
        // In the diagram itself (not a comment): what it does not cover.
        lines.push(`    notes[${label(input.notes.join("\n")).replace(/\n/g, "<br/>")}]:::notes`);
    }

    for (const s of LINK_STATES) {
        lines.push(`    classDef ${s} stroke:${STATE_COLOURS[s]},stroke-width:2px`);
    }
    if (input.notes !== undefined && input.notes.length > 0) {
        lines.push("    classDef notes stroke-dasharray:4 4");
    }
    for (const s of LINK_STATES) {
        const edges = edgeStyles.get(s);
        if (edges !== undefined) {
            lines.push(`    linkStyle ${edges.join(",")} stroke:${STATE_COLOURS[s]},stroke-width:2px`);
        }
    }
    return `${lines.join("\n")}\n`;
}
