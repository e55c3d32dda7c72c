// Argument validation shared by every component. Problems are collected and thrown together, before
// the component registers anything, as one pulumi.ResourceError that names the component, each field,
// the bad value and what is accepted.
import * as net from "node:net";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";

/** One argument problem: the field as the user wrote it, the value given, and what is accepted. */
export interface ArgsProblem {
    /** The argument path, e.g. `intermediate.validityHours`, `policies[2].args.namespace`. */
    field: string;
    /** The value given (undefined: nothing was given). */
    value: unknown;
    /** What would be accepted, or why the value is refused. */
    accepted: string;
    /** How the message shows the value, when not as its JSON (e.g. `nothing (a MeshPolicy document)`). */
    shown?: string;
}

/** One problem as its message line shows it: `<field>: got <value>; <accepted>`. */
export function formatArgsProblem(p: ArgsProblem): string {
    return `${p.field}: got ${p.shown ?? describe(p.value)}; ${p.accepted}`;
}

/**
 * A component's invalid arguments: a pulumi.ResourceError whose message is `<type> "<name>": invalid
 * arguments:` then one `  - <problem>` line per problem, carrying the problems as data so a composing
 * component (MtlsPlatform) can report them under the paths its own user wrote.
 */
export class ArgsError extends pulumi.ResourceError {
    /** Whether `e` is an ArgsError (also across copies of this module). */
    static isArgsError(e: unknown): e is ArgsError {
        return e instanceof Error && (e as { __meshtlsArgsError?: unknown }).__meshtlsArgsError === true;
    }

    /** Marks the instance for `isArgsError`. */
    readonly __meshtlsArgsError = true;

    /**
     * @param type the component's type token
     * @param resourceName the component's resource name
     * @param problems every problem, in the order found
     */
    constructor(
        readonly type: string,
        readonly resourceName: string,
        readonly problems: ArgsProblem[],
    ) {
        super(`${type} "${resourceName}": invalid arguments:\n  - ${problems.map(formatArgsProblem).join("\n  - ")}`, undefined);
    }
}

/** A label value's rule (`isLabelValue`), in words (one text for labels() and labelValue()). */
const LABEL_VALUE_RULE = "at most 63 characters (letters, digits, '-', '_', '.'), starting and ending with a letter or digit";

/** Collects argument problems for one component instance. */
export class ArgsValidator {
    private readonly problems: ArgsProblem[] = [];

    /**
     * @param type the component's type token, e.g. `meshtls:index:CertificateAuthority`
     * @param name the component's resource name
     */
    constructor(
        private readonly type: string,
        private readonly name: string,
    ) {}

    /** Records a problem: `field` had `value`; `accepted` says what would be accepted. */
    fail(field: string, value: unknown, accepted: string): void {
        if (shapeOnly !== undefined && !shapeOnly.keeps(field, value)) {
            return;
        }
        this.problems.push({ field, value, accepted });
    }

    /** Records a problem when `ok` is false. Returns `ok`. */
    check(ok: boolean, field: string, value: unknown, accepted: string): boolean {
        if (!ok) {
            this.fail(field, value, accepted);
        }
        return ok;
    }

    /** A whole number >= `min` (when given; undefined passes unless `required`). */
    integer(field: string, value: number | undefined, min: number, required = false): boolean {
        if (value === undefined) {
            return this.check(!required, field, value, `it is required: a whole number >= ${min}`);
        }
        return this.check(Number.isInteger(value) && value >= min, field, value, `expected a whole number >= ${min}`);
    }

    /** One of a TS string enum's values (undefined passes). */
    enumValue(field: string, value: string | undefined, e: Record<string, string>): boolean {
        if (value === undefined) {
            return true;
        }
        const accepted = Object.values(e);
        return this.check(accepted.includes(value), field, value, `expected one of ${accepted.map((v) => JSON.stringify(v)).join(", ")}`);
    }

