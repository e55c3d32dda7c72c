// MtlsPlatform's fleet modes (pure): `clusters` (a fleet in one program: one FleetCertificateAuthority,
// and per cluster a provider and the single-cluster platform plan over its own Istio settings) and
// `fleetIssuer` (a cluster stack of the stack-per-cluster layout: the issuer comes from the fleet CA
// stack's `material` for this cluster's own rotation state, checked by the fleet rule).
import * as pulumi from "@pulumi/pulumi";
import { IstioInstallSettings } from "../istio";
import { compact } from "../internal/chartValues";
import { ArgsValidator, attemptPlan } from "../internal/validation";
import {
    CaRotationState,
    FleetCertificateAuthorityArgs,
    FleetCertificateAuthorityPlan,
    PlainIssuer,
    caRotationState,
    fleetClusterIssuer,
    planFleetCertificateAuthority,
    rotationGuardProblem,
    DEFAULT_GENERATION,
    DEFAULT_ROTATION_PHASE,
} from "../pki";
import type { MtlsPlatformArgs, PlatformClusterArgs } from "./types";

/** One cluster of a one-program fleet. */
export interface PlatformFleetCluster<P> {
    /** The cluster's name. */
    name: string;
    /** Resource name of its Kubernetes provider (`<platform>-<cluster>`). */
    providerName: string;
    /** The kubeconfig context its provider applies with. */
    kubeconfigContext: string | undefined;
    /** The directory its provider renders to. */
    renderDirectory: string | undefined;
    /** The cluster's single-cluster platform plan (named `<platform>-<cluster>`). */
    plan: P;
}

/** A one-program fleet's plan. */
export interface PlatformFleetPlan<P> {
    /** The fleet CA: its resource name, arguments and plan. */
    ca: { name: string; args: pulumi.Unwrap<FleetCertificateAuthorityArgs>; plan: FleetCertificateAuthorityPlan };
    /** The clusters, in the order given. */
    clusters: Array<PlatformFleetCluster<P>>;
}

/** The platform sections a one-program fleet of more than one cluster does not install (`<key>` -> path). */
const SINGLE_CLUSTER_SECTIONS: ReadonlyArray<[keyof MtlsPlatformArgs, string]> = [
    ["kuadrant", "kuadrant"],
    ["gloo", "gloo"],
    ["kgateway", "kgateway"],
    ["authz", "authz"],
    ["policies", "policies"],
];

/** Istio settings a cluster overrides, as the single-cluster plan sees them: the platform's, then the cluster's. */
function clusterIstio(args: pulumi.Unwrap<MtlsPlatformArgs>, c: pulumi.Unwrap<PlatformClusterArgs>, aliases: string[]): NonNullable<pulumi.Unwrap<MtlsPlatformArgs>["istio"]> {
    const own: pulumi.Unwrap<IstioInstallSettings> = compact(c.istio ?? {});
    const given = own.trustDomainAliases ?? args.istio?.trustDomainAliases ?? [];
    const all = [...new Set([...given, ...aliases])].sort();
    return {
        ...args.istio,
        ...own,
        clusterName: own.clusterName ?? c.name,
        ...(all.length > 0 ? { trustDomainAliases: all } : {}),
    };
}

/**
 * Plans a one-program fleet: the fleet CA from `ca` and `clusters`, and each cluster's single-cluster
 * plan (`planCluster`, MtlsPlatform's own plan, passed in so this module does not import it back).
 * Problems are recorded in `v`, each named as the user wrote it (`clusters[1].istio.revision`).
 */
