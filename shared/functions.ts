/**
 * Every Lambda function of the service, defined once. The CDK service stack builds one function per entry
 * and grants exactly its bindings; the local stack imports the same entry files and calls the same
 * exported `handler`.
 */
import { uploadsPrefixes } from "./bucket-layout.ts";
import type { IndexName } from "./table.ts";

/**
 * The table, granted by what a function's code sends (TransactWriteItems is authorised item by item with the
 * write actions; Powertools idempotency needs read and write):
 * - `table:read`: GetItem, BatchGetItem and Query on the table itself, not its indexes;
 * - `table:write`: PutItem, UpdateItem, DeleteItem, BatchWriteItem and ConditionCheckItem;
 * - `table:query:<index>`: Query on that one secondary index (shared/table.ts);
 * - `table:stream`: reading the table's stream, which its event source mapping does with the function's role.
 */
export type TableBinding = "table:read" | "table:write" | `table:query:${IndexName}` | "table:stream";

export type Binding =
  | TableBinding
  | "letters:write"
  /** Presign uploads (PutObject) under `conversions/` of the uploads bucket: the client sends the bytes. */
  | "conversions:upload"
  /**
   * Check documents at submit: copy each from `conversions/` to `checked-conversions/` (GetObject there,
   * PutObject here) and read the copy back; listing confined to `conversions/`, so that a document not uploaded
   * yet is a 404, not a 403.
   */
  | "conversions:check"
  /** Presign 5-minute GETs of checked copies under `checked-conversions/` (GetObject there, nothing else). */
  | "conversions:read"
  /** Read record files under `registry/incoming/`, write reports under `registry/reports/` (uploads bucket). */
  | "registry:import"
  /**
   * Sending on the request path: only what must reach the person before the answer (part A, the recovery
   * halves, one-time links). Notices travel through the outbox and only the notifier sends them.
   */
  | "sms:publish"
  | "email:send"
  | "partBKey:encrypt"
  | "partBKey:decrypt"
  | "signingKey:sign"
  | "signingKey:verify";

export interface FunctionDefinition {
  /** Entry file, relative to the repository root; it exports `handler`. */
  entry: string;
  /** @default 512 */
  memorySize?: number;
  /** @default 10 */
  timeoutSeconds?: number;
  /** What the function may touch; each binding sets its env var and its IAM grant together. */
  bindings: readonly Binding[];
  /** Invoked asynchronously (jobs): failures go to the dead-letter queue. */
  async?: boolean;
}

