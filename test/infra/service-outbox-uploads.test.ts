import type { CfnElement } from "aws-cdk-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { uploadsPrefixes } from "../../shared/bucket-layout.ts";
import {
  type Binding,
  type FunctionName,
  functionDefinitions,
  streamConsumers,
  uploadTriggers,
} from "../../shared/functions.ts";
import {
  actionsOf,
  data,
  dataTemplate,
  functionResource,
  logicalId,
  monitoringTemplate,
  resourcesOf,
  service,
  serviceTemplate,
  statementsOf,
  synthesizeStacks,
} from "./stacks.ts";

beforeAll(synthesizeStacks);

describe("service stack: notification outbox", () => {
  it("streams the table's new images", () => {
    dataTemplate.hasResourceProperties("AWS::DynamoDB::Table", {
      StreamSpecification: { StreamViewType: "NEW_IMAGE" },
    });
  });

  it("feeds the notifier from the stream, filtered to new outbox items, with retries, bisection and partial failures", () => {
    expect(streamConsumers.map((consumer) => consumer.functionName)).toEqual(["notifier"]);
    const notifier = logicalId(service.functions.notifier.function.node.defaultChild as CfnElement);
    const queue = logicalId(service.failureQueues.notifier!.node.defaultChild as CfnElement);
    const mappings = Object.values(resourcesOf(serviceTemplate, "AWS::Lambda::EventSourceMapping"));
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      FunctionName: { Ref: notifier },
      EventSourceArn: service.resolve(data.exportValue(data.table.tableStreamArn!)),
      StartingPosition: "TRIM_HORIZON",
      BatchSize: 10,
      MaximumRetryAttempts: 8,
      MaximumRecordAgeInSeconds: 21600,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ["INSERT"],
              dynamodb: { NewImage: { kind: { S: ["outbox"] } } },
            }),
          },
        ],
      },
      DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [queue, "Arn"] } } },
    });
    monitoringTemplate.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [queue, "QueueName"] } }],
      Threshold: 0,
    });
    expect(resourcesOf(serviceTemplate, "AWS::SQS::Queue")[queue]?.Properties.SqsManagedSseEnabled).toBe(
      true,
    );
  });

  it("lets only the notifier read the stream", () => {
    const reading = (Object.keys(functionDefinitions) as FunctionName[]).filter((name) =>
      actionsOf(name).includes("dynamodb:GetRecords"),
    );
    expect(reading).toEqual(["notifier"]);
  });
});

describe("service stack: uploads", () => {
  const notifications = () => Object.entries(resourcesOf(serviceTemplate, "Custom::S3BucketNotifications"));

  it("has S3 invoke each upload trigger's function for objects created under its prefix of the uploads bucket", () => {
    const [[, notification] = [], ...others] = notifications();
    // One configuration for the bucket: two resources writing the same bucket's notifications would race.
    expect(others).toEqual([]);
    expect(notification?.Properties).toMatchObject({
      BucketName: service.resolve(data.exportValue(data.uploadsBucket.bucketName)),
      // Unmanaged: the bucket keeps any notification it has from elsewhere.
      Managed: false,
    });
    const configurations = notification?.Properties.NotificationConfiguration.LambdaFunctionConfigurations;
    expect(configurations).toHaveLength(uploadTriggers.length);
    expect(uploadTriggers.map((trigger) => trigger.functionName).sort()).toEqual([
      "conversionUploads",
      "registryImport",
    ]);
    for (const { functionName, prefix } of uploadTriggers) {
      const fn = logicalId(service.functions[functionName].function.node.defaultChild as CfnElement);
      expect(configurations, functionName).toContainEqual({
        Events: ["s3:ObjectCreated:*"],
        Filter: { Key: { FilterRules: [{ Name: "prefix", Value: prefix }] } },
        LambdaFunctionArn: { "Fn::GetAtt": [fn, "Arn"] },
      });
      serviceTemplate.hasResourceProperties("AWS::Lambda::Permission", {
        Action: "lambda:InvokeFunction",
        FunctionName: { "Fn::GetAtt": [fn, "Arn"] },
        Principal: "s3.amazonaws.com",
        SourceArn: service.resolve(data.exportValue(data.uploadsBucket.bucketArn)),
      });
    }
  });

  it("keeps the notification resource's logical id, so a deploy updates the live notifications instead of replacing them", () => {
    expect(notifications().map(([id]) => id)).toEqual([
      expect.stringMatching(/^RegistryImportBucketNotifications/),
    ]);
  });

  it("gives triggers prefixes that do not overlap, which S3 would refuse", () => {
    for (const a of uploadTriggers) {
      for (const b of uploadTriggers) {
        if (a !== b) expect(a.prefix.startsWith(b.prefix), `${a.prefix} / ${b.prefix}`).toBe(false);
      }
    }
  });

  it("lets only conversions:upload put under conversions/ and conversions:check read it; only check copies to checked-conversions/ (and deletes the copies it does not keep), which read reads; nothing else deletes", () => {
    // The import of the bucket's ARN, as every statement on the bucket or its objects names it.
    const bucketArn = JSON.stringify(service.resolve(data.exportValue(data.uploadsBucket.bucketArn)));
    for (const name of Object.keys(functionDefinitions) as FunctionName[]) {
      const bindings = functionDefinitions[name].bindings as readonly Binding[];
      const onUploads = statementsOf(name).filter((statement) =>
        JSON.stringify(statement.Resource).includes(bucketArn),
      );
      const outsideChecked = onUploads
        .filter(
          (statement) =>
            !JSON.stringify(statement.Resource).includes(`/${uploadsPrefixes.checkedConversions}*`),
        )
        .flatMap((statement) => [statement.Action].flat());
      expect(
        outsideChecked.some((action: string) => action.startsWith("s3:Delete")),
        name,
      ).toBe(false);
      const on = (prefix: string) =>
        onUploads
          .filter((statement) => JSON.stringify(statement.Resource).includes(`/${prefix}*`))
          .flatMap((statement) => [statement.Action].flat())
          .sort();
      expect(on(uploadsPrefixes.conversions), name).toEqual([
        ...(bindings.includes("conversions:check") ? ["s3:GetObject"] : []),
        ...(bindings.includes("conversions:upload") ? ["s3:PutObject"] : []),
      ]);
      expect(on(uploadsPrefixes.checkedConversions), name).toEqual(
        bindings.includes("conversions:check")
          ? ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
          : bindings.includes("conversions:read")
            ? ["s3:GetObject"]
            : [],
      );
    }
  });

  it("sends a file whose import failed, after Lambda's retries, to the function's dead-letter queue", () => {
    const queue = service.failureQueues.registryImport;
    expect(queue).toBeDefined();
    expect(functionResource("registryImport").Properties.DeadLetterConfig).toEqual({
      TargetArn: { "Fn::GetAtt": [logicalId(queue!.node.defaultChild as CfnElement), "Arn"] },
    });
  });

  it("lets the import write the table and read/write only its registry prefixes", () => {
    expect(functionDefinitions.registryImport.bindings).toEqual(["table:write", "registry:import"]);
    const actions = actionsOf("registryImport");
    expect(actions.filter((action) => action.startsWith("s3:")).sort()).toEqual([
      "s3:GetObject",
      "s3:PutObject",
    ]);
    expect(actions).not.toContain("dynamodb:GetItem");
  });
});
