import { personSchema } from "../credentials/person.schema.ts";
import type * as z from "../platform/zod.ts";

/**
 * One person of the institution's record of insured persons (docs/product/credential-rules.md#person-on-record): the authority on
 * who a codice fiscale belongs to and where that person lives. Part B of a PIN only ever travels to this
 * residence.
 */
export const personRecordSchema = personSchema;

export type PersonRecord = z.infer<typeof personRecordSchema>;

/** Where a record came from: an import file, a branch that checked documents, or the local stack. */
export type RecordSource = `import:${string}` | `branch:${string}` | "local";
