// The pki plans: pure functions from a component's arguments to a validated, fully defaulted plan.
// Every default is read from ./defaults once, here; the components only register what a plan says.
import * as pulumi from "@pulumi/pulumi";
import { ArgsValidator } from "../internal/validation";
import type { CaRotationArgs, CertificateArgs, CertificateAuthorityArgs, GeneratedRootArgs, IntermediateCaArgs } from "./args";
import {
    CA_COMMON_NAME_MAX,
    CA_KEY_USAGES,
    DEFAULT_GENERATION,
    DEFAULT_KEY_ALGORITHM,
    DEFAULT_ROOT_COMMON_NAME,
    DEFAULT_ROTATION_PHASE,
    INTERMEDIATE_COMMON_NAME_SUFFIX,
    INTERMEDIATE_DEFAULTS,
    LEAF_COMMON_NAME_MAX,
    LEAF_DEFAULTS,
    LEAF_USAGE_DEFAULTS,
    MAX_GENERATION,
    MAX_VALIDITY_HOURS,
    ORGANIZATION_MAX,
    ROOT_DEFAULTS,
    SUBJECT_SUFFIX_BYTES,
} from "./defaults";
import { PrivateKeyPlan, isRsa, privateKeyArgs } from "./keys";
import { rotationGuardProblem } from "./rotationGuard";
import { CaRotationState, KeyAlgorithm, RotationPhase } from "./types";

/** Type token of CertificateAuthority. */
export const CERTIFICATE_AUTHORITY_TYPE = "meshtls:index:CertificateAuthority";
/** Type token of Certificate. */
export const CERTIFICATE_TYPE = "meshtls:index:Certificate";

/** One CA certificate (root or intermediate) of a generation, fully defaulted. */
export interface CaCertificatePlan {
    /** Resource name of its `tls.PrivateKey`. */
    keyName: string;
    /** Resource name of its certificate (`tls.SelfSignedCert` for the root, `tls.LocallySignedCert` for the intermediate). */
    certName: string;
    /** Common name before ` g<generation> <random hex>` is appended (see `caSubjectCommonName`). */
    commonNameBase: string;
    /** Validity in hours. */
    validityHours: number;
    /** Early renewal in hours. */
    earlyRenewalHours: number;
}

/** The intermediate of a generation: a CA certificate plus its CSR. */
export interface CaIntermediatePlan extends CaCertificatePlan {
    /** Resource name of its `tls.CertRequest`. */
    csrName: string;
}

/** The resources of one CA generation. */
export interface CaGenerationPlan {
    /** The generation number. */
    generation: number;
    /** Resource name of the `random.RandomId` that suffixes the subjects. */
    idName: string;
    /** Keepers of that RandomId: a new generation gets a new suffix, the same one keeps its own. */
    idKeepers: { generation: string };
    /** The root certificate. */
    root: CaCertificatePlan;
    /** The intermediate, when the CA has one. */
    intermediate: CaIntermediatePlan | undefined;
}

/** What every CA certificate a plan generates shares: the component, the key algorithm, subject and usages. */
export interface CaIssuancePlan {
    /** The component's resource name. */
    name: string;
    /** The key algorithm of every generated CA key. */
    keyAlgorithm: KeyAlgorithm;
    /** The `tls.PrivateKey` arguments of that algorithm. */
    privateKey: PrivateKeyPlan;
    /** Organization (O) of every generated CA subject, as given. */
    organization: string | undefined;
    /** Key usages of every generated CA certificate. */
    caUses: string[];
    /** Byte length of the random subject suffix. */
    subjectSuffixBytes: number;
}

/** The CaIssuancePlan of a component's (checked) root arguments, defaults resolved. */
export function caIssuancePlan(name: string, args: Pick<pulumi.Unwrap<GeneratedRootArgs>, "keyAlgorithm" | "organization">): CaIssuancePlan {
    const keyAlgorithm = args.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM;
    return { name, keyAlgorithm, privateKey: privateKeyArgs(keyAlgorithm), organization: args.organization, caUses: [...CA_KEY_USAGES], subjectSuffixBytes: SUBJECT_SUFFIX_BYTES };
}

/** A CertificateAuthority's validated, fully defaulted plan. */
export interface CertificateAuthorityPlan extends CaIssuancePlan {
    /** The generation asked for. */
    generation: number;
    /** The generation rotated away from (TrustNew and ServeNew only). */
    previousGeneration: number | undefined;
    /** The rotation phase. */
    rotationPhase: RotationPhase;
    /** The generations that exist, in trust bundle order (the previous generation first during a rotation). */
    generations: CaGenerationPlan[];
    /** The generation whose CA signs: the previous one in TrustNew, else `generation`. */
    signingGeneration: number;
}

