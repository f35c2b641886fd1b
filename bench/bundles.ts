/**
 * Bundle benchmark: every function built exactly as `cdk synth` builds it (the CDK app synthesised with
 * bundling on: PinFunction's esbuild options, its after-bundling hook) beside its **floor**: a bundle of only the
 * AWS SDK clients the function uses (the same named imports from the same packages), built by the very esbuild
 * command CDK ran for the function with the entry swapped. For each: minified size, the bytes beyond the
 * floor (our own and third-party code), the packages that make it up (from its source map), and the median
 * time to import function and floor in fresh Node.js processes run as Lambda runs them
 * (NODE_OPTIONS=--enable-source-maps), function and floor alternated sample by sample so that a busy machine
 * slows both alike.
 *
 * Targets (issue 21): importing a function at most 1.3x importing its floor; at most 150 KB beyond the floor per
 * HTTP function. The SDK clients themselves are the design's (and bundled on purpose), so they are the floor.
 *
 *   npm run bench -- bundles [--runs 7] [--top 3] [--only sessions,notifier] [--keep]
 *
 * `--keep` leaves the bundles and floors on disk (their directories are printed) to profile an import:
 * `node --cpu-prof --enable-source-maps -e 'await import("file://…/index.mjs")' --input-type=module`.
 */
import childProcess, { execFileSync, type SpawnSyncOptions } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App, type CfnElement } from "aws-cdk-lib";
import { definePinService } from "../infra/app.ts";
import type { ServiceStack } from "../infra/service-stack.ts";
import { type FunctionName, functionDefinitions } from "../shared/functions.ts";
import { appSources, packagesOf } from "./bundle-map.ts";

const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const runs = Number(option("runs") ?? 7) || 7;
const top = Number(option("top") ?? 3) || 3;
const only = option("only")?.split(",");
const keep = process.argv.includes("--keep");

const KB = 1024;
const targets = { ratio: 1.3, beyondFloor: 150 * KB };
const repositoryRoot = resolve(import.meta.dirname, "..");

const cdkContext = JSON.parse(readFileSync(new URL("../cdk.json", import.meta.url), "utf8")).context;
const outdir = mkdtempSync(join(tmpdir(), "pin-bench-bundles-"));
// Floor entries sit inside the repository so that esbuild resolves the SDK from the same node_modules.
const floorEntries = mkdtempSync(join(repositoryRoot, "node_modules", ".pin-bench-floors-"));

/** What the platform floor adds to the SDK names, by kind of function (see buildFloor). */
const platformImports = {
  http: `export { handler as platformHandler } from ${JSON.stringify(join(repositoryRoot, "functions/http/health.ts"))};\n`,
  job: [
    `export { default as platformChain } from "@middy/core";`,
    `export { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";`,
    `export { logger } from ${JSON.stringify(join(repositoryRoot, "shared/platform/logger.ts"))};`,
    `export { publishMetrics } from ${JSON.stringify(join(repositoryRoot, "shared/platform/metrics.ts"))};\n`,
  ].join("\n"),
};

/** The esbuild invocations CDK's local bundling spawns, recorded as it spawns them. */
const esbuildRuns: Array<{ command: string; args: string[]; options: SpawnSyncOptions }> = [];
const spawnSync = childProcess.spawnSync;
childProcess.spawnSync = ((command: string, args: readonly string[] = [], options: SpawnSyncOptions = {}) => {
  if (args.includes("--bundle")) esbuildRuns.push({ command, args: [...args], options });
  return spawnSync(command, args, options);
}) as typeof childProcess.spawnSync;

