// What a Lambda bundle holds in place of `@noble/ciphers/aes` (PinFunction's esbuild `--alias`, see
// infra/constructs/pin-function.ts). pdfkit calls it only to encrypt a document with a password; the service's
// documents are not encrypted (a letter's secret is protected by the envelope, not by a password). Building its
// AES tables cost every function that renders a PDF about 10 ms at each cold start. Encrypting would fail here,
// loudly.
const notBundled = () => {
  throw new Error("PDF encryption is not bundled (see infra/constructs/pin-function.ts)");
};
export const cbc = notBundled;
export const ecb = notBundled;
