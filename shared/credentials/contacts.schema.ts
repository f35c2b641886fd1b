import * as z from "../platform/zod.ts";
import { emailSchema } from "./contacts.ts";
import { mobileSchema } from "./mobile.ts";

/** A holder's contacts as a request gives them (validating the mobile number takes the phone-number library). */
export const contactsSchema = z.withChecks(
  z.strictObject({
    mobile: z.optional(mobileSchema),
    email: z.optional(emailSchema),
    pec: z.optional(emailSchema),
  }),
  z.refine((c) => c.mobile ?? c.email ?? c.pec, "At least one contact (mobile, email or pec) is required"),
  z.meta({ minProperties: 1, description: "At least one of mobile, email (an ordinary mailbox) and pec." }),
);
