// The authorizer's policies: parsed and checked once into the documents that are applied
// (ValidatingPolicies for the authz server, kyverno-json files for the seed's plugin).
import type * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { compact } from "../internal/chartValues";
import { ArgsValidator } from "../internal/validation";
import { AuthzServerPlan, installedPolicyCrdAccepted, installedPolicyCrdServes } from "./authzServer";
import { KyvernoPolicy } from "./types";
import { sortKeys } from "../internal/values";

/** A checked policy, as the authorizer will load it. */
export interface KyvernoPolicyPlan {
    /** Policy name: `metadata.name` (AuthzServer) or the file `<name>.yaml` (EnvoyPlugin). */
    name: string;
    /**
     * AuthzServer: the ValidatingPolicy object as applied (`metadata.name` and `spec.evaluation.mode:
     * Envoy` filled in). EnvoyPlugin: the parsed kyverno-json document.
     */
    document: Record<string, unknown>;
    /** EnvoyPlugin: the file's text, exactly as given (what the plugin reads). */
    fileText?: string;
}

/** The removed policy kinds of the authorizer's history, and what replaces them. */
const OBSOLETE_POLICY_APIS: Record<string, string> = {
    "envoy.kyverno.io": "envoy.kyverno.io AuthorizationPolicy (kyverno-envoy-plugin 0.2-0.3) is obsolete",
    "authz.kyverno.io": "authz.kyverno.io (kyverno-envoy-plugin 0.4.0-beta.1) is obsolete",
};

interface PolicyDoc {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown };
    spec?: { evaluation?: { mode?: unknown } } & Record<string, unknown>;
}

/**
 * Checks the policies and returns the documents of the valid ones (problems go to `v`; a policy with a
 * problem is left out, and the caller throws before using the result).
 * @param server the chart install for flavor AuthzServer (ValidatingPolicies, of its `policyApiVersion`);
 * undefined for EnvoyPlugin (kyverno-json files)
 */
