import type { Message } from "./sender.ts";

/**
 * Every text the service sends, in Italian then English. Only `partAMessage` and the reminders carry
 * anything of the credential, and only the part they deliver. Security notices say what happened, when,
 * and what to do if it was not the holder.
 */
const FOOTER =
  "Se non sei stato tu, contatta subito il contact center o revoca il PIN.\n" +
  "If this was not you, call the contact center at once or revoke the PIN.";

function bilingual(subjectIt: string, subjectEn: string, it: string, en: string, footer = true): Message {
  return {
    subject: `${subjectIt} / ${subjectEn}`,
    text: `${it}\n\n${en}${footer ? `\n\n${FOOTER}` : ""}`,
  };
}

function formatRomeDate(iso: string): string {
  return new Intl.DateTimeFormat("it-IT", { timeZone: "Europe/Rome", dateStyle: "short" }).format(
    new Date(iso),
  );
}

export function partAMessage(partA: string, validUntil: string): Message {
  const date = formatRomeDate(validUntil);
  return bilingual(
    "Prima parte del PIN",
    "First part of your PIN",
    `La prima parte del tuo PIN è ${partA}. La seconda parte arriverà per posta. Valido fino al ${date}.`,
    `The first part of your PIN is ${partA}. The second part will arrive by post. Valid until ${date}.`,
    false,
  );
}

export function existingPinNotice(): Message {
  return bilingual(
    "Nuova richiesta di PIN",
    "New PIN request",
    "È stata ricevuta una richiesta di PIN per il tuo codice fiscale, ma hai già un PIN. Nessun nuovo PIN è stato emesso. " +
      "Se l'hai smarrito usa 'Ripristina PIN'; se vuoi annullarlo usa 'Revoca PIN' e poi presenta una nuova richiesta.",
    "A PIN request was received for your tax code, but you already have a PIN. No new PIN was issued. " +
      "If you lost it, use 'Recover PIN'; to cancel it, use 'Revoke PIN' and then request a new one.",
  );
}

export function pinActivatedNotice(): Message {
  return bilingual(
    "PIN attivato",
    "PIN activated",
    "Il tuo PIN è stato attivato: hai scelto il tuo PIN di 8 caratteri.",
    "Your PIN is now active: you chose your 8-character PIN.",
  );
}

export function pinChangedNotice(): Message {
  return bilingual(
    "PIN modificato",
    "PIN changed",
    "Il tuo PIN è stato modificato.",
    "Your PIN was changed.",
  );
}

export function pinLockedNotice(lockedUntil: string): Message {
  const until = new Intl.DateTimeFormat("it-IT", {
    timeZone: "Europe/Rome",
    dateStyle: "short",
    timeStyle: "short",
  }).format(new Date(lockedUntil));
  return bilingual(
    "PIN bloccato temporaneamente",
    "PIN temporarily locked",
    `Troppi tentativi errati: il tuo PIN è bloccato fino alle ${until} (ora italiana).`,
    `Too many wrong attempts: your PIN is locked until ${until} (Italian time).`,
  );
}

export function pinBlockedNotice(): Message {
  return bilingual(
    "PIN bloccato",
    "PIN blocked",
    "Troppi tentativi errati: il tuo PIN è bloccato. Per sbloccarlo usa 'Ripristina PIN' o rivolgiti a una sede.",
    "Too many wrong attempts: your PIN is blocked. To unblock it use 'Recover PIN' or visit a branch office.",
  );
}

export function expiryReminder(daysLeft: number, expiresAt: string): Message {
  const date = formatRomeDate(expiresAt);
  return bilingual(
    "Il tuo PIN sta per scadere",
    "Your PIN is about to expire",
    `Il tuo PIN scade tra ${daysLeft} giorn${daysLeft === 1 ? "o" : "i"} (${date}). Al prossimo accesso potrai sceglierne uno nuovo.`,
    `Your PIN expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"} (${date}). At your next login you can choose a new one.`,
    false,
  );
}
