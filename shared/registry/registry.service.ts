import type { Residence } from "../credentials/credential.model.ts";
import { AppError } from "../platform/errors.ts";
import type { PersonRecord } from "./registry.schema.ts";

// Eligibility on the recorded residence is one of the shared rules (credentials/eligibility.ts).
export { assertRecordedAbroad } from "../credentials/eligibility.ts";

import { getPersonOnRecord, type StoredPersonRecord } from "./registry.store.ts";

/** Names compare on their letters alone: accents, case, spaces and apostrophes do not make a mismatch. */
export function foldName(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[^A-Za-z]/g, "")
    .toUpperCase();
}

type Identity = Pick<
  PersonRecord,
  "codiceFiscale" | "surname" | "givenName" | "birthDate" | "sex" | "birthPlaceCode"
>;

function sameIdentity(record: Identity, person: Identity): boolean {
  return (
    foldName(record.surname) === foldName(person.surname) &&
    foldName(record.givenName) === foldName(person.givenName) &&
    record.birthDate === person.birthDate &&
    record.sex === person.sex &&
    record.birthPlaceCode === person.birthPlaceCode
  );
}

export function notOnRecord(): AppError {
  return new AppError(
    422,
    "not-on-record",
    "Not on record",
    "These details do not match a person in the institution's records. Call the contact center or " +
      "visit a branch with an identity document to have your record checked or updated.",
    { extra: { alternatives: ["contact-center", "branch"] } },
  );
}

/**
 * The person on record whose identity the request gives (docs/product/credential-rules.md): the record is the authority on who a
 * codice fiscale belongs to and where the letter goes. Which field differed is never said, so the answer
 * teaches nothing about the record.
 */
export async function personOnRecordFor(person: Identity): Promise<StoredPersonRecord> {
  const record = await getPersonOnRecord(person.codiceFiscale);
  if (!record || !sameIdentity(record, person)) throw notOnRecord();
  return record;
}

const foldText = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[^A-Za-z0-9]/g, "")
    .toUpperCase();

/** Whether a typed residence names another place than the recorded one (formatting aside). */
export function residenceDiffers(typed: Residence, recorded: Residence): boolean {
  return (
    typed.countryCode !== recorded.countryCode ||
    foldText(typed.city) !== foldText(recorded.city) ||
    foldText(typed.postalCode) !== foldText(recorded.postalCode) ||
    foldText(typed.addressLines.join(" ")) !== foldText(recorded.addressLines.join(" "))
  );
}
