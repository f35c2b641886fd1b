/**
 * Enumeration parity: the answers that must not tell who holds a PIN (docs/product/credential-rules.md) are timed side by side on the
 * local stack (real HTTP, the deployed handlers, DynamoDB Local, the KDF at full OWASP cost), alternating the
 * two cases of each pair sample by sample so both meet the machine in the same state. Prints p50 and p90 of
 * each case and the gaps between them. Target: every gap under 5 ms.
 *
 *   npm run bench -- parity [--samples 50]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { extractText, getDocumentProxy } from "unpdf";
import { freePort, waitFor } from "../local/ports.ts";
import { makeCitizenN } from "../test/fixtures/citizens.ts";
import { pinRequestBody } from "../test/fixtures/requests.ts";

const samples = Number(process.argv[process.argv.indexOf("--samples") + 1] || 50) || 50;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

const dir = mkdtempSync(join(tmpdir(), "pin-bench-parity-"));
const port = await freePort();
const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", resolve("local/main.ts")], {
  env: {
    ...process.env,
    PORT: String(port),
    PIN_LOCAL_DIR: dir,
    PIN_LOCAL_SCHEDULER: "off",
    LOG_LEVEL: "WARN",
  },
  stdio: "ignore",
});
const api = `http://127.0.0.1:${port}`;
const post = async (path: string, body: unknown) => {
  const started = performance.now();
  const response = await fetch(`${api}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    ms: performance.now() - started,
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
  };
};
const record = (person: ReturnType<typeof pinRequestBody>) => {
  const {
    contacts: _c,
    partAChannel: _p,
    hasItalianIdDocument: _h,
    healthCard: _hc,
    ...rest
  } = person as never as Record<string, unknown>;
  return post("/_local/registry", rest);
};

try {
  await waitFor(async () => (await fetch(`${api}/v1/health`)).ok, 90_000, "local stack");
  const healthCard = { number: "80380001200000000001", expiryDate: "2029-12-31" };
  // A known holder with an active PIN: request, letter, first access.
  const holder = pinRequestBody({ healthCard }, 900_001);
  await record(holder);
  await post("/v1/pin-requests", holder);
  const sms = (await (await fetch(`${api}/_local/outbox`)).json()) as {
    sms: Array<{ to: string; text: string }>;
  };
  const partA = /([0-9A-F]{8})/.exec(sms.sms.find((m) => m.to === holder.contacts.mobile)?.text ?? "")?.[1];
  const job = (await post("/_local/jobs/letter-batch", {})).body as { prefix: string };
  const { S3Client, GetObjectCommand } = await import("@aws-sdk/client-s3");
  const endpoints = JSON.parse((await import("node:fs")).readFileSync(join(dir, "endpoints.json"), "utf8"));
  const s3 = new S3Client({
    endpoint: endpoints.s3,
    region: endpoints.region,
    credentials: endpoints.credentials,
    forcePathStyle: true,
  });
  const manifest = JSON.parse(
    await (
      await s3.send(
        new GetObjectCommand({ Bucket: endpoints.lettersBucket, Key: `${job.prefix}manifest.json` }),
      )
    ).Body!.transformToString(),
  ) as { letters: Array<{ file: string; page: number }> };
  const pdf = await (
    await s3.send(new GetObjectCommand({ Bucket: endpoints.lettersBucket, Key: manifest.letters[0]!.file }))
  ).Body!.transformToByteArray();
  const { text } = await extractText(await getDocumentProxy(pdf), { mergePages: false });
  const partB = /:\s*([0-9A-F]{8})/.exec(text[manifest.letters[0]!.page - 1] ?? "")?.[1];
  const first = await post("/v1/sessions", { codiceFiscale: holder.codiceFiscale, pin: `${partA}${partB}` });
  await post("/v1/pin-changes", { changeToken: first.body.changeToken, newPin: "PR7TZ4WQ" });

  // New people on record for the issuing path, each with their own mobile (part A budgets are per destination).
  const newcomers = Array.from({ length: samples }, (_, i) =>
    pinRequestBody({ contacts: { mobile: `+1415556${String(1000 + i).padStart(4, "0")}` } }, 910_000 + i),
  );
  for (const person of newcomers) await record(person);
  const unknown = (i: number) => makeCitizenN(950_000 + i).codiceFiscale;

  const pairs: Array<{
    name: string;
    a: [string, (i: number) => Promise<number>];
    b: [string, (i: number) => Promise<number>];
  }> = [
    {
      name: "login",
      a: [
        "wrong PIN, known holder",
        async () => (await post("/v1/sessions", { codiceFiscale: holder.codiceFiscale, pin: "WR0NG4PN" })).ms,
      ],
      b: [
        "any PIN, unknown CF",
        async (i) => (await post("/v1/sessions", { codiceFiscale: unknown(i), pin: "WR0NG4PN" })).ms,
      ],
    },
    {
      name: "recovery",
      a: [
        "known holder, wrong contacts",
        async () =>
          (
            await post("/v1/recoveries", {
              codiceFiscale: holder.codiceFiscale,
              mobile: "+14155550000",
              email: "x@example.org",
            })
          ).ms,
      ],
      b: [
        "unknown CF",
        async (i) =>
          (
            await post("/v1/recoveries", {
              codiceFiscale: unknown(i),
              mobile: "+14155550000",
              email: "x@example.org",
            })
          ).ms,
      ],
    },
    {
      name: "revocation",
      a: [
        "known holder, wrong card",
        async () =>
          (
            await post("/v1/revocations", {
              codiceFiscale: holder.codiceFiscale,
              healthCard: { ...healthCard, number: "80380001200000000002" },
              email: "x@example.org",
            })
          ).ms,
      ],
      b: [
        "unknown CF",
        async (i) =>
          (await post("/v1/revocations", { codiceFiscale: unknown(i), healthCard, email: "x@example.org" }))
            .ms,
      ],
    },
    {
      name: "pin request",
      a: ["live holder (nothing issued)", async () => (await post("/v1/pin-requests", holder)).ms],
      b: ["new person (issued)", async (i) => (await post("/v1/pin-requests", newcomers[i]!)).ms],
    },
  ];
  console.log(`\nEnumeration parity, ${samples} samples per case, alternated (ms)\n`);
  console.log("| pair | case | p50 | p90 | gap p50 | gap p90 |");
  console.log("|---|---|---|---|---|---|");
  let worst = 0;
  for (const pair of pairs) {
    // Warm-up: both paths once, not counted.
    await pair.a[1](samples + 1);
    await pair.b[1](samples + 1);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < samples; i++) {
      if (i % 2 === 0) {
        a.push(await pair.a[1](i));
        b.push(await pair.b[1](i));
      } else {
        b.push(await pair.b[1](i));
        a.push(await pair.a[1](i));
      }
    }
    const gap50 = Math.abs(percentile(a, 50) - percentile(b, 50));
    const gap90 = Math.abs(percentile(a, 90) - percentile(b, 90));
    worst = Math.max(worst, gap50, gap90);
    console.log(
      `| ${pair.name} | ${pair.a[0]} | ${percentile(a, 50).toFixed(1)} | ${percentile(a, 90).toFixed(1)} | ${gap50.toFixed(1)} | ${gap90.toFixed(1)} |`,
    );
    console.log(`| | ${pair.b[0]} | ${percentile(b, 50).toFixed(1)} | ${percentile(b, 90).toFixed(1)} | | |`);
  }
  console.log(`\nLargest gap: ${worst.toFixed(1)} ms (target < 5 ms): ${worst < 5 ? "met" : "NOT met"}`);
} finally {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
}