export function planKyvernoPolicies(v: ArgsValidator, policies: pulumi.Unwrap<KyvernoPolicy>[] | undefined, serverPlan: AuthzServerPlan | undefined): KyvernoPolicyPlan[] {
    const server = serverPlan !== undefined;
    const planned: KyvernoPolicyPlan[] = [];
    const names = new Set<string>();
    (policies ?? []).forEach((p, i) => {
        const before = planned.length;
        planOne(p, i);
        // One entry per policy whatever its content: the list alone decides which resources exist (an
        // invalid one is reported; the placeholder is only seen while stand-ins fill Output arguments).
        if (planned.length === before) {
            planned.push({ name: p.name, document: {} });
        }
    });
    return planned;

    function planOne(p: pulumi.Unwrap<KyvernoPolicy>, i: number): void {
        const at = `policies[${i}]`;
        if (v.dnsSubdomain(`${at}.name`, p.name, true)) {
            v.check(!names.has(p.name), `${at}.name`, p.name, "policy names must be unique");
            names.add(p.name);
        }
        if (!v.check((p.yaml === undefined) !== (p.spec === undefined), at, Object.keys(p).filter((k) => k !== "name"), "set exactly one of yaml and spec")) {
            return;
        }
        let doc: PolicyDoc;
        if (p.yaml !== undefined) {
            const parsed = v.yaml(`${at}.yaml`, p.yaml);
            if (parsed === undefined) {
                return;
            }
            if (!v.check(isMapping(parsed), `${at}.yaml`, describeShape(parsed), "expected one YAML mapping: a whole policy document (apiVersion, kind, metadata, spec)")) {
                return;
            }
            doc = parsed as PolicyDoc;
            // Spreading a scalar would turn `spec: allow all` into an object with keys "0", "1", ...
            let shapeOk = true;
            for (const key of ["metadata", "spec"] as const) {
                if (doc[key] !== undefined) {
                    shapeOk = v.check(isMapping(doc[key]), `${at}.yaml ${key}`, describeShape(doc[key]), `expected ${key} to be a mapping`) && shapeOk;
                }
            }
            if (doc.spec !== undefined && isMapping(doc.spec) && doc.spec.evaluation !== undefined) {
                shapeOk = v.check(isMapping(doc.spec.evaluation), `${at}.yaml spec.evaluation`, describeShape(doc.spec.evaluation), "expected spec.evaluation to be a mapping, e.g. {mode: Envoy}") && shapeOk;
            }
            if (!shapeOk) {
                return;
            }
        } else if (!server) {
            v.fail(`${at}.spec`, p.spec, "flavor EnvoyPlugin loads kyverno-json files: give the policy as yaml");
            return;
        } else if (!v.check(isMapping(p.spec), `${at}.spec`, describeShape(p.spec), "expected a mapping: the ValidatingPolicy spec (validations, and optionally matchConditions, variables, failurePolicy)")) {
            return;
        } else {
            const spec = p.spec as NonNullable<typeof p.spec>;
            if (spec.failurePolicy !== undefined) {
                v.check(["Fail", "Ignore"].includes(spec.failurePolicy), `${at}.spec.failurePolicy`, spec.failurePolicy, "expected Fail or Ignore");
            }
            if (v.check(Array.isArray(spec.validations) && spec.validations.length > 0, `${at}.spec.validations`, spec.validations, "expected at least one validation")) {
                spec.validations.forEach((rule, j) => {
                    v.check(isMapping(rule) && typeof rule.expression === "string" && rule.expression.trim() !== "", `${at}.spec.validations[${j}]`, rule, "expected a mapping with a non-empty CEL expression");
                });
            }
            for (const list of ["matchConditions", "variables"] as const) {
                const items: unknown = spec[list];
                if (items === undefined) {
                    continue;
                }
                if (v.check(Array.isArray(items), `${at}.spec.${list}`, describeShape(items), "expected a list of {name, expression}")) {
                    (items as unknown[]).forEach((item, j) => {
                        const ok = isMapping(item) && typeof item.name === "string" && item.name !== "" && typeof item.expression === "string" && item.expression.trim() !== "";
                        v.check(ok, `${at}.spec.${list}[${j}]`, item, "expected {name, expression}, both non-empty");
                    });
                }
            }
            doc = { apiVersion: serverPlan.policyApiVersion, kind: "ValidatingPolicy", metadata: { name: p.name }, spec: compact({ ...p.spec }) };
        }
        const group = typeof doc.apiVersion === "string" ? doc.apiVersion.split("/")[0] : "";
        const expectedGroup = server ? "policies.kyverno.io" : "json.kyverno.io";
        if (group in OBSOLETE_POLICY_APIS) {
            v.fail(`${at}.apiVersion`, doc.apiVersion, `${OBSOLETE_POLICY_APIS[group]}; write a policies.kyverno.io ValidatingPolicy with spec.evaluation.mode: Envoy (flavor AuthzServer)`);
        } else if (group !== expectedGroup || doc.kind !== "ValidatingPolicy") {
            v.fail(
                at,
                `${String(doc.apiVersion)} ${String(doc.kind)}`,
                server
                    ? "flavor AuthzServer loads policies.kyverno.io ValidatingPolicy documents (kyverno-json json.kyverno.io policies are for flavor EnvoyPlugin)"
                    : "flavor EnvoyPlugin loads kyverno-json json.kyverno.io/v1alpha1 ValidatingPolicy files (policies.kyverno.io policies are for flavor AuthzServer)",
            );
        }
        if (server && p.yaml !== undefined && typeof doc.apiVersion === "string" && group === expectedGroup && !installedPolicyCrdServes(serverPlan, doc.apiVersion)) {
            // A typed spec takes policyApiVersion (checked with it); a yaml document names its own version.
            v.fail(`${at}.yaml apiVersion`, doc.apiVersion, installedPolicyCrdAccepted(serverPlan));
        }
        if (!server) {
            // Plugin files are named by `name` and loaded as written.
            planned.push({ name: p.name, document: doc as Record<string, unknown>, fileText: p.yaml });
            return;
        }
        // The object name, for the chart's cluster-scoped ValidatingPolicies.
        if (doc.metadata?.name !== undefined && doc.metadata.name !== p.name) {
            v.fail(`${at}.yaml metadata.name`, doc.metadata.name, `it must equal the policy name "${p.name}" (or be left out)`);
        }
        const mode = doc.spec?.evaluation?.mode;
        v.check(mode === undefined || mode === "Envoy", `${at} spec.evaluation.mode`, mode, "the authz server only evaluates policies with evaluation.mode Envoy (Kubernetes is admission control); leave it out or set Envoy");
        planned.push({ name: p.name, document: { ...doc, metadata: { ...(doc.metadata ?? {}), name: p.name }, spec: { ...(doc.spec ?? {}), evaluation: { ...(doc.spec?.evaluation ?? {}), mode: "Envoy" } } } });
    }
}

/** The ValidatingPolicy object (cluster-scoped) of a policy for the authz server. */
export function validatingPolicyObject(policy: KyvernoPolicyPlan): Record<string, unknown> {
    return policy.document;
}

/** The plugin's policy files, `<name>.yaml` -> text, in file-name order (deterministic ConfigMap data). */
export function envoyPluginPolicyFiles(policies: KyvernoPolicyPlan[]): Record<string, string> {
    const files: Record<string, string> = {};
    for (const p of policies) {
        files[`${p.name}.yaml`] = p.fileText ?? YAML.stringify(p.document);
    }
    return sortKeys(files);
}

function isMapping(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short account of a value's shape for messages (a whole policy document would be noise). */
function describeShape(value: unknown): unknown {
    if (Array.isArray(value)) {
        return `<a list of ${value.length}>`;
    }
    if (isMapping(value)) {
        return `<a mapping with ${Object.keys(value).join(", ") || "no keys"}>`;
    }
    return value === null ? "<null>" : value;
}