try {
  const started = performance.now();
  const app = new App({ context: cdkContext, outdir, builtinCloudFormationValidation: false });
  const { service } = definePinService(app);
  app.synth();
  childProcess.spawnSync = spawnSync;
  const synthSeconds = ((performance.now() - started) / 1000).toFixed(0);

  const names = (Object.keys(functionDefinitions) as FunctionName[]).filter((n) => !only || only.includes(n));
  const rows = names.map((name) => {
    const bundle = join(assetDirectory(service, name), "index.mjs");
    const packages = packagesOf(bundle);
    // A client our sources import but esbuild dropped from this bundle (unused here) stays out of its floor.
    const sdk = new Map([...sdkImportsOf(bundle)].filter(([pkg]) => packages.some((p) => p.name === pkg)));
    const kind = functionDefinitions[name].entry.startsWith("functions/http/") ? "http" : "job";
    const floor = buildFloor(name, sdk);
    const platformFloor = buildFloor(name, sdk, kind);
    const bytes = statSync(bundle).size;
    const floorBytes = statSync(floor).size;
    const [importMs, floorMs, platformMs] = medianImportMs([bundle, floor, platformFloor]) as [
      number,
      number,
      number,
    ];
    return {
      name,
      kind,
      clients: [...sdk.keys()].map((p) => p.replace("@aws-sdk/", "")).join(", ") || "none",
      bytes,
      beyond: bytes - floorBytes,
      importMs,
      floorMs,
      platformMs,
      packages,
    };
  });

  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  console.log(
    `\nBundles as \`cdk synth\` builds them beside their SDK floor (${rows.length} functions, synthesised in ` +
      `${synthSeconds} s); import: median of ${runs} fresh processes each, function and floors taken in turns, ` +
      "with --enable-source-maps. The last two columns, not judged, set the import beside the SDK floor plus the " +
      "platform every function of its kind carries (health's chain for HTTP, Logger and Metrics for jobs)\n",
  );
  console.log(
    line([
      "function",
      "SDK clients (floor)",
      "minified",
      "beyond floor",
      "import",
      "floor",
      "ratio",
      "largest beyond the SDK (KB)",
      "SDK + platform",
      "ratio to it",
    ]),
  );
  console.log(line(["---", "---", "---:", "---:", "---:", "---:", "---:", "---", "---:", "---:"]));
  const failures: string[] = [];
  for (const row of rows) {
    const ratio = row.importMs / row.floorMs;
    // With no SDK client the floor is an empty module: the ratio says nothing, the bytes beyond it say it all.
    const ratioOk = row.clients === "none" || ratio <= targets.ratio;
    const beyondOk = row.kind !== "http" || row.beyond <= targets.beyondFloor;
    if (!ratioOk) failures.push(`${row.name}: import ${ratio.toFixed(2)}x its floor, over ${targets.ratio}x`);
    if (!beyondOk)
      failures.push(`${row.name}: ${kb(row.beyond)} beyond its floor, over ${kb(targets.beyondFloor)}`);
    console.log(
      line([
        `\`${row.name}\``,
        row.clients,
        kb(row.bytes),
        `${kb(row.beyond)}${beyondOk ? "" : " ✗"}`,
        `${row.importMs.toFixed(0)} ms`,
        `${row.floorMs.toFixed(0)} ms`,
        row.clients === "none" ? "n/a" : `${ratio.toFixed(2)}x${ratioOk ? "" : " ✗"}`,
        row.packages
          .filter((p) => !isSdkPackage(p.name))
          .slice(0, top)
          .map((p) => `${p.name} ${(p.bytes / KB).toFixed(0)}`)
          .join(", "),
        `${row.platformMs.toFixed(0)} ms`,
        `${(row.importMs / row.platformMs).toFixed(2)}x`,
      ]),
    );
  }
  const worstRatio = Math.max(...rows.filter((r) => r.clients !== "none").map((r) => r.importMs / r.floorMs));
  const mostBeyond = Math.max(...rows.filter((r) => r.kind === "http").map((r) => r.beyond));
  const platformRatios = rows.map((r) => r.importMs / r.platformMs);
  console.log(
    `\nagainst the SDK floor plus the platform (not a target): worst ${Math.max(...platformRatios).toFixed(2)}x, ` +
      `${platformRatios.filter((ratio) => ratio > targets.ratio).length} of ${rows.length} over ${targets.ratio}x`,
  );
  console.log(
    `\nworst ratio ${worstRatio.toFixed(2)}x (target ${targets.ratio}x), most beyond the floor for an HTTP function ` +
      `${kb(mostBeyond)} (target ${kb(targets.beyondFloor)}); ` +
      (failures.length
        ? `${failures.length} over:\n  ${failures.join("\n  ")}`
        : "every function within them"),
  );
  process.exitCode = failures.length ? 1 : 0;
} finally {
  if (keep) console.log(`\nkept: bundles under ${outdir}, floors under ${floorEntries}`);
  else {
    rmSync(outdir, { recursive: true, force: true });
    rmSync(floorEntries, { recursive: true, force: true });
  }
}

