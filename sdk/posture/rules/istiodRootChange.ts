// istiod's rule for a changed plug-in CA root (`cacerts` `root-cert.pem`), as a pure function.
//
// Encodes istio/istio 1.30.3, pilot/pkg/bootstrap/istio_ca.go: `handleEvent` (run by the cacerts file
// watcher, `handleCACertsFileWatch`) reads the new root-cert.pem and, when its bytes differ from the
// bundle istiod holds in memory, returns without updating anything unless `features.MultiRootMesh`
// (`ISTIO_MULTIROOT_MESH`, pilot/pkg/features/pilot.go, default false) is on AND
// `pemBundleHasSubsetRelation(current, new)` holds: both bundles non-empty and one's set of DER
// certificates contains the other's. An ignored update also drops the signing certificate change in the
// same event (the return comes before `UpdateVerifiedKeyCertBundleFromFile`), so istiod keeps its old
// root and signer until it restarts.

/** Why istiod takes or ignores a root-cert.pem change. */
export enum IstiodRootChangeReason {
    /** The bundle is byte-for-byte the same (same certificates, same order): nothing to accept. */
    Unchanged = "Unchanged",
    /** Multi-root is on and one bundle contains the other (a root added or removed): reloaded live. */
    SubsetRelation = "SubsetRelation",
    /** The bundle changed and `ISTIO_MULTIROOT_MESH` is off: "updating new ROOT-CA not supported". */
    MultiRootDisabled = "MultiRootDisabled",
    /** Multi-root is on but neither bundle contains the other (e.g. a root re-issued with the same key). */
    NoSubsetRelation = "NoSubsetRelation",
}

/** istiod's decision on a root-cert.pem change. */
export interface IstiodRootChangeDecision {
    /** True when istiod serves the new bundle without a restart (or nothing changed). */
    readonly accepted: boolean;
    /** True when the new file is only picked up by restarting istiod. */
    readonly restartRequired: boolean;
    /** Which branch of `handleEvent` decided. */
    readonly reason: IstiodRootChangeReason;
}

/**
 * Would istiod reload a changed `root-cert.pem` live?
 *
 * @param before SHA-256 fingerprints of the DER certificates of the bundle istiod holds, in file order.
 * @param after Fingerprints of the new root-cert.pem, in file order.
 * @param multiRootMesh Whether istiod runs with `ISTIO_MULTIROOT_MESH=true` (IstioMesh `multiRootTrust`).
 */
export function istiodAcceptsRootChange(before: readonly string[], after: readonly string[], multiRootMesh: boolean): IstiodRootChangeDecision {
    // bytes.Equal on the PEM files: the same certificates in the same order.
    if (before.length === after.length && before.every((f, i) => f === after[i])) {
        return { accepted: true, restartRequired: false, reason: IstiodRootChangeReason.Unchanged };
    }
    if (!multiRootMesh) {
        return { accepted: false, restartRequired: true, reason: IstiodRootChangeReason.MultiRootDisabled };
    }
    const a = new Set(before);
    const b = new Set(after);
    const contains = (outer: Set<string>, inner: Set<string>) => [...inner].every((f) => outer.has(f));
    const subset = a.size > 0 && b.size > 0 && (contains(a, b) || contains(b, a));
    return subset
        ? { accepted: true, restartRequired: false, reason: IstiodRootChangeReason.SubsetRelation }
        : { accepted: false, restartRequired: true, reason: IstiodRootChangeReason.NoSubsetRelation };
}
