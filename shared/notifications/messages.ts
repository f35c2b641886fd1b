import { dateFormat } from "../platform/clock.ts";
import type { Message } from "./channels.ts";

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

const romeShortDate = dateFormat("it-IT", { timeZone: "Europe/Rome", dateStyle: "short" });
const romeShortDateTime = dateFormat("it-IT", {
  timeZone: "Europe/Rome",
  dateStyle: "short",
  timeStyle: "short",
});

function formatRomeDate(iso: string): string {
  return romeShortDate(new Date(iso));
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
  const until = romeShortDateTime(new Date(lockedUntil));
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

export function phonePinIssuedNotice(expiresAt: string): Message {
  const date = formatRomeDate(expiresAt);
  return bilingual(
    "PIN telefonico generato",
    "Phone PIN generated",
    `È stato generato un PIN telefonico per identificarti al contact center, valido fino al ${date}.`,
    `A phone PIN to identify yourself to the contact center was generated, valid until ${date}.`,
  );
}

export function linkMessage(kind: "recovery" | "revocation", link: string): Message {
  return kind === "recovery"
    ? bilingual(
        "Ripristino del PIN",
        "PIN recovery",
        `Per ricevere un nuovo PIN apri questo collegamento entro 24 ore: ${link}`,
        `To receive a new PIN, open this link within 24 hours: ${link}`,
      )
    : bilingual(
        "Revoca del PIN",
        "PIN revocation",
        `Per revocare il tuo PIN apri questo collegamento entro 24 ore: ${link}`,
        `To revoke your PIN, open this link within 24 hours: ${link}`,
      );
}

export function recoveryStartedNotice(): Message {
  return bilingual(
    "Richiesta di ripristino del PIN",
    "PIN recovery requested",
    "È stato richiesto il ripristino del tuo PIN. Il collegamento è stato inviato al tuo indirizzo e-mail o PEC registrato.",
    "A recovery of your PIN was requested. The link was sent to your registered e-mail or PEC address.",
  );
}

/** `passkeys`: the names of the holder's passkeys, which a recovery keeps (F19): the notice lists them. */
export function recoveryCompletedNotice(passkeys: readonly string[] = []): Message {
  const list = passkeys.map((name) => `"${name}"`).join(", ");
  return bilingual(
    "PIN ripristinato",
    "PIN recovered",
    "Il tuo PIN è stato ripristinato: il PIN precedente non è più valido. Riceverai le due parti del nuovo PIN su due canali diversi." +
      (list
        ? ` Le tue passkey restano valide: ${list}. Se non le riconosci, eliminale dall'area personale.`
        : ""),
    "Your PIN was recovered: the previous PIN no longer works. You will receive the two parts of the new PIN on two different channels." +
      (list
        ? ` Your passkeys still work: ${list}. If you do not recognise one, delete it in your personal area.`
        : ""),
  );
}

export function passkeyAddedNotice(name: string): Message {
  return bilingual(
    "Nuova passkey",
    "New passkey",
    `È stata aggiunta una passkey al tuo PIN: "${name}". Ora puoi accedere anche con questa passkey.`,
    `A passkey was added to your PIN: "${name}". You can now also log in with this passkey.`,
  );
}

export function passkeyRemovedNotice(name: string): Message {
  return bilingual(
    "Passkey eliminata",
    "Passkey deleted",
    `La passkey "${name}" è stata eliminata e non può più essere usata per accedere.`,
    `The passkey "${name}" was deleted and can no longer be used to log in.`,
  );
}

/**
 * One half of a recovered PIN. Both halves of one PIN carry the same pairing code, so a holder who got a half
 * of a confirmation that failed (and was retried) can tell which two belong together.
 */
export function recoveryPartMessage(
  part: "A" | "B",
  value: string,
  validUntil: string,
  pairing: string,
): Message {
  const date = formatRomeDate(validUntil);
  const it = part === "A" ? "prima" : "seconda";
  const en = part === "A" ? "first" : "second";
  return bilingual(
    `${it[0]!.toUpperCase()}${it.slice(1)} parte del nuovo PIN`,
    `${en[0]!.toUpperCase()}${en.slice(1)} part of your new PIN`,
    `La ${it} parte del tuo nuovo PIN è ${value}. Valido fino al ${date}. Codice di abbinamento ${pairing}: ` +
      "le due parti dello stesso PIN hanno lo stesso codice; se ne hai ricevute di più, usa le più recenti.",
    `The ${en} part of your new PIN is ${value}. Valid until ${date}. Pairing code ${pairing}: both parts of ` +
      "one PIN carry the same code; if you received more than one, use the latest.",
    false,
  );
}

/** F17: the contact center sent a revocation link for the holder's PIN to `masked`, which may be a new address. */
export function contactCenterRevocationNotice(masked: string): Message {
  return bilingual(
    "Revoca del PIN avviata dal contact center",
    "PIN revocation started by the contact center",
    `Su richiesta telefonica, il contact center ha inviato a ${masked} un collegamento per revocare il tuo PIN, ` +
      "valido 24 ore. Il PIN resta valido finché il collegamento non viene usato. Se non l'hai chiesto tu, " +
      "non usare il collegamento e chiama subito il contact center.",
    `At a caller's request, the contact center sent a link to revoke your PIN to ${masked}, valid 24 hours. ` +
      "The PIN keeps working until the link is used. If you did not ask for it, do not use the link and call " +
      "the contact center at once.",
  );
}

export function revokedNotice(): Message {
  return bilingual(
    "PIN revocato",
    "PIN revoked",
    "Il tuo PIN è stato revocato e non può più essere usato. Puoi presentare una nuova richiesta di PIN.",
    "Your PIN was revoked and can no longer be used. You may request a new PIN.",
  );
}

export function contactAddedNotice(
  kind: "mobile" | "email" | "pec",
  masked: string,
  quietUntil: string,
): Message {
  const date = formatRomeDate(quietUntil);
  const it = { mobile: "un numero di cellulare", email: "un indirizzo e-mail", pec: "un indirizzo PEC" }[
    kind
  ];
  const en = { mobile: "a mobile number", email: "an e-mail address", pec: "a PEC address" }[kind];
  return bilingual(
    "Nuovo recapito aggiunto",
    "New contact added",
    `Il contact center ha aggiunto ${it} ai tuoi recapiti (${masked}). Fino al ${date} non riceverà collegamenti di ripristino né parti del PIN.`,
    `The contact center added ${en} to your contacts (${masked}). Until ${date} it will receive no recovery link and no part of a PIN.`,
  );
}

export function pinReplacedAtBranchNotice(): Message {
  return bilingual(
    "PIN sostituito in sede",
    "PIN replaced at a branch",
    "Il tuo PIN è stato sostituito da un nuovo PIN consegnato di persona in una sede: il PIN precedente non è più valido.",
    "Your PIN was replaced by a new PIN handed over in person at a branch: the previous PIN no longer works.",
  );
}

export function conversionDecidedNotice(decision: "approved" | "rejected", reason?: string): Message {
  if (decision === "approved") {
    return bilingual(
      "PIN convertito in dispositivo",
      "PIN converted to dispositivo",
      "Il tuo PIN è ora dispositivo: puoi presentare domande online. Le domande sospese sono state accolte.",
      "Your PIN is now dispositivo: you can submit applications online. Your suspended applications were accepted.",
    );
  }
  return bilingual(
    "Richiesta di PIN dispositivo respinta",
    "Request for a dispositivo PIN rejected",
    `La tua richiesta di conversione del PIN è stata respinta. Motivo: ${reason ?? "-"}. Puoi presentarne una nuova.`,
    `Your request to convert the PIN was rejected. Reason: ${reason ?? "-"}. You may submit a new one.`,
  );
}

export function delegationNotice(event: "given" | "revoked", kind: string, endsOn?: string): Message {
  const until = endsOn ? ` fino al ${endsOn}` : "";
  const untilEn = endsOn ? ` until ${endsOn}` : "";
  const kindIt = { ordinary: "ordinaria", guardian: "di tutela", parent: "genitoriale" }[kind] ?? kind;
  return event === "given"
    ? bilingual(
        "Delega dell'identità digitale registrata",
        "Digital identity delegation registered",
        `È stata registrata una delega ${kindIt}${until} tra te e un'altra persona. Il delegato agisce con le proprie credenziali.`,
        `A ${kind} delegation${untilEn} between you and another person was registered. The delegate acts with their own credentials.`,
      )
    : bilingual(
        "Delega dell'identità digitale terminata",
        "Digital identity delegation ended",
        "Una delega tra te e un'altra persona è stata revocata: il delegato non può più agire per conto del delegante.",
        "A delegation between you and another person was revoked: the delegate can no longer act for the delegator.",
      );
}

/** What a branch visit is for, as the messages name it. */
const visitPurpose = {
  "pin-issuance": ["rilascio del PIN dispositivo", "issuing a dispositivo PIN"],
  "pin-conversion": ["conversione del PIN in dispositivo", "converting a PIN to dispositivo"],
  delegation: ["registrazione di una delega", "registering a delegation"],
} as const;

export interface VisitDetails {
  reference: string;
  service: keyof typeof visitPurpose;
  branch: { name: string; address: { addressLines: string[]; city: string }; timeZone: string };
  /** ISO 8601 instant of the slot's start. */
  start: string;
}

/** The visit's date and time in the branch's own time zone, in Italian then English. */
function visitWhen(visit: VisitDetails): [string, string] {
  const options: Intl.DateTimeFormatOptions = {
    timeZone: visit.branch.timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  };
  const at = new Date(visit.start);
  return [
    new Intl.DateTimeFormat("it-IT", options).format(at),
    new Intl.DateTimeFormat("en-GB", options).format(at),
  ];
}

function visitText(visit: VisitDetails): [string, string] {
  const [whenIt, whenEn] = visitWhen(visit);
  const [purposeIt, purposeEn] = visitPurpose[visit.service];
  const where = `${visit.branch.name}, ${visit.branch.address.addressLines.join(", ")}, ${visit.branch.address.city}`;
  return [
    `${whenIt} presso ${where}, per ${purposeIt}. Codice prenotazione ${visit.reference}.`,
    `${whenEn} at ${where}, for ${purposeEn}. Booking reference ${visit.reference}.`,
  ];
}

/** The booking's confirmation; the only message that carries the single-use cancel link. */
export function appointmentConfirmation(visit: VisitDetails, cancelLink: string): Message {
  const [it, en] = visitText(visit);
  return bilingual(
    "Appuntamento in sede confermato",
    "Branch appointment confirmed",
    `Appuntamento confermato: ${it} Porta un documento di identità. Per annullarlo: ${cancelLink}`,
    `Appointment confirmed: ${en} Bring an identity document. To cancel it: ${cancelLink}`,
    false,
  );
}

export function appointmentReminder(visit: VisitDetails): Message {
  const [it, en] = visitText(visit);
  return bilingual(
    "Promemoria: appuntamento in sede domani",
    "Reminder: branch appointment tomorrow",
    `Ti ricordiamo l'appuntamento di domani, ${it} Porta un documento di identità.`,
    `A reminder of your appointment tomorrow, ${en} Bring an identity document.`,
    false,
  );
}
