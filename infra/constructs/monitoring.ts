import {
  ArnFormat,
  Aspects,
  Duration,
  type IAspect,
  NestedStack,
  RemovalPolicy,
  type Stack,
} from "aws-cdk-lib";
import type * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct, IConstruct } from "constructs";
import { constructId } from "./construct-id.ts";
import { failedLoginShare, ServiceDashboard, serviceMetric } from "./dashboard.ts";

export interface MonitoringProps {
  /** Address e-mailed by the alarm topic (its owner confirms the subscription). @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * The service's monitoring, as a nested stack of the service stack: its alarms, the dashboard, the metric filter
 * that counts 429s, and where the alarms notify: an SNS topic encrypted under a key of its own that CloudWatch may
 * use for this account's alarms only, TLS only, published to by those alarms alone. Every alarm of the service
 * stack, whoever creates it and in whichever of the two templates, notifies the topic (an aspect of the parent
 * adds the action at synthesis).
 *
 * A template of its own keeps the parent well under CloudFormation's 500 resources (docs/architecture.md#stacks):
 * about two alarms per function would otherwise share the parent with the functions themselves. What the alarms
 * watch (functions, queues, the API, its access logs) stays in the parent and reaches this template as
 * parameters, which CloudFormation passes on every update: no export ties the two stacks.
 */
export class Monitoring extends NestedStack {
  readonly alarmTopic: sns.Topic;
  /** The alarms about the service as a whole (not one function's errors): the dashboard shows them first. */
  readonly serviceAlarms: cloudwatch.Alarm[] = [];
  /** The dead-letter queues watched, by function. */
  private readonly deadLetterQueues: Record<string, sqs.IQueue> = {};
  /** The service stack: its name is the namespace of the metrics counted here from its logs. */
  private readonly service: Stack;

