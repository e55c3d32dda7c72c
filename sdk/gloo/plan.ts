// GlooMtls's plan: every argument validated (all problems reported together) and every default resolved
// exactly once, into plain data the manifests and the component read. Pure: no resource is registered.
import type * as pulumi from "@pulumi/pulumi";
import { checkValuesOverride, HelmMode, parseValuesYaml, SetValue } from "../internal/chartValues";
import { ArgsValidator, isDnsLabel, durationSeconds } from "../internal/validation";
import { compareVersions } from "../internal/values";
import { DataPlaneMode } from "../istio";
import { KeyAlgorithm, MAX_VALIDITY_HOURS } from "../pki";
import {
    DEFAULT_GLOO_CRON_SCHEDULE,
    DEFAULT_GLOO_ENABLE_AUTO_MTLS,
    DEFAULT_GLOO_HELM_MODE,
    DEFAULT_GLOO_INSTALL,
    DEFAULT_GLOO_NAMESPACE,
    DEFAULT_GLOO_RELEASE_NAME,
    DEFAULT_GLOO_ROTATION_DURATION,
    DEFAULT_GLOO_STRICT_UPSTREAM_NAMESPACES,
    DEFAULT_GLOO_VERSION,
    DEFAULT_GLOO_XDS_CERTIFICATE,
    GLOO_CERTGEN_MARGIN_HOURS,
    GLOO_CERTGEN_RENEW_BEFORE_HOURS,
    GLOO_CHART,
    GLOO_CHART_REPO,
    GLOO_MTLS_SECRET,
    GLOO_MTLS_TYPE,
    ISTIO_INTEGRATION_SINCE,
    defaultUpstreamName,
    resolveGlooRotation,
} from "./defaults";
import { GlooCertRotation, GlooIstioArgs, GlooMtlsArgs, GlooXdsCertificateArgs, GlooXdsMtlsArgs } from "./types";

/** The chart GlooMtls installs (or, with `install: false`, whose values it computes). */
export interface GlooChartPlan {
    /** Chart name in the repository (`gloo`). */
    chart: string;
    /** Chart version. */
    version: string;
    /** Chart repository URL. */
    repository: string;
    /** Helm release name. */
    releaseName: string;
    /** How the chart is installed (only meaningful when `install` is true). */
    helmMode: HelmMode;
}

/** The xDS certificate's settings, defaults resolved (Pulumi rotation). */
export interface GlooXdsCertificatePlan {
    /** Key algorithm. */
    keyAlgorithm: KeyAlgorithm;
    /** Validity in hours. */
    validityHours: number;
    /** Re-issue this many hours before expiry. */
    earlyRenewalHours: number;
    /**
     * The settings exactly as given. The Certificate child receives the resolved settings above, not
     * these: its own defaults (pki's 90-day leaf) are within certgen's renew-before.
     */
    given: GlooXdsCertificateArgs | undefined;
}

/** xDS TLS with a certificate meshtls issues and rotates through the CA's phases. */
export interface GlooXdsPulumiPlan {
    /** Who rotates the certificate. */
    rotation: GlooCertRotation.Pulumi;
    /** The secret the chart mounts (`gloo-mtls-certs`). */
    secretName: string;
    /** The xDS certificate. */
    certificate: GlooXdsCertificatePlan;
}

/** xDS TLS with the chart's certgen cron job owning the secret. */
export interface GlooXdsCronJobPlan {
    /** Who rotates the certificate. */
    rotation: GlooCertRotation.CronJob;
    /** The secret the chart's job writes (`gloo-mtls-certs`). */
    secretName: string;
    /** Cron schedule of the certgen job. */
    cronSchedule: string;
    /** Wait between the certgen job's stages. */
    rotationDuration: string;
}

/** xDS TLS (`global.glooMtls`), by rotation. */
export type GlooXdsPlan = GlooXdsPulumiPlan | GlooXdsCronJobPlan;

