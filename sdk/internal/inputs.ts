// Arguments given as Outputs (pulumi.Input<T>). A field is plain when its value names a resource or
// decides which or how many resources exist: those must be known at construction. Every other field
// may be an Output, for example `namespace: ns.metadata.name`, or any value from another language's
// program through the component provider.
//
// How a component handles them: when no argument holds an Output, the plan is built and checked
// before anything is registered, exactly as before. When some do, the plan's *shape* (names, counts,
// which resources) is built with stand-ins in place of the Outputs (stand-ins never change the shape,
// since only plain fields decide it), and each registered input is computed from the *real* plan,
// built and checked inside an apply once the Outputs resolve: a bad value fails the deployment (the
// preview too, when the value is known then) with the same message, naming the argument. Unknown
// values at preview are not an error.
import * as pulumi from "@pulumi/pulumi";
import { ARG_SHAPES, ArgKind } from "./argShapes.generated";
import { ArgsError, withShapeProblemsOnly } from "./validation";

/** An argument path in the form the error messages use, with `[]` for any list index: `extensionProviders[].name`. */
export type ArgPath = string;

/** Keys of a Kubernetes custom resource's arguments that name its type: plain even when its content is an Output. */
export const CUSTOM_RESOURCE_PLAIN_KEYS: readonly string[] = ["apiVersion", "kind"];

/** Keys of a HelmInstall read when choosing how to install (sdk/internal/helm.ts): plain even when the values are Outputs. */
export const HELM_INSTALL_PLAIN_KEYS: readonly string[] = ["mode", "retainCrds"];

/** Where one Output sits in a component's arguments. */
interface Hole {
    /** The path with indices, as in error messages, e.g. `policies[2].args.namespace`. */
    at: string;
    /** The same path with `[]` for indices, as in ARG_SHAPES. */
    shapePath: ArgPath;
    /** The Output (or Promise) given. */
    value: pulumi.Input<unknown>;
}

/** The generated shape of a component's arguments (undefined for a token it does not know). */
function shapeOf(token: string): { plain: readonly string[]; kinds: Record<string, ArgKind> } | undefined {
    return Object.prototype.hasOwnProperty.call(ARG_SHAPES, token) ? ARG_SHAPES[token] : undefined;
}

function isInputLike(value: unknown): value is pulumi.Output<unknown> | Promise<unknown> {
    return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** Every Output or Promise inside `value`, with its path; opaque fields (issuer material) are not looked into. */
function findHoles(token: string, value: unknown, at: string, shapePath: string, out: Hole[]): void {
    const kind = shapeOf(token)?.kinds[shapePath];
    if (kind === "opaque") {
        return;
    }
    if (isInputLike(value)) {
        out.push({ at, shapePath, value });
        return;
    }
    if (Array.isArray(value)) {
        value.forEach((v, i) => {
            findHoles(token, v, `${at}[${i}]`, `${shapePath}[]`, out);
        });
        return;
    }
    if (typeof value === "object" && value !== null) {
        for (const [k, v] of Object.entries(value)) {
            findHoles(token, v, at === "" ? k : `${at}.${k}`, shapePath === "" ? k : `${shapePath}.${k}`, out);
        }
    }
}

/** What every stand-in string starts with; a problem whose value shows it is a stand-in's, not the user's. */
const STAND_IN_MARK = "meshtls-unknown-";

/**
 * A value of the right kind that never changes a plan's shape: the plan is only built with it to learn
 * names and counts, never to make a resource input.
 */
function standIn(kind: ArgKind | undefined, i: number): unknown {
    switch (kind) {
        case "string":
            // Unique, so two stand-ins never look like the same namespace or host.
            return `${STAND_IN_MARK}${i}`;
        case "number":
        case "integer":
            return 1;
        case "array":
            return [];
        case "object":
            return {};
        default:
            // Booleans and enums: their default.
            return undefined;
    }
}

/** A deep copy of `args` with `replace(hole)` at each hole (containers copied, leaves shared). */
function fill(args: unknown, holes: Hole[], replace: (h: Hole, i: number) => unknown): unknown {
    const byPath = new Map(holes.map((h, i) => [h.at, i]));
    const walk = (value: unknown, at: string): unknown => {
        const i = byPath.get(at);
        if (i !== undefined) {
            return replace(holes[i], i);
        }
        if (Array.isArray(value)) {
            return value.map((v, k) => walk(v, `${at}[${k}]`));
        }
        if (typeof value === "object" && value !== null && !isInputLike(value) && !pulumi.Resource.isInstance(value)) {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, at === "" ? k : `${at}.${k}`)]));
        }
        return value;
    };
    return walk(args, "");
}

/**
 * A component's arguments, resolved: the plan's shape now, and resource inputs from the real plan.
 * See the module comment.
 */
export interface ResolvedArgs<P> {
    /** The plan: exact when every argument was known; else built with stand-ins, good for names, counts and plain fields only. */
    readonly shape: P;
    /** Whether every argument was known at construction (then `shape` is the plan). */
    readonly known: boolean;
    /**
     * A value computed from the real plan: plain when every argument was known, else an Output that
     * resolves once they do (and fails, naming the argument, when they are invalid).
     */
    from<T>(f: (plan: P) => T): pulumi.Input<T>;
    /**
     * Resource or child-component arguments computed from the real plan: the object `f(shape)` itself
     * when every argument was known; else the same keys, each an Output of the real plan's value, except
     * `plainKeys` (dotted paths into the object, e.g. `apiVersion`, `xds.rotation`), taken from the
     * shape and looked into.
     */
    args<T extends object>(f: (plan: P) => T, plainKeys?: readonly string[]): T;
    /** A child component's arguments computed from the real plan: `args` with the child's own plain fields (ARG_SHAPES of `token`). */
    child<T extends object>(token: string, f: (plan: P) => T): T;
}

