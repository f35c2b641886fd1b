import type * as core from "zod/v4/core";
import {
  applicationListSchema,
  applicationRequestSchema,
  applicationSchema,
} from "./applications/application.schema.ts";
import {
  appointmentSchema,
  cancelAppointmentSchema,
  cancelledSchema,
  checkedInSchema,
  dayListQuerySchema,
  dayListSchema,
} from "./appointments/appointment.schema.ts";
import { bookAppointmentSchema } from "./appointments/booking.schema.ts";
import { auditPageSchema, auditQuerySchema } from "./audit/audit.schema.ts";
import { branchIssuanceSchema, branchIssuedSchema } from "./branch/branch-issuance.schema.ts";
import { branchesPageSchema, slotQuerySchema, slotsPageSchema } from "./branches/branch.schema.ts";
import { addContactSchema, maskedContactsSchema } from "./contact-center/contact.schema.ts";
import { operatorRevocationSchema, revocationLinkSentSchema } from "./contact-center/revocation.schema.ts";
import {
  branchConversionSchema,
  conversionSchema,
  decisionSchema,
  faxConversionSchema,
  openConversionSchema,
  openedConversionSchema,
  queueQuerySchema,
  queueSchema,
} from "./conversion/conversion.schema.ts";
import {
  branchDelegationSchema,
  delegatedSessionSchema,
  delegationListSchema,
  delegationSchema,
  giveDelegationSchema,
} from "./delegations/delegation.schema.ts";
import type { FunctionName } from "./functions.ts";
import { type OperatorGroup, operatorGroups } from "./operator-groups.ts";
import {
  passkeyAddedSchema,
  passkeyListSchema,
  passkeyLoginSchema,
  passkeyOptionsSchema,
  passkeySchema,
  registerPasskeySchema,
  renamePasskeySchema,
} from "./passkeys/passkey.schema.ts";
import {
  phonePinIssuedSchema,
  phonePinRequestSchema,
  phonePinVerdictSchema,
  phonePinVerificationSchema,
} from "./phone-pins/phone-pin.schema.ts";
import { pinRequestAcceptedSchema, pinRequestSchema } from "./pin-requests/pin-request.schema.ts";
import { healthResponseSchema } from "./platform/health.schema.ts";
import * as z from "./platform/zod.ts";
import { formatRouteKeys, matchPath } from "./route-match.ts";
import { recoveryRequestSchema } from "./self-service/recovery.schema.ts";
import {
  acceptedSchema,
  confirmationSchema,
  recoveredSchema,
  revocationRequestSchema,
  revokedSchema,
} from "./self-service/self-service.schema.ts";
import {
  loginResultSchema,
  loginSchema,
  pinChangedSchema,
  pinChangeSchema,
  profileSchema,
} from "./sessions/session.schema.ts";

export { type OperatorGroup, operatorGroups };

/** Who may call a route. */
export type Access =
  /** `bearer`: an optional token the route reads when given (a PIN change with the current PIN). */
  | { kind: "public"; bearer?: "citizen" }
  | { kind: "citizen" }
  | { kind: "identity" }
  | { kind: "citizen-or-identity" }
  | { kind: "operator"; groups: readonly OperatorGroup[] };

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

export interface RouteDefinition {
  method: HttpMethod;
  /** API Gateway path syntax: `/v1/conversion-requests/{id}`. */
  path: string;
  functionName: FunctionName;
  /** The OpenAPI operation id, when the function serves more than one route. @default the function's name */
  operationId?: string;
  access: Access;
  summary: string;
  /** Request body schema, also used for validation by the handler and for the OpenAPI document. */
  body?: core.$ZodType;
  /** Query parameters of a list route, as the handler parses them. */
  query?: z.ZodMiniObject;
  /** The route takes an `Idempotency-Key` header: a retry with the same key and body gets the first answer. */
  idempotent?: boolean;
  /**
   * Problem statuses the route's own rules answer with, and their codes. Those that follow from the rest of the
   * definition (a body, a query, a token, an idempotency key) are added by the OpenAPI document itself.
   */
  problems?: Record<number, string>;
  /** Successful responses by status. */
  responses: Record<number, { description: string; schema?: core.$ZodType; contentType?: string }>;
}