/** Which chart values carry the Istio integration: decided by the chart version (see ISTIO_INTEGRATION_SINCE). */
export type GlooIstioValuesKey = "istioIntegration" | "istioSDS";

/** One Upstream routed to over Istio mTLS, name resolved. */
export interface GlooUpstreamPlan {
    /** Name of the Upstream in the Gloo namespace. */
    name: string;
    /** Service name. */
    serviceName: string;
    /** Service namespace. */
    serviceNamespace: string;
    /** Service port. */
    port: number;
}

/** Istio upstream mTLS, defaults resolved. */
export interface GlooIstioPlan {
    /** The mesh's Istio version (the istio-proxy sidecar's image tag). */
    istioVersion: string;
    /** `istioIntegration` (chart >= 1.17.0) or the older `istioSDS`. */
    valuesKey: GlooIstioValuesKey;
    /** Gloo adds Istio mTLS to every Upstream (only with `istioIntegration`). */
    enableAutoMtls: boolean;
    /** istiod address for the istio-proxy sidecar; undefined: the chart's. */
    istioDiscoveryAddress: string | undefined;
    /** Containers replacing the default istio-proxy sidecar (parsed from `customSidecarsYaml`). */
    customSidecars: unknown[] | undefined;
    /** The Upstreams, in the order given. */
    upstreams: GlooUpstreamPlan[];
    /** Namespaces made STRICT, sorted and unique (empty unless `strictUpstreamNamespaces`). */
    strictNamespaces: string[];
}

/** A validated, fully defaulted GlooMtls. Plain data. */
export interface GlooMtlsPlan {
    /** Install namespace. */
    namespace: string;
    /** Create the namespace. */
    createNamespace: boolean;
    /** Install the chart. */
    install: boolean;
    /** The chart. */
    chart: GlooChartPlan;
    /** The `values` escape hatch, parsed; merged last. Undefined when not given. */
    extraValues: Record<string, unknown> | undefined;
    /** xDS TLS (`global.glooMtls`); undefined when not asked for. */
    xds: GlooXdsPlan | undefined;
    /** Istio upstream mTLS; undefined when not asked for. */
    istio: GlooIstioPlan | undefined;
}

/**
 * Validates GlooMtls arguments and resolves every default. Throws one `pulumi.ResourceError` naming
 * every bad field, its value and what is accepted.
 */
export function planGlooMtls(name: string, args: pulumi.Unwrap<GlooMtlsArgs>): GlooMtlsPlan {
    const v = new ArgsValidator(GLOO_MTLS_TYPE, name);
    const version = args.version ?? DEFAULT_GLOO_VERSION;
    const install = args.install ?? DEFAULT_GLOO_INSTALL;
    const helmMode = args.helmMode ?? DEFAULT_GLOO_HELM_MODE;
    const namespace = args.namespace ?? DEFAULT_GLOO_NAMESPACE;

    v.version("version", args.version);
    v.dnsLabel("namespace", args.namespace);
    v.dnsLabel("releaseName", args.releaseName);
    v.enumValue("helmMode", args.helmMode, HelmMode);
    v.chartRepository("chartRepository", args.chartRepository);
    v.check(args.xds !== undefined || args.istio !== undefined, "xds/istio", undefined, "set xds (mTLS between Gloo and its proxies), istio (mTLS to mesh upstreams), or both");
    if (args.install === false && args.helmMode !== undefined) {
        v.fail("helmMode", args.helmMode, "it only applies when the chart is installed (install: false installs nothing)");
    }

    const xds = args.xds ? planXds(v, args.xds, helmMode, args) : undefined;
    const istio = args.istio ? planIstio(v, args.istio, version) : undefined;
    const extraValues = parseValuesYaml(v, "values", args.values);
    if (xds?.rotation === GlooCertRotation.Pulumi) {
        // The chart passes --force-rotation to certgen when this is truthy: certgen would then replace
        // the Pulumi-issued gloo-mtls-certs with its own CA whenever its job runs (sdk/posture/rules/certgenRotation.ts).
        const force = (extraValues?.gateway as { certGenJob?: { forceRotation?: unknown } } | undefined)?.certGenJob?.forceRotation;
        v.check(
            // Go template truthiness: only these leave the flag out.
            force === undefined || force === null || force === false || force === 0 || force === "",
            "values",
            `gateway.certGenJob.forceRotation: ${JSON.stringify(force)}`,
            "with xds rotation Pulumi, gateway.certGenJob.forceRotation must stay false, or the chart's certgen job replaces gloo-mtls-certs with its own CA",
        );
    }
    v.throwIfInvalid();

    const plan: GlooMtlsPlan = {
        namespace,
        createNamespace: args.createNamespace ?? install,
        install,
        chart: { chart: GLOO_CHART, version, repository: args.chartRepository ?? GLOO_CHART_REPO, releaseName: args.releaseName ?? DEFAULT_GLOO_RELEASE_NAME, helmMode },
        extraValues,
        xds,
        istio,
    };
    // The escape hatch keeps the shape of what meshtls computes (`global: 5` would drop global.glooMtls
    // while gloo-mtls-certs is still created) and leaves the keys that carry its wiring alone.
    checkValuesOverride(v, "values", glooSetValues(plan), extraValues);
    v.throwIfInvalid();
    return plan;
}

