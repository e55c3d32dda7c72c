// The one way every spec runs Pulumi code: mocks set, program run, every registration settled, and the
// registered resources returned with the options that matter (parent, dependencies, provider,
// protect, retainOnDelete, ignoreChanges) and which inputs were secret.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { inspect } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
// The package's own testing mocks (meshtls/testing): real keys and certificates, deterministic random values.
import { RANDOM_RESOURCE_TYPES, TLS_RESOURCE_TYPES, mockRandomResource, mockTlsResource } from "../sdk/testing";

// Internal runtime hooks that the public d.ts does not declare. They are stable across 3.x and are
// what Pulumi's own program runner uses to wait for outstanding work.
interface RuntimeSettings {
    waitForRPCs(): Promise<void>;
    getMonitor(): unknown;
}
interface RuntimeState {
    getStore(): { supportsTransforms: boolean; callbacks?: { shutdown(): void } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as RuntimeSettings;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as RuntimeState;

// Speed: the Pulumi SDK wraps every promise it creates (several per resource and output property) in
// `debuggablePromise`, which reads `new Error().stack` eagerly for a leak report that only
// PULUMI_DEBUG_PROMISE_LEAKS prints. Under ts-node each read goes through source-map-support, which
// maps every frame: about a third of the suite's CPU time. Those stacks alone are left out; every other
// stack (assertion failures, program errors, Pulumi's resource source positions) is still mapped.
type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;
const SKIP_PROMISE_STACKS = Symbol.for("meshtls.tests.skipPromiseStacks");
function skipPromiseStacks(): void {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- a free function: V8 calls it unbound too
    const current = Error.prepareStackTrace as (PrepareStackTrace & { [SKIP_PROMISE_STACKS]?: true }) | undefined;
    if (current === undefined || current[SKIP_PROMISE_STACKS] || process.env.PULUMI_DEBUG_PROMISE_LEAKS) {
        return;
    }
    const wrapped: PrepareStackTrace & { [SKIP_PROMISE_STACKS]?: true } = (error, frames) =>
        frames[0]?.getFunctionName() === "debuggablePromise" ? "(promise stack not kept by the test harness)" : current(error, frames);
    wrapped[SKIP_PROMISE_STACKS] = true;
    Error.prepareStackTrace = wrapped;
}

// Wire-format markers of the Pulumi RPC protocol (sdk/nodejs/runtime/rpc.ts).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Stands for a value that is unknown at preview. */
export const UNKNOWN = "<unknown>";

/** A resource as the engine would have seen its registration. */
export interface RegisteredResource {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    /** Inputs as plain data: secrets unwrapped (see `secretPaths`), unknowns as `UNKNOWN`. */
    inputs: Record<string, unknown>;
    /** Dotted paths of inputs that were secret (e.g. `stringData.tls.key`, `privateKeyPem`). */
    secretPaths: string[];
    parent?: string;
    /** URNs of every resource this one depends on (explicit dependsOn and input dependencies). */
    dependencies: string[];
    provider?: string;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    deleteBeforeReplace: boolean;
    replaceOnChanges: string[];
    /** How many `transforms` the resource registered (the engine runs them on its children). */
    transforms: number;
    /** Set for a read of an existing object (`get`, or `id` in the options): the ID that was read. */
    readId?: string;
}

/** A Kubernetes object as registered (apiVersion/kind/metadata plus the rest of the inputs). */
export interface K8sObject {
    apiVersion: string;
    kind: string;
    metadata: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    [key: string]: unknown;
}

/** How to run a program. */
export interface RunOptions {
    /** Run as `pulumi preview` (computed outputs unknown). @default false */
    preview?: boolean;
    /** Stack config, keys fully qualified (`meshtls:target`). */
    config?: Record<string, string>;
    /** Config keys that are secret. */
    secretConfig?: string[];
    /** @default "meshtls" */
    project?: string;
    /** @default "test" */
    stack?: string;
    /**
     * The outputs a `pulumi.StackReference` reads (the root program reads its own stack's). @default {}
     * (a stack that has exported nothing yet, as at a first deploy)
     */
    stackOutputs?: Record<string, unknown>;
    /**
     * Answers for resource types the default mocks do not know, or overrides; return undefined to
     * fall through to the defaults. Receives plain inputs (secrets unwrapped).
     */
    newResource?: (args: pulumi.runtime.MockResourceArgs) => pulumi.runtime.MockResourceResult | undefined;
    /** Answers for invokes. */
    call?: (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>;
    /**
     * Delays every mock answer (resources, reads, invokes) by a pseudo-random time drawn from `seed`,
     * so outputs resolve, and late registrations arrive, in another order than without it.
     */
    mockDelays?: MockDelays;
}

/** Seeded random delays of mock answers (see `RunOptions.mockDelays`). */
export interface MockDelays {
    /** Seed of the pseudo-random sequence (the same seed draws the same delays in the same order). */
    seed: number;
    /** Upper bound of one delay in milliseconds. @default 5 */
    maxMs?: number;
}

/** A seeded pseudo-random source of delays in [0, maxMs] ms (mulberry32). */
function delaySource(delays: MockDelays | undefined): () => Promise<void> {
    if (delays === undefined) {
        return () => Promise.resolve();
    }
    const maxMs = delays.maxMs ?? 5;
    let state = delays.seed >>> 0;
    const next = () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    return () => new Promise((resolve) => setTimeout(resolve, Math.round(next() * maxMs)));
}

/** What a program run produced. */
export class ProgramResult<T> {
    constructor(
        /** Every registration, in the order the engine received it. */
        public readonly resources: RegisteredResource[],
        /** What the program function returned. */
        public readonly value: T,
    ) {}

    /** Resources of a type token, e.g. `tls:index/privateKey:PrivateKey`. */
    ofType(type: string): RegisteredResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The one resource with this type and name; throws when there is none or more than one. */
    get(type: string, name: string): RegisteredResource {
        const found = this.resources.filter((r) => r.type === type && r.name === name);
        if (found.length !== 1) {
            throw new Error(`expected one ${type} named ${name}, found ${found.length}; have: ${this.names().join(", ")}`);
        }
        return found[0];
    }

    /** The resource with this URN. */
    byUrn(urn: string): RegisteredResource {
        const r = this.resources.find((x) => x.urn === urn);
        if (!r) {
            throw new Error(`no resource with URN ${urn}`);
        }
        return r;
    }

    /** `type::name` of every resource, for messages and snapshots. */
    names(): string[] {
        return this.resources.map((r) => `${r.type}::${r.name}`);
    }

    /** Whether `r` waits for `on`, directly or through other registered resources' dependencies. */
    dependsOn(r: RegisteredResource, on: RegisteredResource): boolean {
        const seen = new Set<string>();
        const walk = (x: RegisteredResource): boolean =>
            x.dependencies.includes(on.urn) ||
            x.dependencies.some((urn) => {
                if (seen.has(urn)) {
                    return false;
                }
                seen.add(urn);
                const next = this.resources.find((y) => y.urn === urn);
                return next ? walk(next) : false;
            });
        return walk(r);
    }

    /** Direct children of a resource. */
    childrenOf(parent: RegisteredResource): RegisteredResource[] {
        return this.resources.filter((r) => r.parent === parent.urn);
    }

    /** Every descendant of a resource. */
    descendantsOf(parent: RegisteredResource): RegisteredResource[] {
        const out: RegisteredResource[] = [];
        const walk = (p: RegisteredResource) => {
            for (const c of this.childrenOf(p)) {
                out.push(c);
                walk(c);
            }
        };
        walk(parent);
        return out;
    }

    /** Kubernetes objects (resources of `kubernetes:` types that carry a kind), optionally by kind. */
    k8sObjects(kind?: string): K8sObject[] {
        return this.resources
            .filter((r) => r.type.startsWith("kubernetes:") && r.readId === undefined && typeof r.inputs.kind === "string")
            .map((r) => r.inputs as unknown as K8sObject)
            .filter((o) => kind === undefined || o.kind === kind);
    }

    /** The one Kubernetes object of a kind and name (and namespace, when given). */
    k8sObject(kind: string, name: string, namespace?: string): K8sObject {
        const found = this.k8sObjects(kind).filter(
            (o) => o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace),
        );
        if (found.length !== 1) {
            throw new Error(`expected one ${kind} ${namespace ?? "*"}/${name}, found ${found.length}`);
        }
        return found[0];
    }

    /** The registration behind a Kubernetes object. */
    k8sResource(kind: string, name: string, namespace?: string): RegisteredResource {
        const obj = this.k8sObject(kind, name, namespace);
        const r = this.resources.find((x) => x.inputs === (obj as unknown));
        if (!r) {
            throw new Error(`no registration for ${kind} ${name}`);
        }
        return r;
    }
}

/** An output's value, whether it is known (not at preview) and whether it is secret. */
export interface Resolved<T> {
    value: T | undefined;
    known: boolean;
    secret: boolean;
}

interface OutputInternals<T> {
    promise(withUnknowns?: boolean): Promise<T>;
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
}

/** Resolves an Output (or plain value) without losing whether it was known or secret. */
export async function resolve<T>(value: pulumi.Input<T>): Promise<Resolved<T>> {
    if (!pulumi.Output.isInstance(value)) {
        return { value: await value, known: true, secret: false };
    }
    const o = value as unknown as OutputInternals<T>;
    const [known, secret] = await Promise.all([o.isKnown, o.isSecret]);
    return { value: known ? await o.promise() : undefined, known, secret };
}

/** The value of an Output; fails when it is unknown. */
export async function valueOf<T>(value: pulumi.Input<T>): Promise<T> {
    const r = await resolve(value);
    if (!r.known) {
        throw new Error("value is unknown (preview)");
    }
    return r.value as T;
}

interface Decoded {
    value: unknown;
    secretPaths: string[];
}

/** Turns the wire form of a property struct into plain data, noting where secrets were. */
function decode(value: unknown, path: string, secretPaths: string[]): unknown {
    if (value === UNKNOWN_WIRE) {
        return UNKNOWN;
    }
    if (Array.isArray(value)) {
        return value.map((v, i) => decode(v, path ? `${path}.${i}` : String(i), secretPaths));
    }
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) {
            secretPaths.push(path);
            return decode(o.value, path, secretPaths);
        }
        if (o[SIG_KEY] === RESOURCE_SIG) {
            return o.urn;
        }
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(o)) {
            out[k] = decode(v, path ? `${path}.${k}` : k, secretPaths);
        }
        return out;
    }
    return value;
}

