// Gloo's certgen rotation decision: would the chart's certgen job replace the `gloo-mtls-certs`
// secret it finds? A pure model of the upstream code, for the posture engine and for tests that check
// what meshtls emits. It imports only the shared duration reader: product folders import their own
// constants, and the tests check that those agree with the ones here.
//
// Encodes solo-io/gloo at tag v1.22.1:
// - jobs/certgen/cmd/main.go: flag defaults, `--renew-before` "2160h" and `--force-rotation` false.
// - jobs/pkg/run/run.go (Run): no valid secret -> generate a new CA and certificate and overwrite the
//   secret at once; a valid secret that is expiring soon, or `--force-rotation` -> the staged rotation
//   (RotateCerts) to certgen's own new CA; otherwise keep it.
// - jobs/pkg/kube/secret.go (GetExistingValidTlsSecret): a secret of another type than
//   `kubernetes.io/tls` fails the job; every certificate in `tls.crt` (the chain) must be inside its
//   validity (now not before NotBefore, not after NotAfter), else the secret counts as absent; a
//   certificate valid for the service that satisfies `now > NotAfter - renewBefore` makes the secret
//   "expiring soon"; at least one certificate must be valid for the service, else the secret counts as
//   absent.
// - jobs/pkg/certgen/gen_certs.go (ValidForService): valid for the service when any DNS SAN equals
//   `<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc` or `<svc>.<ns>.svc.<cluster domain>`.
// - install/helm/gloo/templates/19-gloo-mtls-certgen-job.yaml (and -cronjob.yaml): the chart passes
//   `--secret-name=gloo-mtls-certs --svc-name=gloo --rotation-duration=...`, and `--force-rotation=true`
//   only when `gateway.certGenJob.forceRotation` is truthy; it never passes `--renew-before`.
// - install/helm/gloo/values-template.yaml: `gateway.certGenJob.forceRotation: true` by default.
import { durationSeconds } from "../../internal/validation";

/** certgen's `--renew-before` default, verbatim (`jobs/certgen/cmd/main.go`); the chart never overrides it. */
export const CERTGEN_RENEW_BEFORE_DEFAULT = "2160h";

/** The service name the chart's gloo-mtls certgen job checks the certificate against (`--svc-name=gloo`). */
export const CERTGEN_GLOO_SVC_NAME = "gloo";

/** The chart's `gateway.certGenJob.forceRotation` default (`values-template.yaml`). */
export const CERTGEN_CHART_FORCE_ROTATION_DEFAULT = true;

const HOUR_MS = 3_600_000;
/**
 * A Go duration string as `time.ParseDuration` reads certgen's flag ("2160h", "90m", "1h30m", "65s"),
 * in milliseconds; undefined when it is not one (certgen then fails). Parsed by the package's one
 * duration reader (sdk/internal/validation.ts durationSeconds).
 */
export function parseGoDurationMs(text: string): number | undefined {
    const seconds = durationSeconds(text);
    return seconds === undefined ? undefined : Math.round(seconds * 1000);
}

/** certgen's default `--renew-before` in hours. */
export const CERTGEN_RENEW_BEFORE_HOURS = (parseGoDurationMs(CERTGEN_RENEW_BEFORE_DEFAULT) as number) / HOUR_MS;

/** One certificate of the secret's `tls.crt`, as certgen decodes it. Times in milliseconds since the epoch. */
export interface CertgenCertificate {
    /** Start of validity (X.509 NotBefore). */
    notBefore: number;
    /** End of validity (X.509 NotAfter). */
    notAfter: number;
    /** DNS subject alternative names (the common name is not looked at). */
    dnsNames: readonly string[];
}

/** The existing secret as certgen reads it. */
export interface CertgenSecret {
    /** The secret's type; certgen fails on anything but `kubernetes.io/tls`. */
    type: string;
    /** The certificates of `tls.crt`, in order (leaf first, then intermediates). */
    certificates: readonly CertgenCertificate[];
}

/** Everything certgen's decision reads. */
export interface CertgenInput {
    /** When the job runs, in milliseconds since the epoch (the cluster's clock). */
    now: number;
    /** The secret found; undefined when it does not exist. */
    secret: CertgenSecret | undefined;
    /** `--svc-name`. @default "gloo" (the chart's) */
    svcName?: string;
    /** `--svc-namespace`: the release namespace (the job's POD_NAMESPACE). */
    svcNamespace: string;
    /** The cluster domain certgen reads from resolv.conf. @default "cluster.local" */
    clusterDomain?: string;
    /** `--renew-before`, a Go duration. @default "2160h" */
    renewBefore?: string;
    /** `--force-rotation`. */
    forceRotation: boolean;
}

