// The fleet CA's plan (pure): one root per generation (generated, external with its key, or offline),
// one intermediate per cluster and generation (generated, or signed outside Pulumi for an offline root),
// the trust domain of each cluster with the others' as aliases, and the fleet's rotation state.
// Also the pure half of the stack-per-cluster layout: the material a CA stack exports and the issuer a
// cluster stack builds from it for its own rotation state (fleetClusterIssuer).
import * as pulumi from "@pulumi/pulumi";
import { compact } from "../internal/chartValues";
import { ArgsValidator } from "../internal/validation";
import type { FleetCertificateAuthorityArgs, FleetClusterArgs, IntermediateCaArgs } from "./args";
import { DEFAULT_GENERATION, DEFAULT_ROOT_COMMON_NAME, DEFAULT_ROTATION_PHASE, INTERMEDIATE_DEFAULTS, ROOT_DEFAULTS } from "./defaults";
import { joinPem, pemCertificates } from "./fingerprint";
import { fleetPhaseProblem, fleetStepProblems } from "./fleetRotation";
import { MaterialProblem, externalRootProblems, intermediateWithinRootProblem, signedIntermediateProblems } from "./material";
import { CaCertificatePlan, CaIntermediatePlan, CaIssuancePlan, caIssuancePlan, checkIntermediateArgs, checkRootArgs, checkRotationArgs, isPlainValue } from "./plan";
import { formatRotationState, rotationStateProblem, signingGenerationOf, trustedGenerationsOf } from "./rotationGuard";
import { CaRotationState, RotationPhase } from "./types";

/** Type token of FleetCertificateAuthority. */
export const FLEET_CERTIFICATE_AUTHORITY_TYPE = "meshtls:index:FleetCertificateAuthority";

/** SPIFFE trust domain of a fleet cluster that sets none (Istio's default). */
export const DEFAULT_FLEET_TRUST_DOMAIN = "cluster.local";

/** Longest cluster name: the default intermediate subject `<cluster> intermediate g<generation> <suffix>` then fits X.509's 64. */
export const FLEET_CLUSTER_NAME_MAX = 27;

/** Appended to a cluster's name to name its intermediate when it has no common name of its own. */
export const FLEET_INTERMEDIATE_COMMON_NAME_SUFFIX = " intermediate";

/** Where a generation's root comes from. */
export type FleetRootSource = "generated" | "external" | "offline";

/** One cluster's intermediate in one generation. */
export interface FleetIntermediatePlan {
    /** The cluster. */
    cluster: string;
    /** Generated (under a generated or external root): its resources. Absent for an offline root. */
    generated: CaIntermediatePlan | undefined;
    /** Offline root: the index of the cluster's `signedIntermediates` entry that supplies it. */
    signedIndex: number | undefined;
}

/** The resources and sources of one generation. */
export interface FleetGenerationPlan {
    /** The generation number. */
    generation: number;
    /** Where its root comes from. */
    source: FleetRootSource;
    /** Resource name of the `random.RandomId` that suffixes generated subjects (absent for an offline root). */
    idName: string | undefined;
    /** Keepers of that RandomId. */
    idKeepers: { generation: string };
    /** The generated root (source `generated` only). */
    root: CaCertificatePlan | undefined;
    /** The index into `externalRoots` (sources `external` and `offline`). */
    externalIndex: number | undefined;
    /** One intermediate per cluster, in cluster order. */
    intermediates: FleetIntermediatePlan[];
}

/** One cluster of the fleet, resolved. */
export interface FleetClusterPlan {
    /** Its name. */
    name: string;
    /** Its trust domain. */
    trustDomain: string;
    /** The other clusters' trust domains, when they differ from its own (sorted, unique). */
    trustDomainAliases: string[];
}

/** A FleetCertificateAuthority's validated, fully defaulted plan. */
export interface FleetCertificateAuthorityPlan extends CaIssuancePlan {
    /** The requested rotation state. */
    rotationState: CaRotationState;
    /** The generation that signs in this phase. */
    signingGeneration: number;
    /** The generations in use, in trust bundle order (the previous generation first during a rotation). */
    generations: FleetGenerationPlan[];
    /** The clusters, in the order given. */
    clusters: FleetClusterPlan[];
}

