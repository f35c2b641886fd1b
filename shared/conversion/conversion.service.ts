import { releaseSuspendedApplications } from "../applications/application.service.ts";
import { type AuditEvent, auditEventPut, recordAuditEvent } from "../audit/audit.store.ts";
import { type Credential, isLive } from "../credentials/credential.model.ts";
import {
  conversionPointerClosed,
  credentialConversion,
  getCredential,
  versionedUpdate,
} from "../credentials/credential.store.ts";
import {
  assertDocumentValid,
  assertPresentedInPerson,
  type IdentityDocument,
} from "../credentials/identity-document.ts";
import { conversionDecidedNotice } from "../notifications/messages.ts";
import { type Notice, noticeItems } from "../notifications/outbox.store.ts";
import { now } from "../platform/clock.ts";
import { AppError, ConflictError, NotFoundError } from "../platform/errors.ts";
import { logger } from "../platform/logger.ts";
import { countMetric } from "../platform/metrics.ts";
import { randomId } from "../platform/random.ts";
import { type TransactItem, TransactionCancelled, transact } from "../platform/transact.ts";
import type { BranchConversion, ConversionChannel, Decision, FaxConversion } from "./conversion.schema.ts";
import {
  type ConversionRequest,
  conversionApproved,
  conversionDecision,
  conversionPut,
  conversionView,
  getConversion,
  queueSubmitted,
} from "./conversion.store.ts";
import {
  checkDocument,
  type DocumentName,
  discardChecked,
  presignUpload,
  type StoredDocument,
} from "./uploads.store.ts";

// The back-office queue has a module of its own; its path stays this one.
export { conversionQueue } from "./conversion-queue.service.ts";

const OPEN: ReadonlySet<string> = new Set(["awaiting-documents", "submitted"]);

function notFound(): NotFoundError {
  return new NotFoundError("No such conversion request.");
}

function holderNotFound(): AppError {
  return new AppError(404, "holder-not-found", "Holder not found", "No live PIN with this codice fiscale.");
}

/** The request a holder has open, if any: the credential points at it while it is open. */
async function openRequestOf(credential: Credential): Promise<ConversionRequest | undefined> {
  if (!credential.openConversionId) return undefined;
  const request = await getConversion(credential.openConversionId);
  return request && OPEN.has(request.status) ? request : undefined;
}

async function assertCanOpen(credential: Credential): Promise<void> {
  if (credential.pinType === "dispositivo") {
    throw new ConflictError("already-dispositivo", "The PIN is already dispositivo.");
  }
  const open = await openRequestOf(credential);
  if (open) {
    throw new AppError(409, "conversion-open", "Conflict", "A conversion request is already open.", {
      extra: { id: open.id },
    });
  }
}

/**
 * Opens a request and points the credential at it in one transaction: of two parallel opens for one
 * holder, one wins and the other is told which request is open.
 */
async function openRequest(
  credential: Credential,
  channel: ConversionChannel,
  identityDocument: IdentityDocument,
  documents: DocumentName[],
  extra: Partial<ConversionRequest> = {},
): Promise<ConversionRequest> {
  await assertCanOpen(credential);
  assertDocumentValid(identityDocument);
  const request: ConversionRequest = {
    id: randomId(),
    codiceFiscale: credential.codiceFiscale,
    holder: {
      surname: credential.holder.surname,
      givenName: credential.holder.givenName,
      birthDate: credential.holder.birthDate,
    },
    status: "awaiting-documents",
    channel,
    credentialId: credential.credentialId,
    identityDocument,
    documents,
    createdAt: now().toISOString(),
    ...extra,
  };
  const concurrentOpen = async () => {
    const fresh = await getCredential(credential.codiceFiscale);
    if (fresh) await assertCanOpen(fresh);
    return new ConflictError("concurrent-change", "The holder's record changed meanwhile. Please retry.");
  };
  await transact(
    [
      conversionPut(request),
      {
        Update: versionedUpdate(credential.codiceFiscale, credential.version, {
          openConversionId: request.id,
          updatedAt: request.createdAt,
        }),
      },
    ],
    { otherwise: concurrentOpen },
  );
  return request;
}

/**
 * Primary course (F10, online): an ordinario holder with a valid identity document opens a request and gets
 * two presigned POSTs (the signed form and the document), straight to the uploads bucket.
 */
export async function openOnlineConversion(credential: Credential, identityDocument: IdentityDocument) {
  const request = await openRequest(credential, "online", identityDocument, [
    "request-form",
    "identity-document",
  ]);
  await recordAuditEvent({
    codiceFiscale: credential.codiceFiscale,
    type: "conversion-requested",
    channel: "web",
    actor: "citizen",
    outcome: "success",
    details: { requestId: request.id, identityDocument: identityDocument.kind },
  });
  return {
    ...conversionView(request),
    uploads: await Promise.all(request.documents.map((d) => presignUpload(request.id, d))),
  };
}

