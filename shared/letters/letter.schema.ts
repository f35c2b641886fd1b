import type { Residence } from "../credentials/credential.model.ts";

/** One letter as the renderer needs it; `partB` is the only secret and never leaves the PDF. */
export interface LetterToPrint {
  letterId: string;
  reference: string;
  recipient: { surname: string; givenName: string };
  address: Residence;
  partB: string;
  validUntil: string;
  issuedAt: string;
}