/**
 * Validates a FleetCertificateAuthority's arguments (every problem at once) and resolves every default.
 * Supplied PEMs are checked when known (an Output is checked by the component once it resolves);
 * `now` is when validity is judged.
 */
export function planFleetCertificateAuthority(name: string, args: pulumi.Unwrap<FleetCertificateAuthorityArgs>, now: Date = new Date()): FleetCertificateAuthorityPlan {
    const v = new ArgsValidator(FLEET_CERTIFICATE_AUTHORITY_TYPE, name);
    const clusters: Array<pulumi.Unwrap<FleetClusterArgs>> = Array.isArray(args.clusters) ? args.clusters : [];
    v.check(Array.isArray(args.clusters) && clusters.length > 0, "clusters", args.clusters, "at least one cluster: [{ name: \"east\" }, ...]");
    clusters.forEach((c, i) => {
        if (v.dnsLabel(`clusters[${i}].name`, c.name, true)) {
            v.check(c.name.length <= FLEET_CLUSTER_NAME_MAX, `clusters[${i}].name`, c.name, `at most ${FLEET_CLUSTER_NAME_MAX} characters (it names the cluster's intermediate subject and resources)`);
        }
        v.dnsSubdomain(`clusters[${i}].trustDomain`, c.trustDomain);
        if (c.intermediate !== undefined) {
            checkIntermediateArgs(v, `clusters[${i}].intermediate.`, c.intermediate);
        }
    });
    const firstIndex = new Map<string, number>();
    clusters.forEach((c, i) => {
        const first = firstIndex.get(c.name);
        if (first === undefined) {
            firstIndex.set(c.name, i);
        } else {
            v.fail(`clusters[${i}].name`, c.name, `a name no other cluster has (clusters[${first}].name is ${JSON.stringify(c.name)}): it names the cluster's resources`);
        }
    });
    v.dnsSubdomain("trustDomain", args.trustDomain);
    checkRootArgs(v, args);
    if (args.intermediate !== undefined) {
        checkIntermediateArgs(v, "intermediate.", args.intermediate);
    }
    const requested = checkRotationArgs(v, args);
    const phase = args.rotationPhase ?? DEFAULT_ROTATION_PHASE;
    const generation = args.generation ?? DEFAULT_GENERATION;
    const numbers = phase === RotationPhase.Stable || args.previousGeneration === undefined ? [generation] : [args.previousGeneration, generation];

    // Roots from outside: one entry per generation in use.
    const external = args.externalRoots ?? [];
    const externalIndex = listedByGeneration(v, "externalRoots", external, numbers, requested, "; add a new generation's root in the step that starts its rotation (TrustNew)");
    // Generations whose supplied root is bad: nothing is checked against it.
    const badRoots = new Set<number>();
    for (const [g, i] of externalIndex) {
        const root = external[i];
        if (checkKnownMaterial(v, () => externalRootProblems(`externalRoots[${i}]`, root.certPem, root.privateKeyPem, now), root.certPem, root.privateKeyPem)) {
            badRoots.add(g);
        }
    }
    const sourceOf = (g: number): FleetRootSource => {
        const i = externalIndex.get(g);
        return i === undefined ? "generated" : external[i].privateKeyPem === undefined ? "offline" : "external";
    };

    // Offline roots: every cluster supplies its intermediate; other generations must not (it would be ignored).
    clusters.forEach((c, ci) => {
        const signed = c.signedIntermediates ?? [];
        const seen = listedByGeneration(v, `clusters[${ci}].signedIntermediates`, signed, numbers, requested, "");
        for (const [g, si] of seen) {
            const at = `clusters[${ci}].signedIntermediates[${si}]`;
            if (sourceOf(g) !== "offline") {
                v.fail(`${at}.generation`, g, `only a generation whose root is offline (an externalRoots entry without privateKeyPem); generation ${g}'s intermediates are signed by meshtls`);
                continue;
            }
            const root = external[externalIndex.get(g) ?? 0];
            if (isPlainValue(root.certPem) && !badRoots.has(g)) {
                checkKnownMaterial(v, () => signedIntermediateProblems(at, signed[si].certPem, signed[si].privateKeyPem, root.certPem, now), signed[si].certPem, signed[si].privateKeyPem);
            }
        }
        if (requested === undefined) {
            return;
        }
        for (const g of numbers) {
            if (sourceOf(g) === "offline" && !seen.has(g)) {
                v.fail(`clusters[${ci}].signedIntermediates`, undefined, `an entry for generation ${g}: its root (externalRoots[${externalIndex.get(g) ?? 0}]) is offline, so each cluster's intermediate is signed outside Pulumi and supplied here`);
            }
        }
    });

    // Generated intermediates: within their root (a generated root by validity lengths; an external one by its notAfter).
    const imArgs = (c: pulumi.Unwrap<FleetClusterArgs>): pulumi.Unwrap<IntermediateCaArgs> => ({ ...args.intermediate, ...compact(c.intermediate ?? {}) });
    // A cluster without its own validity reads the fleet's (or the default): one problem for all of them.
    const imField = (ci: number, c: pulumi.Unwrap<FleetClusterArgs>) =>
        c.intermediate?.validityHours !== undefined ? `clusters[${ci}].intermediate.validityHours` : args.intermediate?.validityHours !== undefined ? "intermediate.validityHours" : "intermediate.validityHours (the default; set it explicitly)";
    // Each problem once per field: clusters without their own validity share the fleet's.
    const reported = new Set<string>();
    const report = (field: string, value: number, accepted: string) => {
        if (!reported.has(field)) {
            reported.add(field);
            v.fail(field, value, accepted);
        }
    };
    if (requested !== undefined) {
        for (const g of numbers) {
            const source = sourceOf(g);
            clusters.forEach((c, ci) => {
                const hours = imArgs(c).validityHours ?? INTERMEDIATE_DEFAULTS.validityHours;
                if (!Number.isInteger(hours) || hours < 1 || badRoots.has(g)) {
                    return;
                }
                if (source === "generated") {
                    const rootHours = args.validityHours ?? ROOT_DEFAULTS.validityHours;
                    if (Number.isInteger(rootHours) && rootHours >= 1 && hours > rootHours) {
                        report(imField(ci, c), hours, `expected at most validityHours${args.validityHours === undefined ? " (the default)" : ""} (${rootHours}): an intermediate must not outlive the root that signs it`);
                    }
                } else if (source === "external") {
                    const root = external[externalIndex.get(g) ?? 0];
                    const p = isPlainValue(root.certPem) ? intermediateWithinRootProblem(imField(ci, c), hours, root.certPem) : undefined;
                    if (p !== undefined) {
                        report(p.field, hours, `${p.accepted} (externalRoots[${externalIndex.get(g) ?? 0}], generation ${g})`);
                    }
                }
            });
        }
    }

    // Settings that would be ignored: generated-root settings when no generation generates its root.
    if (requested !== undefined && numbers.every((g) => sourceOf(g) !== "generated")) {
        for (const key of ["commonName", "validityHours", "earlyRenewalHours"] as const) {
            if (args[key] !== undefined) {
                v.fail(key, args[key], `leave it unset: it sets a generated root, and every generation in use (${numbers.join(", ")}) has its root in externalRoots`);
            }
        }
    }

    // The fleet guard (one stack per cluster), when the clusters' states are known now.
    const states: unknown = args.clusterRotationStates;
    if (requested !== undefined && states !== undefined && isPlainValue(states)) {
        fleetGuard(v, requested, states, clusters.map((c) => c.name));
    }
    v.throwIfInvalid();

    const trustDomainOf = (c: pulumi.Unwrap<FleetClusterArgs>) => c.trustDomain ?? args.trustDomain ?? DEFAULT_FLEET_TRUST_DOMAIN;
    const domains = [...new Set(clusters.map(trustDomainOf))].sort();
    const rootCommonName = args.commonName ?? DEFAULT_ROOT_COMMON_NAME;
    const rotationState = requested as CaRotationState;
    return {
        ...caIssuancePlan(name, args),
        rotationState,
        signingGeneration: signingGenerationOf(rotationState),
        generations: numbers.map((g): FleetGenerationPlan => {
            const source = sourceOf(g);
            return {
                generation: g,
                source,
                idName: source === "offline" ? undefined : `${name}-g${g}-id`,
                idKeepers: { generation: String(g) },
                root:
                    source === "generated"
                        ? {
                              keyName: `${name}-g${g}-root-key`,
                              certName: `${name}-g${g}-root`,
                              commonNameBase: rootCommonName,
                              validityHours: args.validityHours ?? ROOT_DEFAULTS.validityHours,
                              earlyRenewalHours: args.earlyRenewalHours ?? ROOT_DEFAULTS.earlyRenewalHours,
                          }
                        : undefined,
                externalIndex: externalIndex.get(g),
                intermediates: clusters.map((c): FleetIntermediatePlan => {
                    if (source === "offline") {
                        return { cluster: c.name, generated: undefined, signedIndex: (c.signedIntermediates ?? []).findIndex((s) => s.generation === g) };
                    }
                    const im = imArgs(c);
                    const prefix = `${name}-${c.name}-g${g}-intermediate`;
                    return {
                        cluster: c.name,
                        generated: {
                            keyName: `${prefix}-key`,
                            csrName: `${prefix}-csr`,
                            certName: prefix,
                            commonNameBase: c.intermediate?.commonName ?? `${c.name}${FLEET_INTERMEDIATE_COMMON_NAME_SUFFIX}`,
                            validityHours: im.validityHours ?? INTERMEDIATE_DEFAULTS.validityHours,
                            earlyRenewalHours: im.earlyRenewalHours ?? INTERMEDIATE_DEFAULTS.earlyRenewalHours,
                        },
                        signedIndex: undefined,
                    };
                }),
            };
        }),
        clusters: clusters.map((c) => {
            const own = trustDomainOf(c);
            return { name: c.name, trustDomain: own, trustDomainAliases: domains.filter((d) => d !== own) };
        }),
    };
}