/**
 * The chart values meshtls sets (manifests.ts `glooChartValues` builds them; a test holds the two
 * together), with the ones `values` must not change and why. Read from the chart at v1.22.1:
 * install/helm/gloo/templates/1-gloo-deployment.yaml (mounts gloo-mtls-certs and runs the sds container
 * only `if .Values.global.glooMtls.enabled`), 19-gloo-mtls-certgen-cronjob.yaml (the cron job exists
 * only with `glooMtls.enabled` and `gateway.certGenJob.cron.enabled`), and 7-gateway-proxy-deployment.yaml
 * (the istio-proxy and SDS containers only `if or $global.istioSDS.enabled $global.istioIntegration.enabled`).
 */
export function glooSetValues(plan: GlooMtlsPlan): SetValue[] {
    const set: SetValue[] = [];
    const xds = plan.xds;
    if (xds) {
        const who = xds.rotation === GlooCertRotation.Pulumi ? "issued by meshtls" : "written by the chart's certgen job";
        set.push({ path: "global.glooMtls.enabled", value: true, guard: `xds is set, so ${xds.secretName} is ${who} for xDS mTLS; turning it off leaves xDS in plain text. Remove xds instead` });
        if (xds.rotation === GlooCertRotation.Pulumi) {
            // Its truthiness is checked on its own (planGlooMtls): Go templates treat 0 and "" as false too.
            set.push({ path: "gateway.certGenJob.forceRotation", value: false, anyType: true });
            set.push({ path: "gateway.certGenJob.cron.enabled", value: false, guard: `with xds rotation Pulumi the chart's certgen cron job would replace ${xds.secretName} with its own CA; use rotation: CronJob for that` });
        } else {
            set.push({ path: "gateway.certGenJob.cron.enabled", value: true, guard: `xds rotation CronJob is that cron job; without it nothing renews ${xds.secretName}. Use rotation: Pulumi instead` });
            set.push({ path: "gateway.certGenJob.cron.schedule", value: xds.cronSchedule, guard: "set xds.cronSchedule instead" });
            set.push({ path: "gateway.certGenJob.rotationDuration", value: xds.rotationDuration, guard: "set xds.rotationDuration instead" });
        }
    }
    const istio = plan.istio;
    if (istio) {
        const off = "istio is set, so meshtls creates Upstreams that use the istio-proxy sidecar's SDS certificates; turning it off breaks them. Remove istio instead";
        set.push({ path: "global.glooMtls.istioProxy.image.tag", value: istio.istioVersion, guard: "the istio-proxy sidecar must match the mesh's Istio version; set istio.istioVersion instead" });
        if (istio.valuesKey === "istioIntegration") {
            set.push({ path: "global.istioIntegration.enabled", value: true, guard: off });
            set.push({ path: "global.istioIntegration.enableAutoMtls", value: istio.enableAutoMtls, guard: "set istio.enableAutoMtls instead" });
        } else {
            set.push({ path: "global.istioSDS.enabled", value: true, guard: off });
        }
        // gateway-proxy carries the chart's own istio-proxy; Istio's injector must stay away (manifests.ts).
        set.push({ path: "global.istioIntegration.disableAutoinjection", value: true, guard: "gateway-proxy carries the chart's own istio-proxy container; Istio injection would add a second proxy or merge into it" });
        if (istio.customSidecars) {
            set.push({ path: "global.istioSDS.customSidecars", value: istio.customSidecars, guard: "set istio.customSidecarsYaml instead" });
        }
        if (istio.istioDiscoveryAddress) {
            set.push({ path: "gatewayProxies.gatewayProxy.istioDiscoveryAddress", value: istio.istioDiscoveryAddress, guard: "set istio.istioDiscoveryAddress instead" });
        }
    }
    return set;
}