/** A Certificate's validated, fully defaulted plan. */
export interface CertificatePlan {
    /** The component's resource name. */
    name: string;
    /** Resource name of the leaf's `tls.PrivateKey`. */
    keyName: string;
    /** Resource name of its `tls.CertRequest`. */
    csrName: string;
    /** Resource name of its `tls.LocallySignedCert`. */
    certName: string;
    /** The key algorithm. */
    keyAlgorithm: KeyAlgorithm;
    /** The `tls.PrivateKey` arguments of that algorithm. */
    privateKey: PrivateKeyPlan;
    /** The CSR subject. */
    subject: { commonName: string; organization: string | undefined };
    /** DNS SANs as given (absent stays absent, so the CSR's inputs carry nothing for it). */
    dnsNames: string[] | undefined;
    /** URI SANs as given. */
    uris: string[] | undefined;
    /** IP SANs as given. */
    ipAddresses: string[] | undefined;
    /** Whether the leaf serves TLS. */
    serverAuth: boolean;
    /** Whether the leaf is a TLS client. */
    clientAuth: boolean;
    /** The `tls.LocallySignedCert` allowed uses, in the order the provider receives them. */
    allowedUses: string[];
    /** Validity in hours. */
    validityHours: number;
    /** Early renewal in hours. */
    earlyRenewalHours: number;
}

/** The subject common name of a CA certificate: `<base> g<generation> <suffix hex>`, unique per generation. */
export function caSubjectCommonName(base: string, generation: number, suffixHex: string): string {
    return `${base} g${generation} ${suffixHex}`;
}

/** Validates a CertificateAuthority's arguments (every problem at once) and resolves every default. */
export function planCertificateAuthority(name: string, args: pulumi.Unwrap<CertificateAuthorityArgs>): CertificateAuthorityPlan {
    const v = new ArgsValidator(CERTIFICATE_AUTHORITY_TYPE, name);
    const generation = args.generation ?? DEFAULT_GENERATION;
    const phase = args.rotationPhase ?? DEFAULT_ROTATION_PHASE;
    checkRootArgs(v, args);
    if (args.intermediate) {
        checkIntermediateArgs(v, "intermediate.", args.intermediate);
        checkIntermediateWithinRoot(v, args);
    }
    checkRotationArgs(v, args);
    v.throwIfInvalid();

    const rootCommonName = args.commonName ?? DEFAULT_ROOT_COMMON_NAME;
    const im = args.intermediate;
    const numbers = phase === RotationPhase.Stable ? [generation] : [args.previousGeneration ?? generation, generation];
    const generations = numbers.map((g): CaGenerationPlan => {
        const prefix = `${name}-g${g}`;
        return {
            generation: g,
            idName: `${prefix}-id`,
            idKeepers: { generation: String(g) },
            root: {
                keyName: `${prefix}-root-key`,
                certName: `${prefix}-root`,
                commonNameBase: rootCommonName,
                validityHours: args.validityHours ?? ROOT_DEFAULTS.validityHours,
                earlyRenewalHours: args.earlyRenewalHours ?? ROOT_DEFAULTS.earlyRenewalHours,
            },
            intermediate: im
                ? {
                      keyName: `${prefix}-intermediate-key`,
                      csrName: `${prefix}-intermediate-csr`,
                      certName: `${prefix}-intermediate`,
                      commonNameBase: im.commonName ?? `${rootCommonName}${INTERMEDIATE_COMMON_NAME_SUFFIX}`,
                      validityHours: im.validityHours ?? INTERMEDIATE_DEFAULTS.validityHours,
                      earlyRenewalHours: im.earlyRenewalHours ?? INTERMEDIATE_DEFAULTS.earlyRenewalHours,
                  }
                : undefined,
        };
    });
    return {
        ...caIssuancePlan(name, args),
        generation,
        previousGeneration: args.previousGeneration,
        rotationPhase: phase,
        generations,
        signingGeneration: phase === RotationPhase.TrustNew ? numbers[0] : generation,
    };
}