    /** A non-empty string of at most `max` characters (undefined passes unless `required`). */
    nonEmpty(field: string, value: string | undefined, max: number, required = false): boolean {
        if (value === undefined) {
            return this.check(!required, field, value, `it is required: a non-empty string`);
        }
        return this.check(typeof value === "string" && value.trim().length > 0 && value.length <= max, field, value, `expected a non-empty string of at most ${max} characters`);
    }

    /** DNS names for certificate SANs: RFC 1123 labels, lower case, an optional leading `*.` wildcard. */
    dnsNames(field: string, values: string[] | undefined): void {
        (values ?? []).forEach((v, i) => {
            this.check(isDnsName(v, true), `${field}[${i}]`, v, "expected a lower-case DNS name (RFC 1123 labels separated by dots, optionally starting with '*.'), at most 253 characters");
        });
    }

    /** IP addresses (v4 or v6). */
    ipAddresses(field: string, values: string[] | undefined): void {
        (values ?? []).forEach((v, i) => {
            this.check(net.isIP(v) !== 0, `${field}[${i}]`, v, "expected an IPv4 or IPv6 address");
        });
    }

    /** Absolute URIs with a scheme (e.g. `spiffe://cluster.local/ns/x/sa/y`). */
    uris(field: string, values: string[] | undefined): void {
        (values ?? []).forEach((v, i) => {
            this.check(isAbsoluteUri(v), `${field}[${i}]`, v, "expected an absolute URI with a scheme, e.g. spiffe://cluster.local/ns/default/sa/app");
        });
    }

    /**
     * Certificate validity and early renewal: whole hours, validity > 0, early renewal >= 0 and below the
     * validity (else the certificate would be re-issued on every run). Defaults fill what is unset.
     */
    validity(
        prefix: string,
        validityHours: number | undefined,
        earlyRenewalHours: number | undefined,
        defaults: { validityHours: number; earlyRenewalHours: number },
    ): void {
        const validOk = this.integer(`${prefix}validityHours`, validityHours, 1);
        const earlyOk = this.integer(`${prefix}earlyRenewalHours`, earlyRenewalHours, 0);
        if (!validOk || !earlyOk) {
            return;
        }
        const validity = validityHours ?? defaults.validityHours;
        const early = earlyRenewalHours ?? defaults.earlyRenewalHours;
        const whichDefault = earlyRenewalHours === undefined ? " (the default; set earlyRenewalHours explicitly)" : "";
        this.check(
            early < validity,
            `${prefix}earlyRenewalHours`,
            early,
            `expected fewer hours than ${prefix}validityHours (${validity})${whichDefault}, or the certificate would be re-issued on every run`,
        );
    }

    /** A DNS-1123 label (namespace and Service names): lower case, at most 63 characters. */
    dnsLabel(field: string, value: string | undefined, required = false): boolean {
        if (value === undefined) {
            return this.check(!required, field, value, "it is required: a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)");
        }
        return this.check(isDnsLabel(value), field, value, "expected a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters");
    }

    /** A DNS-1123 subdomain (most object names): lower-case labels joined by dots, at most 253 characters. */
    dnsSubdomain(field: string, value: string | undefined, required = false): boolean {
        if (value === undefined) {
            return this.check(!required, field, value, "it is required: a DNS-1123 name (lower-case letters, digits, '-' and '.')");
        }
        return this.check(isDnsName(value, false), field, value, "expected a DNS-1123 name: lower-case letters, digits, '-' and '.', at most 253 characters");
    }

    /** A TCP/UDP port number, 1 to 65535. */
    port(field: string, value: number | undefined, required = false): boolean {
        if (value === undefined) {
            return this.check(!required, field, value, "it is required: a port number from 1 to 65535");
        }
        return this.check(Number.isInteger(value) && value >= 1 && value <= 65535, field, value, "expected a port number from 1 to 65535");
    }

