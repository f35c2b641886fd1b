import { recordAuditEvent } from "../audit/audit.store.ts";
import type { Credential } from "../credentials/credential.model.ts";
import { now } from "../platform/clock.ts";
import { randomId, randomString } from "../platform/random.ts";
import type { Application, ApplicationRequest } from "./application.schema.ts";
import {
  acceptSuspended,
  applicationKey,
  putApplication,
  type StoredApplication,
  storedApplications,
} from "./application.store.ts";

/** Who submits: the holder, or a delegate acting for them (F14); both end up in the trail. */
export interface Submitter {
  actor: string;
  channel: string;
}

function protocolNumber(at: Date): string {
  return `INPS-${at.getUTCFullYear()}-${randomString("0123456789", 10)}`;
}

function publicView({
  id,
  protocolNumber,
  benefit,
  status,
  submittedAt,
  acceptedAt,
}: StoredApplication): Application {
  return { id, protocolNumber, benefit, status, submittedAt, ...(acceptedAt ? { acceptedAt } : {}) };
}

/**
 * Moves every suspended application of a holder whose PIN is now dispositivo to `accepted`, each by a
 * conditional write: parallel or repeated releases accept each application once, `submittedAt` never
 * changes, and a release cut short is finished by the next one (every read of the applications runs it).
 */
export async function releaseSuspendedApplications(codiceFiscale: string): Promise<number> {
  const acceptedAt = now().toISOString();
  let released = 0;
  for (const application of await storedApplications(codiceFiscale)) {
    if (application.status !== "suspended") continue;
    if (!(await acceptSuspended(application, acceptedAt))) continue;
    released++;
    await recordAuditEvent({
      codiceFiscale,
      type: "application-released",
      channel: "system",
      actor: "system",
      outcome: "success",
      details: { protocolNumber: application.protocolNumber, benefit: application.benefit },
    });
  }
  return released;
}

/**
 * Primary course (F11): record the application with a protocol number: `accepted` with a dispositivo PIN,
 * `suspended` with an ordinario one (its `submittedAt` is what stops the deadlines). A holder whose PIN was
 * converted has any leftover suspended application released first.
 */
export async function submitApplication(
  credential: Credential,
  input: ApplicationRequest,
  submitter: Submitter,
): Promise<Application> {
  if (credential.pinType === "dispositivo") await releaseSuspendedApplications(credential.codiceFiscale);
  const at = now();
  const submittedAt = at.toISOString();
  const id = randomId();
  const application: StoredApplication = {
    ...applicationKey(credential.codiceFiscale, submittedAt, id),
    id,
    protocolNumber: protocolNumber(at),
    benefit: input.benefit,
    status: credential.pinType === "dispositivo" ? "accepted" : "suspended",
    submittedAt,
    ...(credential.pinType === "dispositivo" ? { acceptedAt: submittedAt } : {}),
    ...(input.details ? { details: input.details } : {}),
  };
  await putApplication(application);
  await recordAuditEvent({
    codiceFiscale: credential.codiceFiscale,
    type: "application-submitted",
    channel: submitter.channel,
    actor: submitter.actor,
    outcome: "success",
    details: {
      protocolNumber: application.protocolNumber,
      benefit: input.benefit,
      status: application.status,
    },
  });
  return publicView(application);
}

/** F11: the holder's applications, newest first; a converted holder's suspended ones are released first. */
export async function listApplications(credential: Credential): Promise<{ items: Application[] }> {
  if (credential.pinType === "dispositivo") await releaseSuspendedApplications(credential.codiceFiscale);
  return { items: (await storedApplications(credential.codiceFiscale)).map(publicView) };
}