  constructor(scope: Construct, id: string, props: MonitoringProps = {}) {
    super(scope, id, { description: "PIN service: alarms, their topic and the dashboard" });
    const service = this.nestedStackParent;
    if (!service) throw new Error("Monitoring is a nested stack: create it in the service stack");
    this.service = service;
    const alarms = this.formatArn({
      service: "cloudwatch",
      resource: "alarm",
      resourceName: "*",
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const fromAlarms = {
      StringEquals: { "aws:SourceAccount": this.account },
      ArnLike: { "aws:SourceArn": alarms },
    };
    const key = new kms.Key(this, "TopicKey", {
      description: "PIN service: alarm notifications (SNS)",
      enableKeyRotation: true,
      // Notifications are transient: nothing is kept under this key once the topic is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchAlarmsOfThisAccount",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        conditions: fromAlarms,
      }),
    );
    this.alarmTopic = new sns.Topic(this, "Topic", {
      displayName: "PIN service alarms",
      masterKey: key,
      enforceSSL: true,
    });
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchAlarmsOfThisAccount",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.alarmTopic.topicArn],
        conditions: fromAlarms,
      }),
    );
    if (props.alarmEmail)
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    Aspects.of(service).add(new NotifyOnAlarm(new cloudwatchActions.SnsAction(this.alarmTopic)));
  }

  /** A function that fails (an error the handler did not turn into an answer, a timeout) or is throttled. */
  watchFunction(name: string, fn: lambda.IFunction): void {
    const period = Duration.minutes(5);
    const alarm = (id: string, metric: cloudwatch.Metric, what: string) =>
      metric.createAlarm(this, `${constructId(name)}${id}Alarm`, {
        alarmDescription: `${name}: ${what}`,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    alarm(
      "Errors",
      fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      "invocations failed (an unhandled error or a timeout)",
    );
    alarm(
      "Throttles",
      fn.metricThrottles({ period, statistic: cloudwatch.Stats.SUM }),
      "invocations were throttled (account or reserved concurrency exhausted)",
    );
  }

  /** A dead-letter queue holding anything: `failure` says what put it there. */
  watchDeadLetters(name: string, queue: sqs.IQueue, failure: string): void {
    this.deadLetterQueues[name] = queue;
    const alarm = queue
      .metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      })
      .createAlarm(this, `${constructId(name)}FailuresAlarm`, {
        alarmDescription: `${name}: ${failure} and is waiting in its dead-letter queue`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.serviceAlarms.push(alarm);
  }

  /**
   * The API's own health: the share of 5xx answers (AWS/ApiGateway `5xx` over `Count`, both published by HTTP
   * APIs), and requests refused with 429. HTTP APIs publish no throttling metric (throttled requests only count
   * among the 4xx), so 429s are counted from the access logs: the stage's rate limit and the handlers' own
   * per-destination limits alike.
   */
  watchApi(api: apigw.HttpApi, accessLogs: logs.ILogGroup): void {
    const period = Duration.minutes(5);
    const serverErrors = new cloudwatch.MathExpression({
      expression: "IF(requests >= 20, 100 * errors / requests, 0)",
      usingMetrics: {
        errors: api.metricServerError({ period, statistic: cloudwatch.Stats.SUM }),
        requests: api.metricCount({ period, statistic: cloudwatch.Stats.SUM }),
      },
      label: "5xx answers (% of requests)",
      period,
    }).createAlarm(this, "Api5xxAlarm", {
      alarmDescription: "API: 5% or more of the requests answered 5xx (2 of the last 3 five-minute periods)",
      threshold: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // The filter lives here, beside the one alarm that reads it, and names the parent's log group (a parameter):
    // a filter needs only the group's name, and the namespace stays the service stack's, as it always was.
    const throttled = new logs.MetricFilter(this, "ApiThrottledFilter", {
      logGroup: accessLogs,
      filterPattern: logs.FilterPattern.stringValue("$.status", "=", "429"),
      metricNamespace: `PinService/${this.service.stackName}`,
      metricName: "ApiThrottledRequests",
      metricValue: "1",
      defaultValue: 0,
    });
    this.serviceAlarms.push(serverErrors);
    const throttling = throttled
      .metric({ period, statistic: cloudwatch.Stats.SUM })
      .createAlarm(this, "ApiThrottlingAlarm", {
        alarmDescription: "API: 10 or more requests answered 429 (rate limited) in five minutes",
        threshold: 10,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.serviceAlarms.push(throttling);
  }

  /**
   * The alarms on the service's own metrics (SPEC §13; what each means and what to do: docs/operations.md), then
   * the dashboard. Call it last, once the API and every dead-letter queue are watched.
   */
  watchService(props: { api: apigw.IHttpApi; notifier: lambda.IFunction }): void {
    const fiveMinutes = Duration.minutes(5);
    const alarm = (id: string, props: cloudwatch.AlarmProps) =>
      this.serviceAlarms.push(new cloudwatch.Alarm(this, id, props));
    // Credential stuffing: the failed share of logins far above what the model learnt for this hour and day.
    this.serviceAlarms.push(
      new cloudwatch.AnomalyDetectionAlarm(this, "FailedLoginShareAlarm", {
        metric: failedLoginShare(fiveMinutes),
        stdDevs: 4,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription:
          "Failed logins far above their usual share (4 standard deviations, 2 of 3 five-minute periods, 50 logins or more): credential stuffing?",
      }),
    );
    alarm("PartASendFailedAlarm", {
      metric: serviceMetric("PartASendFailed", { period: fiveMinutes }),
      threshold: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: "3 or more PIN requests in five minutes failed because part A could not be sent",
    });
    alarm("NoticeFailedAlarm", {
      metric: serviceMetric("NoticeFailed", { period: fiveMinutes }),
      threshold: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: "5 or more notice deliveries failed in 2 of the last 3 five-minute periods",
    });
    // Every completed run records LettersPrinted once (zero included): 13 two-hour periods without one is
    // 26 hours without a batch. Missing data is breaching: silence is exactly what this alarm is about.
    alarm("NoLetterBatchAlarm", {
      metric: serviceMetric("LettersPrinted", {
        period: Duration.hours(2),
        statistic: cloudwatch.Stats.SAMPLE_COUNT,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 13,
      datapointsToAlarm: 13,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: "No letter batch completed in 26 hours (the daily run did not run, or failed)",
    });
    // SES's account reputation, as rates (0-1): AWS reviews an account at 5% bounces or 0.1% complaints.
    const reputation = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: "AWS/SES",
        metricName,
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
      });
    alarm("SesBounceRateAlarm", {
      metric: reputation("Reputation.BounceRate"),
      threshold: 0.05,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: "SES bounce rate at 5% or more: the level at which AWS puts the account under review",
    });
    alarm("SesComplaintRateAlarm", {
      metric: reputation("Reputation.ComplaintRate"),
      threshold: 0.001,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        "SES complaint rate at 0.1% or more: the level at which AWS puts the account under review",
    });
    new ServiceDashboard(this, "Dashboard", {
      ...props,
      deadLetterQueues: this.deadLetterQueues,
      alarms: this.serviceAlarms,
    });
  }
}

/** Makes every alarm it visits notify `action` (the alarm topic). */
class NotifyOnAlarm implements IAspect {
  constructor(private readonly action: cloudwatch.IAlarmAction) {}

  visit(node: IConstruct): void {
    if (node instanceof cloudwatch.Alarm) node.addAlarmAction(this.action);
  }
}