    /** Kubernetes label selector terms (`matchLabels`): qualified keys and label values, no wildcards. */
    labels(field: string, value: Record<string, string> | undefined): void {
        for (const [k, val] of Object.entries(value ?? {})) {
            this.check(isLabelKey(k), `${field}.${k}`, k, "expected a label key: an optional DNS prefix and '/', then a name of at most 63 characters (letters, digits, '-', '_', '.'); no wildcards");
            this.check(typeof val === "string" && isLabelValue(val), `${field}.${k}`, val, `expected a label value: ${LABEL_VALUE_RULE}; no wildcards`);
        }
    }

    /**
     * A non-empty Kubernetes label value, e.g. a setting copied into a label (undefined passes).
     * @param hint text appended to the message, e.g. ` (remove it for the chart's default)`
     */
    labelValue(field: string, value: string | undefined, hint = ""): boolean {
        if (value === undefined) {
            return true;
        }
        return this.check(typeof value === "string" && value !== "" && isLabelValue(value), field, value, `expected a non-empty label value: ${LABEL_VALUE_RULE}${hint}`);
    }

    /** A chart or image version like `1.30.3` or `v0.4.0` (pre-release suffixes allowed). */
    version(field: string, value: string | undefined): boolean {
        if (value === undefined) {
            return true;
        }
        return this.check(/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(value), field, value, "expected a version such as 1.30.3 (optionally with a pre-release suffix)");
    }

    /** A chart repository URL: https://, http:// or oci:// (undefined passes). */
    chartRepository(field: string, value: string | undefined): boolean {
        if (value === undefined) {
            return true;
        }
        return this.check(/^(https?|oci):\/\/\S+$/.test(value), field, value, "expected an https://, http:// or oci:// URL");
    }

    /** A protobuf duration in seconds, as Istio's mesh config takes it (`0.5s`, `10s`; undefined passes). */
    protobufDuration(field: string, value: string | undefined): boolean {
        if (value === undefined) {
            return true;
        }
        return this.check(/^\d+(\.\d{1,9})?s$/.test(value), field, value, "expected a protobuf duration in seconds, e.g. \"0.5s\" or \"10s\"");
    }

    /** Parses YAML text; records the parser's first line as the problem and returns undefined when it fails. */
    yaml(field: string, text: string): unknown {
        try {
            return YAML.parse(text) as unknown;
        } catch (err) {
            this.fail(field, "<yaml>", `it does not parse as YAML: ${(err as Error).message.split("\n")[0]}`);
            return undefined;
        }
    }

    /**
     * Records a problem as it is (e.g. one a nested component reported, under the caller's path); a
     * problem already recorded with the same message line (two children checking one setting) is kept once.
     */
    report(problem: ArgsProblem): void {
        const line = formatArgsProblem(problem);
        if (!this.problems.some((p) => formatArgsProblem(p) === line)) {
            this.problems.push(problem);
        }
    }

    /**
     * A whole number from `min` to `max` (undefined passes unless `required`): for numbers that end up in
     * resource names or certificate dates, where an astronomically large value is a typo, not a wish.
     */
    integerRange(field: string, value: number | undefined, min: number, max: number, required = false): boolean {
        if (value === undefined) {
            return this.check(!required, field, value, `it is required: a whole number from ${min} to ${max}`);
        }
        return this.check(Number.isInteger(value) && value >= min && value <= max, field, value, `expected a whole number from ${min} to ${max}`);
    }

    /**
     * A Kubernetes CronJob schedule (undefined passes): five fields with their ranges, or a macro such as
     * `@daily`. See `cronScheduleProblem` for the grammar.
     */
    cronSchedule(field: string, value: string | undefined): boolean {
        if (value === undefined) {
            return true;
        }
        const problem = typeof value === "string" ? cronScheduleProblem(value) : "it is not text";
        return this.check(
            problem === undefined,
            field,
            value,
            `${problem ?? ""}; expected 5 cron fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-6) ` +
                `with *, lists, ranges and steps of at least 1 (e.g. "0 3 1 * *", "*/15 * * * *"), or @hourly/@daily/@weekly/@monthly/@yearly, or @every <duration>`,
        );
    }