function planXds(v: ArgsValidator, xds: pulumi.Unwrap<GlooXdsMtlsArgs>, helmMode: HelmMode, args: pulumi.Unwrap<GlooMtlsArgs>): GlooXdsPlan | undefined {
    const rotation = resolveGlooRotation(xds.rotation);
    if (rotation === GlooCertRotation.Pulumi) {
        v.check(xds.issuer !== undefined, "xds.issuer", undefined, "Pulumi rotation issues gloo-mtls-certs from an IssuerMaterial: set xds.issuer (e.g. CertificateAuthority.issuer), or use rotation: CronJob");
        v.check(xds.cronSchedule === undefined, "xds.cronSchedule", xds.cronSchedule, "it only applies with rotation: CronJob (Pulumi rotation follows the CertificateAuthority's phases)");
        v.check(xds.rotationDuration === undefined, "xds.rotationDuration", xds.rotationDuration, "it only applies with rotation: CronJob");
        const given = xds.certificate;
        if (given) {
            v.enumValue("xds.certificate.keyAlgorithm", given.keyAlgorithm, KeyAlgorithm);
            v.validity("xds.certificate.", given.validityHours, given.earlyRenewalHours, DEFAULT_GLOO_XDS_CERTIFICATE);
            if (Number.isInteger(given.validityHours) && (given.validityHours as number) > MAX_VALIDITY_HOURS) {
                // The Certificate child would refuse it too, but only after GlooMtls registered its namespace.
                v.fail("xds.certificate.validityHours", given.validityHours, `expected at most ${MAX_VALIDITY_HOURS} hours (100 years)`);
            }
            checkCertgenClearance(v, given);
        }
        return {
            rotation,
            secretName: GLOO_MTLS_SECRET,
            certificate: {
                keyAlgorithm: given?.keyAlgorithm ?? DEFAULT_GLOO_XDS_CERTIFICATE.keyAlgorithm,
                validityHours: given?.validityHours ?? DEFAULT_GLOO_XDS_CERTIFICATE.validityHours,
                earlyRenewalHours: given?.earlyRenewalHours ?? DEFAULT_GLOO_XDS_CERTIFICATE.earlyRenewalHours,
                given,
            },
        };
    }
    if (!v.enumValue("xds.rotation", xds.rotation, GlooCertRotation)) {
        return undefined;
    }
    v.check(xds.issuer === undefined, "xds.issuer", "<IssuerMaterial>", "with rotation: CronJob the chart's job generates its own CA; remove issuer, or use rotation: Pulumi");
    v.check(xds.certificate === undefined, "xds.certificate", xds.certificate, "it only applies with rotation: Pulumi");
    v.check(helmMode === HelmMode.Release || args.install === false, "helmMode", args.helmMode, "CronJob rotation needs helmMode Release: the chart creates the first secret in a pre-install hook, which helm.v4.Chart does not run");
    // The chart puts the schedule into the CronJob's spec.schedule (install/helm/gloo/templates/
    // 19-gloo-mtls-certgen-cronjob.yaml at v1.22.1), which the API server parses as a standard cron line.
    v.cronSchedule("xds.cronSchedule", xds.cronSchedule);
    if (xds.rotationDuration !== undefined) {
        // certgen's --rotation-duration (a Go time.Duration) is the wait between trusting the new CA and
        // serving it; zero would serve the new certificate before any proxy trusts it.
        if (v.check(durationSeconds(xds.rotationDuration) !== undefined, "xds.rotationDuration", xds.rotationDuration, "expected a Go duration such as \"65s\", \"2m\" or \"1h30m\"")) {
            v.positiveDuration("xds.rotationDuration", xds.rotationDuration);
        }
    }
    return {
        rotation: GlooCertRotation.CronJob,
        secretName: GLOO_MTLS_SECRET,
        cronSchedule: xds.cronSchedule ?? DEFAULT_GLOO_CRON_SCHEDULE,
        rotationDuration: xds.rotationDuration ?? DEFAULT_GLOO_ROTATION_DURATION,
    };
}