/**
 * Builds a component's plan from arguments that may hold Outputs (module comment). `token` is the
 * component's type token (its entry in ARG_SHAPES); `plan` is the component's pure plan function.
 * An Output in a plain field is refused before registration, naming the field.
 */
export function resolveArgs<A, P>(token: string, name: string, args: A, plan: (args: pulumi.Unwrap<A>) => P): ResolvedArgs<P> {
    const holes: Hole[] = [];
    findHoles(token, args, "", "", holes);
    const plainPaths = shapeOf(token)?.plain ?? [];
    const plainHoles = holes.filter((h) => plainPaths.includes(h.shapePath));
    if (plainHoles.length > 0) {
        throw new ArgsError(
            token,
            name,
            plainHoles.map((h) => ({
                field: h.at,
                value: undefined,
                shown: "an Output",
                accepted: "this field is plain (it names resources or decides which exist), so its value must be known when the component is constructed (docs/reference/inputs.md)",
            })),
        );
    }
    if (holes.length === 0) {
        const known = plan(args as pulumi.Unwrap<A>);
        return {
            shape: known,
            known: true,
            from: (f) => f(known),
            args: (f) => f(known),
            child: (_token, f) => f(known),
        };
    }
    const shapeArgs = fill(args, holes, (h, i) => standIn(shapeOf(token)?.kinds[h.shapePath], i));
    const shape = withShapeProblemsOnly(
        plainPaths,
        holes.map((h) => h.at),
        STAND_IN_MARK,
        () => plan(shapeArgs as pulumi.Unwrap<A>),
    );
    // The real plan, built (and checked) once every Output resolves; at preview an unknown value
    // leaves it unknown and nothing runs.
    const real = pulumi.all(holes.map((h) => h.value)).apply((values): P => {
        try {
            return plan(fill(args, holes, (_h, i) => values[i]) as pulumi.Unwrap<A>);
        } catch (err) {
            throw pinnedMessage(err);
        }
    });
    const from = <T>(f: (p: P) => T): pulumi.Input<T> => real.apply((p) => f(p) as pulumi.UnwrappedObject<T>) as unknown as pulumi.Output<T>;
    const args2 = <T extends object>(f: (p: P) => T, plainKeys: readonly string[] = []): T => {
        const shaped = f(shape);
        const keys = new Set(Object.keys(shaped));
        // A key the shape lacks would be dropped without a word: refuse it instead.
        const checked = real.apply((p): P => {
            const extra = Object.entries(f(p)).filter(([k, v]) => v !== undefined && !keys.has(k));
            if (extra.length > 0) {
                throw new Error(`${token} "${name}": internal error: inputs ${extra.map(([k]) => k).join(", ")} are missing from the plan's shape`);
            }
            return p;
        });
        return liftArgs(shaped, plainKeys, (path) => checked.apply((p) => valueAt(f(p), path))) as T;
    };
    return {
        shape,
        known: false,
        from,
        args: args2,
        // Opaque fields (issuer material) are never stand-ins: the shape holds the value given.
        child: (childToken, f) => {
            const childShape = shapeOf(childToken);
            const opaque = Object.entries(childShape?.kinds ?? {})
                .filter(([, kind]) => kind === "opaque")
                .map(([path]) => path);
            return args2(f, [...(childShape?.plain ?? []), ...opaque]);
        },
    };
}

function valueAt(value: unknown, path: Array<string | number>): unknown {
    let node = value;
    for (const k of path) {
        node = typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[k] : undefined;
    }
    return node;
}

/**
 * The shape's value with each non-plain part replaced by `lift(path)` (an Output of the real value there);
 * plain parts (`plainKeys`, dotted, `[]` for list items) are kept: scalars as they are, objects and lists
 * looked into (a plain object, such as an optional section, can hold fields that are not).
 */
function liftArgs(shape: unknown, plainKeys: readonly string[], lift: (path: Array<string | number>) => unknown): unknown {
    const node = (value: unknown, n: string, path: Array<string | number>): unknown => {
        if (Array.isArray(value)) {
            const item = `${n}[]`;
            return value.map((v, i) => (plainKeys.includes(item) ? node(v, item, [...path, i]) : lift([...path, i])));
        }
        if (typeof value !== "object" || value === null || pulumi.Output.isInstance(value) || pulumi.Resource.isInstance(value)) {
            return value;
        }
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            const dotted = n === "" ? k : `${n}.${k}`;
            out[k] = plainKeys.includes(dotted) ? node(v, dotted, [...path, k]) : lift([...path, k]);
        }
        return out;
    };
    return node(shape, "", []);
}

/**
 * The error with its message fixed: Pulumi prefixes `error serializing property "<key>": ` to the message
 * of an input's failure, once per input that fails with it, and every input computed from one plan
 * fails with the same error; the message stays as the check wrote it.
 */
function pinnedMessage(err: unknown): unknown {
    if (err instanceof Error) {
        const message = err.message;
        Object.defineProperty(err, "message", {
            get: () => message,
            set: () => undefined,
            configurable: true,
        });
    }
    return err;
}
