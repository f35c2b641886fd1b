import { describe, expect, it } from "vitest";
import { metricNames } from "#shared/platform/metrics";
import { pinRequestBody } from "../fixtures/requests.ts";
import { api, outbox, postJson, putOnRecord, readLogs, setClock, waitForOutbox } from "./helpers.ts";
import { issueInitialPins, linkTokenSentTo } from "./journeys.ts";

interface MetricSum {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  sum: number;
}

/** `GET /_local/metrics`, once what committed so far has gone through the notifier. */
async function metricSums(): Promise<MetricSum[]> {
  const reply = await api("/_local/metrics");
  expect(reply.status).toBe(200);
  expect(reply.headers.get("x-outbox-settled")).toBe("true");
  return reply.body.metrics as MetricSum[];
}

/** Each metric's growth between two reads, per dimension set (`Name` for `service` alone, `Name/channel`). */
function growth(before: MetricSum[], after: MetricSum[]): Record<string, number> {
  const key = (m: MetricSum) => (m.dimensions.channel ? `${m.name}/${m.dimensions.channel}` : m.name);
  const out: Record<string, number> = {};
  for (const m of after) {
    expect(m.namespace).toBe("PinService");
    const was = before.find((b) => key(b) === key(m))?.sum ?? 0;
    if (m.sum !== was) out[key(m)] = m.sum - was;
  }
  return out;
}

const WRONG = "WRONG9PN";
const NEW_PIN = "T6RW3N8Q";

describe("metrics of a journey (SPEC §13)", () => {
  it("counts request, first access, a lockout, a recovery and a letter batch, with nothing personal in any line", async () => {
    await setClock(0);
    const logsBefore = readLogs().length;
    const before = await metricSums();
    const [locked, recovered] = [pinRequestBody(), pinRequestBody()];

    // Request and letter batch: part A by SMS, part B printed.
    const pins = await issueInitialPins([locked, recovered]);
    const batch = (await metricSums()).find((m) => m.name === "LettersPrinted" && !m.dimensions.channel);
    const printedNow = (batch?.sum ?? 0) - (before.find((m) => m.name === "LettersPrinted")?.sum ?? 0);

    // First access: the 16-character PIN, then the holder's own.
    const requestIds: string[] = [];
    for (const person of [locked, recovered]) {
      const first = await postJson("/v1/sessions", {
        codiceFiscale: person.codiceFiscale,
        pin: pins.get(person.codiceFiscale),
      });
      expect(first.body.reason).toBe("first-access");
      const changed = await postJson("/v1/pin-changes", {
        changeToken: first.body.changeToken,
        newPin: NEW_PIN,
      });
      expect(changed.status).toBe(200);
      requestIds.push(changed.headers.get("x-request-id")!);
    }

    // Five wrong PINs lock; a sixth try while locked is refused like the others.
    for (let i = 0; i < 6; i++) {
      const reply = await postJson("/v1/sessions", { codiceFiscale: locked.codiceFiscale, pin: WRONG });
      expect(reply.status).toBe(401);
    }

    // Recovery with two registered contacts.
    const asked = await postJson("/v1/recoveries", {
      codiceFiscale: recovered.codiceFiscale,
      mobile: recovered.contacts.mobile,
      email: recovered.contacts.email,
    });
    expect(asked.status).toBe(202);
    await waitForOutbox((box) =>
      box.emails.some((m) => m.to === recovered.contacts.email && /token=/.test(m.text)),
    );
    const token = await linkTokenSentTo(recovered.contacts.email);
    const confirmed = await postJson("/v1/recoveries/confirm", { token });
    expect(confirmed.status).toBe(200);

    const grew = growth(before, await metricSums());
    expect(printedNow).toBeGreaterThanOrEqual(2);
    expect(grew).toMatchObject({
      PinRequested: 2,
      "PinRequested/online": 2,
      PinIssued: 2,
      "PinIssued/online": 2,
      LettersPrinted: printedNow,
      LoginSucceeded: 2,
      PinChanged: 2,
      LoginFailed: 6,
      CredentialLocked: 1,
      RecoveryCompleted: 1,
    });
    for (const absent of ["PartASendFailed", "CredentialBlocked", "LetterBatchFailed", "NoticeFailed"]) {
      expect(grew[absent]).toBeUndefined();
    }
    // Notices: two activations, the lock, the recovery's, each to SMS and e-mail; per channel adds up.
    expect(grew.NoticeDelivered).toBeGreaterThanOrEqual(8);
    expect((grew["NoticeDelivered/sms"] ?? 0) + (grew["NoticeDelivered/email"] ?? 0)).toBe(
      grew.NoticeDelivered,
    );

    // The activation notice's delivery is logged under the id of the request that committed it.
    const logs = readLogs().slice(logsBefore);
    for (const requestId of requestIds) {
      expect(logs).toMatch(
        new RegExp(
          `"message":"notice delivered"[^\\n]*"correlation_id":"${requestId}"[^\\n]*"notice":"pin-activated"`,
        ),
      );
    }

    // Every EMF line of the journey: only metric names, `service`, `channel`, counts. No person, contact, id or secret.
    const emf = logs
      .split("\n")
      .filter((line) => line.startsWith('{"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emf.length).toBeGreaterThan(10);
    const personal = [locked, recovered].flatMap((p) => [
      p.codiceFiscale,
      p.contacts.mobile,
      p.contacts.email,
      p.surname,
      pins.get(p.codiceFiscale)!,
      pins.get(p.codiceFiscale)!.slice(0, 8),
    ]);
    const secrets = [...personal, NEW_PIN, WRONG, token!, ...requestIds];
    const channels = ["sms", "email", "pec", "letter", "online", "contact-center", "branch", "back-office"];
    for (const line of emf) {
      const text = JSON.stringify(line);
      for (const secret of secrets) expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
      const { _aws, service, channel, ...values } = line as {
        _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
        service: string;
        channel?: string;
      };
      expect(service).toBe("pin-service");
      if (channel !== undefined) expect(channels).toContain(channel);
      for (const [name, value] of Object.entries(values)) {
        expect(metricNames).toContain(name);
        for (const v of [value].flat()) expect(typeof v).toBe("number");
      }
      for (const directive of _aws.CloudWatchMetrics) {
        expect(directive.Namespace).toBe("PinService");
        for (const set of directive.Dimensions)
          expect(["service", "channel"]).toEqual(expect.arrayContaining(set));
      }
    }
  });
});

describe("the local stack's reads after a change", () => {
  it("GET /_local/outbox right after a change already holds the notices it committed", async () => {
    const person = pinRequestBody();
    await putOnRecord(person);
    expect((await postJson("/v1/pin-requests", person)).status).toBe(202);
    for (let i = 0; i < 5; i++) {
      const reply = await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: WRONG });
      expect(reply.status).toBe(401);
    }
    // No waiting, no polling: the fifth failure's lock notice went outbox → stream → notifier meanwhile.
    const box = await outbox();
    const locked = (m: { text: string }) => /bloccato|locked/i.test(m.text);
    expect(box.sms.filter((m) => m.to === person.contacts.mobile && locked(m))).toHaveLength(1);
    expect(box.emails.filter((m) => m.to === person.contacts.email && locked(m))).toHaveLength(1);
  });
});