/** A holder's own request; another holder's id is a 404, never a 403 (ids tell nothing). */
export async function ownConversion(codiceFiscale: string, id: string): Promise<ConversionRequest> {
  const request = await getConversion(id);
  if (!request || request.codiceFiscale !== codiceFiscale) throw notFound();
  return request;
}

/**
 * Checks every document on a copy of its own; a missing or unacceptable one is named in a 422
 * `documents-missing`. Returns the checked copies, the only ones the back office is ever shown.
 */
async function checkedDocuments(request: ConversionRequest): Promise<StoredDocument[]> {
  const checks = await Promise.all(
    request.documents.map(async (d) => ({ d, check: await checkDocument(request.id, d) })),
  );
  const passed = checks.flatMap(({ check }) => (check.ok ? [check.stored] : []));
  const problems = checks.filter(({ check }) => !check.ok);
  if (problems.length === 0) return passed;
  await discardChecked(passed);
  const messages: Record<string, string> = {
    missing: "Not uploaded yet",
    size: "Empty or larger than 10 MiB",
    "content-type": "Not a PDF, JPEG or PNG",
    content: "The file is not what its content type says",
  };
  throw new AppError(
    422,
    "documents-missing",
    "Documents missing",
    "Upload every document before submitting.",
    {
      errors: problems.map(({ d, check }) => ({
        path: d,
        message: messages[check.ok ? "" : check.problem] ?? "",
      })),
      extra: { documents: problems.map(({ d }) => d) },
    },
  );
}

/** Moves a request with all its documents into the back-office queue; a second submit changes nothing. */
async function markSubmitted(
  request: ConversionRequest,
  actor: string,
  channel: string,
): Promise<ConversionRequest> {
  if (request.status === "submitted") return request;
  if (request.status !== "awaiting-documents") {
    throw new ConflictError("already-decided", "The request was already decided.");
  }
  const documents = await checkedDocuments(request);
  const submittedAt = now().toISOString();
  const queued = await queueSubmitted(request.id, submittedAt, documents).catch(async (error: unknown) => {
    await discardChecked(documents);
    throw error;
  });
  if (!queued) {
    await discardChecked(documents);
    return (await getConversion(request.id)) ?? request;
  }
  await recordAuditEvent({
    codiceFiscale: request.codiceFiscale,
    type: "conversion-submitted",
    channel,
    actor,
    outcome: "success",
    details: { requestId: request.id },
  });
  return { ...request, status: "submitted", submittedAt, checkedDocuments: documents };
}

/** Primary course (F10, submit): once both documents are in the bucket, valid, the request is queued. */
export async function submitConversion(codiceFiscale: string, id: string) {
  const request = await ownConversion(codiceFiscale, id);
  const submitted = await markSubmitted(request, "citizen", "web");
  return { id: submitted.id, status: submitted.status };
}

/** F10, fax: the back office records a faxed request; it is submitted once its scan is uploaded. */
export async function recordFaxConversion(input: FaxConversion, operatorId: string) {
  const credential = await getCredential(input.codiceFiscale);
  if (!credential || !isLive(credential, now().getTime()) || credential.status === "issuing")
    throw holderNotFound();
  const request = await openRequest(credential, "fax", input.identityDocument, ["fax"], {
    receivedAt: new Date(input.receivedAt).toISOString(),
  });
  await recordAuditEvent({
    codiceFiscale: credential.codiceFiscale,
    type: "conversion-requested",
    channel: "back-office",
    actor: `operator:${operatorId}`,
    outcome: "success",
    details: { requestId: request.id, via: "fax" },
  });
  return { ...conversionView(request), uploads: [await presignUpload(request.id, "fax")] };
}

/** Called when a document lands in the uploads bucket: a fax request whose scan is there is queued. */
export async function documentUploaded(requestId: string, document: string): Promise<void> {
  const request = await getConversion(requestId);
  if (request?.channel !== "fax" || document !== "fax" || request.status !== "awaiting-documents") return;
  try {
    await markSubmitted(request, "system", "back-office");
  } catch (error) {
    // A scan that is not an acceptable file leaves the request waiting for a good one.
    if (!(error instanceof AppError) || error.code !== "documents-missing") throw error;
    logger.warn("fax scan not acceptable", { requestId });
  }
}

/** Why an approval of a request whose PIN was revoked or reissued since is closed as rejected instead. */
export const PIN_CHANGED_REASON =
  "The PIN this request was made for was revoked or reissued since: make a new request with the current PIN.";

/**
 * What a decision writes besides the state change, in its transaction: the audit record and the holder's
 * notice (outbox, docs/product/README.md#architecture), so a decision is never committed untold.
 */
