/**
 * `npm start`: the whole service on one machine, on real emulators, with no AWS account and no network.
 * DynamoDB Local, aws-ses-v2-local, a local SMS endpoint and s3rver stand in for AWS; local keys stand in
 * for KMS and for the token issuers; a gateway turns HTTP into API Gateway events for the same handlers.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { branchListSchema } from "#shared/branches/branch.schema";
import { branches } from "#shared/branches/branches";
import { type JobDefinition, jobDefinitions } from "#shared/jobs";
import { buildOpenApiDocument, OPENAPI_DOCUMENT_FILE } from "#shared/openapi";
import { routeKeysOf } from "#shared/routes";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDb } from "./dynamodb.ts";
import { FaultPlan, type FaultService, startFaultProxy } from "./faults.ts";
import { startGateway } from "./gateway.ts";
import { loadOrCreateKeys } from "./keys.ts";
import { captureMetrics, MetricSums } from "./metrics.ts";
import { freePort } from "./ports.ts";
import { seedRegistry } from "./registry-seed.ts";
import { startS3 } from "./s3.ts";
import { startScheduler } from "./scheduler.ts";
import { startSes } from "./ses.ts";
import { startSmsEndpoint } from "./sms-endpoint.ts";
import { startStreamReaders } from "./streams.ts";
import { createServiceTable } from "./table-admin.ts";
import { uploadTriggerDispatcher } from "./upload-triggers.ts";
import { buildLocalWeb } from "./web.ts";

const TABLE_NAME = "pin-local";
const LETTERS_BUCKET = "pin-letters";
const UPLOADS_BUCKET = "pin-uploads";

async function main(): Promise<void> {
  const started = performance.now();
  // Before any function is loaded: their metrics (EMF lines on stdout) are summed for GET /_local/metrics.
  const metrics = new MetricSums();
  captureMetrics(metrics);
  const dir = resolve(process.env.PIN_LOCAL_DIR ?? ".local");
  mkdirSync(dir, { recursive: true });
  // endpoints.json is the readiness signal (written once everything, the record seed included, is up): a
  // restart on the same folder must not find the last run's.
  rmSync(join(dir, "endpoints.json"), { force: true });
  const port = Number(process.env.PORT ?? 3000);
  const [dynamoPort, sesPort, smsPort, s3Port] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);

  const dynamodb = await startDynamoDb({ port: dynamoPort, path: join(dir, "dynamodb") });
  const stops: Array<() => Promise<void>> = [() => dynamodb.stop()];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
    const table = await createServiceTable(dynamodb.client, TABLE_NAME);
    const ses = await startSes(sesPort);
    stops.push(() => ses.stop());
    const sms = await startSmsEndpoint(smsPort);
    stops.push(() => sms.stop());
    const s3 = await startS3(s3Port, join(dir, "s3"), [LETTERS_BUCKET, UPLOADS_BUCKET], {
      corsOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`],
      onObjectCreated: uploadTriggerDispatcher(UPLOADS_BUCKET),
    });
    stops.push(() => s3.stop());
    const keys = await loadOrCreateKeys(dir);
    // The SDK reaches every emulator through a proxy that fails calls on demand (POST /_local/faults).
    const faults = new FaultPlan();
    const front = async (service: FaultService, target: string) => {
      const proxy = await startFaultProxy(service, target, faults, await freePort());
      stops.push(() => proxy.stop());
      return proxy.endpoint;
    };
    const sdk = {
      dynamodb: await front("dynamodb", dynamodb.endpoint),
      s3: await front("s3", s3.endpoint),
      ses: await front("ses", ses.endpoint),
      sns: await front("sns", sms.endpoint),
    };

    const api = `http://127.0.0.1:${port}`;
    const issuer = {
      jwk: keys.issuerJwk,
      operatorIssuer: `${api}/_local/operators`,
      operatorAudience: "pin-operators",
      identityIssuer: `${api}/_local/identity`,
      identityAudience: "pin-service",
    };
    // Everything the handlers need, through the same variables as in AWS; the SDK reads the endpoints itself.
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: sdk.dynamodb,
      AWS_ENDPOINT_URL_S3: sdk.s3,
      AWS_ENDPOINT_URL_SESV2: sdk.ses,
      AWS_ENDPOINT_URL_SNS: sdk.sns,
      STAGE: "local",
      WEB_ORIGIN: `http://localhost:${port}`,
      TABLE_NAME,
      LETTERS_BUCKET,
      UPLOADS_BUCKET,
      SENDER_EMAIL: "no-reply@pin.local",
      SMS_SENDER_ID: "INPSPIN",
      LOCAL_DATA_KEY: keys.dataKey,
      LOCAL_SIGNING_JWK: JSON.stringify(keys.signingJwk),
      OPERATOR_ISSUER: issuer.operatorIssuer,
      OPERATOR_AUDIENCE: issuer.operatorAudience,
      OPERATOR_JWKS_URL: `${api}/_local/jwks.json`,
      IDENTITY_ISSUER: issuer.identityIssuer,
      IDENTITY_AUDIENCE: issuer.identityAudience,
      IDENTITY_JWKS_URL: `${api}/_local/jwks.json`,
      ROUTE_KEYS: routeKeysOf(),
      OPENAPI_DOCUMENT: writeOpenApiDocument(dir),
    });

    // The outbox's notices reach the notifier through the table's stream, as in AWS.
    const streams = await startStreamReaders({
      dynamodb: dynamodb.client,
      endpoint: dynamodb.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      tableName: TABLE_NAME,
      checkpointFile: join(dir, "streams.json"),
      log: (line) => console.log(line),
    });
    stops.push(() => streams.stop());

    const web = buildLocalWeb(join(dir, "web"));
    const gateway = await startGateway(port, { sms, ses, issuer, streams, faults, metrics }, web);
    stops.push(
      () =>
        new Promise<void>((done) => {
          gateway.closeAllConnections();
          gateway.close(() => done());
        }),
    );
    const seeded = await seedRegistry(UPLOADS_BUCKET);
    if (process.env.PIN_LOCAL_SCHEDULER !== "off") {
      const stopScheduler = startScheduler((line) => console.log(line));
      stops.push(async () => stopScheduler());
    }

    const endpoints = {
      api,
      ...sdk,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      tableName: TABLE_NAME,
      lettersBucket: LETTERS_BUCKET,
      uploadsBucket: UPLOADS_BUCKET,
    };
    writeFileSync(join(dir, "endpoints.json"), `${JSON.stringify(endpoints, null, 2)}\n`);
    console.log(
      [
        "",
        `PIN service running locally (started in ${Math.round(performance.now() - started)} ms)`,
        `  API            ${api}   (try ${api}/v1/health, ${api}/v1/openapi.json)`,
        `  Web client     http://localhost:${port}/ and /operator/ (${web.files} files built in ${web.ms} ms)`,
        `  DynamoDB Local ${sdk.dynamodb}   table ${TABLE_NAME} (${table === "created" ? "created" : "reused"})`,
        `  S3 (s3rver)    ${sdk.s3}   buckets ${LETTERS_BUCKET}, ${UPLOADS_BUCKET}`,
        `  SES (v2)       ${sdk.ses}`,
        `  SMS (SNS)      ${sdk.sns}`,
        `  Stream         read like Lambda's event source mapping: outbox notices → notifier`,
        `  Record         ${seeded.rows} people on record from local/registry-seed.jsonl (${seeded.written} new)`,
        `  Data           ${dir}`,
        `  Endpoints      ${join(dir, "endpoints.json")}`,
        `  Dev routes     GET|DELETE /_local/outbox, GET /_local/metrics,`,
        `                 POST /_local/jobs/{${jobDefinitions.map((j) => j.name).join("|")}},`,
        `                 GET|POST /_local/clock, POST /_local/tokens, POST /_local/registry,`,
        `                 GET|POST|DELETE /_local/faults, GET|POST /_local/streams`,
        `  Jobs           ${process.env.PIN_LOCAL_SCHEDULER === "off" ? "scheduler off" : `${jobDefinitions.map(jobTime).join(", ")} (Europe/Rome)`}`,
        ...branchLines(),
        "Ctrl-C stops everything.",
        "",
      ].join("\n"),
    );
  } catch (error) {
    console.error(`Local stack failed to start: ${(error as Error).message}`);
    await stop(1);
  }
}

const jobTime = (job: JobDefinition) =>
  `${job.name} ${String(job.daily.hour).padStart(2, "0")}:${String(job.daily.minute).padStart(2, "0")}`;

/** The branches taking appointments (shared/branches/branches.ts), checked by their schema as synthesis does. */
function branchLines(): string[] {
  return branchListSchema
    .parse(branches)
    .map(
      (b, i) =>
        `${i === 0 ? "  Branches       " : "                 "}${b.id}: ${b.name}, ${b.address.city}, ${b.desks} desk(s), ${b.slotMinutes}-minute slots`,
    );
}

/** The OpenAPI document, which synthesis writes beside the `openapi` function's bundle in AWS; its path. */
function writeOpenApiDocument(dir: string): string {
  const file = join(dir, OPENAPI_DOCUMENT_FILE);
  writeFileSync(file, JSON.stringify(buildOpenApiDocument()));
  return file;
}

await main();
