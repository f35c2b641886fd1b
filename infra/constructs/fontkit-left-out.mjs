// What a Lambda bundle holds in place of fontkit (PinFunction's esbuild `--alias`, see
// infra/constructs/pin-function.ts). pdfkit calls fontkit only to embed a font file; the service's documents
// use the standard PDF fonts (Helvetica, Courier), which pdfkit draws from its own metrics without it. fontkit
// and the Brotli decoder it carries for WOFF2 were about 700 KB of each bundle that renders a PDF. Embedding a
// font would fail here, loudly.
export function create() {
  throw new Error(
    "fontkit is not bundled: documents use the standard PDF fonts only (see infra/constructs/pin-function.ts)",
  );
}