    /**
     * A duration that is above zero (undefined passes). Only a value in a format `durationSeconds` reads
     * is checked, so a malformed one is reported once, by its format check.
     */
    positiveDuration(field: string, value: string | undefined): boolean {
        if (value === undefined) {
            return true;
        }
        const seconds = durationSeconds(value);
        return this.check(seconds === undefined || seconds > 0, field, value, "expected a duration above zero (zero would disable what the setting times)");
    }

    /** `host:port` (undefined passes): a DNS name or IP address (IPv6 in brackets), and a port from 1 to 65535. */
    hostPort(field: string, value: string | undefined, example: string): boolean {
        if (value === undefined) {
            return true;
        }
        return this.check(isHostPort(value), field, value, `expected <host>:<port> with a DNS name or IP address (IPv6 in brackets) and a port from 1 to 65535, e.g. ${example}`);
    }

    /** Text without control characters (NUL, newline, tab, DEL...), e.g. a certificate subject (undefined passes). */
    printable(field: string, value: string | undefined): boolean {
        if (value === undefined || typeof value !== "string") {
            return true;
        }
        let at = 0;
        for (const c of value) {
            if (isControlCharacter(c)) {
                const code = (c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
                this.fail(field, value, `expected printable text without control characters; character ${at} is U+${code}`);
                return false;
            }
            at++;
        }
        return true;
    }

    /** No value twice in a list (undefined passes): each repeat is named with the index it repeats. */
    unique(field: string, values: readonly string[] | undefined, normalize: (v: string) => string = (v) => v): boolean {
        const seen = new Map<string, number>();
        let ok = true;
        (values ?? []).forEach((value, i) => {
            const key = typeof value === "string" ? normalize(value) : String(value);
            const first = seen.get(key);
            if (first !== undefined) {
                ok = false;
                this.fail(`${field}[${i}]`, value, `it repeats ${field}[${first}]; each entry must be unique`);
            } else {
                seen.set(key, i);
            }
        });
        return ok;
    }

    /**
     * A cert-manager issuer reference (undefined passes): a name that is a DNS-1123 subdomain, and, for
     * `certManagerGroup` (`cert-manager.io`; no group or "" means it too), kind `Issuer` or `ClusterIssuer`.
     * Another group is an external issuer, whose kinds are its own.
     */
    certManagerIssuerRef(field: string, ref: { name?: unknown; kind?: unknown; group?: unknown } | undefined, certManagerGroup: string): boolean {
        if (ref === undefined) {
            return true;
        }
        // Other languages can pass anything here.
        const given: unknown = ref;
        if (!this.check(typeof given === "object" && given !== null, field, ref, "expected { name, kind, group? }")) {
            return false;
        }
        const name = ref.name;
        let ok = this.check(typeof name === "string" && isDnsName(name, false), `${field}.name`, name, "expected the issuer's name: a DNS-1123 name (lower-case letters, digits, '-' and '.'), at most 253 characters");
        const group = ref.group;
        const groupOk = group === undefined || (typeof group === "string" && (group === "" || isDnsName(group, false)));
        ok = this.check(groupOk, `${field}.group`, group, "expected an API group such as cert-manager.io (an external issuer's group otherwise)") && ok;
        const certManager = group === undefined || group === "" || group === certManagerGroup;
        if (certManager) {
            ok = this.check(ref.kind === "Issuer" || ref.kind === "ClusterIssuer", `${field}.kind`, ref.kind, `expected Issuer or ClusterIssuer for group ${certManagerGroup} (set group for an external issuer's own kind)`) && ok;
        } else {
            ok = this.check(typeof ref.kind === "string" && /^[A-Z][A-Za-z0-9]{0,62}$/.test(ref.kind), `${field}.kind`, ref.kind, "expected the external issuer's kind, e.g. AWSPCAClusterIssuer") && ok;
        }
        return ok;
    }

    /**
     * The serialized size of an object meshtls builds stays within the API server's limit (1 MiB for a
     * ConfigMap or Secret, as the Kubernetes ConfigMap and Secret concept docs state; not read in source). `what` names the object in the message.
     */
    objectSize(field: string, what: string, object: unknown, limit: number, hint: string): boolean {
        const size = Buffer.byteLength(JSON.stringify(object), "utf8");
        return this.check(size <= limit, field, `${what}: ${size} bytes`, `Kubernetes refuses objects over ${limit} bytes (1 MiB) serialized; ${hint}`);
    }

    /** Throws every recorded problem as one ArgsError (a ResourceError); does nothing when there are none. */
    throwIfInvalid(): void {
        if (this.problems.length === 0) {
            return;
        }
        throw new ArgsError(this.type, this.name, [...this.problems]);
    }
}

const dnsLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const labelName = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

/** Whether `value` is a DNS-1123 label. */
export function isDnsLabel(value: string): boolean {
    return typeof value === "string" && dnsLabel.test(value);
}

/** Whether `value` is a Kubernetes label key (`[prefix/]name`). */
export function isLabelKey(value: string): boolean {
    const parts = value.split("/");
    if (parts.length > 2) {
        return false;
    }
    const name = parts[parts.length - 1];
    return (parts.length === 1 || isDnsName(parts[0], false)) && labelName.test(name);
}

/** Whether `value` is a Kubernetes label value (empty allowed). */
export function isLabelValue(value: string): boolean {
    return value === "" || labelName.test(value);
}

/** Whether `value` is a DNS name (RFC 1123), optionally with a leading wildcard label. */
export function isDnsName(value: string, allowWildcard: boolean): boolean {
    if (typeof value !== "string" || value.length === 0 || value.length > 253) {
        return false;
    }
    const labels = value.split(".");
    return labels.every((label, i) => (allowWildcard && i === 0 && label === "*" && labels.length > 1) || dnsLabel.test(label));
}

function isAbsoluteUri(value: string): boolean {
    if (typeof value !== "string" || !/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value)) {
        return false;
    }
    try {
        return new URL(value).protocol.length > 1;
    } catch {
        return false;
    }
}

