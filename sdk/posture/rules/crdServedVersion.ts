// Rule: the API server accepts a custom resource only at a version its CRD serves.
//
// Encodes:
// - kubernetes/apiextensions-apiserver `pkg/apis/apiextensions/v1/types.go`
//   (CustomResourceDefinitionVersion.served: "a flag enabling/disabling this version from being served via
//   REST APIs"; an object of a version that is not served is refused: "no matches for kind").
// - kyverno/kyverno-authz v0.4.0 (commit 2c792244) `.crds/policies.kyverno.io/policies.kyverno.io_validatingpolicies.yaml`:
//   `spec.versions` lists only `v1alpha1` (served, storage). Every kyverno-authz tag up to it
//   (v0.4.0-beta.2 ... v0.4.0) ships the same single version; `main` after v0.4.0 adds v1beta1 and v1,
//   untagged, so later releases are unknown here.
// Pure: no Pulumi, no I/O.

/** The part of a CustomResourceDefinition this rule reads. */
export interface CrdServedVersions {
    /** `spec` of the CRD. */
    spec: {
        /** API group, e.g. `policies.kyverno.io`. */
        group: string;
        /** `names.kind`, e.g. `ValidatingPolicy`. */
        names: { kind: string };
        /** Each version and whether it is served. */
        versions: { name: string; served: boolean }[];
    };
}

/** The versions of a CRD the API server serves, in the CRD's order. */
export function crdServedVersions(crd: CrdServedVersions): string[] {
    return crd.spec.versions.filter((v) => v.served).map((v) => v.name);
}

/**
 * Whether the API server accepts an object of `apiVersion` (`<group>/<version>`) and `kind` through this
 * CRD: the group and kind are the CRD's and the version is served.
 */
export function crdAcceptsObject(crd: CrdServedVersions, apiVersion: string, kind: string): boolean {
    const slash = apiVersion.indexOf("/");
    if (slash < 0) {
        return false;
    }
    const [group, version] = [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
    return group === crd.spec.group && kind === crd.spec.names.kind && crdServedVersions(crd).includes(version);
}

/**
 * The `policies.kyverno.io` ValidatingPolicy versions served by the CRD a kyverno-authz release ships
 * (`.crds/policies.kyverno.io/policies.kyverno.io_validatingpolicies.yaml` at tag `v<release>`), for the
 * tags read. Keyed by tag.
 */
export const KYVERNO_AUTHZ_POLICY_CRD_SERVED: Readonly<Record<string, readonly string[]>> = {
    "v0.4.0-beta.2": ["v1alpha1"],
    "v0.4.0-beta.3": ["v1alpha1"],
    "v0.4.0-beta.4": ["v1alpha1"],
    "v0.4.0-beta.5": ["v1alpha1"],
    "v0.4.0-beta.6": ["v1alpha1"],
    "v0.4.0-beta.7": ["v1alpha1"],
    "v0.4.0": ["v1alpha1"],
};

/**
 * Whether the ValidatingPolicy CRD of kyverno-authz `release` (e.g. `0.4.0`) serves `apiVersion`
 * (`policies.kyverno.io/<version>`); undefined when the release is not one of those read (unknown, not a guess).
 */
export function kyvernoAuthzPolicyCrdServes(release: string, apiVersion: string): boolean | undefined {
    const key = `v${release.replace(/^v/, "")}`;
    if (!Object.hasOwn(KYVERNO_AUTHZ_POLICY_CRD_SERVED, key)) {
        return undefined;
    }
    const served = KYVERNO_AUTHZ_POLICY_CRD_SERVED[key];
    const [group, version] = apiVersion.split("/");
    return group === "policies.kyverno.io" && served.includes(version);
}
