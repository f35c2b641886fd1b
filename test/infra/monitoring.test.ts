import type { CfnElement } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { metricNames } from "../../shared/platform/metrics.ts";
import {
  type Json,
  logicalId,
  monitoringTemplate,
  resourcesOf,
  service,
  synthesizeStacks,
} from "./stacks.ts";

beforeAll(synthesizeStacks);

const business = (name: string) => ({
  Namespace: "PinService",
  MetricName: name,
  Dimensions: [{ Name: "service", Value: "pin-service" }],
});

/** Every alarm of the service (its nested monitoring stack) with the metrics it reads (its own, or its math expression's). */
function alarms(): Array<{ id: string; props: Json; metrics: Json[] }> {
  return Object.entries(resourcesOf(monitoringTemplate, "AWS::CloudWatch::Alarm")).map(([id, alarm]) => ({
    id,
    props: alarm.Properties,
    metrics: alarm.Properties.MetricName
      ? [
          {
            Namespace: alarm.Properties.Namespace,
            MetricName: alarm.Properties.MetricName,
            Dimensions: alarm.Properties.Dimensions,
          },
        ]
      : (alarm.Properties.Metrics ?? []).flatMap((m: Json) => (m.MetricStat ? [m.MetricStat.Metric] : [])),
  }));
}

function alarmOn(metricName: string, namespace = "PinService") {
  const found = alarms().filter((a) =>
    a.metrics.some((m) => m.MetricName === metricName && m.Namespace === namespace),
  );
  expect(found, metricName).toHaveLength(1);
  return found[0]!;
}

const topic = () => logicalId(service.alarmTopic.node.defaultChild as CfnElement);

describe("service stack: the alarms of SPEC §13", () => {
  it("alarm when the failed share of logins leaves its anomaly band (credential stuffing)", () => {
    const { props, metrics } = alarmOn("LoginFailed");
    expect(metrics).toEqual([business("LoginFailed"), business("LoginSucceeded")]);
    const expressions = props.Metrics.filter((m: Json) => m.Expression).map((m: Json) => m.Expression);
    expect(expressions).toEqual(
      expect.arrayContaining([
        "IF(failed + succeeded >= 50, 100 * failed / (failed + succeeded), 0)",
        expect.stringMatching(/^ANOMALY_DETECTION_BAND\(\w+, 4\)$/),
      ]),
    );
    expect(props).toMatchObject({
      ComparisonOperator: "GreaterThanUpperThreshold",
      ThresholdMetricId: expect.any(String),
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: topic() }],
    });
  });

  it.each([
    ["PartASendFailed", 3, 1, undefined],
    ["NoticeFailed", 5, 3, 2],
  ])("alarm on %s: at least %i in five minutes", (name, threshold, evaluationPeriods, datapoints) => {
    const { props, metrics } = alarmOn(name);
    expect(metrics).toEqual([business(name)]);
    expect(props).toMatchObject({
      Statistic: "Sum",
      Period: 300,
      Threshold: threshold,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      EvaluationPeriods: evaluationPeriods,
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: topic() }],
    });
    expect(props.DatapointsToAlarm).toBe(datapoints);
  });

  it("alarm when no letter batch completed in 26 hours, missing data breaching", () => {
    const { props, metrics } = alarmOn("LettersPrinted");
    expect(metrics).toEqual([business("LettersPrinted")]);
    expect(props).toMatchObject({
      Statistic: "SampleCount",
      Period: 7200,
      EvaluationPeriods: 13,
      DatapointsToAlarm: 13,
      Threshold: 1,
      ComparisonOperator: "LessThanThreshold",
      TreatMissingData: "breaching",
      AlarmActions: [{ Ref: topic() }],
    });
  });

  it.each([
    ["Reputation.BounceRate", 0.05],
    ["Reputation.ComplaintRate", 0.001],
  ])("alarm on SES %s at %f", (name, threshold) => {
    const { props } = alarmOn(name, "AWS/SES");
    expect(props).toMatchObject({
      Statistic: "Maximum",
      Threshold: threshold,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: topic() }],
    });
  });

  it("alarm on any message in any dead-letter queue", () => {
    const queues = Object.values(service.failureQueues).map((q) =>
      logicalId(q.node.defaultChild as CfnElement),
    );
    expect(queues.length).toBeGreaterThanOrEqual(4);
    const watched = alarms()
      .filter((a) => a.metrics.some((m) => m.MetricName === "ApproximateNumberOfMessagesVisible"))
      .map((a) => {
        expect(a.props).toMatchObject({
          Statistic: "Maximum",
          Threshold: 0,
          ComparisonOperator: "GreaterThanThreshold",
          AlarmActions: [{ Ref: topic() }],
        });
        return a.metrics[0].Dimensions[0].Value["Fn::GetAtt"][0];
      });
    expect(new Set(watched)).toEqual(new Set(queues));
  });
});

describe("service stack: the dashboard", () => {
  const body = (): string => {
    const dashboards = Object.values(resourcesOf(monitoringTemplate, "AWS::CloudWatch::Dashboard"));
    expect(dashboards).toHaveLength(1);
    const parts = dashboards[0]!.Properties.DashboardBody["Fn::Join"][1] as Json[];
    // Tokens (the API id, queue names) as placeholders: the layout is what is checked.
    return parts.map((p) => (typeof p === "string" ? p : "<ref>")).join("");
  };

  it("shows per-route requests, 4xx, 5xx and latency p50/p99, which the stage publishes", () => {
    // The stage is the parent's; the dashboard, the nested stack's.
    Template.fromStack(service).hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      DefaultRouteSettings: { DetailedMetricsEnabled: true },
    });
    for (const [metric, stat] of [
      ["Count", "Sum"],
      ["4xx", "Sum"],
      ["5xx", "Sum"],
      ["Latency", "p50"],
      ["Latency", "p99"],
    ]) {
      expect(body()).toContain(
        `SEARCH('{AWS/ApiGateway,ApiId,Method,Resource,Stage} MetricName=\\"${metric}\\" ApiId=\\"<ref>\\"', '${stat}', 300)`,
      );
    }
  });

  it("shows every business metric, the letter batches, the outbox's backlog and the dead-letter queues", () => {
    const text = body();
    for (const name of metricNames) expect(text).toContain(`"PinService","${name}","service","pin-service"`);
    expect(text).toContain('"stat":"SampleCount"');
    expect(text).toContain('"AWS/Lambda","IteratorAge","FunctionName","<ref>"');
    const queues = text.match(/"AWS\/SQS","ApproximateNumberOfMessagesVisible"/g) ?? [];
    expect(queues).toHaveLength(Object.keys(service.failureQueues).length);
    expect(text).toContain('"type":"alarm"');
  });
});
