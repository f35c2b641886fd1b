// Run by PinFunction after esbuild (bundling commandHooks): `node pdf-fonts.mjs <bundle directory>`.
//
// pdfkit loads its standard fonts at run time with `createRequire(import.meta.url)("#standard-fonts/<font>")`,
// a package import of its own that esbuild cannot follow. When the bundle holds pdfkit, this copies those font
// modules beside it from the installed package and writes a package.json mapping the same import as pdfkit's,
// so pdfkit finds its fonts in the bundle as it does in node_modules. Nothing is installed or fetched.
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const [outputDir] = process.argv.slice(2);
if (!outputDir) throw new Error("usage: node pdf-fonts.mjs <bundle directory>");
const bundle = join(outputDir, "index.mjs");
if (existsSync(bundle) && readFileSync(bundle, "utf8").includes("#standard-fonts/")) {
  const fonts = dirname(createRequire(import.meta.url).resolve("pdfkit/standard-fonts/Courier"));
  cpSync(fonts, join(outputDir, "standard-fonts"), {
    recursive: true,
    filter: (source) => !source.endsWith(".mjs"),
  });
  if (existsSync(join(outputDir, "package.json"))) throw new Error(`${outputDir} already has a package.json`);
  writeFileSync(
    join(outputDir, "package.json"),
    `${JSON.stringify({ private: true, imports: { "#standard-fonts/*": "./standard-fonts/*.cjs" } }, null, 2)}\n`,
  );
}