/**
 * Entries keyed by generation (`externalRoots`, a cluster's `signedIntermediates`): each a whole number,
 * listed once and in use in this phase (`numbers`). Returns generation -> index of the valid entries.
 */
function listedByGeneration(v: ArgsValidator, field: string, entries: ReadonlyArray<{ generation: number }>, numbers: number[], requested: CaRotationState | undefined, hint: string): Map<number, number> {
    const index = new Map<number, number>();
    entries.forEach((e, i) => {
        const at = `${field}[${i}].generation`;
        if (!v.integer(at, e.generation, 1, true)) {
            return;
        }
        const first = index.get(e.generation);
        if (first !== undefined) {
            v.fail(at, e.generation, `each generation at most once (also ${field}[${first}])`);
        } else if (requested !== undefined && !numbers.includes(e.generation)) {
            v.fail(at, e.generation, `a generation in use: ${numbers.join(" and ")} (${formatRotationState(requested)})${hint}`);
        } else {
            index.set(e.generation, i);
        }
    });
    return index;
}

/**
 * Runs a material check when every PEM it reads is known now (an Output is the component's to check);
 * whether it found a problem.
 */
function checkKnownMaterial(v: ArgsValidator, problems: () => MaterialProblem[], ...pems: unknown[]): boolean {
    if (!pems.every((p) => p === undefined || (typeof p === "string" && isPlainValue(p)))) {
        return false;
    }
    const found = problems();
    for (const p of found) {
        v.fail(p.field, p.value, p.accepted);
    }
    return found.length > 0;
}