function kb(bytes: number): string {
  return `${(bytes / KB).toFixed(0)} KB`;
}

/** The SDK itself and the packages only it brings (as its source map names them). */
function isSdkPackage(name: string): boolean {
  return (
    /^(@aws-sdk|@smithy|@aws-crypto|@aws)\//.test(name) ||
    // mnemonist and obliterator come with the DynamoDB client's endpoint cache.
    ["tslib", "fast-xml-parser", "strnum", "bowser", "mnemonist", "obliterator"].includes(name)
  );
}

/** The staged asset of a service function: CDK names its directory after the hash in the function's S3 key. */
function assetDirectory(stack: ServiceStack, name: FunctionName): string {
  const fn = stack.functions[name].function.node.defaultChild as CfnElement;
  const template = JSON.parse(readFileSync(join(outdir, `${stack.artifactId}.template.json`), "utf8"));
  const key: string = template.Resources[stack.getLogicalId(fn)].Properties.Code.S3Key;
  return join(outdir, `asset.${key.replace(/\.zip$/, "")}`);
}

/** Per SDK package, the names the function's own sources import from it (type-only imports left out). */
function sdkImportsOf(bundle: string): Map<string, Set<string>> {
  const imports = new Map<string, Set<string>>();
  for (const source of appSources(bundle)) {
    const text = readFileSync(join(repositoryRoot, source), "utf8");
    for (const match of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+"(@aws-sdk\/[^"]+)"/g)) {
      if (match[1]) continue;
      const names = match[2]!
        .split(",")
        .map((n) => n.trim())
        .filter((n) => n && !n.startsWith("type "))
        .map((n) => n.split(/\s+as\s+/)[0]!);
      const set = imports.get(match[3]!) ?? new Set<string>();
      for (const n of names) set.add(n);
      imports.set(match[3]!, set);
    }
  }
  return imports;
}

/**
 * The floor of a function: a module re-exporting just those SDK names, bundled by the esbuild command CDK ran
 * for the function (same options, banner, aliases, minification and source map) with entry and output swapped.
 * With `platform`, the floor also holds what every function of that kind carries whatever it does (shown beside
 * the targets, not judged): an HTTP function's the `health` handler (the one middy chain, Powertools Logger and
 * Metrics, zod/mini's core, the error mapping), a job's Powertools Logger and Metrics in a middy chain.
 */
function buildFloor(name: FunctionName, sdk: Map<string, Set<string>>, platform?: "http" | "job"): string {
  const entryPath = join(repositoryRoot, functionDefinitions[name].entry);
  const run = esbuildRuns.find((r) => r.args.some((arg) => resolve(repositoryRoot, arg) === entryPath));
  if (!run) throw new Error(`no esbuild run recorded for ${name} (${entryPath})`);
  const id = platform ? `${name}-platform` : name;
  const entry = join(floorEntries, `${id}.mjs`);
  const out = join(floorEntries, id, "index.mjs");
  mkdirSync(join(floorEntries, id));
  writeFileSync(
    entry,
    [...sdk].map(([pkg, names]) => `export { ${[...names].join(", ")} } from "${pkg}";\n`).join("") +
      (platform ? platformImports[platform] : "") || "export {};\n",
  );
  const args = run.args.map((arg) =>
    resolve(repositoryRoot, arg) === entryPath
      ? entry
      : arg.startsWith("--outfile=")
        ? `--outfile=${out}`
        : arg,
  );
  if (!args.includes(`--outfile=${out}`)) throw new Error(`no --outfile in ${run.args.join(" ")}`);
  const result = spawnSync(run.command, args, { ...run.options, stdio: "ignore" });
  if (result.status !== 0) throw new Error(`floor of ${name}: esbuild exited with ${result.status}`);
  return out;
}

/**
 * Median milliseconds to import each bundle in new processes, as a cold Lambda would, taken in turns (the order
 * rotating each round) so that a busy machine slows them alike.
 */
function medianImportMs(bundles: readonly string[]): number[] {
  const samples = bundles.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < bundles.length; k++) {
      const which = (i + k) % bundles.length;
      samples[which]!.push(importMs(bundles[which]!));
    }
  }
  return samples.map((values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!);
}

function importMs(bundle: string): number {
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
  return Number(output.trim().split("\n").at(-1));
}
