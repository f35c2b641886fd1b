import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "#shared/platform/errors";
import { type HttpEvent, httpHandler, json } from "#shared/platform/http";
import { countMetric } from "#shared/platform/metrics";
import { toHttpApiEvent } from "../../../local/events.ts";
import { emfLinesOf } from "../../fixtures/emf.ts";

const context = {
  awsRequestId: "req-1",
  functionName: "f",
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

function event(path: string): HttpEvent {
  return toHttpApiEvent(
    {
      method: "GET",
      url: path,
      rawHeaders: [],
      body: Buffer.alloc(0),
      sourceIp: "127.0.0.1",
      host: "localhost",
    },
    { routeKey: `GET ${path}` },
  );
}

const handler = httpHandler({}, async ({ event }) => {
  if (event.rawPath === "/quiet") return json(200, {});
  countMetric("LoginFailed");
  countMetric("LoginFailed");
  countMetric("PinIssued", { channel: "sms" });
  if (event.rawPath === "/refused") throw new AppError(423, "locked", "Locked", "Locked.");
  return json(200, {});
});

describe("metrics through the HTTP middy chain", () => {
  afterEach(() => vi.restoreAllMocks());

  it("flushes what an invocation counted as EMF in PinService, the channel on a line of its own", async () => {
    const lines = await emfLinesOf(() => handler(event("/counted"), context));
    expect(lines).toHaveLength(2);
    const byName = Object.fromEntries(
      lines.flatMap((line) => line._aws.CloudWatchMetrics[0]?.Metrics.map((m) => [m.Name, line]) ?? []),
    );
    expect(byName.PinIssued).toMatchObject({ service: "pin-service", channel: "sms", PinIssued: 1 });
    expect(byName.PinIssued?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: "PinService",
      Dimensions: [["service", "channel"], ["service"]],
    });
    // Two counts of one metric in one invocation: one line, both values.
    expect(byName.LoginFailed).toMatchObject({ service: "pin-service", LoginFailed: [1, 1] });
    expect(byName.LoginFailed?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service"]]);
  });

  it("flushes on a refused request too, and writes nothing (no warning either) when nothing was counted", async () => {
    const refused = await emfLinesOf(() => handler(event("/refused"), context));
    expect(refused.flatMap((l) => l._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name))).toEqual(
      expect.arrayContaining(["LoginFailed", "PinIssued"]),
    );
    // Powertools writes its warnings through a console of its own, on stderr.
    const warnings = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const quiet = await emfLinesOf(() => handler(event("/quiet"), context));
    expect(quiet).toEqual([]);
    expect(warnings).not.toHaveBeenCalled();
    // What the refused invocation counted did not linger into the next one.
    const again = await emfLinesOf(() => handler(event("/counted"), context));
    expect(again.find((l) => "LoginFailed" in l)).toMatchObject({ LoginFailed: [1, 1] });
  });
});
