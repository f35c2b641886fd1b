/**
 * Builds the web client into static files: one HTML page per entry of `site.ts`, its module bundled by esbuild
 * (ES modules with shared chunks), Bootstrap Italia's compiled dist (CSS, JS bundle, woff2 fonts, icon sprite),
 * our stylesheet, and `config.json`, the runtime configuration the sign-in pages read.
 *
 * Synchronous on purpose: the same function runs in `npm start`, in `npm run build:web` and inside CDK's local
 * asset bundling (`tryBundle` cannot wait), and takes well under a second.
 */
import { cpSync, mkdirSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { assetPrefix, pageFile, pages, type WebConfig } from "./site.ts";

export type { WebConfig };

export interface BuildOptions {
  outDir: string;
  /** Includes the pages that stand in for outside services locally (never deployed). */
  local: boolean;
  /** Written as `config.json`; left out when the deployment writes its own (CDK, from the stacks' values). */
  config?: WebConfig;
  minify?: boolean;
}

const webDir = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Bootstrap Italia's compiled dist folder, from node_modules. */
function bootstrapItaliaDist(): string {
  return join(dirname(realpathSync(require.resolve("bootstrap-italia/package.json"))), "dist");
}

const fontFaces: Array<{ family: string; folder: string; file: string; weight: number; style?: string }> = [
  ...[300, 400, 600, 700].map((weight) => ({
    family: "Titillium Web",
    folder: "Titillium_Web",
    file: `titillium-web-v10-latin-ext_latin-${weight === 400 ? "regular" : weight}`,
    weight,
  })),
  {
    family: "Titillium Web",
    folder: "Titillium_Web",
    file: "titillium-web-v10-latin-ext_latin-italic",
    weight: 400,
    style: "italic",
  },
  ...[400, 700].map((weight) => ({
    family: "Roboto Mono",
    folder: "Roboto_Mono",
    file: `roboto-mono-v13-latin-ext_latin-${weight === 400 ? "regular" : weight}`,
    weight,
  })),
  ...[400, 700].map((weight) => ({
    family: "Lora",
    folder: "Lora",
    file: `lora-v20-latin-ext_latin-${weight === 400 ? "regular" : weight}`,
    weight,
  })),
];

/**
 * Bootstrap Italia loads its fonts with a script that injects a `<style>` element, which a strict CSP refuses;
 * the same `@font-face` rules as a stylesheet of our own instead (woff2 only: every browser we serve reads it).
 */
function copyFonts(dist: string, outDir: string): void {
  const css: string[] = [];
  for (const face of fontFaces) {
    const from = join(dist, "fonts", face.folder, `${face.file}.woff2`);
    const to = join(outDir, "assets/fonts", face.folder, `${face.file}.woff2`);
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to);
    css.push(
      `@font-face{font-family:"${face.family}";font-style:${face.style ?? "normal"};font-weight:${face.weight};` +
        `font-display:swap;src:url("/assets/fonts/${face.folder}/${face.file}.woff2") format("woff2")}`,
    );
  }
  writeFileSync(join(outDir, "assets/fonts.css"), `${css.join("\n")}\n`);
}

function htmlShell(module: string): string {
  // Everything visible is rendered by the page's module in the reader's language; the shell only loads it.
  return `<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>PIN</title>
<link rel="stylesheet" href="${assetPrefix}bootstrap-italia/css/bootstrap-italia.min.css">
<link rel="stylesheet" href="${assetPrefix}fonts.css">
<link rel="stylesheet" href="${assetPrefix}app.css">
<link rel="icon" href="data:,">
<script defer src="${assetPrefix}before-bootstrap-italia.js"></script>
<script defer src="${assetPrefix}bootstrap-italia/js/bootstrap-italia.bundle.min.js"></script>
<script type="module" src="${assetPrefix}js/${module}.js"></script>
</head>
<body>
<div id="app"></div>
<noscript><p>Per usare questo servizio abilita JavaScript. To use this service, enable JavaScript.</p></noscript>
</body>
</html>
`;
}

/** Builds the whole client into `outDir` (emptied first). Returns the files written, relative to it. */
export function buildWeb({ outDir, local, config, minify = !local }: BuildOptions): string[] {
  const out = resolve(outDir);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const included = pages.filter((page) => local || !page.localOnly);

  buildSync({
    entryPoints: Object.fromEntries(
      included.map((page) => [page.module, join(webDir, "src/pages", `${page.module}.ts`)]),
    ),
    outdir: join(out, "assets/js"),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: ["es2022", "chrome110", "firefox110", "safari16"],
    chunkNames: "chunks/[name]-[hash]",
    minify,
    sourcemap: false,
    legalComments: "none",
    define: { __LOCAL_BUILD__: JSON.stringify(local) },
    logLevel: "silent",
  });

  const dist = bootstrapItaliaDist();
  const bi = join(out, "assets/bootstrap-italia");
  cpSync(join(dist, "css/bootstrap-italia.min.css"), join(bi, "css/bootstrap-italia.min.css"));
  cpSync(join(dist, "js/bootstrap-italia.bundle.min.js"), join(bi, "js/bootstrap-italia.bundle.min.js"));
  cpSync(join(dist, "svg/sprites.svg"), join(bi, "svg/sprites.svg"));
  copyFonts(dist, out);
  cpSync(join(webDir, "src/app.css"), join(out, "assets/app.css"));
  // The bundle's video player injects <style> elements at load unless told not to; the CSP would refuse them.
  writeFileSync(join(out, "assets/before-bootstrap-italia.js"), "window.VIDEOJS_NO_DYNAMIC_STYLE = true;\n");

  for (const page of included) {
    const file = join(out, pageFile(page.path));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, htmlShell(page.module));
  }
  if (config) writeFileSync(join(out, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  return listFiles(out);
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

// `npm run build:web [outDir]`: the deployable build (no local-only pages), for a look before `cdk deploy`.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? "dist/web";
  const started = performance.now();
  const files = buildWeb({ outDir, local: false });
  console.log(
    `web client: ${files.length} files in ${outDir} (${Math.round(performance.now() - started)} ms)`,
  );
}