/**
 * The chart's certgen job (a Helm hook) replaces `gloo-mtls-certs` with its own CA once the certificate
 * has less than `--renew-before` (2160 h, not settable through the chart) left. So the leaf must have
 * more than that plus a margin when issued (validityHours), and still when Pulumi is about to re-issue
 * it (earlyRenewalHours). The defaults satisfy this; only given values are checked.
 */
function checkCertgenClearance(v: ArgsValidator, given: pulumi.Unwrap<GlooXdsCertificateArgs>): void {
    const floor = GLOO_CERTGEN_RENEW_BEFORE_HOURS + GLOO_CERTGEN_MARGIN_HOURS;
    const why = `certgen's --renew-before ${GLOO_CERTGEN_RENEW_BEFORE_HOURS} h (the chart cannot change it) + ${GLOO_CERTGEN_MARGIN_HOURS} h margin`;
    // Values that fail the basic checks (v.validity) are reported there only.
    if (Number.isInteger(given.validityHours) && (given.validityHours as number) >= 1) {
        v.check(
            (given.validityHours as number) > floor,
            "xds.certificate.validityHours",
            given.validityHours,
            `expected more than ${floor} hours (${why}); the chart's certgen job replaces a certificate with less than ${GLOO_CERTGEN_RENEW_BEFORE_HOURS} h left by one from its own CA`,
        );
    }
    if (Number.isInteger(given.earlyRenewalHours) && (given.earlyRenewalHours as number) >= 0) {
        v.check(
            (given.earlyRenewalHours as number) > floor,
            "xds.certificate.earlyRenewalHours",
            given.earlyRenewalHours,
            `expected more than ${floor} hours (${why}), so that Pulumi re-issues the certificate before certgen would replace it`,
        );
    }
}

/**
 * Why Gloo Edge's Istio integration is refused in an ambient mesh, and what to do instead: the one text both
 * GlooMtls (`istio.dataPlaneMode`) and MtlsPlatform (`gloo.istioIntegration`) give. `turnOff` says how to
 * turn the integration off, in the caller's own field names.
 */
export function glooAmbientIstioRefusal(turnOff: string): string {
    return `Gloo Edge's Istio integration is sidecar-only: gateway-proxy's istio-proxy agent and sds sidecar write Istio certificates for Envoy's own TLS and nothing speaks HBONE (solo-io/gloo v1.22.1 install/helm/gloo/templates/7-gateway-proxy-deployment.yaml), so ztunnel would take that TLS as plain text; ${turnOff} (xDS mTLS still works) and move mesh ingress to kgateway, Gloo Edge's successor (Edge reaches end of life 2026-12-31)`;
}