function decisionRecords(
  request: Pick<ConversionRequest, "id" | "codiceFiscale">,
  decision: Decision,
  credential: Pick<Credential, "contacts"> | undefined,
  actor: string,
  channel: string,
) {
  const event: AuditEvent = {
    codiceFiscale: request.codiceFiscale,
    type: decision.decision === "approved" ? "conversion-approved" : "conversion-rejected",
    channel,
    actor,
    outcome: "success",
    details: { requestId: request.id, ...(decision.reason ? { reason: decision.reason } : {}) },
  };
  const notice: Notice[] = credential
    ? [
        {
          type: "conversion-decided",
          to: credential.contacts,
          message: conversionDecidedNotice(decision.decision, decision.reason),
        },
      ]
    : [];
  return [{ Put: auditEventPut(event) }, ...noticeItems(...notice)];
}

/**
 * Primary course (F10, decision): exactly one of parallel decisions wins (a conditional write on
 * `submitted`). Approval converts the PIN in the same transaction; then the holder's suspended applications
 * are released and the outcome notified. A retried approval that finds the request already approved
 * finishes the release (it heals an interrupted one) before answering `409 already-decided`.
 */
export async function decideConversion(
  id: string,
  asked: Decision,
  operatorId: string,
  attempt = 0,
): Promise<ReturnType<typeof conversionView>> {
  const request = await getConversion(id);
  if (!request) throw notFound();
  const alreadyDecided = async () => {
    if (request.status === "approved") await releaseSuspendedApplications(request.codiceFiscale);
    return new ConflictError("already-decided", "The request was already decided.");
  };
  if (request.status === "approved" || request.status === "rejected") throw await alreadyDecided();
  if (request.status !== "submitted") {
    throw new AppError(
      422,
      "documents-missing",
      "Documents missing",
      "The request has not been submitted yet.",
    );
  }
  const credential = await getCredential(request.codiceFiscale);
  const pinChanged = Boolean(request.credentialId) && credential?.credentialId !== request.credentialId;
  // Approval converts the PIN the holder asked for, or none: a PIN revoked or reissued since is not converted.
  const decision: Decision =
    asked.decision === "approved" && pinChanged
      ? { decision: "rejected", reason: PIN_CHANGED_REASON }
      : asked;
  const decidedAt = now().toISOString();
  // A rejection closes the credential's pointer only while it still points here (a new PIN may have its own).
  const credentialUpdates =
    decision.decision === "approved"
      ? [credentialConversion(request.codiceFiscale, decidedAt, request.credentialId)]
      : credential?.openConversionId === id
        ? [conversionPointerClosed(request.codiceFiscale, id)]
        : [];
  const by = `operator:${operatorId}`;
  try {
    await transact([
      conversionDecision(id, decision, decidedAt, by),
      ...credentialUpdates,
      ...decisionRecords(request, decision, credential, by, "back-office"),
    ]);
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    const fresh = await getConversion(id);
    // The request still waits: the PIN changed under this decision, which is decided again on what is there now.
    if (fresh?.status === "submitted" && attempt < 3)
      return decideConversion(id, asked, operatorId, attempt + 1);
    if (fresh?.status === "approved") await releaseSuspendedApplications(request.codiceFiscale);
    throw new ConflictError("already-decided", "The request was already decided.");
  }
  countMetric("ConversionDecided", { channel: "back-office" });
  const decided = {
    ...request,
    status: decision.decision,
    decidedAt,
    ...(decision.reason ? { reason: decision.reason } : {}),
  };
  if (decision.decision === "approved") await releaseSuspendedApplications(request.codiceFiscale);
  return conversionView(decided);
}

/**
 * Primary course (F10, branch): after checking the document in person (delegates refused as in F9), the
 * PIN becomes dispositivo at once; an open online request is closed as approved in the same transaction.
 */
export async function convertAtBranch(input: BranchConversion, operatorId: string) {
  const credential = await getCredential(input.codiceFiscale);
  if (!credential || !isLive(credential, now().getTime()) || credential.status === "issuing")
    throw holderNotFound();
  assertPresentedInPerson(input.presentedBy, credential.holder.birthDate);
  assertDocumentValid(input.identityDocument);
  if (credential.pinType === "dispositivo") {
    throw new ConflictError("already-dispositivo", "The PIN is already dispositivo.");
  }
  const open = await openRequestOf(credential);
  const at = now().toISOString();
  const converted = { pinType: "dispositivo", updatedAt: at };
  const items: TransactItem[] = [
    {
      Update: versionedUpdate(credential.codiceFiscale, credential.version, converted, ["openConversionId"]),
    },
  ];
  const requestId = open?.id ?? randomId();
  items.push(
    ...decisionRecords(
      { id: requestId, codiceFiscale: credential.codiceFiscale },
      { decision: "approved" },
      credential,
      `operator:${operatorId}`,
      "branch",
    ),
  );
  if (open) items.push(conversionApproved(open.id, at, `operator:${operatorId}`));
  await transact(items, {
    otherwise: new ConflictError("concurrent-change", "The holder's record changed meanwhile. Please retry."),
  });
  countMetric("ConversionDecided", { channel: "branch" });
  await releaseSuspendedApplications(credential.codiceFiscale);
  return { pinType: "dispositivo" as const };
}