/** Checks a CA's root arguments (generated root): names, key algorithm, validity. */
export function checkRootArgs(v: ArgsValidator, args: pulumi.Unwrap<GeneratedRootArgs>): void {
    v.nonEmpty("commonName", args.commonName, CA_COMMON_NAME_MAX);
    v.printable("commonName", args.commonName);
    if (args.organization !== undefined) {
        v.nonEmpty("organization", args.organization, ORGANIZATION_MAX);
        v.printable("organization", args.organization);
    }
    v.enumValue("keyAlgorithm", args.keyAlgorithm, KeyAlgorithm);
    v.validity("", args.validityHours, args.earlyRenewalHours, ROOT_DEFAULTS);
    checkValidityCeiling(v, "validityHours", args.validityHours);
}

/** Checks an intermediate's arguments; `prefix` is its argument path with a trailing dot, e.g. `intermediate.`. */
export function checkIntermediateArgs(v: ArgsValidator, prefix: string, im: pulumi.Unwrap<IntermediateCaArgs>): void {
    v.nonEmpty(`${prefix}commonName`, im.commonName, CA_COMMON_NAME_MAX);
    v.printable(`${prefix}commonName`, im.commonName);
    v.validity(prefix, im.validityHours, im.earlyRenewalHours, INTERMEDIATE_DEFAULTS);
    checkValidityCeiling(v, `${prefix}validityHours`, im.validityHours);
}

/**
 * Checks the rotation arguments (`generation`, `previousGeneration`, `rotationPhase`) and, when the previous
 * state is known now, the rotation guard; an Output previous state is the component's to check once it
 * resolves. Returns the requested state when the arguments are valid.
 */
export function checkRotationArgs(v: ArgsValidator, args: pulumi.Unwrap<CaRotationArgs>): CaRotationState | undefined {
    const generation = args.generation ?? DEFAULT_GENERATION;
    const phase = args.rotationPhase ?? DEFAULT_ROTATION_PHASE;
    let rotationOk = v.integer("generation", args.generation, 1) && v.integerRange("generation", args.generation, 1, MAX_GENERATION);
    rotationOk = v.integer("previousGeneration", args.previousGeneration, 1) && v.integerRange("previousGeneration", args.previousGeneration, 1, MAX_GENERATION) && rotationOk;
    const phaseOk = v.enumValue("rotationPhase", args.rotationPhase, RotationPhase);
    rotationOk &&= phaseOk;
    if (phaseOk && phase !== RotationPhase.Stable && args.previousGeneration === undefined) {
        v.fail("previousGeneration", undefined, `it is required in rotationPhase ${phase}: the generation being rotated away from (e.g. ${Math.max(1, generation - 1)})`);
        rotationOk = false;
    }
    if (phaseOk && phase === RotationPhase.Stable && args.previousGeneration !== undefined) {
        v.fail(
            "previousGeneration",
            args.previousGeneration,
            `it must be absent in rotationPhase Stable: removing it is what deletes generation ${args.previousGeneration}; to keep both roots trusted use TrustNew or ServeNew`,
        );
        rotationOk = false;
    }
    if (args.previousGeneration !== undefined && args.previousGeneration === generation) {
        v.fail("previousGeneration", args.previousGeneration, `it must differ from generation (${generation})`);
        rotationOk = false;
    }
    if (!rotationOk) {
        return undefined;
    }
    const requested = caRotationState({ generation, previousGeneration: args.previousGeneration, rotationPhase: phase });
    // The rotation guard, when the previous state is known now; an Output is checked by the component
    // once it resolves (rotationState output).
    const previous: unknown = args.previousRotationState;
    if (previous !== undefined && isPlainValue(previous)) {
        const problem = rotationGuardProblem(previous, requested);
        if (problem !== undefined) {
            v.fail(problem.field, problem.value, problem.accepted);
        }
    }
    return requested;
}

/**
 * A CA component's `rotationState` output: `requested`, once the previous state (an Output, e.g. read
 * from the stack's own outputs) resolves to one the step from which keeps trust; else a failed apply
 * naming the fields (the deployment fails, at preview too once the value is known). A known previous
 * state was already checked by the plan (`checkRotationArgs`).
 */
export function guardedRotationState(token: string, name: string, previous: pulumi.Input<CaRotationState> | undefined, requested: CaRotationState): pulumi.Output<CaRotationState> {
    return pulumi.output(previous).apply((prev): CaRotationState => {
        const problem = rotationGuardProblem(prev, requested);
        if (problem !== undefined) {
            const v = new ArgsValidator(token, name);
            v.fail(problem.field, problem.value, problem.accepted);
            v.throwIfInvalid();
        }
        return requested;
    });
}