function describe(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    return JSON.stringify(value);
}

/**
 * The problems of an argument error: an ArgsError's, or those of a ResourceError in the same message
 * format (`<type> "<name>": invalid arguments:` and `  - <field>: got <value>; <accepted>` lines) thrown
 * without ArgsValidator. Undefined for any other error.
 */
export function argsProblemsOf(error: unknown): ArgsProblem[] | undefined {
    if (ArgsError.isArgsError(error)) {
        return error.problems;
    }
    if (!pulumi.ResourceError.isInstance(error)) {
        return undefined;
    }
    const [header, ...lines] = error.message.split("\n");
    if (!/^\S+ ".*": invalid arguments:$/.test(header) || lines.length === 0 || !lines.every((l) => l.startsWith("  - "))) {
        return undefined;
    }
    return lines.map((l) => {
        const m = /^ {2}- ([^:\s]+): got (.*?); (.*)$/.exec(l);
        return m ? { field: m[1], value: m[2], shown: m[2], accepted: m[3] } : { field: "", value: undefined, shown: "", accepted: l.slice(4) };
    });
}

/** While a plan's shape is built with stand-ins (sdk/internal/inputs.ts): the fields whose problems still count. */
let shapeOnly: { keeps(field: string, value: unknown): boolean } | undefined;