export function planPlatformFleet<P>(
    v: ArgsValidator,
    name: string,
    args: pulumi.Unwrap<MtlsPlatformArgs>,
    planCluster: (name: string, args: pulumi.Unwrap<MtlsPlatformArgs>) => P,
): PlatformFleetPlan<P> | undefined {
    const clusters = args.clusters ?? [];
    v.check(clusters.length > 0, "clusters", args.clusters, "at least one cluster: [{ name: east, renderDirectory: rendered/east }, ...]; omit clusters for one cluster through the program's provider");
    v.check(args.fleetIssuer === undefined, "fleetIssuer", args.fleetIssuer?.cluster, "leave it unset with clusters: a one-program fleet creates its own fleet CA (fleetIssuer is for a cluster stack whose CA stack is separate)");
    if (clusters.length > 1) {
        for (const [key, path] of SINGLE_CLUSTER_SECTIONS) {
            if (args[key] !== undefined) {
                v.fail(path, "(set)", `with ${clusters.length} clusters in one program the platform installs the fleet CA and Istio only; install ${path} per cluster with the stack-per-cluster layout (one stack per cluster with fleetIssuer; README, multi-cluster), or keep one cluster`);
            }
        }
        if (args.istio?.enroll !== undefined) {
            v.fail("istio.enroll", "(set)", "with more than one cluster in one program, enroll namespaces per cluster stack (stack-per-cluster layout), or keep one cluster");
        }
    }
    if (args.istio?.enabled === false) {
        v.fail("istio.enabled", false, "with clusters the platform installs Istio in each cluster with the fleet CA as its plug-in CA; for a CA-only stack use FleetCertificateAuthority (examples/multi-cluster)");
    }
    if (args.istio?.usePlatformCa === false) {
        v.fail("istio.usePlatformCa", false, "with clusters every cluster's istiod signs from its intermediate of the fleet CA: that is what makes the clusters one trust");
    }
    const directories = new Map<string, number>();
    clusters.forEach((c, i) => {
        const targets = [c.kubeconfigContext, c.renderDirectory].filter((t) => t !== undefined).length;
        v.check(targets === 1, `clusters[${i}].kubeconfigContext/renderDirectory`, { kubeconfigContext: c.kubeconfigContext, renderDirectory: c.renderDirectory }, "exactly one: the kubeconfig context to apply with, or a directory to render to");
        if (c.kubeconfigContext !== undefined) {
            v.nonEmpty(`clusters[${i}].kubeconfigContext`, c.kubeconfigContext, 253);
        }
        if (c.renderDirectory !== undefined && v.nonEmpty(`clusters[${i}].renderDirectory`, c.renderDirectory, 4096)) {
            const first = directories.get(c.renderDirectory);
            v.check(first === undefined, `clusters[${i}].renderDirectory`, c.renderDirectory, `a directory of its own (clusters[${first ?? 0}] renders there too, and one cluster's files would overwrite the other's)`);
            directories.set(c.renderDirectory, first ?? i);
        }
    });

    // The fleet CA: its checks are named as the platform's user wrote them.
    const ca = args.ca ?? {};
    const fleetArgs: pulumi.Unwrap<FleetCertificateAuthorityArgs> = {
        commonName: ca.commonName,
        organization: ca.organization,
        keyAlgorithm: ca.keyAlgorithm,
        validityHours: ca.validityHours,
        earlyRenewalHours: ca.earlyRenewalHours,
        intermediate: ca.intermediate,
        externalRoots: ca.externalRoots,
        generation: ca.generation,
        previousGeneration: ca.previousGeneration,
        rotationPhase: ca.rotationPhase,
        previousRotationState: ca.previousRotationState,
        trustDomain: args.istio?.trustDomain,
        clusters: clusters.map((c) => ({ name: c.name, trustDomain: c.istio?.trustDomain, intermediate: c.intermediate, signedIntermediates: c.signedIntermediates })),
    };
    const caName = `${name}-fleet-ca`;
    const caMap = (field: string) =>
        field
            .split("/")
            .map((f) => (f.startsWith("clusters[") ? f.replace(/^(clusters\[\d+\])\.trustDomain/, "$1.istio.trustDomain") : f === "trustDomain" || f.startsWith("trustDomain.") ? `istio.${f}` : `ca.${f}`))
            .join("/");
    const caPlan = attemptPlan(v, caMap, () => planFleetCertificateAuthority(caName, fleetArgs));

    // With per-cluster trust domains, one mesh ID must name the fleet: Istio defaults it to the trust domain.
    const domains = new Set(clusters.map((c) => c.istio?.trustDomain ?? args.istio?.trustDomain ?? "cluster.local"));
    if (domains.size > 1 && args.istio?.meshId === undefined && clusters.some((c) => c.istio?.meshId === undefined)) {
        v.fail("istio.meshId", undefined, `one mesh ID for the fleet (e.g. "${name}"): the clusters have ${domains.size} trust domains, and Istio's mesh ID defaults to a cluster's own trust domain, which would make them different meshes`);
    }

    const planned: Array<PlatformFleetCluster<P>> = [];
    clusters.forEach((c, i) => {
        const aliases = caPlan?.clusters[i]?.trustDomainAliases ?? [];
        const own = new Set(Object.keys(c.istio ?? {}));
        // A problem in a field the cluster sets is the cluster's; the rest are the platform's (said once).
        const map = (field: string) =>
            field
                .split("/")
                .map((f) => {
                    const m = /^istio\.([A-Za-z]+)(.*)$/.exec(f);
                    return m && own.has(m[1]) ? `clusters[${i}].istio.${m[1]}${m[2]}` : f;
                })
                .join("/");
        const clusterArgs: pulumi.Unwrap<MtlsPlatformArgs> = { ...args, clusters: undefined, ca: { ...ca, externalRoots: undefined }, istio: clusterIstio(args, c, aliases) };
        const plan = attemptPlan(v, map, () => planCluster(`${name}-${c.name}`, clusterArgs));
        if (plan !== undefined) {
            planned.push({ name: c.name, providerName: `${name}-${c.name}`, kubeconfigContext: c.kubeconfigContext, renderDirectory: c.renderDirectory, plan });
        }
    });
    if (caPlan === undefined || planned.length !== clusters.length) {
        return undefined;
    }
    return { ca: { name: caName, args: fleetArgs, plan: caPlan }, clusters: planned };
}

