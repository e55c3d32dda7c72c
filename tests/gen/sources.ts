// What the schema analyzer leaves out of the JSDoc: `@default` tags, which interface a member is
// inherited from, and which args interface a component's constructor takes. Read syntactically from
// every source file under sdk/ (no type checker: fast, and independent of which file declares what).
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/** One member of an interface or class, as declared. */
export interface DeclaredMember {
    /** Its `@default` tag text, if any. */
    default?: string;
    /** Its JSDoc text without tags, lines joined by a space. */
    description?: string;
}

/** An interface (or a class's public properties) as declared in the source. */
export interface DeclaredType {
    /** Own members in declaration order. */
    members: Map<string, DeclaredMember>;
    /** Interfaces it extends, in order. */
    bases: string[];
    /** For a class: the name of its constructor's args type (second parameter). */
    argsType?: string;
    /** Its JSDoc text without tags. */
    description?: string;
}

function sourceFiles(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []))
        .sort();
}

// JSDoc tags we use; any other "tag" is prose that happens to contain an `@` (e.g. "@pulumi/tls").
const KNOWN_TAGS = new Set(["default", "deprecated", "example", "see", "param", "returns"]);

function memberDoc(node: ts.Node): DeclaredMember {
    const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
    const text = (c: string | ts.NodeArray<ts.JSDocComment> | undefined) => (ts.getTextOfJSDocComment(c) ?? "").replace(/\s+/g, " ").trim();
    const tags = docs.flatMap((d) => [...(d.tags ?? [])]);
    const prose = tags.filter((t) => !KNOWN_TAGS.has(t.tagName.text)).map((t) => `@${t.tagName.text}${text(t.comment)}`);
    const description = [...docs.map((d) => text(d.comment)), ...prose].filter(Boolean).join(" ");
    const tag = tags.find((t) => t.tagName.text === "default");
    return { description: description || undefined, default: tag ? text(tag.comment) : undefined };
}

/** Every interface and component class declared under `dir`, by name. */
export function declaredTypes(dir: string): Map<string, DeclaredType> {
    const types = new Map<string, DeclaredType>();
    for (const file of sourceFiles(dir)) {
        const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
        for (const stmt of sf.statements) {
            if (ts.isInterfaceDeclaration(stmt)) {
                const members = new Map<string, DeclaredMember>();
                for (const m of stmt.members) {
                    if (ts.isPropertySignature(m) && ts.isIdentifier(m.name)) {
                        members.set(m.name.text, memberDoc(m));
                    }
                }
                const bases = (stmt.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText(sf)));
                types.set(stmt.name.text, { members, bases, description: memberDoc(stmt).description });
            } else if (ts.isClassDeclaration(stmt) && stmt.name) {
                const members = new Map<string, DeclaredMember>();
                let argsType: string | undefined;
                for (const m of stmt.members) {
                    if (ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name)) {
                        members.set(m.name.text, memberDoc(m));
                    } else if (ts.isConstructorDeclaration(m) && m.parameters.length >= 2) {
                        const t = m.parameters[1].type;
                        argsType = t && ts.isTypeReferenceNode(t) ? t.typeName.getText(sf) : undefined;
                    }
                }
                types.set(stmt.name.text, { members, bases: [], argsType, description: memberDoc(stmt).description });
            }
        }
    }
    return types;
}

/**
 * The members of `name` in the order the stack schema and the docs list them: a section's `enabled`
 * switch first, then what it inherits (base interfaces in order, recursively), then its own members.
 */
export function memberOrder(types: Map<string, DeclaredType>, name: string): string[] {
    const walk = (n: string): string[] => {
        const t = types.get(n);
        if (!t) {
            throw new Error(`no interface ${n} under sdk/`);
        }
        return [...new Set([...t.bases.flatMap(walk), ...t.members.keys()])];
    };
    const all = walk(name);
    return all.includes("enabled") ? ["enabled", ...all.filter((m) => m !== "enabled")] : all;
}

/** The declaration of `member` as seen from `name` (its own, or the nearest base's). */
export function declaredMember(types: Map<string, DeclaredType>, name: string, member: string): DeclaredMember | undefined {
    const t = types.get(name);
    if (!t) {
        return undefined;
    }
    return t.members.get(member) ?? t.bases.map((b) => declaredMember(types, b, member)).find((m) => m !== undefined);
}