/**
 * Runs `f` (a plan built with stand-ins for Output arguments) keeping only the problems of plain fields
 * (`plainFields`, `[]` for list indices) that concern no stand-in: no Output sits at or under the field
 * (`holes`, paths with indices), and its value shows no stand-in text (containing `standInMark`). The
 * others are checked again, with the real values, once the Outputs resolve.
 */
export function withShapeProblemsOnly<T>(plainFields: readonly string[], holes: readonly string[], standInMark: string, f: () => T): T {
    const outer = shapeOnly;
    const touchesHole = (field: string) => holes.some((h) => h === field || h.startsWith(`${field}.`) || h.startsWith(`${field}[`));
    shapeOnly = {
        keeps: (field, value) =>
            plainFields.includes(field.replace(/\[\d+\]/g, "[]")) && !touchesHole(field) && !((JSON.stringify(value) as string | undefined) ?? "").includes(standInMark),
    };
    try {
        return f();
    } finally {
        shapeOnly = outer;
    }
}

/**
 * Runs `f`, a nested plan whose fields `map` renames to the caller's argument paths, so that while a
 * shape is built (withShapeProblemsOnly) its problems are kept or dropped by the caller's paths.
 */
export function withMappedFields<T>(map: (field: string) => string, f: () => T): T {
    const outer = shapeOnly;
    if (outer === undefined) {
        return f();
    }
    shapeOnly = { keeps: (field, value) => outer.keeps(map(field), value) };
    try {
        return f();
    } finally {
        shapeOnly = outer;
    }
}

function isControlCharacter(c: string): boolean {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029;
}

/** Whether `value` is `<host>:<port>`: a DNS name or IP (IPv6 in brackets) and a port from 1 to 65535. */
export function isHostPort(value: string): boolean {
    if (typeof value !== "string") {
        return false;
    }
    const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
    if (!m) {
        return false;
    }
    const [, v6, name, portText] = m as unknown as Array<string | undefined>;
    const port = Number(portText);
    const hostOk = v6 !== undefined ? net.isIPv6(v6) : net.isIPv4(name ?? "") || isDnsName(name ?? "", false);
    return hostOk && port >= 1 && port <= 65535;
}

/**
 * Seconds in a protobuf duration (`0.5s`) or a Go duration (`1h30m`, `65s`, `250ms`); undefined when the
 * text is neither (its format check reports that).
 */
export function durationSeconds(value: string): number | undefined {
    // Go's time.ParseDuration also takes a bare "0".
    if (value === "0") {
        return 0;
    }
    if (typeof value !== "string" || !/^((\d+(\.\d+)?)(h|m|s|ms|us|µs|ns))+$/.test(value)) {
        return undefined;
    }
    const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, "µs": 1e-6, ns: 1e-9 };
    let total = 0;
    for (const part of value.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g)) {
        total += Number(part[1]) * unit[part[2]];
    }
    return total;
}

// Kubernetes CronJob schedules are parsed by robfig/cron v3's standard parser, cron.ParseStandard. Read
// at robfig/cron v3.0.1: spec.go (bounds: minute 0-59, hour 0-23, day of month 1-31, month 1-12 or
// JAN-DEC, day of week 0-6 or SUN-SAT), parser.go (five fields; `?` as `*`; ranges a-b within the
// bounds and not reversed; a step after `/` must be positive; the @ descriptors, including `@every
// <Go duration>`). That Kubernetes validates CronJob.spec.schedule with ParseStandard is from memory
// (pkg/apis/batch/validation), not read here.
const CRON_FIELDS: ReadonlyArray<{ name: string; min: number; max: number; names?: readonly string[] }> = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
    { name: "day of week", min: 0, max: 6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];