/** The rotation state a cluster stack asks for with its `ca` section (fleetIssuer mode). */
export function clusterRotationState(args: pulumi.Unwrap<MtlsPlatformArgs>): CaRotationState {
    const ca = args.ca ?? {};
    return caRotationState({ generation: ca.generation ?? DEFAULT_GENERATION, previousGeneration: ca.previousGeneration, rotationPhase: ca.rotationPhase ?? DEFAULT_ROTATION_PHASE });
}

/** The `ca` settings a cluster stack takes: its rotation state; every other would be ignored (the CA stack owns them). */
const CLUSTER_STACK_CA_KEYS: readonly string[] = ["generation", "previousGeneration", "rotationPhase", "previousRotationState"];

/** Checks a cluster stack's arguments (fleetIssuer mode) before registration. */
export function checkFleetIssuerArgs(v: ArgsValidator, args: pulumi.Unwrap<MtlsPlatformArgs>): void {
    const f = args.fleetIssuer;
    if (f === undefined) {
        return;
    }
    v.dnsLabel("fleetIssuer.cluster", f.cluster, true);
    const material: unknown = f.material;
    v.check(material !== undefined && material !== null, "fleetIssuer.material", undefined, "the fleet CA stack's `material` output, e.g. new pulumi.StackReference(caStack).getOutput(\"material\")");
    for (const [key, value] of Object.entries(args.ca ?? {})) {
        if ((value as unknown) !== undefined && !CLUSTER_STACK_CA_KEYS.includes(key)) {
            v.fail(`ca.${key}`, key.toLowerCase().includes("key") || key === "externalRoots" ? "(set)" : value, `with fleetIssuer the fleet CA stack owns the CA; a cluster stack sets only its rotation state (${CLUSTER_STACK_CA_KEYS.join(", ")})`);
        }
    }
}

/**
 * A cluster stack's issuer from the fleet CA stack's material, for its own rotation state: refused (an
 * Error naming `fleetIssuer.material` or the rotation fields) when the fleet rule or the cluster's own step
 * guard refuses the state, or the material lacks it.
 */
export function fleetIssuerFor(platformType: string, name: string, cluster: string, material: unknown, requested: CaRotationState, previous: unknown): PlainIssuer {
    const v = new ArgsValidator(platformType, name);
    const step = rotationGuardProblem(previous, requested);
    if (step !== undefined) {
        v.fail(step.field.split("/").map((f) => `ca.${f}`).join("/"), step.value, step.accepted.replace("previousRotationState", "ca.previousRotationState"));
    }
    const built = fleetClusterIssuer(material, cluster, requested);
    if ("problem" in built) {
        v.fail("fleetIssuer.material", `cluster ${cluster}`, built.problem);
    }
    v.throwIfInvalid();
    return (built as { issuer: PlainIssuer }).issuer;
}

/**
 * A cluster stack's trust domain aliases: the ones it lists, and every other cluster's trust domain from the
 * fleet CA stack's material (where it differs from its own), sorted; a problem naming `istio.trustDomain`
 * when the material records another trust domain for this cluster (its workloads' SPIFFE IDs would not be
 * the ones the other clusters alias).
 */
export function fleetTrustDomainAliases(platformType: string, name: string, cluster: string, material: unknown, ownTrustDomain: string, given: readonly string[]): string[] {
    const recorded = (material as { trustDomains?: Record<string, unknown> } | undefined)?.trustDomains ?? {};
    const mine = recorded[cluster];
    if (typeof mine === "string" && mine !== ownTrustDomain) {
        const v = new ArgsValidator(platformType, name);
        v.fail("istio.trustDomain", ownTrustDomain, `the fleet CA stack records trust domain ${JSON.stringify(mine)} for cluster ${cluster}: set istio.trustDomain to it, or change the cluster's trustDomain in the CA stack`);
        v.throwIfInvalid();
    }
    const others = Object.values(recorded).filter((d): d is string => typeof d === "string" && d !== ownTrustDomain);
    return [...new Set([...given, ...others])].sort();
}
