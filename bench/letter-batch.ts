/**
 * Letter batch benchmark: N pending letters (default 100,000; `--letters N`) through the real job code on
 * DynamoDB Local and s3rver, beside a naive baseline that renders every letter into ONE pdfkit document.
 * Each side runs in its own child process (so peak RSS is its own), on emulators of its own, seeded afresh.
 * Prints letters/s, peak RSS and the ratio.
 *
 * The table has no stream unless `--with-stream`. DynamoDB Local writes a stream record inside each write, in
 * the same lock, which slows every write of the job by about a quarter. DynamoDB captures the stream off the
 * write path, so the figure without it is the one that says what the job does (and the conditions under which
 * the first figures were taken, before the table had a stream).
 *
 *   npm run bench -- letter-batch [--letters 100000] [--with-stream]
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { startBenchEmulators } from "./emulators.ts";

const letters = Number(process.argv[process.argv.indexOf("--letters") + 1] || 100_000) || 100_000;

interface Result {
  mode: string;
  letters: number;
  seconds: number;
  maxRssMb: number;
}

function runWorker(mode: "seed" | "naive" | "job", env: Record<string, string>): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", resolve(import.meta.dirname, "letter-batch.worker.ts"), mode, String(letters)],
      {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.on("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) fail(new Error(`${mode} worker exited ${code}: ${out.slice(-2000)}`));
      else done(JSON.parse(line) as Result);
    });
  });
}

const withStream = process.argv.includes("--with-stream");

/** One side on emulators of its own, freshly seeded, so that neither side runs on what the other left behind. */
async function side(mode: "naive" | "job"): Promise<Result> {
  const emulators = await startBenchEmulators({ stream: withStream });
  try {
    const seed = await runWorker("seed", emulators.env);
    console.log(
      `${mode}: seeded ${seed.letters} letters in ${seed.seconds.toFixed(1)} s, table ${withStream ? "with" : "without"} its stream`,
    );
    return await runWorker(mode, emulators.env);
  } finally {
    await emulators.stop();
  }
}

const naive = await side("naive");
const job = await side("job");
const rate = (r: Result) => r.letters / r.seconds;
console.log("");
console.log("| run | letters | seconds | letters/s | peak RSS (MB) |");
console.log("|---|---|---|---|---|");
for (const r of [naive, job]) {
  console.log(
    `| ${r.mode} | ${r.letters} | ${r.seconds.toFixed(1)} | ${rate(r).toFixed(0)} | ${r.maxRssMb} |`,
  );
}
console.log("");
console.log(`throughput ratio job/naive: ${(rate(job) / rate(naive)).toFixed(2)}x (target >= 1.8x)`);
console.log(`job peak RSS: ${job.maxRssMb} MB (target <= 512 MB); naive: ${naive.maxRssMb} MB`);
