import { operatorOf } from "#shared/auth/external-tokens";
import { addContactSchema } from "#shared/contact-center/contact.schema";
import { addContact } from "#shared/contact-center/contact.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: operatorOf("contact-center"), body: addContactSchema },
  async ({ body, principal }) => json(200, await addContact(body, principal.operatorId)),
);