export const functionDefinitions = {
  health: { entry: "functions/http/health.ts", bindings: [] },
  openapi: { entry: "functions/http/openapi.ts", bindings: [] },
  notFound: { entry: "functions/http/not-found.ts", bindings: [] },
  jwks: { entry: "functions/http/jwks.ts", bindings: ["signingKey:verify"] },
  pinRequests: {
    entry: "functions/http/pin-requests.ts",
    memorySize: 1024,
    timeoutSeconds: 15,
    bindings: ["table:read", "table:write", "sms:publish", "email:send", "partBKey:encrypt"],
  },
  sessions: {
    entry: "functions/http/sessions.ts",
    memorySize: 1024,
    bindings: ["table:read", "table:write", "signingKey:sign"],
  },
  pinChanges: {
    entry: "functions/http/pin-changes.ts",
    memorySize: 1024,
    bindings: ["table:read", "table:write", "signingKey:verify"],
  },
  me: { entry: "functions/http/me.ts", bindings: ["table:read", "signingKey:verify"] },
  recoveries: {
    entry: "functions/http/recoveries.ts",
    bindings: ["table:read", "table:write", "email:send"],
  },
  recoveryConfirmations: {
    entry: "functions/http/recovery-confirmations.ts",
    memorySize: 1024,
    bindings: ["table:read", "table:write", "sms:publish", "email:send"],
  },
  revocations: {
    entry: "functions/http/revocations.ts",
    bindings: ["table:read", "table:write", "email:send"],
  },
  revocationConfirmations: {
    entry: "functions/http/revocation-confirmations.ts",
    bindings: ["table:read", "table:write"],
  },
  phonePins: {
    entry: "functions/http/phone-pins.ts",
    memorySize: 1024,
    bindings: ["table:read", "table:write"],
  },
  phonePinVerifications: {
    entry: "functions/http/phone-pin-verifications.ts",
    memorySize: 1024,
    bindings: ["table:read", "table:write"],
  },
  letterBatch: {
    entry: "functions/jobs/letter-batch.ts",
    memorySize: 1536,
    timeoutSeconds: 900,
    bindings: [
      "table:read",
      "table:write",
      "table:query:pending-letters",
      "letters:write",
      "partBKey:decrypt",
    ],
    async: true,
  },
  expiryReminders: {
    entry: "functions/jobs/expiry-reminders.ts",
    memorySize: 512,
    timeoutSeconds: 900,
    // Reminders travel through the outbox (docs/product/README.md#architecture): the notifier sends them, this job sends nothing.
    bindings: ["table:write", "table:query:expiry-reminders"],
    async: true,
  },
  operatorPinRequests: {
    entry: "functions/http/operator-pin-requests.ts",
    memorySize: 1024,
    timeoutSeconds: 15,
    bindings: ["table:read", "table:write", "sms:publish", "email:send", "partBKey:encrypt"],
  },
  operatorContacts: {
    entry: "functions/http/operator-contacts.ts",
    bindings: ["table:read", "table:write"],
  },
  operatorRevocations: {
    entry: "functions/http/operator-revocations.ts",
    bindings: ["table:read", "table:write", "email:send"],
  },
  branchIssuances: {
    entry: "functions/http/branch-issuances.ts",
    memorySize: 1024,
    timeoutSeconds: 15,
    bindings: ["table:read", "table:write"],
  },
  citizenEvents: { entry: "functions/http/citizen-events.ts", bindings: ["table:read", "table:write"] },
  myEvents: { entry: "functions/http/my-events.ts", bindings: ["table:read", "signingKey:verify"] },
  conversionRequests: {
    entry: "functions/http/conversion-requests.ts",
    bindings: ["table:read", "table:write", "signingKey:verify", "conversions:upload"],
  },
  conversionRequest: {
    entry: "functions/http/conversion-request.ts",
    bindings: ["table:read", "signingKey:verify"],
  },
  conversionForm: {
    entry: "functions/http/conversion-form.ts",
    memorySize: 1024,
    bindings: ["table:read", "signingKey:verify"],
  },
  conversionSubmissions: {
    entry: "functions/http/conversion-submissions.ts",
    bindings: ["table:read", "table:write", "signingKey:verify", "conversions:check"],
  },
  faxConversions: {
    entry: "functions/http/fax-conversions.ts",
    bindings: ["table:read", "table:write", "conversions:upload"],
  },
  conversionQueue: {
    entry: "functions/http/conversion-queue.ts",
    bindings: ["table:query:conversion-queue", "conversions:read"],
  },
  conversionDecisions: {
    entry: "functions/http/conversion-decisions.ts",
    bindings: ["table:read", "table:write"],
  },
  branchConversions: {
    entry: "functions/http/branch-conversions.ts",
    bindings: ["table:read", "table:write"],
  },
  applications: {
    entry: "functions/http/applications.ts",
    bindings: ["table:read", "table:write", "signingKey:verify"],
  },
  applicationList: {
    entry: "functions/http/application-list.ts",
    bindings: ["table:read", "table:write", "signingKey:verify"],
  },
  conversionUploads: {
    entry: "functions/jobs/conversion-uploads.ts",
    bindings: ["table:read", "table:write", "conversions:check"],
    async: true,
  },
  delegations: {
    entry: "functions/http/delegations.ts",
    bindings: ["table:read", "table:write", "signingKey:verify"],
  },
  delegationList: {
    entry: "functions/http/delegation-list.ts",
    bindings: ["table:read", "signingKey:verify"],
  },
  delegationEnds: {
    entry: "functions/http/delegation-ends.ts",
    bindings: ["table:read", "table:write", "signingKey:verify"],
  },
  delegationSessions: {
    entry: "functions/http/delegation-sessions.ts",
    bindings: ["table:read", "table:write", "signingKey:verify", "signingKey:sign"],
  },
  branchDelegations: {
    entry: "functions/http/branch-delegations.ts",
    bindings: ["table:read", "table:write"],
  },
  branchList: { entry: "functions/http/branch-list.ts", bindings: [] },
  branchSlots: { entry: "functions/http/branch-slots.ts", bindings: ["table:read"] },
  appointments: {
    entry: "functions/http/appointments.ts",
    // The confirmation travels through the outbox, in the booking's own transaction: this function sends nothing.
    bindings: ["table:read", "table:write"],
  },
  appointmentCancellations: {
    entry: "functions/http/appointment-cancellations.ts",
    bindings: ["table:read", "table:write"],
  },
  operatorAppointments: {
    entry: "functions/http/operator-appointments.ts",
    bindings: ["table:read", "table:write"],
  },
  branchAppointmentDays: {
    entry: "functions/http/branch-appointment-days.ts",
    // table:write for the audit records of the read.
    bindings: ["table:read", "table:write"],
  },
  appointmentCheckIns: {
    entry: "functions/http/appointment-check-ins.ts",
    bindings: ["table:read", "table:write"],
  },
  appointmentReminders: {
    entry: "functions/jobs/appointment-reminders.ts",
    timeoutSeconds: 300,
    // Reminders travel through the outbox: the notifier sends them, this job sends nothing.
    bindings: ["table:read", "table:write"],
    async: true,
  },
  passkeys: {
    entry: "functions/http/passkeys.ts",
    // verify: the holder's routes; sign: the passkey login's access token.
    bindings: ["table:read", "table:write", "signingKey:verify", "signingKey:sign"],
  },
  notifier: {
    entry: "functions/jobs/notifier.ts",
    // Below CLAIM_LEASE_MS (shared/notifications/deliveries.store.ts): a claim outlives the invocation that took it.
    timeoutSeconds: 30,
    bindings: ["table:read", "table:write", "table:stream", "sms:publish", "email:send"],
  },
  registryImport: {
    entry: "functions/jobs/registry-import.ts",
    memorySize: 1024,
    timeoutSeconds: 900,
    bindings: ["table:write", "registry:import"],
    async: true,
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof functionDefinitions;

/**
 * Functions S3 invokes when an object is created under a prefix of the uploads bucket: CDK adds the bucket
 * notifications from here, and the local stack dispatches s3rver's events the same way.
 */
export const uploadTriggers: ReadonlyArray<{ functionName: FunctionName; prefix: string }> = [
  { functionName: "registryImport", prefix: uploadsPrefixes.registryIncoming },
  { functionName: "conversionUploads", prefix: uploadsPrefixes.conversions },
];

/**
 * A function fed by the table's stream through an event source mapping: CDK creates the mapping from here, and
 * the local stack reads DynamoDB Local's stream the same way (local/streams.ts), with the same filter, batches
 * and retries.
 */
export interface StreamConsumer {
  functionName: FunctionName;
  /** Lambda event filter pattern on the stream record (only exact values and nesting are used). */
  filter: Record<string, unknown>;
  batchSize: number;
  /** Retries of a failed batch before its records' coordinates go to the dead-letter queue. */
  retryAttempts: number;
  /** Records older than this are not retried any more (dead-lettered instead). */
  maxRecordAgeSeconds: number;
}

/** The notifier delivers the outbox items (shared/notifications/outbox.store.ts): new items of kind `outbox` only. */
export const streamConsumers: readonly StreamConsumer[] = [
  {
    functionName: "notifier",
    filter: { eventName: ["INSERT"], dynamodb: { NewImage: { kind: { S: ["outbox"] } } } },
    batchSize: 10,
    retryAttempts: 8,
    maxRecordAgeSeconds: 6 * 60 * 60,
  },
];
