// Rule: does the API server trust the chain a webhook serves, given the webhook's `caBundle`?
//
// Encodes:
// - golang/go `src/crypto/x509/verify.go` (Certificate.Verify): the leaf is trusted at once when it is
//   itself in the root pool (`if opts.Roots.contains(c) { candidateChains = [][]*Certificate{{c}} }`);
//   otherwise chains are built from the leaf through the peer's other certificates (intermediates)
//   to any certificate of the root pool. Every certificate of the pool is an anchor, CA or not.
//   kube-apiserver's webhook client uses `clientConfig.caBundle` as that root pool and the served
//   certificates after the first as intermediates (crypto/tls client handshake).
// - kyverno/kyverno-authz v0.4.0 (commit 2c792244) `charts/kyverno-authz-server/templates/validation-webhook/`:
//   `certificates/static/secret.yaml` writes `certificates.static.crt` as the serving Secret's `tls.crt`
//   (what the webhook serves, first certificate the leaf) and `validating-webhook-configuration.yaml`
//   writes the same `crt` as `clientConfig.caBundle`; so one value is both the served chain and the trust.
// Not modelled (outside the rotation question): validity dates, key usages, names, path length.
// Pure: certificates are opaque; the caller says which issued which (e.g. node:crypto X509Certificate).

/** How the rule reads certificates: who issued whom (signature checked) and whether two are the same. */
export interface CertificateRelations<C> {
    /** Whether `parent` issued `child` (names match and `child`'s signature verifies with `parent`'s key). */
    issued(child: C, parent: C): boolean;
    /** Whether `a` and `b` are the same certificate (same DER). */
    same(a: C, b: C): boolean;
}

/** The longest chain tried from the leaf (Go bounds chain building too). */
const MAX_CHAIN = 10;

/**
 * Whether a client with root pool `caBundle` accepts the served chain `served` (leaf first, then what the
 * server sends after it): the leaf is in the pool, or a chain leads from it through served certificates to
 * a certificate of the pool. An empty chain is not trusted.
 */
export function caBundleTrustsServedChain<C>(served: readonly C[], caBundle: readonly C[], rel: CertificateRelations<C>): boolean {
    if (served.length === 0) {
        return false;
    }
    const inPool = (c: C) => caBundle.some((r) => rel.same(r, c));
    const intermediates = served.slice(1);
    const reaches = (cert: C, path: C[]): boolean => {
        if (caBundle.some((root) => rel.issued(cert, root))) {
            return true;
        }
        if (path.length >= MAX_CHAIN) {
            return false;
        }
        return intermediates.some((next) => !path.some((p) => rel.same(p, next)) && rel.issued(cert, next) && reaches(next, [...path, next]));
    };
    return inPool(served[0]) || reaches(served[0], [served[0]]);
}

/**
 * For a webhook whose one value is both the served chain and the caBundle (kyverno-authz-server's
 * `certificates.static.crt`): whether changing that value from `before` to `after` keeps the API server
 * trusting the webhook whichever side is picked up first (the webhook configuration is updated at once,
 * the pod reloads its Secret later, or the reverse).
 */
export function sharedCrtChangeKeepsTrust<C>(before: readonly C[], after: readonly C[], rel: CertificateRelations<C>): boolean {
    return caBundleTrustsServedChain(before, after, rel) && caBundleTrustsServedChain(after, before, rel);
}
