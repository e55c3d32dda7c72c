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
        if (shapeOnly !== undefined && !shapeOnly.includes(field.replace(/\[\d+\]/g, "[]"))) {
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
            this.check(typeof val === "string" && isLabelValue(val), `${field}.${k}`, val, "expected a label value: at most 63 characters (letters, digits, '-', '_', '.'), starting and ending with a letter or digit; no wildcards");
        }
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
let shapeOnly: readonly string[] | undefined;

/**
 * Runs `f` (a plan built with stand-ins for Output arguments) keeping only problems in `plainFields`:
 * the others are checked again, with the real values, once the Outputs resolve.
 */
export function withShapeProblemsOnly<T>(plainFields: readonly string[], f: () => T): T {
    const outer = shapeOnly;
    shapeOnly = plainFields;
    try {
        return f();
    } finally {
        shapeOnly = outer;
    }
}
