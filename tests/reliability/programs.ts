// Every example program and the root program with Pulumi.dev.yaml, as the reliability suite runs them.
import * as path from "node:path";
import { RunOptions, loadProgram, readStackConfig } from "../harness";

const ROOT = path.join(__dirname, "..", "..");

/** A program to run and the options it needs. */
export interface NamedProgram {
    name: string;
    program: () => Record<string, unknown>;
    options: RunOptions;
    /** Whether it creates a CA (so private keys must show up, proving the secrets check ran). */
    hasKeys: boolean;
}

const devConfig = () => readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"));

const example = (name: string, hasKeys: boolean, config: Record<string, string> = {}): NamedProgram => ({
    hasKeys,
    name: `examples/${name}${Object.keys(config).length ? ` ${JSON.stringify(config)}` : ""}`,
    program: () => loadProgram(path.join(ROOT, "examples", name, "index.ts")),
    options: { project: name, config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`${name}:${k}`, v])) },
});

/** The root program and every example (each example's config variants included). */
export const PROGRAMS: NamedProgram[] = [
    { name: "root program (Pulumi.dev.yaml)", program: () => loadProgram(path.join(ROOT, "index.ts")), options: { config: devConfig() }, hasKeys: true },
    example("istio-strict-mesh", false),
    example("kuadrant-mtls", false),
    example("gloo-xds-mtls", true),
    example("gloo-xds-mtls", true, { generation: "2", previousGeneration: "1", rotationPhase: "TrustNew" }),
    example("gloo-istio-upstream", false),
    example("kyverno-extauthz", true),
    example("kyverno-extauthz", false, { flavor: "EnvoyPlugin" }),
];
