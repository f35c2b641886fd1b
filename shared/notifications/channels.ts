/** Where a message goes: a mobile number (SMS), an e-mail address, or a PEC address (sent as e-mail). */
export type Channel = "sms" | "email" | "pec";

export interface Message {
  subject: string;
  text: string;
}

export interface Contacts {
  mobile?: string;
  email?: string;
  pec?: string;
}

/** One address on one channel. */
export interface Recipient {
  channel: Channel;
  to: string;
}

/** Every registered contact as channel/address pairs. */
export function contactChannels(contacts: Contacts): Recipient[] {
  const out: Recipient[] = [];
  if (contacts.mobile) out.push({ channel: "sms", to: contacts.mobile });
  if (contacts.email) out.push({ channel: "email", to: contacts.email });
  if (contacts.pec) out.push({ channel: "pec", to: contacts.pec });
  return out;
}