/** The route table, defined once: read by the CDK service stack, the local gateway and the OpenAPI document. */
export const routes: readonly RouteDefinition[] = [
  {
    method: "GET",
    path: "/v1/health",
    functionName: "health",
    access: { kind: "public" },
    summary: "Liveness check",
    responses: { 200: { description: "The service is up", schema: healthResponseSchema } },
  },
  {
    method: "GET",
    path: "/v1/openapi.json",
    functionName: "openapi",
    access: { kind: "public" },
    summary: "This OpenAPI 3.1 document",
    responses: { 200: { description: "OpenAPI document", schema: z.record(z.string(), z.unknown()) } },
  },
  {
    method: "GET",
    path: "/.well-known/jwks.json",
    functionName: "jwks",
    access: { kind: "public" },
    summary: "Public keys of citizen access tokens",
    responses: {
      200: { description: "JWKS", schema: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) },
    },
  },
  {
    method: "POST",
    path: "/v1/pin-requests",
    functionName: "pinRequests",
    access: { kind: "public" },
    idempotent: true,
    problems: {
      422: "not-eligible (resident in Italy or holding an Italian identity document: use SPID, CIE or CNS), codice-fiscale-mismatch, not-on-record",
      429: "destination-limit: part A went to this destination too often today",
      503: "temporarily-unavailable: part A could not be sent and nothing usable was kept; retry after Retry-After",
    },
    summary:
      "Request a PIN (F1): part A now by SMS, e-mail or PEC, part B by post. Supports Idempotency-Key.",
    body: pinRequestSchema,
    responses: { 202: { description: "Request accepted", schema: pinRequestAcceptedSchema } },
  },
  {
    method: "POST",
    path: "/v1/sessions",
    functionName: "sessions",
    access: { kind: "public" },
    problems: {
      401: "invalid-credentials: the same answer for any wrong, unknown, locked, blocked or revoked PIN",
    },
    summary: "Log in with codice fiscale and PIN (F3, F4)",
    body: loginSchema,
    responses: {
      200: { description: "Authenticated, or a PIN change is required", schema: loginResultSchema },
    },
  },
  {
    method: "POST",
    path: "/v1/pin-changes",
    functionName: "pinChanges",
    access: { kind: "public", bearer: "citizen" },
    problems: {
      400: "weak-pin: the new PIN breaks a rule (reason says which)",
      401: "invalid-token (change or access token), unauthorized (the current-PIN variant without an access token), invalid-credentials (wrong current PIN)",
      403: "forbidden: a delegated token (F14) cannot manage the credential",
    },
    summary: "Choose a new 8-character PIN with a change token, or with the current PIN and an access token",
    body: pinChangeSchema,
    responses: { 200: { description: "PIN changed", schema: pinChangedSchema } },
  },
  {
    method: "GET",
    path: "/v1/me",
    functionName: "me",
    access: { kind: "citizen" },
    summary: "The holder's profile, PIN type, expiry and masked contacts",
    responses: { 200: { description: "Profile", schema: profileSchema } },
  },
  {
    method: "POST",
    path: "/v1/recoveries",
    functionName: "recoveries",
    access: { kind: "public" },
    problems: { 403: "forbidden: a delegated token (F14) cannot manage the credential" },
    summary:
      "Recover a PIN used at least once (F5): codice fiscale and two registered contacts; a 24 h link follows",
    body: recoveryRequestSchema,
    responses: {
      202: { description: "Accepted (the same answer whatever matched)", schema: acceptedSchema },
    },
  },
  {
    method: "POST",
    path: "/v1/recoveries/confirm",
    functionName: "recoveryConfirmations",
    access: { kind: "public" },
    problems: {
      401: "invalid-token: the link is not valid, was used, or has expired",
      503: "temporarily-unavailable: a half of the new PIN could not be sent; retry",
    },
    summary: "Confirm a recovery with the link's token: a new 16-character PIN, its halves on two channels",
    body: confirmationSchema,
    responses: { 200: { description: "New PIN sent", schema: recoveredSchema } },
  },
  {
    method: "POST",
    path: "/v1/revocations",
    functionName: "revocations",
    access: { kind: "public" },
    problems: { 403: "forbidden: a delegated token (F14) cannot manage the credential" },
    summary: "Revoke a PIN (F6): codice fiscale, health card and an address for the 24 h confirmation link",
    body: revocationRequestSchema,
    responses: {
      202: { description: "Accepted (the same answer whatever matched)", schema: acceptedSchema },
    },
  },
  {
    method: "POST",
    path: "/v1/revocations/confirm",
    functionName: "revocationConfirmations",
    access: { kind: "public" },
    problems: { 401: "invalid-token: the link is not valid, was used, or has expired" },
    summary: "Confirm a revocation with the link's token",
    body: confirmationSchema,
    responses: { 200: { description: "PIN revoked", schema: revokedSchema } },
  },
  {
    method: "POST",
    path: "/v1/phone-pins",
    functionName: "phonePins",
    access: { kind: "identity" },
    problems: { 403: "forbidden: a delegated token (F14) cannot manage the credential" },
    summary: "Generate a phone PIN (F12) for contact-center identification; replaces the previous one",
    body: phonePinRequestSchema,
    responses: { 201: { description: "Phone PIN", schema: phonePinIssuedSchema } },
  },
  {
    method: "POST",
    path: "/v1/operator/phone-pin-verifications",
    functionName: "phonePinVerifications",
    access: { kind: "operator", groups: ["contact-center"] },
    summary: "Check a caller's phone PIN (contact center); five wrong tries kill the code",
    body: phonePinVerificationSchema,
    responses: { 200: { description: "Verdict", schema: phonePinVerdictSchema } },
  },
  {
    method: "GET",
    path: "/v1/me/events",
    functionName: "myEvents",
    access: { kind: "citizen" },
    query: auditQuerySchema,
    problems: { 403: "forbidden: a delegated token (F14) cannot manage the credential" },
    summary: "The holder's own security activity of the last 90 days (F16), newest first",
    responses: { 200: { description: "A page of events", schema: auditPageSchema } },
  },
  {
    method: "POST",
    path: "/v1/operator/pin-requests",
    functionName: "operatorPinRequests",
    access: { kind: "operator", groups: ["contact-center"] },
    idempotent: true,
    problems: {
      409: "pin-exists: the person holds a live PIN (recovery is the way)",
      422: "not-eligible (resident in Italy or holding an Italian identity document: use SPID, CIE or CNS), codice-fiscale-mismatch, not-on-record",
      429: "destination-limit: part A went to this destination too often today",
      503: "temporarily-unavailable: part A could not be sent and nothing usable was kept; retry after Retry-After",
    },
    summary:
      "Request a PIN for a caller (F8): part A in the answer to read out, and on the chosen channel; part B by post. " +
      "Supports Idempotency-Key (a replay answers without part A).",
    body: pinRequestSchema,
    responses: {
      202: {
        description: "Request accepted",
        schema: z.extend(pinRequestAcceptedSchema, {
          partA: z.optional(z.withChecks(z.string(), z.length(8))),
        }),
      },
    },
  },
  {
    method: "POST",
    path: "/v1/operator/contacts",
    functionName: "operatorContacts",
    access: { kind: "operator", groups: ["contact-center"] },
    problems: {
      404: "holder-not-found",
      409: "contact-exists (a contact of this kind is registered), concurrent-change (retry)",
      422: "no-registered-contact",
    },
    summary: "Add a contact for a holder who has at least one (F7); quiet for 7 days, previous contacts told",
    body: addContactSchema,
    responses: { 200: { description: "The holder's contacts, masked", schema: maskedContactsSchema } },
  },
  {
    method: "POST",
    path: "/v1/operator/revocations",
    functionName: "operatorRevocations",
    access: { kind: "operator", groups: ["contact-center"] },
    problems: {
      404: "holder-not-found: no live PIN for this codice fiscale",
      422: "verification-failed: the caller's answers do not match (no field is named)",
      429: "verification-limit (3 mismatches for this codice fiscale today), revocation-limit (3 links an hour)",
    },
    summary:
      "Revoke for a caller without a health card (F17): answers checked against the record, the F6 24 h link " +
      "to the address given, every registered contact told",
    body: operatorRevocationSchema,
    responses: {
      202: { description: "The confirmation link was sent", schema: revocationLinkSentSchema },
    },
  },
  {
    method: "POST",
    path: "/v1/operator/branch-issuances",
    functionName: "branchIssuances",
    access: { kind: "operator", groups: ["branch"] },
    problems: {
      403: "delegate-not-allowed: a delegate cannot act for the holder at a branch",
      409: "pin-exists (unless replaceExisting), concurrent-change",
      422: "codice-fiscale-mismatch, not-eligible, document-expired, not-a-minor",
    },
    summary:
      "Issue a dispositivo PIN in person (F9, F13): the PIN exists only inside the returned PIN-mailer PDF",
    body: branchIssuanceSchema,
    responses: { 201: { description: "PIN issued", schema: branchIssuedSchema } },
  },
  {
    method: "GET",
    path: "/v1/operator/citizens/{codiceFiscale}/events",
    functionName: "citizenEvents",
    access: { kind: "operator", groups: ["auditor", "back-office"] },
    query: auditQuerySchema,
    summary:
      "A holder's audit trail (F16), newest first, with ?from=&to=&limit=&cursor=; the read is audited",
    responses: { 200: { description: "A page of events", schema: auditPageSchema } },
  },
  {
    method: "POST",
    path: "/v1/conversion-requests",
    functionName: "conversionRequests",
    access: { kind: "citizen" },
    problems: {
      403: "forbidden: a delegated token (F14) cannot manage the credential",
      409: "conversion-open (its id in the answer), already-dispositivo",
      422: "document-expired",
    },
    summary:
      "Open a conversion to dispositivo (F10): presigned POSTs for the signed request form and the identity document",
    body: openConversionSchema,
    responses: { 201: { description: "Request opened", schema: openedConversionSchema } },
  },
  {
    method: "GET",
    path: "/v1/conversion-requests/{id}",
    functionName: "conversionRequest",
    access: { kind: "citizen" },
    problems: { 404: "not-found: no such request of the holder's" },
    summary: "A conversion request of the holder's",
    responses: { 200: { description: "The request", schema: conversionSchema } },
  },
  {
    method: "GET",
    path: "/v1/conversion-requests/{id}/form",
    functionName: "conversionForm",
    access: { kind: "citizen" },
    problems: { 403: "forbidden: a delegated token (F14) cannot manage the credential", 404: "not-found" },
    summary: "The pre-filled request form (PDF, it/en) to print and sign",
    responses: { 200: { description: "PDF", contentType: "application/pdf" } },
  },
  {
    method: "POST",
    path: "/v1/conversion-requests/{id}/submit",
    functionName: "conversionSubmissions",
    access: { kind: "citizen" },
    problems: {
      403: "forbidden: a delegated token (F14) cannot manage the credential",
      404: "not-found",
      409: "already-decided, concurrent-change",
      422: "documents-missing: names the documents not uploaded yet",
    },
    summary: "Submit a conversion request once both documents are uploaded (422 documents-missing before)",
    responses: {
      200: { description: "Submitted", schema: z.pick(conversionSchema, { id: true, status: true }) },
    },
  },
  {
    method: "POST",
    path: "/v1/applications",
    functionName: "applications",
    access: { kind: "citizen" },
    idempotent: true,
    summary:
      "Submit an application (F11): accepted with a dispositivo PIN, suspended with an ordinario one. Supports Idempotency-Key.",
    body: applicationRequestSchema,
    responses: { 201: { description: "Application recorded", schema: applicationSchema } },
  },
  {
    method: "GET",
    path: "/v1/applications",
    functionName: "applicationList",
    access: { kind: "citizen" },
    summary: "The holder's applications, newest first",
    responses: { 200: { description: "Applications", schema: applicationListSchema } },
  },
  {
    method: "POST",
    path: "/v1/operator/conversion-requests",
    functionName: "faxConversions",
    access: { kind: "operator", groups: ["back-office"] },
    problems: {
      404: "holder-not-found",
      409: "conversion-open, already-dispositivo, concurrent-change",
      422: "document-expired",
    },
    summary:
      "Record a faxed conversion request; submitted once its scan is uploaded through the returned POST",
    body: faxConversionSchema,
    responses: { 201: { description: "Request recorded", schema: openedConversionSchema } },
  },
  {
    method: "GET",
    path: "/v1/operator/conversion-requests",
    functionName: "conversionQueue",
    access: { kind: "operator", groups: ["back-office"] },
    query: queueQuerySchema,
    summary:
      "Submitted conversion requests, oldest first, with 5-minute links to each document (?status=submitted)",
    responses: { 200: { description: "The queue", schema: queueSchema } },
  },
  {
    method: "POST",
    path: "/v1/operator/conversion-requests/{id}/decision",
    functionName: "conversionDecisions",
    access: { kind: "operator", groups: ["back-office"] },
    problems: {
      404: "not-found",
      409: "already-decided (another decision won), concurrent-change",
      422: "documents-missing",
    },
    summary:
      "Approve or reject (with a reason) a submitted conversion request; of parallel decisions one wins",
    body: decisionSchema,
    responses: { 200: { description: "Decided", schema: conversionSchema } },
  },
  {
    method: "POST",
    path: "/v1/operator/branch-conversions",
    functionName: "branchConversions",
    access: { kind: "operator", groups: ["branch"] },
    problems: {
      403: "delegate-not-allowed",
      404: "holder-not-found",
      409: "already-dispositivo, concurrent-change",
      422: "document-expired, not-a-minor",
    },
    summary: "Convert a PIN to dispositivo in person (F10); delegates refused as in F9",
    body: branchConversionSchema,
    responses: { 200: { description: "Converted", schema: z.object({ pinType: z.literal("dispositivo") }) } },
  },
  {
    method: "POST",
    path: "/v1/delegations",
    functionName: "delegations",
    access: { kind: "citizen-or-identity" },
    problems: {
      403: "forbidden: a delegated token (F14) cannot manage the credential",
      409: "delegate-exists (one active delegate per delegator), delegation-limit (3 per delegate)",
      422: "self-delegation, codice-fiscale-mismatch, delegator-without-pin",
    },
    summary:
      "Delegate a trusted person (F14): one active delegate per delegator, at most 3 ordinary delegations per delegate",
    body: giveDelegationSchema,
    responses: { 201: { description: "Delegation registered", schema: delegationSchema } },
  },
  {
    method: "GET",
    path: "/v1/delegations",
    functionName: "delegationList",
    access: { kind: "citizen-or-identity" },
    problems: { 403: "forbidden: a delegated token (F14) cannot manage the credential" },
    summary: "Delegations given and received, with their live status",
    responses: { 200: { description: "Delegations", schema: delegationListSchema } },
  },
  {
    method: "DELETE",
    path: "/v1/delegations/{id}",
    functionName: "delegationEnds",
    access: { kind: "citizen-or-identity" },
    problems: {
      403: "forbidden: a delegated token (F14) cannot manage the credential",
      404: "not-found: no such delegation of the caller's",
      409: "delegation-ended",
    },
    summary: "Revoke (delegator) or renounce (delegate) a delegation; its tokens stop at their next use",
    responses: { 204: { description: "Ended" } },
  },
  {
    method: "POST",
    path: "/v1/delegations/{id}/sessions",
    functionName: "delegationSessions",
    access: { kind: "citizen-or-identity" },
    problems: {
      403: "forbidden: a delegated token (F14) cannot manage the credential",
      404: "not-found",
      409: "delegation-ended",
      422: "delegator-without-pin",
    },
    summary:
      "Act on the delegator's behalf: a 15-minute access token with the RFC 8693 act claim naming the delegate",
    responses: { 200: { description: "Delegated access token", schema: delegatedSessionSchema } },
  },
  {
    method: "POST",
    path: "/v1/operator/delegations",
    functionName: "branchDelegations",
    access: { kind: "operator", groups: ["branch"] },
    problems: {
      409: "delegate-exists, delegation-limit",
      422: "self-delegation, codice-fiscale-mismatch, delegator-without-pin",
    },
    summary:
      "Register a delegation at a branch, including guardian and parent ones (which do not count to the limit)",
    body: branchDelegationSchema,
    responses: { 201: { description: "Delegation registered", schema: delegationSchema } },
  },
  {
    method: "GET",
    path: "/v1/branches",
    functionName: "branchList",
    access: { kind: "public" },
    summary: "Branches that take appointments (F18), with what each offers",
    responses: { 200: { description: "Branches", schema: branchesPageSchema } },
  },
  {
    method: "GET",
    path: "/v1/branches/{id}/slots",
    functionName: "branchSlots",
    access: { kind: "public" },
    query: slotQuerySchema,
    problems: {
      404: "not-found: no such branch",
      422: "date-out-of-range (from before today or past 30 days ahead), slot-not-offered (the branch does not offer the service)",
    },
    summary:
      "A branch's bookable slots from ?from= (default tomorrow) for ?days= (default 7), at most 30 days ahead, " +
      "in the branch's local time with its offset; closed days and past slots left out",
    responses: { 200: { description: "Slots with their free places", schema: slotsPageSchema } },
  },
  {
    method: "POST",
    path: "/v1/appointments",
    functionName: "appointments",
    access: { kind: "public" },
    idempotent: true,
    problems: {
      409: "slot-full, appointment-exists (a future appointment for the same service; its id in the answer)",
      422: "slot-not-offered (unknown branch, a service it does not offer, past, off the grid, closed, past 30 days), codice-fiscale-mismatch",
    },
    summary:
      "Book a branch visit (F18); the confirmation with a single-use cancel link goes to the contact. Supports Idempotency-Key.",
    body: bookAppointmentSchema,
    responses: { 201: { description: "Booked", schema: appointmentSchema } },
  },
  {
    method: "POST",
    path: "/v1/appointments/cancel",
    functionName: "appointmentCancellations",
    access: { kind: "public" },
    problems: { 401: "invalid-token: the link is not valid, was used, or its appointment has passed" },
    summary: "Cancel an appointment with the token of its cancel link; the place is freed once",
    body: cancelAppointmentSchema,
    responses: { 200: { description: "Cancelled", schema: cancelledSchema } },
  },
  {
    method: "POST",
    path: "/v1/operator/appointments",
    functionName: "operatorAppointments",
    access: { kind: "operator", groups: ["contact-center"] },
    idempotent: true,
    problems: {
      409: "slot-full, appointment-exists (its id in the answer)",
      422: "slot-not-offered, codice-fiscale-mismatch",
    },
    summary: "Book a branch visit for a caller (F18), as POST /v1/appointments. Supports Idempotency-Key.",
    body: bookAppointmentSchema,
    responses: { 201: { description: "Booked", schema: appointmentSchema } },
  },
  {
    method: "GET",
    path: "/v1/operator/branches/{id}/appointments",
    functionName: "branchAppointmentDays",
    access: { kind: "operator", groups: ["branch"] },
    query: dayListQuerySchema,
    problems: { 404: "not-found: no such branch" },
    summary: "A branch's appointments of one day (?date=YYYY-MM-DD) in start order, with names and service",
    responses: { 200: { description: "The day's list", schema: dayListSchema } },
  },
  {
    method: "POST",
    path: "/v1/operator/appointments/{id}/check-in",
    functionName: "appointmentCheckIns",
    access: { kind: "operator", groups: ["branch"] },
    problems: {
      404: "not-found: no such appointment",
      409: "already-checked-in, appointment-cancelled",
    },
    summary: "Mark a person's arrival at the branch, once",
    responses: { 200: { description: "Checked in", schema: checkedInSchema } },
  },
  {
    method: "POST",
    path: "/v1/passkeys/registration-options",
    functionName: "passkeys",
    operationId: "passkeyRegistrationOptions",
    access: { kind: "citizen" },
    problems: {
      401: "reauthentication-required: the token's PIN login is older than 5 minutes (or was not a PIN login)",
      403: "forbidden: a delegated token (F14) cannot manage the credential",
      409: "passkey-limit: the holder has 5 passkeys already",
    },
    summary:
      "Start adding a passkey (F19): WebAuthn creation options, after a PIN login of the last 5 minutes",
    responses: { 200: { description: "Creation options and their challenge", schema: passkeyOptionsSchema } },
  },
  {
    method: "POST",
    path: "/v1/passkeys",
    functionName: "passkeys",
    operationId: "passkeys",
    access: { kind: "citizen" },
    problems: {
      400: "passkey-not-verified: the attestation, its origin, relying party or challenge did not check out",
      401: "reauthentication-required: the token's PIN login is older than 5 minutes (or was not a PIN login)",
      403: "forbidden: a delegated token (F14) cannot manage the credential",
      409: "passkey-limit (5 per holder), passkey-exists",
    },
    summary: "Add a passkey (F19): the authenticator's answer to the creation options; every contact is told",
    body: registerPasskeySchema,
    responses: { 201: { description: "Passkey added", schema: passkeyAddedSchema } },
  },
  {
    method: "GET",
    path: "/v1/passkeys",
    functionName: "passkeys",
    operationId: "passkeyList",
    access: { kind: "citizen" },
    problems: { 403: "forbidden: a delegated token (F14) cannot manage the credential" },
    summary: "The holder's passkeys (F19)",
    responses: { 200: { description: "Passkeys, newest first", schema: passkeyListSchema } },
  },
  {
    method: "PATCH",
    path: "/v1/passkeys/{id}",
    functionName: "passkeys",
    operationId: "passkeyUpdates",
    access: { kind: "citizen" },
    problems: {
      403: "forbidden: a delegated token (F14) cannot manage the credential",
      404: "not-found: no such passkey of the holder's",
    },
    summary: "Rename a passkey (F19)",
    body: renamePasskeySchema,
    responses: { 200: { description: "Renamed", schema: passkeySchema } },
  },
  {
    method: "DELETE",
    path: "/v1/passkeys/{id}",
    functionName: "passkeys",
    operationId: "passkeyDeletions",
    access: { kind: "citizen" },
    problems: {
      401: "reauthentication-required: the token's login (PIN or passkey) is older than 5 minutes",
      403: "forbidden: a delegated token (F14) cannot manage the credential",
      404: "not-found: no such passkey of the holder's",
    },
    summary:
      "Delete a passkey (F19), after a PIN or passkey login of the last 5 minutes; every contact is told",
    responses: { 204: { description: "Deleted" } },
  },
  {
    method: "POST",
    path: "/v1/passkey-sessions/options",
    functionName: "passkeys",
    operationId: "passkeySessionOptions",
    access: { kind: "public" },
    summary: "Start a passkey login (F19): WebAuthn request options without allowCredentials",
    responses: { 200: { description: "Request options and their challenge", schema: passkeyOptionsSchema } },
  },
  {
    method: "POST",
    path: "/v1/passkey-sessions",
    functionName: "passkeys",
    operationId: "passkeySessions",
    access: { kind: "public" },
    problems: {
      401: "invalid-credentials: the same answer for any failure (challenge, passkey, signature, credential state)",
    },
    summary: 'Log in with a passkey (F19): the same answer as POST /v1/sessions, the token with amr ["pop"]',
    body: passkeyLoginSchema,
    responses: {
      200: { description: "Authenticated, or a PIN change is required", schema: loginResultSchema },
    },
  },
];

/** Function behind API Gateway's `$default` route: answers 404/405 as problem+json. */
export const fallbackFunction: FunctionName = "notFound";

/** Function that serves the OpenAPI document, generated at synthesis (or, locally, at start) from this table. */
export const openApiFunction: FunctionName = "openapi";

/** Finds the route for a request: `route` when method and path match, `allowed` methods when only the path does. */
export function findRoute(
  method: string,
  path: string,
):
  | { route: RouteDefinition; pathParameters: Record<string, string> }
  | { route?: undefined; allowed: HttpMethod[] } {
  const allowed: HttpMethod[] = [];
  for (const route of routes) {
    const pathParameters = matchPath(route.path, path);
    if (!pathParameters) continue;
    if (route.method === method.toUpperCase()) return { route, pathParameters };
    allowed.push(route.method);
  }
  return { allowed };
}

/** The route keys of a table, for the `$default` function's ROUTE_KEYS (shared/route-match.ts). */
export function routeKeysOf(table: readonly RouteDefinition[] = routes): string {
  return formatRouteKeys(table);
}

export { matchPath };
