// What a Lambda bundle holds in place of `@peculiar/x509` (PinFunction's esbuild `--alias`, see
// infra/constructs/pin-bundling.ts). @simplewebauthn/server parses X.509 certificates only to follow an
// attestation statement's certificate chain to a trust anchor (validateCertificatePath, isCertRevoked), and only
// for the formats that come with default anchors (apple, android-key, android-safetynet), which a browser sends
// when the relying party asks for attestation. The service asks for none (SPEC §12): browsers answer with the
// "none" format, and "packed", "fido-u2f" and "tpm" without anchors skip the chain. The package, with the
// dependency-injection container and the `reflect-metadata` polyfill it brings, was about 100 KB of the passkey
// function. A registration that needs a chain is refused (the library's error becomes 401 invalid-credentials).
class NotBundled {
  constructor() {
    throw new Error(
      "@peculiar/x509 is not bundled: attestation chains are not verified (see infra/constructs/pin-bundling.ts)",
    );
  }
}
export const X509Certificate = NotBundled;
export const X509ChainBuilder = NotBundled;
export const X509Crl = NotBundled;
export const AuthorityKeyIdentifierExtension = NotBundled;
export const CRLDistributionPointsExtension = NotBundled;
export const SubjectKeyIdentifierExtension = NotBundled;
