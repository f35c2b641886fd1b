import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { DataStack } from "../../infra/data-stack.ts";
import { ServiceStack } from "../../infra/service-stack.ts";
import { branches } from "../../shared/branches/branches.ts";
import { cronExpression, jobDefinitions } from "../../shared/jobs.ts";
import { cdkContext, testApp } from "./synth.ts";

/** The service stack synthesized with the settings of cdk.json, and `list` in place of the shared branches. */
function synthWith(list?: readonly unknown[]) {
  const app = testApp();
  const settings = cdkContext as Record<
    "senderEmail" | "smsSenderId" | "identityIssuer" | "identityAudience",
    string
  >;
  const data = new DataStack(app, "Data", {});
  const service = new ServiceStack(app, "Service", { ...settings, data, stage: "test", branches: list });
  return { service, template: Template.fromStack(service) };
}

const roma = branches.find((b) => b.id === "roma-eur")!;

describe("branches at synthesis (shared/branches/branches.ts)", () => {
  it("synthesizes the shared branches with the appointment-reminders schedule in their time zone, invoking its job", () => {
    const { service, template } = synthWith();
    const job = jobDefinitions.find((j) => j.name === "appointment-reminders")!;
    const target = service.resolve(service.functions.appointmentReminders.function.functionArn);
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: cronExpression(job),
      ScheduleExpressionTimezone: roma.timeZone,
      Target: { Arn: target },
    });
  });

  it("fails synthesis on a branch in another time zone than the jobs' schedule, or a malformed branch", () => {
    expect(() => synthWith([...branches, { ...roma, id: "lisboa", timeZone: "Europe/Lisbon" }])).toThrow(
      /branches lisboa are not/,
    );
    expect(() => synthWith([...branches, { ...roma }])).toThrow(/Branch ids are unique/);
    expect(() =>
      synthWith([
        {
          ...roma,
          opening: {
            mon: [
              ["08:30", "12:30"],
              ["12:00", "13:00"],
            ],
          },
        },
      ]),
    ).toThrow(/do not overlap/);
    expect(() => synthWith([{ ...roma, opening: { mon: [["08:30", "12:40"]] } }])).toThrow(
      /whole number of slots/,
    );
  });
});
