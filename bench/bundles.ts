/**
 * Bundle benchmark: every function built exactly as `cdk synth` builds it (the CDK app synthesised with
 * bundling on: PinFunction's esbuild options, its after-bundling hook), then for each bundle its minified size,
 * the packages that make it up (bytes of generated code attributed through the bundle's own source map), and the
 * median time to import it in fresh Node.js processes run as Lambda runs them (NODE_OPTIONS=--enable-source-maps).
 *
 * Targets (issue 12): HTTP handlers at most 250 KB, jobs and the notifier at most 400 KB (pdfkit's font files
 * beside the bundle excepted), importing any bundle at most 50 ms.
 *
 *   npm run bench -- bundles [--runs 7] [--top 4] [--only sessions,notifier]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, type CfnElement } from "aws-cdk-lib";
import { definePinService } from "../infra/app.ts";
import type { ServiceStack } from "../infra/service-stack.ts";
import { type FunctionName, functionDefinitions } from "../shared/functions.ts";

const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const runs = Number(option("runs") ?? 7) || 7;
const top = Number(option("top") ?? 4) || 4;
const only = option("only")?.split(",");

const KB = 1024;
const VLQ = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const budgets = { http: 250 * KB, job: 400 * KB, importMs: 50 };

const cdkContext = JSON.parse(readFileSync(new URL("../cdk.json", import.meta.url), "utf8")).context;
const outdir = mkdtempSync(join(tmpdir(), "pin-bench-bundles-"));

try {
  const started = performance.now();
  const app = new App({ context: cdkContext, outdir, builtinCloudFormationValidation: false });
  const { service } = definePinService(app);
  app.synth();
  const synthSeconds = ((performance.now() - started) / 1000).toFixed(0);

  const names = (Object.keys(functionDefinitions) as FunctionName[]).filter((n) => !only || only.includes(n));
  const rows = names.map((name) => {
    const dir = assetDirectory(service, name);
    const bundle = join(dir, "index.mjs");
    const bytes = statSync(bundle).size;
    const kind = functionDefinitions[name].entry.startsWith("functions/http/") ? "http" : "job";
    const importMs = medianImportMs(bundle);
    return { name, kind, bytes, packages: packagesOf(bundle), importMs };
  });

  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  console.log(
    `\nBundles as \`cdk synth\` builds them (${rows.length} functions, synthesised in ${synthSeconds} s); ` +
      `import time: median of ${runs} fresh processes with --enable-source-maps\n`,
  );
  console.log(line(["function", "kind", "minified", "budget", "import", "top packages (KB)"]));
  console.log(line(["---", "---", "---:", "---", "---:", "---"]));
  const failures: string[] = [];
  for (const row of rows) {
    const budget = row.kind === "http" ? budgets.http : budgets.job;
    const sizeOk = row.bytes <= budget;
    const importOk = row.importMs <= budgets.importMs;
    if (!sizeOk) failures.push(`${row.name}: ${kb(row.bytes)} over ${kb(budget)}`);
    if (!importOk)
      failures.push(`${row.name}: import ${row.importMs.toFixed(0)} ms over ${budgets.importMs} ms`);
    console.log(
      line([
        row.name,
        row.kind,
        `${kb(row.bytes)}${sizeOk ? "" : " ✗"}`,
        kb(budget),
        `${row.importMs.toFixed(0)} ms${importOk ? "" : " ✗"}`,
        row.packages
          .slice(0, top)
          .map((p) => `${p.name} ${(p.bytes / KB).toFixed(0)}`)
          .join(", "),
      ]),
    );
  }
  const largest = Math.max(...rows.map((r) => r.bytes));
  const slowest = Math.max(...rows.map((r) => r.importMs));
  console.log(
    `\nlargest ${kb(largest)}, slowest import ${slowest.toFixed(0)} ms; ` +
      (failures.length
        ? `${failures.length} over budget:\n  ${failures.join("\n  ")}`
        : "every bundle within budget"),
  );
  process.exitCode = failures.length ? 1 : 0;
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

function kb(bytes: number): string {
  return `${(bytes / KB).toFixed(0)} KB`;
}

/** The staged asset of a service function: CDK names its directory after the hash in the function's S3 key. */
function assetDirectory(stack: ServiceStack, name: FunctionName): string {
  const fn = stack.functions[name].function.node.defaultChild as CfnElement;
  const template = JSON.parse(readFileSync(join(outdir, `${stack.artifactId}.template.json`), "utf8"));
  const key: string = template.Resources[stack.getLogicalId(fn)].Properties.Code.S3Key;
  return join(outdir, `asset.${key.replace(/\.zip$/, "")}`);
}

/** Median milliseconds to import the bundle, each time in a new process, as a cold Lambda would. */
function medianImportMs(bundle: string): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const output = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));",
        `file://${bundle}`,
      ],
      {
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          NODE_OPTIONS: "--enable-source-maps",
          // Only the SDK's notice that it will leave Node.js 20, which Lambda's Node.js 22 never prints.
          NODE_NO_WARNINGS: "1",
          AWS_REGION: "eu-south-1",
          STAGE: "bench",
          LOG_LEVEL: "WARN",
        },
      },
    );
    samples.push(Number(output.trim().split("\n").at(-1)));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** Generated bytes per package, from the bundle's source map (our own code is `app`). */
function packagesOf(bundle: string): Array<{ name: string; bytes: number }> {
  const map = JSON.parse(readFileSync(`${bundle}.map`, "utf8")) as { sources: string[]; mappings: string };
  const code = readFileSync(bundle, "utf8").split("\n");
  const bySource = new Map<number, number>();
  let source = 0;
  map.mappings.split(";").forEach((segments, lineIndex) => {
    const lineLength = code[lineIndex]?.length ?? 0;
    let column = 0;
    let previous: { column: number; source: number } | undefined;
    for (const segment of segments.split(",")) {
      if (!segment) continue;
      const fields = decodeVlq(segment);
      column += fields[0]!;
      if (fields.length > 1) source += fields[1]!;
      if (previous)
        bySource.set(previous.source, (bySource.get(previous.source) ?? 0) + column - previous.column);
      previous = fields.length > 1 ? { column, source } : undefined;
      // Source line and column deltas (fields 2, 3) are not needed to attribute bytes.
    }
    if (previous)
      bySource.set(previous.source, (bySource.get(previous.source) ?? 0) + lineLength - previous.column);
  });
  const byPackage = new Map<string, number>();
  for (const [index, bytes] of bySource) {
    const name = packageName(map.sources[index] ?? "");
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytes);
  }
  return [...byPackage.entries()].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

function packageName(source: string): string {
  const at = source.lastIndexOf("node_modules/");
  if (at < 0) return "app";
  const [first, second] = source.slice(at + "node_modules/".length).split("/");
  return first?.startsWith("@") ? `${first}/${second}` : (first ?? "?");
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = VLQ.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >> 1) : value >> 1);
    value = 0;
    shift = 0;
  }
  return values;
}