/** What certgen does with the secret. */
export enum CertgenAction {
    /** The secret is valid and not expiring: left alone. */
    Keep = "Keep",
    /** No valid secret: a new CA and certificate overwrite it at once (no staging). */
    Generate = "Generate",
    /** Expiring soon or forced: the staged rotation to certgen's own new CA. */
    Rotate = "Rotate",
    /** The job fails (e.g. the secret is not of type kubernetes.io/tls). */
    Fail = "Fail",
}

/** certgen's decision, with the reason. */
export interface CertgenDecision {
    /** What certgen does. */
    action: CertgenAction;
    /** Whether the secret's contents are replaced (Generate or Rotate). */
    replaces: boolean;
    /** Why, in certgen's terms. */
    reason: string;
}

/** The DNS names certgen accepts for a service (`getDnsNames` in gen_certs.go). */
export function certgenServiceDnsNames(svcName: string, svcNamespace: string, clusterDomain = "cluster.local"): string[] {
    return [svcName, `${svcName}.${svcNamespace}`, `${svcName}.${svcNamespace}.svc`, `${svcName}.${svcNamespace}.svc.${clusterDomain}`];
}

/** `ValidForService` (gen_certs.go): any DNS SAN equal to one of the service's names. */
export function certgenValidForService(dnsNames: readonly string[], svcName: string, svcNamespace: string, clusterDomain = "cluster.local"): boolean {
    const names = certgenServiceDnsNames(svcName, svcNamespace, clusterDomain);
    return dnsNames.some((n) => names.includes(n));
}

/** The flags the chart gives the gloo-mtls certgen job for the given chart values (the job template). */
export function certgenFlagsFromChartValues(values: Record<string, unknown>): { forceRotation: boolean; renewBefore: string; svcName: string } {
    const gateway = values.gateway as { certGenJob?: { forceRotation?: unknown } } | undefined;
    const given = gateway?.certGenJob?.forceRotation;
    // The template tests `{{- if .Values.gateway.certGenJob.forceRotation }}`: Go template truthiness.
    const forceRotation = given === undefined ? CERTGEN_CHART_FORCE_ROTATION_DEFAULT : isTruthy(given);
    return { forceRotation, renewBefore: CERTGEN_RENEW_BEFORE_DEFAULT, svcName: CERTGEN_GLOO_SVC_NAME };
}

function isTruthy(v: unknown): boolean {
    if (v === null || v === false || v === 0 || v === "") {
        return false;
    }
    if (Array.isArray(v)) {
        return v.length > 0;
    }
    if (typeof v === "object") {
        return Object.keys(v).length > 0;
    }
    return true;
}

/**
 * Would certgen replace this secret? Mirrors `Run` (run.go) over `GetExistingValidTlsSecret`
 * (secret.go), comparison for comparison (Go's `time.After`/`Before` are strict).
 */
export function wouldCertgenRotate(input: CertgenInput): CertgenDecision {
    const svcName = input.svcName ?? CERTGEN_GLOO_SVC_NAME;
    const renewBefore = input.renewBefore ?? CERTGEN_RENEW_BEFORE_DEFAULT;
    const renewBeforeMs = parseGoDurationMs(renewBefore);
    if (renewBeforeMs === undefined) {
        // run.go parses the flag before reading the secret.
        return { action: CertgenAction.Fail, replaces: false, reason: `--renew-before ${JSON.stringify(renewBefore)} is not a Go duration` };
    }
    const secret = input.secret;
    const generate = (reason: string): CertgenDecision => ({ action: CertgenAction.Generate, replaces: true, reason });
    const rotate = (reason: string): CertgenDecision => ({ action: CertgenAction.Rotate, replaces: true, reason });

    if (secret === undefined) {
        return generate("no existing secret");
    }
    if (secret.type !== "kubernetes.io/tls") {
        return { action: CertgenAction.Fail, replaces: false, reason: `unexpected secret type, expected kubernetes.io/tls and got ${secret.type}` };
    }
    let matchesSvc = false;
    let expiringSoon = false;
    for (const cert of secret.certificates) {
        if (input.now < cert.notBefore || input.now > cert.notAfter) {
            return generate("a certificate in tls.crt is expired or not yet valid");
        }
        const certMatchesSvc = certgenValidForService(cert.dnsNames, svcName, input.svcNamespace, input.clusterDomain);
        if (certMatchesSvc && input.now > cert.notAfter - renewBeforeMs) {
            expiringSoon = true;
            break;
        }
        matchesSvc ||= certMatchesSvc;
    }
    if (!expiringSoon && !matchesSvc) {
        return generate(`no certificate in tls.crt is valid for service ${svcName}.${input.svcNamespace}`);
    }
    if (expiringSoon) {
        return rotate(`the certificate expires within --renew-before (${renewBefore})`);
    }
    if (input.forceRotation) {
        return rotate("--force-rotation is set");
    }
    return { action: CertgenAction.Keep, replaces: false, reason: "the existing certificate is valid" };
}
