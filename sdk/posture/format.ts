// Renderings of a posture for people and tools: an aligned table for a terminal, a GitHub Markdown table,
// stable JSON, a Mermaid flowchart, and the Markdown diff of two postures for a pull-request comment.
// Every rendering ends with what the posture does not cover (kinds read but not modelled) and the
// loader's notes, so a partial view is never presented as complete. Pure: strings in, a string out.
import { LINK_STATES } from "./model";
import { postureDiagram } from "./diagram";
import type { PostureLink, PostureResult } from "./model";

/** The renderings `formatPosture` makes. */
export type PostureFormat = "table" | "markdown" | "json" | "mermaid";

/** Every rendering, in the order the CLI lists them. */
export const POSTURE_FORMATS: readonly PostureFormat[] = Object.freeze(["table", "markdown", "json", "mermaid"]);

/**
 * A transition-safety verdict as `formatPostureDiff` shows it (the evaluator's own type may carry more;
 * only these two fields are read).
 */
export interface PostureDiffVerdict {
    /** `safe`: no intermediate state breaks a link; `unsafe`: one does; `unknown`: not decided (never read as safe). */
    verdict: "safe" | "unsafe" | "unknown";
    /** Why, in a sentence or two. */
    reason: string;
    /** Markdown shown under the verdict (the violations table), when there is one. */
    details?: string;
}

/** A link whose state differs between two postures. */
export interface PostureLinkChange {
    /** The link id (the same on both sides). */
    id: string;
    /** The link before. */
    before: PostureLink;
    /** The link after. */
    after: PostureLink;
}

/** What changed between two postures, by link id. */
export interface PostureDiff {
    /** Links only in the after posture, sorted by id. */
    added: PostureLink[];
    /** Links only in the before posture, sorted by id. */
    removed: PostureLink[];
    /** Links in both whose state differs, sorted by id. */
    changed: PostureLinkChange[];
    /** How many links are in both with the same state (their reason or deciding objects may differ). */
    unchanged: number;
}

function byCodePoint(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

function sortedLinks(links: readonly PostureLink[]): PostureLink[] {
    return [...links].sort((a, b) => byCodePoint(a.id, b.id));
}

/** The links of `after` added, removed, or in a different state than in `before`. */
export function diffPosture(before: PostureResult, after: PostureResult): PostureDiff {
    const old = new Map(before.links.map((l) => [l.id, l]));
    const now = new Map(after.links.map((l) => [l.id, l]));
    const changed: PostureLinkChange[] = [];
    let unchanged = 0;
    for (const link of sortedLinks(after.links)) {
        const prior = old.get(link.id);
        if (prior === undefined) {
            continue;
        }
        if (prior.state === link.state) {
            unchanged++;
        } else {
            changed.push({ id: link.id, before: prior, after: link });
        }
    }
    return {
        added: sortedLinks(after.links.filter((l) => !old.has(l.id))),
        removed: sortedLinks(before.links.filter((l) => !now.has(l.id))),
        changed,
        unchanged,
    };
}

/** `3 links: 1 mtls, 2 refused` (states in LINK_STATES order, zero counts left out). */
export function postureSummary(result: PostureResult): string {
    const counts = LINK_STATES.map((s) => [s, result.links.filter((l) => l.state === s).length] as const).filter(([, n]) => n > 0);
    const noun = result.links.length === 1 ? "link" : "links";
    return `${result.links.length} ${noun}${counts.length === 0 ? "" : `: ${counts.map(([s, n]) => `${n} ${s}`).join(", ")}`}`;
}

/** What the posture does not cover: the kinds read but not modelled, counted (sorted by `apiVersion Kind`). */
export function ignoredSummary(result: PostureResult): string {
    const entries = Object.keys(result.ignored)
        .sort(byCodePoint)
        .map((k) => `${result.ignored[k]} ${k}`);
    return entries.length === 0 ? "ignored: none (every object read is modelled)" : `ignored (read but not modelled; no rule reads them): ${entries.join(", ")}`;
}

/** The posture in one of the formats, followed by the ignored kinds and `notes` (the loader's, e.g. defaults assumed). */
export function formatPosture(result: PostureResult, format: PostureFormat, notes: readonly string[] = []): string {
    switch (format) {
        case "table":
            return formatTable(result, notes);
        case "markdown":
            return formatMarkdown(result, notes);
        case "json":
            return formatJson(result, notes);
        case "mermaid":
            return formatMermaid(result, notes);
    }
}

function formatTable(result: PostureResult, notes: readonly string[]): string {
    const links = sortedLinks(result.links);
    const rows = [["LINK", "STATE", "REASON", "DECIDED BY"], ...links.map((l) => [l.id, l.state, oneLine(l.reason), l.decidedBy.join(", ")])];
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
    const lines = links.length === 0 ? [] : rows.map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join("  ").trimEnd());
    return `${[...lines, ...(lines.length === 0 ? [] : [""]), postureSummary(result), ignoredSummary(result), ...notes.map((n) => `note: ${oneLine(n)}`)].join("\n")}\n`;
}

