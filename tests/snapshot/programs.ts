// The behaviour snapshot: every example's (and the root program's) URNs and every custom resource's
// inputs, with key and certificate material replaced by placeholders. The committed baseline was taken
// from main before the plan/manifests/component refactor (issue 13); the spec compares against it so a
// refactor that changes a URN or an input shows up as a failing test, not as a replaced live resource.
import * as path from "node:path";
import { liveReads, RunOptions, loadProgram, runProgram } from "../harness";
import { PROGRAMS } from "../reliability/programs";

const ROOT = path.join(__dirname, "..", "..");

/** A program of the snapshot. */
export interface SnapshotProgram {
    name: string;
    program: () => Record<string, unknown>;
    options: RunOptions;
}

const kuadrantLive = (name: string, cluster: string): Record<string, unknown> => ({
    apiVersion: "networking.istio.io/v1alpha3",
    kind: "EnvoyFilter",
    metadata: { name, namespace: "gateway-system" },
    spec: {
        targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "external" }],
        configPatches: [{ applyTo: "CLUSTER", patch: { operation: "ADD", value: { name: cluster, type: "STRICT_DNS" } } }],
    },
});
const LIVE: Record<string, Record<string, unknown>> = {
    "gateway-system/kuadrant-auth-external": kuadrantLive("kuadrant-auth-external", "kuadrant-auth-service"),
    "gateway-system/kuadrant-ratelimiting-external": kuadrantLive("kuadrant-ratelimiting-external", "kuadrant-ratelimit-service"),
};

const kuadrantManual = (config: Record<string, string>): SnapshotProgram => ({
    name: `examples/kuadrant-mtls ${JSON.stringify(config)}`,
    program: () => loadProgram(path.join(ROOT, "examples", "kuadrant-mtls", "index.ts")),
    options: {
        project: "kuadrant-mtls",
        // Manual mode needs a Kuadrant before 1.3 (issue 15 item 6); the name keeps the baseline's key.
        config: Object.fromEntries(Object.entries({ kuadrantVersion: "1.2.0", ...config }).map(([k, v]) => [`kuadrant-mtls:${k}`, v])),
        ...liveReads(LIVE),
    },
});

/** Every program of the reliability suite plus Kuadrant's Manual mode on and off. */
export const SNAPSHOT_PROGRAMS: SnapshotProgram[] = [
    ...PROGRAMS.map((p) => ({ name: p.name, program: p.program, options: p.options })),
    kuadrantManual({ mode: "Manual" }),
    kuadrantManual({ mode: "Manual", enabled: "false", removeSidecars: "true" }),
];

const PEM = /-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----\n?/g;

/** Replaces PEM blocks (keys, certificates, CSRs) inside any string: they differ on every run. */
export function placeholders(value: unknown): unknown {
    if (typeof value === "string") {
        return value.replace(PEM, (_m, label: string) => `<${label.toLowerCase()}>`);
    }
    if (Array.isArray(value)) {
        return value.map(placeholders);
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, placeholders(v)]));
    }
    return value;
}

/** What the snapshot keeps of one program: component URNs, and the inputs of custom resources and chart installs keyed by URN. */
export interface ProgramSnapshot {
    components: string[];
    custom: Record<string, unknown>;
}

/** Helm installs are components to the engine (helm.v4.Chart is a remote component), yet their values are what the cluster gets. */
const isChartInstall = (type: string) => type.startsWith("kubernetes:helm.sh/");

/** Runs a program and takes its snapshot (order-free: keyed and sorted by URN). */
export async function snapshotOf(p: SnapshotProgram): Promise<ProgramSnapshot> {
    const result = await runProgram(p.program, p.options);
    const components = result.resources.filter((r) => !r.custom).map((r) => r.urn).sort();
    const custom: Record<string, unknown> = {};
    for (const r of [...result.resources].filter((x) => x.custom || isChartInstall(x.type)).sort((a, b) => a.urn.localeCompare(b.urn))) {
        custom[r.urn] = placeholders(r.inputs);
    }
    return { components, custom };
}

/** Where the committed baseline lives. */
export const BASELINE_FILE = path.join(__dirname, "baseline.json");
