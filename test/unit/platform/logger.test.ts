import { afterEach, describe, expect, it, vi } from "vitest";
import { logger, redactSecrets } from "#shared/platform/logger";

describe("logger redaction", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes [REDACTED] for secret and contact fields at any depth, and keeps the rest", () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation(((chunk: string) => {
      lines.push(String(chunk));
      return true;
    }) as never);
    const spy = vi.spyOn(console, "info").mockImplementation((line: string) => lines.push(line));
    logger.info("attempt", {
      codiceFiscale: "RSSMRA80A01H501U",
      pin: "K7QW2M9X",
      nested: {
        partB: "A1B2C3D4",
        changeToken: "tok-123",
        contacts: { mobile: "+393471234567", email: "m@example.org" },
      },
      channel: "sms",
    });
    spy.mockRestore();
    const output = lines.join("\n");
    expect(output).toContain("RSSMRA80A01H501U");
    expect(output).toContain('"channel":"sms"');
    for (const secret of ["K7QW2M9X", "A1B2C3D4", "tok-123", "+393471234567", "m@example.org"]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain("[REDACTED]");
  });

  it("redacts by key whatever the case or separators", () => {
    expect(redactSecrets("Phone-PIN", "123456")).toBe("[REDACTED]");
    expect(redactSecrets("access_token", "x")).toBe("[REDACTED]");
    expect(redactSecrets("status", "active")).toBe("active");
  });
});
