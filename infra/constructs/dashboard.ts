import { Duration } from "aws-cdk-lib";
import type * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { METRICS_NAMESPACE, METRICS_SERVICE, type MetricName } from "#shared/platform/metrics";

/** A business metric of the service (SPEC §13), over all its channels: the `service` dimension alone. */
export function serviceMetric(name: MetricName, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: METRICS_SERVICE },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    ...options,
  });
}

/** Failed logins as a share of all logins, 0 below 50 logins in the period (too few to mean anything). */
export function failedLoginShare(period = Duration.minutes(5)): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: "IF(failed + succeeded >= 50, 100 * failed / (failed + succeeded), 0)",
    usingMetrics: {
      failed: serviceMetric("LoginFailed", { period }),
      succeeded: serviceMetric("LoginSucceeded", { period }),
    },
    label: "Failed logins (% of logins)",
    period,
  });
}

export interface ServiceDashboardProps {
  /** The HTTP API; its `$default` stage publishes per-route metrics (detailed metrics on). */
  readonly api: apigw.IHttpApi;
  /** The function that reads the outbox from the table's stream: its iterator age is the outbox's backlog. */
  readonly notifier: lambda.IFunction;
  /** Every dead-letter queue, by the function it serves. */
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
  /** The alarms shown at the top. */
  readonly alarms: cloudwatch.IAlarm[];
}

/**
 * The one dashboard of the service (docs/operations.md#the-dashboard): alarms; the API per route (requests,
 * 4xx, 5xx, latency p50/p99); the business metrics; letter batches; the outbox's backlog and the dead-letter
 * queues. Per-route graphs are SEARCH expressions, so a route added to the table appears without a change here.
 */
export class ServiceDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const perRoute = (metricName: string, statistic: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{AWS/ApiGateway,ApiId,Method,Resource,Stage} MetricName="${metricName}" ApiId="${props.api.apiId}"', '${statistic}', ${period.toSeconds()})`,
        label,
        period,
      });
    const graph = (
      title: string,
      metrics: cloudwatch.IMetric[],
      options: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left: metrics, width: 8, height: 6, ...options });
    const counts = (...names: MetricName[]) => names.map((name) => serviceMetric(name, { label: name }));
    const day = Duration.days(1);

    this.dashboard = new cloudwatch.Dashboard(this, "Default", {
      defaultInterval: Duration.days(1),
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: "Alarms", alarms: props.alarms, width: 24, height: 4 })],
        [
          graph("API requests per route", [perRoute("Count", "Sum", "requests")]),
          graph("API 4xx per route", [perRoute("4xx", "Sum", "4xx")]),
          graph("API 5xx per route", [perRoute("5xx", "Sum", "5xx")]),
        ],
        [
          graph("API latency p50 per route (ms)", [perRoute("Latency", "p50", "p50")], { width: 12 }),
          graph("API latency p99 per route (ms)", [perRoute("Latency", "p99", "p99")], { width: 12 }),
        ],
        [
          graph("Logins", counts("LoginSucceeded", "LoginFailed", "PasskeyLogin"), {
            right: [failedLoginShare()],
          }),
          graph("Locks and blocks", counts("CredentialLocked", "CredentialBlocked")),
          graph("PIN requests", counts("PinRequested", "PinIssued", "PartASendFailed", "PhonePinIssued")),
        ],
        [
          graph(
            "Holders' changes",
            counts(
              "PinChanged",
              "RecoveryCompleted",
              "RevocationCompleted",
              "ConversionDecided",
              "AppointmentBooked",
            ),
          ),
          graph("Letter batches (per day)", [
            serviceMetric("LettersPrinted", { period: day, label: "letters printed" }),
            serviceMetric("LettersPrinted", {
              period: day,
              statistic: cloudwatch.Stats.SAMPLE_COUNT,
              label: "runs completed",
            }),
            serviceMetric("LetterBatchFailed", { period: day, label: "runs failed" }),
          ]),
          graph("Notices", counts("NoticeDelivered", "NoticeFailed")),
        ],
        [
          graph(
            "Outbox backlog: age of the oldest notice not yet read (ms)",
            [props.notifier.metric("IteratorAge", { statistic: cloudwatch.Stats.MAXIMUM, period })],
            { width: 12 },
          ),
          graph(
            "Dead-letter queues: messages waiting",
            Object.entries(props.deadLetterQueues).map(([name, queue]) =>
              queue.metricApproximateNumberOfMessagesVisible({
                statistic: cloudwatch.Stats.MAXIMUM,
                period,
                label: name,
              }),
            ),
            { width: 12 },
          ),
        ],
      ],
    });
  }
}
