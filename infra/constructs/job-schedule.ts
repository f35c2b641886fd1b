import { Duration, Stack, TimeZone } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { cronExpression, type JobDefinition, scheduleTimeZone } from "#shared/jobs";
import { acknowledge, nameInPolicy } from "../nag.ts";

export interface JobScheduleProps {
  /** The job (shared/jobs.ts): when it runs, and what it is. */
  readonly job: JobDefinition;
  /** The function it invokes. */
  readonly target: lambda.IFunction;
  /** Where an invocation EventBridge Scheduler gave up on goes: the function's dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * One job on EventBridge Scheduler, in Europe/Rome time: the schedule invokes the job's function with a role
 * of its own that may invoke that function only, retried three times within the hour, then dead-lettered.
 * The schedule is this construct's default child, which keeps the logical id it had before the construct.
 */
export class JobSchedule extends Construct {
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: JobScheduleProps) {
    super(scope, id);
    const { job, target } = props;
    const role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
    });
    this.schedule = new scheduler.Schedule(this, "Default", {
      description: job.description,
      schedule: scheduler.ScheduleExpression.expression(cronExpression(job), TimeZone.of(scheduleTimeZone)),
      target: new LambdaInvoke(target, {
        role,
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      }),
    });
    acknowledge(
      role,
      "grantInvoke covers the job's function and its qualified ARNs (function:*), i.e. its versions and aliases; no other function.",
      `AwsSolutions-IAM5[Resource::${nameInPolicy(role, target, target.functionArn)}:*]`,
    );
  }
}
