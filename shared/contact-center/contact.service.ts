import { auditEventPut } from "../audit/audit.store.ts";
import { maskEmail, maskMobile } from "../credentials/contacts.ts";
import type { Credential } from "../credentials/credential.model.ts";
import { getCredential, versionedUpdate } from "../credentials/credential.store.ts";
import type { Contacts } from "../notifications/channels.ts";
import { contactAddedNotice } from "../notifications/messages.ts";
import { commitWithNotices } from "../notifications/outbox.store.ts";
import { addDays, now } from "../platform/clock.ts";
import { AppError, ConflictError } from "../platform/errors.ts";
import type { AddContact } from "./contact.schema.ts";

/** How long a contact added by the contact center receives no recovery link and no PIN half. */
export const ADDED_CONTACT_QUIET_DAYS = 7;

export function maskContacts(contacts: Contacts): Contacts {
  return {
    ...(contacts.mobile ? { mobile: maskMobile(contacts.mobile) } : {}),
    ...(contacts.email ? { email: maskEmail(contacts.email) } : {}),
    ...(contacts.pec ? { pec: maskEmail(contacts.pec) } : {}),
  };
}

const mask = (kind: keyof Contacts, value: string) =>
  kind === "mobile" ? maskMobile(value) : maskEmail(value);

/**
 * Primary course (F7): for a holder with at least one registered contact, add one of a kind not yet
 * registered, quiet for 7 days (no recovery link, no PIN half), and tell every previously registered
 * contact. A concurrent change to the credential makes the operator's request retry against the new state.
 */
export async function addContact(input: AddContact, operatorId: string): Promise<{ contacts: Contacts }> {
  const { kind, value } = input.contact;
  for (let attempt = 0; attempt < 3; attempt++) {
    const credential = await getCredential(input.codiceFiscale);
    if (!credential || credential.status === "revoked") {
      throw new AppError(
        404,
        "holder-not-found",
        "Holder not found",
        "No PIN holder with this codice fiscale.",
      );
    }
    assertCanAdd(credential, kind);
    const at = now();
    const quietUntil = addDays(at, ADDED_CONTACT_QUIET_DAYS).toISOString();
    const contacts = { ...credential.contacts, [kind]: value };
    // The new contact, its audit record and the notice to the contacts registered before commit together.
    const written = await commitWithNotices(
      [
        {
          Update: versionedUpdate(input.codiceFiscale, credential.version, {
            contacts,
            contactQuietUntil: { ...credential.contactQuietUntil, [kind]: quietUntil },
            updatedAt: at.toISOString(),
          }),
        },
        {
          Put: auditEventPut({
            codiceFiscale: input.codiceFiscale,
            type: "contact-added",
            channel: "contact-center",
            actor: `operator:${operatorId}`,
            outcome: "success",
            details: { kind, contact: mask(kind, value), quietUntil },
          }),
        },
      ],
      {
        type: "contact-added",
        to: credential.contacts,
        message: contactAddedNotice(kind, mask(kind, value), quietUntil),
      },
    );
    if (!written) continue;
    return { contacts: maskContacts(contacts) };
  }
  throw new ConflictError("concurrent-change", "The holder's record changed meanwhile. Please retry.");
}

function assertCanAdd(credential: Credential, kind: keyof Contacts): void {
  if (!credential.contacts.mobile && !credential.contacts.email && !credential.contacts.pec) {
    throw new AppError(
      422,
      "no-registered-contact",
      "No registered contact",
      "A contact can be added only for a holder with at least one registered contact: send them to a branch.",
    );
  }
  if (credential.contacts[kind]) {
    throw new ConflictError(
      "contact-exists",
      `A ${kind} is already registered. Changing a contact takes a revocation and a new request, or a branch visit.`,
    );
  }
}