function oneLine(s: string): string {
    return s.replace(/\s*\r?\n\s*/g, " ");
}

/** A Markdown table cell: one line, pipes escaped, no raw HTML. */
function cell(s: string): string {
    return oneLine(s).replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;");
}

/** A code span in a table cell (link ids read better as code). */
function code(s: string): string {
    return `\`${oneLine(s).replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
}

function markdownTable(header: string[], rows: string[][]): string[] {
    return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
}

function decidedByCell(l: PostureLink): string {
    return l.decidedBy.map(cell).join("<br>");
}

/** The ignored kinds (one line per side when they differ) and the notes, each a paragraph. */
function markdownFooter(sides: { label: string; result: PostureResult }[], notes: readonly string[]): string[] {
    const summaries = sides.map((s) => ignoredSummary(s.result));
    const ignored = new Set(summaries).size === 1 ? [cell(summaries[0])] : sides.map((s, i) => `${s.label}: ${cell(summaries[i])}`);
    return [...ignored, ...notes.map((n) => `> **Note:** ${cell(n)}`)].flatMap((l) => [l, ""]);
}

function formatMarkdown(result: PostureResult, notes: readonly string[]): string {
    const links = sortedLinks(result.links);
    const table = links.length === 0 ? ["No links."] : markdownTable(["Link", "State", "Reason", "Decided by"], links.map((l) => [code(l.id), `**${l.state}**`, cell(l.reason), decidedByCell(l)]));
    return `${[...table, "", `${postureSummary(result)}.`, "", ...markdownFooter([{ label: "", result }], notes)].join("\n").trimEnd()}\n`;
}

/** JSON with object keys sorted at every level, so the same result always prints the same bytes. */
function stableJson(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(stableJson);
    }
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        return Object.fromEntries(
            Object.keys(obj)
                .sort(byCodePoint)
                .map((k) => [k, stableJson(obj[k])]),
        );
    }
    return value;
}

function formatJson(result: PostureResult, notes: readonly string[]): string {
    // The result's own fields, plus the notes: a tool reading the JSON must see them too.
    return `${JSON.stringify(stableJson({ links: sortedLinks(result.links), ignored: result.ignored, notes: [...notes] }), null, 2)}\n`;
}

/** The links as the Mermaid diagram of diagram.ts (no trust part), with the counts, ignored kinds and notes in a node. */
function formatMermaid(result: PostureResult, notes: readonly string[]): string {
    const footer = [result.links.length === 0 ? "no links" : postureSummary(result), ignoredSummary(result), ...notes.map((n) => `note: ${oneLine(n)}`)];
    return postureDiagram({ trust: [], links: sortedLinks(result.links), notes: footer });
}

/**
 * The difference between two postures as Markdown for a pull-request comment: the transition-safety
 * verdict (or that it was not evaluated), the links whose state changed (before -> after), the links
 * added and removed, or a "no posture change" line; then the ignored kinds and the notes.
 */
export function formatPostureDiff(before: PostureResult, after: PostureResult, verdict?: PostureDiffVerdict, notes: readonly string[] = []): string {
    const d = diffPosture(before, after);
    const out = ["## meshtls posture diff", ""];
    out.push(verdict === undefined ? "**Transition safety: not evaluated.**" : `**Transition safety: ${verdict.verdict}.** ${cell(verdict.reason)}`, "");
    if (verdict?.details) {
        out.push(verdict.details, "");
    }
    if (d.changed.length === 0 && d.added.length === 0 && d.removed.length === 0) {
        out.push(`No posture change: ${d.unchanged === 1 ? "the 1 link keeps its" : `the ${d.unchanged} links keep their`} state.`, "");
    } else {
        if (d.changed.length > 0) {
            out.push(`### State changed (${d.changed.length})`, "");
            out.push(...markdownTable(["Link", "Before", "After", "Reason (after)", "Decided by (after)"], d.changed.map((c) => [code(c.id), c.before.state, `**${c.after.state}**`, cell(c.after.reason), decidedByCell(c.after)])), "");
        }
        if (d.added.length > 0) {
            out.push(`### Added (${d.added.length})`, "");
            out.push(...markdownTable(["Link", "State", "Reason", "Decided by"], d.added.map((l) => [code(l.id), `**${l.state}**`, cell(l.reason), decidedByCell(l)])), "");
        }
        if (d.removed.length > 0) {
            out.push(`### Removed (${d.removed.length})`, "");
            out.push(...markdownTable(["Link", "State (before)", "Reason (before)"], d.removed.map((l) => [code(l.id), l.state, cell(l.reason)])), "");
        }
        out.push(`Unchanged: ${d.unchanged} ${d.unchanged === 1 ? "link" : "links"}. After: ${postureSummary(after)}.`, "");
    }
    out.push(...markdownFooter([{ label: "Before", result: before }, { label: "After", result: after }], notes));
    return `${out.join("\n").trimEnd()}\n`;
}