/**
 * The fleet guard as the CA applies it to `clusterRotationStates`: each cluster that blocks the requested
 * step, named by its key, and keys that name no cluster of the fleet (a typo would switch the guard off).
 */
export function fleetGuard(v: ArgsValidator, requested: CaRotationState, states: unknown, clusterNames: readonly string[]): void {
    if (typeof states !== "object" || states === null || Array.isArray(states)) {
        v.fail("clusterRotationStates", states, "an object: cluster name -> that cluster stack's rotationState output");
        return;
    }
    const record = states as Record<string, unknown>;
    for (const key of Object.keys(record).sort()) {
        if (!clusterNames.includes(key)) {
            v.fail(`clusterRotationStates.${key}`, record[key], `a cluster of the fleet: ${clusterNames.join(", ")}`);
        }
    }
    for (const p of fleetStepProblems(requested, record)) {
        v.fail(
            "generation/previousGeneration/rotationPhase",
            formatRotationState(requested),
            `cluster ${p.cluster} is at ${rotationStateProblem(p.state) === undefined ? formatRotationState(p.state as CaRotationState) : JSON.stringify(p.state)} (clusterRotationStates.${p.cluster}): ${p.reason}; deploy that cluster's stack first (README, rotation runbook)`,
        );
    }
}

/** One cluster's intermediate of one generation, as the CA stack exports it. */
export interface FleetIntermediateExport {
    /** PEM of the intermediate, followed by any further intermediates up to (not including) the root. */
    certPem: string;
    /** PEM private key of the intermediate. */
    privateKeyPem: string;
}

