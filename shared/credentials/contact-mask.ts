import type { Channel } from "../notifications/channels.ts";
import { maskEmail, maskMobile } from "./contacts.ts";

/** A contact as it may be shown or logged: enough to recognise, not enough to reach. */
export function maskContact(channel: Channel, value: string): string {
  return channel === "sms" ? maskMobile(value) : maskEmail(value);
}