function planIstio(v: ArgsValidator, istio: pulumi.Unwrap<GlooIstioArgs>, chartVersion: string): GlooIstioPlan {
    const valuesKey: GlooIstioValuesKey = compareVersions(chartVersion, ISTIO_INTEGRATION_SINCE) >= 0 ? "istioIntegration" : "istioSDS";
    const version: unknown = istio.istioVersion;
    v.check(typeof version === "string" && /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version), "istio.istioVersion", version, "the mesh's Istio version is required for the istio-proxy sidecar image, e.g. \"1.30.3\" (IstioMesh.version)");
    if (istio.enableAutoMtls !== undefined && valuesKey !== "istioIntegration") {
        v.fail("istio.enableAutoMtls", istio.enableAutoMtls, `it needs chart ${ISTIO_INTEGRATION_SINCE} or later (global.istioIntegration); chart ${chartVersion} only has global.istioSDS`);
    }
    if (istio.dataPlaneMode !== undefined && v.enumValue("istio.dataPlaneMode", istio.dataPlaneMode, DataPlaneMode) && istio.dataPlaneMode === DataPlaneMode.Ambient) {
        v.fail("istio.dataPlaneMode", istio.dataPlaneMode, glooAmbientIstioRefusal("leave the Istio integration off in an ambient mesh"));
    }
    if (istio.istioDiscoveryAddress !== undefined) {
        v.hostPort("istio.istioDiscoveryAddress", istio.istioDiscoveryAddress, "istiod.istio-system.svc:15012");
    }
    const given = istio.upstreams ?? [];
    const names = new Set<string>();
    given.forEach((u, i) => {
        const at = `istio.upstreams[${i}]`;
        const okName = v.dnsLabel(`${at}.serviceName`, u.serviceName, true);
        const okNs = v.dnsLabel(`${at}.serviceNamespace`, u.serviceNamespace, true);
        const okPort = v.port(`${at}.port`, u.port, true);
        if (u.name !== undefined) {
            v.dnsSubdomain(`${at}.name`, u.name);
        }
        if (okName && okNs && okPort) {
            const n = u.name ?? defaultUpstreamName(u);
            v.check(u.name !== undefined || isDnsLabel(n) || n.length <= 253, `${at}.name`, n, "the default name <namespace>-<service>-<port> is too long; set name");
            v.check(!names.has(n), `${at}.name`, n, "Upstream names must be unique");
            names.add(n);
        }
    });
    const strict = istio.strictUpstreamNamespaces ?? DEFAULT_GLOO_STRICT_UPSTREAM_NAMESPACES;
    if (strict && given.length === 0) {
        v.fail("istio.strictUpstreamNamespaces", true, "it needs upstreams: their namespaces are the ones made STRICT");
    }
    let customSidecars: unknown[] | undefined;
    if (istio.customSidecarsYaml !== undefined) {
        const parsed = v.yaml("istio.customSidecarsYaml", istio.customSidecarsYaml);
        if (
            parsed !== undefined &&
            v.check(Array.isArray(parsed) && parsed.every((c) => c !== null && typeof c === "object" && typeof (c as { name?: unknown }).name === "string"), "istio.customSidecarsYaml", "<yaml>", "expected a YAML list of containers, each with a name")
        ) {
            customSidecars = parsed as unknown[];
        }
    }
    const upstreams = given.map((u) => ({ name: u.name ?? defaultUpstreamName(u), serviceName: u.serviceName, serviceNamespace: u.serviceNamespace, port: u.port }));
    return {
        istioVersion: istio.istioVersion,
        valuesKey,
        enableAutoMtls: istio.enableAutoMtls ?? DEFAULT_GLOO_ENABLE_AUTO_MTLS,
        istioDiscoveryAddress: istio.istioDiscoveryAddress,
        customSidecars,
        upstreams,
        strictNamespaces: strict ? [...new Set(upstreams.map((u) => u.serviceNamespace))].sort() : [],
    };
}