/** One generation, as the CA stack exports it. */
export interface FleetGenerationExport {
    /** PEM of the generation's root. */
    rootCertPem: string;
    /** Each cluster's intermediate, by cluster name. */
    clusters: { [cluster: string]: FleetIntermediateExport };
}

/**
 * What a fleet CA hands its clusters (the `material` output): the stack-per-cluster layout's CA-stack
 * export, a secret as a whole. A cluster builds its issuer from it with `fleetClusterIssuer`.
 */
export interface FleetIssuerExport {
    /** The fleet CA's rotation state. */
    rotationState: CaRotationState;
    /** Each generation in use, by generation number (as a string key). */
    generations: { [generation: string]: FleetGenerationExport };
    /** Each cluster's trust domain. */
    trustDomains: { [cluster: string]: string };
}

/** A cluster's issuer, plain: the fields of IssuerMaterial. */
export interface PlainIssuer {
    /** PEM of the signing intermediate. */
    certPem: string;
    /** Its private key. */
    privateKeyPem: string;
    /** `certPem`, any further intermediates and the root. */
    caChainPem: string;
    /** `certPem` and any further intermediates. */
    intermediatesPem: string;
    /** The signing generation's root. */
    rootCertPem: string;
    /** Every trusted generation's root, the previous generation first. */
    trustBundlePem: string;
}

/**
 * The issuer of `cluster` in `state` (its own rotation state) from a fleet's export: its signing
 * generation's intermediate and the roots of every generation it trusts (the previous one first, as
 * CertificateAuthority orders its bundle). A problem instead when the export is not one, lacks the
 * cluster or a generation, or the fleet guard refuses the state beside the CA's (`fleetPhaseProblem`).
 */
export function fleetClusterIssuer(exported: unknown, cluster: string, state: CaRotationState): { issuer: PlainIssuer } | { problem: string } {
    // Read as untrusted data: it arrives through a StackReference from another stack.
    const e = exported as { rotationState?: unknown; generations?: Record<string, Partial<FleetGenerationExport> | undefined> | null } | null | undefined;
    if (typeof e !== "object" || e === null || typeof e.generations !== "object" || e.generations === null) {
        return { problem: "expected a fleet CA's `material` output: { rotationState, generations, trustDomains }" };
    }
    const caState = e.rotationState;
    const invalid = rotationStateProblem(caState);
    if (invalid !== undefined) {
        return { problem: `its rotationState is not one: ${invalid}` };
    }
    const phase = fleetPhaseProblem(state, caState as CaRotationState);
    if (phase !== undefined) {
        return { problem: `this cluster's ${formatRotationState(state)} is refused beside the fleet CA's: ${phase}` };
    }
    const generations = e.generations;
    const order = state.rotationPhase === RotationPhase.Stable || state.previousGeneration === undefined ? [state.generation] : [state.previousGeneration, state.generation];
    const missing = trustedGenerationsOf(state).filter((g) => generations[String(g)] === undefined);
    if (missing.length > 0) {
        return { problem: `the fleet CA holds no generation ${missing.join(" or ")} (it holds ${Object.keys(generations).sort().join(", ")}): move this cluster to ${formatRotationState(caState as CaRotationState)}` };
    }
    const signing = generations[String(signingGenerationOf(state))] ?? {};
    const mine = signing.clusters?.[cluster];
    if (mine === undefined || typeof mine.certPem !== "string" || typeof mine.privateKeyPem !== "string" || typeof signing.rootCertPem !== "string") {
        return { problem: `the fleet CA has no cluster ${JSON.stringify(cluster)} (it has ${Object.keys(signing.clusters ?? {}).sort().join(", ")})` };
    }
    const intermediates = joinPem(...pemCertificates(mine.certPem));
    return {
        issuer: {
            certPem: pemCertificates(mine.certPem)[0] ?? "",
            privateKeyPem: mine.privateKeyPem,
            caChainPem: joinPem(intermediates, signing.rootCertPem),
            intermediatesPem: intermediates,
            rootCertPem: signing.rootCertPem,
            trustBundlePem: joinPem(...order.map((g) => generations[String(g)]?.rootCertPem ?? "")),
        },
    };
}