function decodeStruct(struct: unknown): Decoded {
    const secretPaths: string[] = [];
    const raw = (struct as { toJavaScript(): unknown } | undefined)?.toJavaScript() ?? {};
    const value = decode(raw, "", secretPaths);
    return { value, secretPaths };
}

/** The parts of a RegisterResourceRequest the harness reads. */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): unknown;
    getDependenciesList(): string[];
    getProvider(): string;
    getProtect(): boolean;
    getRetainondelete?(): boolean;
    getIgnorechangesList(): string[];
    getDeletebeforereplace(): boolean;
    getReplaceonchangesList(): string[];
    getTransformsList(): unknown[];
}

/** The parts of a ReadResourceRequest the harness reads. */
interface ReadRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getId(): string;
    getProperties(): unknown;
    getDependenciesList(): string[];
    getProvider(): string;
}

interface MonitorLike {
    registerResource(req: RegisterRequest, cb: (err: unknown, resp: unknown) => void): Promise<void>;
    readResource(req: ReadRequest, cb: (err: unknown, resp: unknown) => void): Promise<void>;
}

function urnFor(project: string, stack: string, parentUrn: string, type: string, name: string): string {
    let qualified = type;
    if (parentUrn) {
        const parentType = parentUrn.split("::")[2].split("$").pop();
        qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Re-marks top-level inputs that were secret when they are echoed back as outputs. */
function echo(inputs: Record<string, unknown>, secretPaths: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = { ...inputs };
    for (const p of secretPaths) {
        if (p !== "" && !p.includes(".") && p in out) {
            out[p] = pulumi.secret(out[p]);
        }
    }
    return out;
}

function defaultId(name: string, inputs: Record<string, unknown>): string {
    const meta = inputs.metadata as { name?: string; namespace?: string } | undefined;
    if (meta?.name) {
        return meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
    }
    return `${name}-id`;
}

let running = false;

interface Execution<T> {
    resources: RegisteredResource[];
    value?: T;
    error?: unknown;
}

/**
 * Run options whose mocks answer reads of existing objects (`get`, or `id` in the options) from
 * `objects`, keyed by the ID read (`<namespace>/<name>`); other registrations fall through to the defaults.
 */
export function liveReads(objects: Record<string, unknown>): Pick<RunOptions, "newResource"> {
    return {
        newResource: (args) => (args.id && args.id in objects ? { id: args.id, state: objects[args.id] as Record<string, unknown> } : undefined),
    };
}

/**
 * Runs `program` under Pulumi's mock runtime and resolves when every registration has settled,
 * including ones whose inputs waited on other resources' outputs. Throws the program's error, or the
 * first error raised while registering (a mock failure, an apply that threw).
 */
export async function runProgram<T>(program: () => T | Promise<T>, options: RunOptions = {}): Promise<ProgramResult<Awaited<T>>> {
    const run = await execute(program, options);
    if (run.error !== undefined) {
        throw run.error instanceof Error ? run.error : new Error(inspect(run.error));
    }
    return new ProgramResult(run.resources, run.value as Awaited<T>);
}

/** Runs a program that must fail; resolves with its error and whatever registered before it. */
export async function runExpectingError(
    program: () => unknown,
    options: RunOptions = {},
): Promise<{ error: Error; resources: RegisteredResource[] }> {
    const run = await execute(program, options);
    if (run.error === undefined) {
        throw new Error(`expected the program to fail; it registered: ${run.resources.map((r) => r.name).join(", ")}`);
    }
    return { error: run.error as Error, resources: run.resources };
}

async function execute<T>(program: () => T | Promise<T>, options: RunOptions): Promise<Execution<Awaited<T>>> {
    if (running) {
        throw new Error("runProgram: programs must not run concurrently (the Pulumi runtime is global)");
    }
    running = true;
    skipPromiseStacks();
    const project = options.project ?? "meshtls";
    const stack = options.stack ?? "test";
    const preview = options.preview ?? false;
    const resources: RegisteredResource[] = [];
    const errors: unknown[] = [];
    // A failed registration leaves resources that wait on it pending forever (a real run exits on the
    // error), so the settle loop stops at the first error instead of waiting for them.
    let signalError: () => void = () => undefined;
    const errorRaised = new Promise<void>((resolve) => {
        signalError = resolve;
    });
    const onRejection = (reason: unknown) => {
        errors.push(reason);
        signalError();
    };
    process.on("unhandledRejection", onRejection);
    let inflight = 0;
    // The mock monitor hands newResource the inputs with secret wrappers still on; the harness
    // decodes the same request itself and passes plain inputs, keyed by type and name.
    const pending = new Map<string, Decoded>();
    const delay = delaySource(options.mockDelays);
    try {
        pulumi.runtime.setAllConfig(options.config ?? {}, options.secretConfig ?? []);
        await pulumi.runtime.setMocks(
            {
                newResource: async (args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> => {
                    await delay();
                    const decoded = pending.get(`${args.type}::${args.name}`) ?? { value: {}, secretPaths: [] };
                    const inputs = decoded.value as Record<string, unknown>;
                    try {
                        const custom = options.newResource?.({ ...args, inputs });
                        if (custom) {
                            return custom;
                        }
                        if (args.type === "pulumi:pulumi:StackReference") {
                            return { id: args.id ?? args.name, state: { name: args.id ?? args.name, outputs: options.stackOutputs ?? {}, secretOutputNames: [] } };
                        }
                        if (TLS_RESOURCE_TYPES.has(args.type)) {
                            return { id: `${args.name}-id`, state: await mockTlsResource(args.type, args.name, inputs, preview) };
                        }
                        if (RANDOM_RESOURCE_TYPES.has(args.type)) {
                            return { id: `${args.name}-id`, state: mockRandomResource(args.type, args.name, inputs, preview) };
                        }
                        if (args.custom === false) {
                            // Components: outputs come from registerOutputs, not from here.
                            return { id: "", state: {} };
                        }
                        return { id: defaultId(args.name, inputs), state: echo(inputs, decoded.secretPaths) };
                    } catch (err) {
                        onRejection(err);
                        throw err;
                    }
                },
                call: async (args: pulumi.runtime.MockCallArgs) => {
                    await delay();
                    if (options.call) {
                        return options.call(args);
                    }
                    throw new Error(`unexpected invoke ${args.token}`);
                },
            },
            project,
            stack,
            preview,
            // What a self-managed backend reports (`pulumi.getOrganization()`).
            "organization",
        );
        // Mocks refuse `transforms` (the engine would run them); the harness accepts and records them,
        // through the SDK's in-process callback server on loopback, shut down after the run.
        state.getStore().supportsTransforms = true;
        const monitor = settings.getMonitor() as MonitorLike;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = async (req, cb) => {
            inflight++;
            const decoded = decodeStruct(req.getObject());
            const type = req.getType();
            const name = req.getName();
            const parent = req.getParent();
            pending.set(`${type}::${name}`, decoded);
            resources.push({
                type,
                name,
                urn: urnFor(project, stack, parent, type, name),
                custom: req.getCustom(),
                inputs: decoded.value as Record<string, unknown>,
                secretPaths: decoded.secretPaths,
                parent: parent || undefined,
                dependencies: [...req.getDependenciesList()].sort(),
                provider: req.getProvider() || undefined,
                protect: req.getProtect(),
                retainOnDelete: req.getRetainondelete?.() ?? false,
                ignoreChanges: req.getIgnorechangesList(),
                deleteBeforeReplace: req.getDeletebeforereplace(),
                replaceOnChanges: req.getReplaceonchangesList(),
                transforms: req.getTransformsList().length,
            });
            try {
                await register(req, cb);
            } finally {
                inflight--;
            }
        };

        const read = monitor.readResource.bind(monitor);
        monitor.readResource = async (req, cb) => {
            inflight++;
            const decoded = decodeStruct(req.getProperties());
            const parent = req.getParent();
            resources.push({
                type: req.getType(),
                name: req.getName(),
                urn: urnFor(project, stack, parent, req.getType(), req.getName()),
                custom: true,
                inputs: decoded.value as Record<string, unknown>,
                secretPaths: decoded.secretPaths,
                parent: parent || undefined,
                dependencies: [...req.getDependenciesList()].sort(),
                provider: req.getProvider() || undefined,
                protect: false,
                retainOnDelete: false,
                ignoreChanges: [],
                deleteBeforeReplace: false,
                replaceOnChanges: [],
                transforms: 0,
                readId: req.getId(),
            });
            try {
                await read(req, cb);
            } finally {
                inflight--;
            }
        };

        let value: Awaited<T> | undefined;
        try {
            value = await program();
        } catch (err) {
            errors.unshift(err);
        }
        // Settle: wait until the RPC queue is drained, no registration is in flight, and nothing new
        // has arrived across several turns of the event loop (apply callbacks create resources late).
        let stableTurns = 0;
        let lastCount = -1;
        while (stableTurns < 3 && errors.length === 0) {
            await Promise.race([settings.waitForRPCs(), errorRaised]);
            await new Promise((r) => setImmediate(r));
            if (inflight === 0 && resources.length === lastCount) {
                stableTurns++;
            } else {
                stableTurns = 0;
                lastCount = resources.length;
            }
        }
        if (errors.length > 0) {
            // Drain (bounded): after a failed apply, registrations still in flight, and the same
            // rejection raised again where the Output is serialized, finish here, not in the next run.
            await Promise.race([settings.waitForRPCs().catch(() => undefined), new Promise((r) => setTimeout(r, 250))]);
        }
        return { resources, value, error: errors[0] };
    } finally {
        const store = state.getStore();
        store.callbacks?.shutdown();
        store.callbacks = undefined;
        process.off("unhandledRejection", onRejection);
        running = false;
    }
}

/**
 * Runs a Pulumi program file (a main program or an example's index.ts) afresh and returns its
 * exports: it executes at import time, as Pulumi runs it, so the module cache entry is dropped first.
 */
export function loadProgram(file: string): Record<string, pulumi.Output<unknown>> {
    const resolved = require.resolve(file);
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
    delete require.cache[resolved];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(resolved) as Record<string, pulumi.Output<unknown>>;
}

/**
 * Asserts that a program fails argument validation: the message starts with the component's
 * `<type> "<name>": invalid arguments`, matches `message`, and nothing was registered.
 */
export async function assertRejected(program: () => unknown, type: string, name: string, message: RegExp): Promise<void> {
    const { error, resources } = await runExpectingError(program);
    assert.ok(error.message.startsWith(`${type} "${name}": invalid arguments`), error.message);
    assert.match(error.message, message);
    assert.deepEqual(resources.map((r) => r.name), [], "nothing may be registered before validation fails");
}

/**
 * What two identical runs must agree on, keyed by URN in URN order: every registration with its
 * inputs, secret paths, dependencies, provider and options. Registration order is not part of it:
 * it follows the order in which outputs resolve (a cold or a warm key cache, mock timing), which the
 * engine does not depend on either. Throws on a URN registered twice (the engine would refuse it).
 */
export function registrationView(result: ProgramResult<unknown>): Record<string, Omit<RegisteredResource, "urn">> {
    const byUrn = new Map<string, Omit<RegisteredResource, "urn">>();
    for (const { urn, ...rest } of result.resources) {
        if (byUrn.has(urn)) {
            throw new Error(`registrationView: ${urn} is registered twice`);
        }
        byUrn.set(urn, rest);
    }
    return Object.fromEntries([...byUrn.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A stack file's config as the Pulumi CLI hands it to a program: fully qualified keys, structured
 * values as JSON text. `overrides` replace keys (same form as the file).
 */
export function readStackConfig(file: string, overrides: Record<string, unknown> = {}): Record<string, string> {
    const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    const merged = { ...doc.config, ...overrides };
    return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}