/** Whether a value is known now: not an Output (nor a Promise) still to resolve. */
export function isPlainValue(value: unknown): boolean {
    return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/**
 * The rotation state a CA plans (what it exports as `rotationState`, and what the rotation guard checks
 * a step to): `previousGeneration` only when it is set, so the exported object has no empty key.
 */
export function caRotationState(plan: Pick<CertificateAuthorityPlan, "generation" | "previousGeneration" | "rotationPhase">): CaRotationState {
    const { generation, previousGeneration, rotationPhase } = plan;
    return previousGeneration === undefined ? { generation, rotationPhase } : { generation, previousGeneration, rotationPhase };
}

/** Validates a Certificate's arguments (every problem at once) and resolves every default. */
export function planCertificate(name: string, args: pulumi.Unwrap<CertificateArgs>): CertificatePlan {
    const v = new ArgsValidator(CERTIFICATE_TYPE, name);
    // Callers from other languages can omit required fields; say so instead of failing later.
    const issuer: unknown = args.issuer;
    v.check(issuer !== undefined && issuer !== null, "issuer", args.issuer, "it is required: an IssuerMaterial, e.g. CertificateAuthority.issuer");
    v.nonEmpty("commonName", args.commonName, LEAF_COMMON_NAME_MAX, true);
    v.printable("commonName", args.commonName);
    if (args.organization !== undefined) {
        v.nonEmpty("organization", args.organization, ORGANIZATION_MAX);
        v.printable("organization", args.organization);
    }
    v.dnsNames("dnsNames", args.dnsNames);
    v.uris("uris", args.uris);
    v.ipAddresses("ipAddresses", args.ipAddresses);
    // A repeated SAN is at best noise in the certificate; usually a copy-paste slip hiding a missing name.
    v.unique("dnsNames", args.dnsNames, (d) => d.toLowerCase());
    v.unique("uris", args.uris);
    v.unique("ipAddresses", args.ipAddresses, normalizeIp);
    v.enumValue("keyAlgorithm", args.keyAlgorithm, KeyAlgorithm);
    const serverAuth = args.serverAuth ?? LEAF_USAGE_DEFAULTS.serverAuth;
    const clientAuth = args.clientAuth ?? LEAF_USAGE_DEFAULTS.clientAuth;
    v.check(serverAuth || clientAuth, "serverAuth/clientAuth", { serverAuth: args.serverAuth, clientAuth: args.clientAuth }, "at least one of serverAuth and clientAuth must be true");
    v.validity("", args.validityHours, args.earlyRenewalHours, LEAF_DEFAULTS);
    checkValidityCeiling(v, "validityHours", args.validityHours);
    v.throwIfInvalid();

    const keyAlgorithm = args.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM;
    const allowedUses = ["digital_signature"];
    if (isRsa(keyAlgorithm)) {
        allowedUses.push("key_encipherment");
    }
    if (serverAuth) {
        allowedUses.push("server_auth");
    }
    if (clientAuth) {
        allowedUses.push("client_auth");
    }
    return {
        name,
        keyName: `${name}-key`,
        csrName: `${name}-csr`,
        certName: `${name}-cert`,
        keyAlgorithm,
        privateKey: privateKeyArgs(keyAlgorithm),
        subject: { commonName: args.commonName, organization: args.organization },
        dnsNames: args.dnsNames,
        uris: args.uris,
        ipAddresses: args.ipAddresses,
        serverAuth,
        clientAuth,
        allowedUses,
        validityHours: args.validityHours ?? LEAF_DEFAULTS.validityHours,
        earlyRenewalHours: args.earlyRenewalHours ?? LEAF_DEFAULTS.earlyRenewalHours,
    };
}

/** The part of a CA plan the root renewal warning reads: each generation's generated root (absent for a supplied one). */
export interface GeneratedRootsPlan {
    /** The component's resource name. */
    name: string;
    /** Each generation's generated root, when it has one. */
    generations: ReadonlyArray<{ root: CaCertificatePlan | undefined }>;
}

/**
 * The warning a CertificateAuthority (or a FleetCertificateAuthority, with its token) logs when its root is set to re-issue itself in place
 * (`earlyRenewalHours` > 0): istiod ignores the re-issued root until restarted
 * (sdk/posture/rules/istiodRootChange.ts). Undefined with the default (0).
 */
export function rootRenewalWarning(plan: GeneratedRootsPlan, token: string = CERTIFICATE_AUTHORITY_TYPE): string | undefined {
    const renewing = plan.generations.filter((g) => (g.root?.earlyRenewalHours ?? 0) > 0);
    if (renewing.length === 0) {
        return undefined;
    }
    const hours = renewing[0].root?.earlyRenewalHours ?? 0;
    return (
        `${token} ${plan.name}: earlyRenewalHours ${hours} re-issues the root (same key) at the first update ` +
        `once ${hours} hours of validity remain. If this CA is istiod's plug-in CA (IstioMesh pluginCa), istiod 1.30 ignores the ` +
        `re-issued root-cert.pem until it is restarted, with or without multiRootTrust, and ignores later rotations until then: ` +
        `restart istiod after the re-issue, or set earlyRenewalHours to 0 (the default) and rotate to a new generation before the root expires.`
    );
}

/** Records a problem when a (whole, positive) validity exceeds MAX_VALIDITY_HOURS; other values are v.validity's. */
function checkValidityCeiling(v: ArgsValidator, field: string, hours: number | undefined): void {
    if (hours !== undefined && Number.isInteger(hours) && hours >= 1) {
        v.check(hours <= MAX_VALIDITY_HOURS, field, hours, `expected at most ${MAX_VALIDITY_HOURS} hours (100 years)`);
    }
}

/**
 * The intermediate may not be valid longer than its root (defaults filled in): a chain is only as valid
 * as its shortest link, so the extra time would be a lie in `notAfter`. Both are issued in the same run,
 * so the intermediate's notAfter is then within the root's. An intermediate re-issued later by its
 * early renewal gets a fresh `validityHours` from the re-issue, which can reach past the root's notAfter
 * (the root is not re-issued in place by default): rotate to a new generation before the root has less
 * than `intermediate.validityHours` left (the JSDoc of `IntermediateCaArgs.validityHours` says so).
 */
function checkIntermediateWithinRoot(v: ArgsValidator, args: pulumi.Unwrap<CertificateAuthorityArgs>): void {
    const root = args.validityHours ?? ROOT_DEFAULTS.validityHours;
    const im = args.intermediate?.validityHours ?? INTERMEDIATE_DEFAULTS.validityHours;
    if (!Number.isInteger(root) || !Number.isInteger(im) || root < 1 || im < 1) {
        return;
    }
    const whichRoot = args.validityHours === undefined ? " (the default)" : "";
    const field = args.intermediate?.validityHours === undefined ? "intermediate.validityHours (the default; set it explicitly)" : "intermediate.validityHours";
    v.check(im <= root, field, im, `expected at most validityHours${whichRoot} (${root}): an intermediate must not outlive the root that signs it`);
}

/** The validity in hours of the certificate that signs a CA's leaves (the intermediate when there is one, else the root), defaults filled in. */
export function caSigningValidityHours(args: pulumi.Unwrap<CertificateAuthorityArgs>): number {
    return args.intermediate ? (args.intermediate.validityHours ?? INTERMEDIATE_DEFAULTS.validityHours) : (args.validityHours ?? ROOT_DEFAULTS.validityHours);
}

/** IPv6 text has several spellings of one address; compare them in one. */
function normalizeIp(ip: string): string {
    if (!ip.includes(":")) {
        return ip;
    }
    try {
        const v6 = new URL(`http://[${ip}]/`).hostname;
        // An IPv4-mapped IPv6 address (::ffff:a.b.c.d, which URL prints as [::ffff:xxxx:xxxx]) is that IPv4 address.
        const mapped = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(v6);
        if (mapped) {
            const [hi, lo] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
            return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
        }
        return v6;
    } catch {
        return ip.toLowerCase();
    }
}

/**
 * Records a problem when a leaf of `leafHours` would outlive the certificate that signs it, for callers
 * that know both from plain arguments (MtlsPlatform: its CA and the xDS or webhook leaf it issues from
 * it). Compares lengths, so it holds when both are issued in the same run; a leaf issued or re-issued
 * later can still reach past its issuer's `notAfter` (rotate the CA generation before that).
 * @param leafField the leaf's validity as the user wrote it, e.g. `gloo.xdsCertificate.validityHours`
 * @param caField the CA's argument path, e.g. `ca`
 */
export function checkLeafWithinCa(v: ArgsValidator, leafField: string, leafHours: number, caField: string, ca: pulumi.Unwrap<CertificateAuthorityArgs>): boolean {
    const issuerHours = caSigningValidityHours(ca);
    if (!Number.isInteger(leafHours) || !Number.isInteger(issuerHours) || leafHours < 1 || issuerHours < 1) {
        return true;
    }
    const signer = ca.intermediate ? `${caField}.intermediate.validityHours` : `${caField}.validityHours`;
    return v.check(leafHours <= issuerHours, leafField, leafHours, `expected at most ${signer} (${issuerHours}): a certificate must not outlive the CA certificate that signs it`);
}