const CRON_DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/** What is wrong with a CronJob schedule, or undefined when Kubernetes accepts it. */
export function cronScheduleProblem(schedule: string): string | undefined {
    const text = schedule.trim();
    if (text.startsWith("@every ")) {
        // time.ParseDuration; a zero or sub-second period is meaningless for a rotation job.
        const seconds = durationSeconds(text.slice("@every ".length).trim());
        return seconds !== undefined && seconds >= 1 ? undefined : `${text} needs a Go duration of at least 1s, e.g. @every 24h`;
    }
    if (text.startsWith("@")) {
        return CRON_DESCRIPTORS.includes(text) ? undefined : `${text} is not a cron descriptor`;
    }
    const fields = text.split(/\s+/).filter((f) => f !== "");
    if (fields.length !== 5) {
        return `it has ${fields.length} field${fields.length === 1 ? "" : "s"}`;
    }
    for (let i = 0; i < 5; i++) {
        const problem = cronFieldProblem(fields[i], CRON_FIELDS[i]);
        if (problem !== undefined) {
            return `${CRON_FIELDS[i].name} field "${fields[i]}": ${problem}`;
        }
    }
    return undefined;
}

function cronFieldProblem(field: string, spec: { min: number; max: number; names?: readonly string[]; name: string }): string | undefined {
    const value = (text: string): number | undefined => {
        if (/^\d+$/.test(text)) {
            return Number(text);
        }
        const at = spec.names?.indexOf(text.toUpperCase()) ?? -1;
        return at < 0 ? undefined : spec.min + at;
    };
    for (const item of field.split(",")) {
        const parts = item.split("/");
        if (parts.length > 2) {
            return `"${item}" has two steps`;
        }
        const [range] = parts;
        const step = parts.length === 2 ? parts[1] : undefined;
        if (range !== "*" && range !== "?") {
            const ends = range.split("-");
            if (ends.length > 2) {
                return `"${range}" is not a number or a range`;
            }
            const lo = value(ends[0]);
            const end = ends.length === 2 ? value(ends[1]) : undefined;
            if (lo === undefined || (ends.length === 2 && end === undefined)) {
                return `"${range}" is not a number or a range`;
            }
            // `a/step` runs from a to the field's maximum.
            const hi = end ?? (step !== undefined ? spec.max : lo);
            if (lo < spec.min || hi > spec.max) {
                return `${lo < spec.min ? lo : hi} is outside ${spec.min}-${spec.max}`;
            }
            if (lo > hi) {
                return `the range ${lo}-${hi} runs backwards`;
            }
        }
        if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1)) {
            return `the step "${step}" must be a whole number of at least 1`;
        }
    }
    return undefined;
}

/**
 * Whether `value` is a request host as an AuthorizationPolicy matches it: `*`, or a DNS name (optionally
 * `*.`-prefixed) with an optional `:<port>` from 1 to 65535.
 */
export function isRequestHost(value: string): boolean {
    if (value === "*") {
        return true;
    }
    const m = typeof value === "string" ? /^([^:]+)(?::(\d{1,5}))?$/.exec(value) : null;
    if (!m) {
        return false;
    }
    const port = m[2] as string | undefined;
    return isDnsName(m[1].replace(/^\*\./, "x."), false) && (port === undefined || (Number(port) >= 1 && Number(port) <= 65535));
}

/**
 * Runs a nested plan (a child component's, inside a parent's); its argument problems are recorded in `v`
 * under the parent's paths (`map`), so every section is checked and every problem reported at once, and
 * undefined is returned. `renamed` rewrites sibling field names inside the messages the same way.
 * Other errors propagate.
 */
export function attemptPlan<T>(v: ArgsValidator, map: (field: string) => string, plan: () => T, renamed: Array<[string, string]> = []): T | undefined {
    try {
        return withMappedFields(map, plan);
    } catch (err) {
        const problems = argsProblemsOf(err);
        if (problems === undefined) {
            throw err;
        }
        for (const p of problems) {
            // A message that names a sibling field names it as the parent's user wrote it too.
            const accepted = renamed.reduce((text, [from, to]) => text.split(from).join(to), p.accepted);
            v.report({ ...p, field: map(p.field), accepted });
        }
        return undefined;
    }
}
