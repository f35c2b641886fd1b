import type { CfnElement } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { type FunctionName, functionDefinitions } from "../../shared/functions.ts";
import { cronExpression, jobDefinitions } from "../../shared/jobs.ts";
import { corsPolicy } from "../../shared/platform/cors.ts";
import { operatorGroups, routes } from "../../shared/routes.ts";
import {
  edgeTemplate,
  functionResource,
  logicalId,
  monitoringTemplate,
  resourcesOf,
  service,
  serviceTemplate,
  synthesizeStacks,
} from "./stacks.ts";
import { customWebOrigin } from "./synth.ts";

beforeAll(synthesizeStacks);

describe("service stack: HTTP API", () => {
  it("has one route per route definition plus $default, and no development route", () => {
    const routeKeys = Object.values(resourcesOf(serviceTemplate, "AWS::ApiGatewayV2::Route")).map(
      (route) => route.Properties.RouteKey as string,
    );
    expect(routeKeys.sort()).toEqual(
      [...routes.map((route) => `${route.method} ${route.path}`), "$default"].sort(),
    );
    expect(routeKeys.filter((key) => key.includes("/_local"))).toEqual([]);
  });

  it("sends $default to the fallback function", () => {
    const notFound = logicalId(service.functions.notFound.function.node.defaultChild as CfnElement);
    const integrations = resourcesOf(serviceTemplate, "AWS::ApiGatewayV2::Integration");
    const defaultRoute = Object.values(resourcesOf(serviceTemplate, "AWS::ApiGatewayV2::Route")).find(
      (route) => route.Properties.RouteKey === "$default",
    );
    const integrationId = defaultRoute?.Properties.Target["Fn::Join"][1][1].Ref;
    expect(integrations[integrationId]?.Properties.IntegrationUri).toEqual({
      "Fn::GetAtt": [notFound, "Arn"],
    });
  });

  it("allows CORS from the web origin only, with the shared policy the local gateway also applies", () => {
    serviceTemplate.hasResourceProperties("AWS::ApiGatewayV2::Api", {
      ProtocolType: "HTTP",
      CorsConfiguration: {
        AllowOrigins: [customWebOrigin],
        AllowMethods: [...corsPolicy.allowMethods],
        AllowHeaders: [...corsPolicy.allowHeaders],
        MaxAge: corsPolicy.maxAgeSeconds,
      },
    });
  });

  it("throttles the default stage and logs access as JSON without body or Authorization header", () => {
    serviceTemplate.resourceCountIs("AWS::ApiGatewayV2::Stage", 1);
    const [stage] = Object.values(resourcesOf(serviceTemplate, "AWS::ApiGatewayV2::Stage"));
    expect(stage?.Properties).toMatchObject({
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: { "Fn::GetAtt": [expect.any(String), "Arn"] } },
    });
    const format: string = stage?.Properties.AccessLogSettings.Format;
    expect(Object.keys(JSON.parse(format))).toEqual(
      expect.arrayContaining(["requestId", "ip", "routeKey", "status", "latency"]),
    );
    expect(format).not.toMatch(/body|authorization|header|\$context\.path/i);
  });

  it("outputs the API URL and the user pool id", () => {
    serviceTemplate.hasOutput("ApiUrl", {});
    serviceTemplate.hasOutput("UserPoolId", {});
  });
});

describe("service stack: operators", () => {
  it("has an invitation-only user pool with MFA, a strong password policy and threat protection", () => {
    serviceTemplate.hasResource("AWS::Cognito::UserPool", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: "ON",
        UserPoolTier: "PLUS",
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 14,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
      }),
    });
  });

  it("lets the console sign operators in with Cognito's managed pages: code flow, no secret, back to /operator/", () => {
    serviceTemplate.resourceCountIs("AWS::Cognito::UserPoolDomain", 1);
    serviceTemplate.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ["code"],
      GenerateSecret: false,
      CallbackURLs: [`${customWebOrigin}/operator/`],
      SupportedIdentityProviders: ["COGNITO"],
    });
    // The deployed config.json names that domain and client: the console's sign-in is configured in AWS.
    const [deployment] = Object.values(resourcesOf(edgeTemplate, "Custom::CDKBucketDeployment")).filter(
      (resource) => JSON.stringify(resource.Properties).includes("SourceMarkers"),
    );
    const markers = JSON.stringify(deployment?.Properties.SourceMarkers);
    expect(markers).toMatch(/UserPoolDomain|SignIn/);
    expect(markers).toMatch(/OperatorConsole/);
  });

  it("has one group per operator group", () => {
    const groups = Object.values(resourcesOf(serviceTemplate, "AWS::Cognito::UserPoolGroup")).map(
      (group) => group.Properties.GroupName,
    );
    expect(groups.sort()).toEqual([...operatorGroups].sort());
  });
});

describe("service stack: jobs", () => {
  it("schedules every job in Europe/Rome with its cron expression, retries and a dead-letter queue", () => {
    serviceTemplate.resourceCountIs("AWS::Scheduler::Schedule", jobDefinitions.length);
    expect(jobDefinitions).toHaveLength(3);
    for (const job of jobDefinitions) {
      const fn = logicalId(service.functions[job.functionName].function.node.defaultChild as CfnElement);
      const queue = service.failureQueues[job.functionName];
      expect(queue, job.name).toBeDefined();
      serviceTemplate.hasResourceProperties("AWS::Scheduler::Schedule", {
        ScheduleExpression: cronExpression(job),
        ScheduleExpressionTimezone: "Europe/Rome",
        State: "ENABLED",
        Target: Match.objectLike({
          Arn: { "Fn::GetAtt": [fn, "Arn"] },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: {
            Arn: { "Fn::GetAtt": [logicalId(queue!.node.defaultChild as CfnElement), "Arn"] },
          },
        }),
      });
    }
    expect(jobDefinitions.map(cronExpression)).toEqual([
      "cron(0 2 * * ? *)",
      "cron(0 8 * * ? *)",
      "cron(0 17 * * ? *)",
    ]);
  });

  it("sends failed asynchronous invocations to an encrypted, TLS-only queue that raises an alarm", () => {
    const asyncFunctions = (Object.keys(functionDefinitions) as FunctionName[]).filter(
      (name) => (functionDefinitions[name] as { async?: boolean }).async,
    );
    expect(asyncFunctions.sort()).toEqual([
      "appointmentReminders",
      "conversionUploads",
      "expiryReminders",
      "letterBatch",
      "registryImport",
    ]);
    for (const name of asyncFunctions) {
      const queueId = logicalId(service.failureQueues[name]!.node.defaultChild as CfnElement);
      expect(functionResource(name).Properties.DeadLetterConfig).toEqual({
        TargetArn: { "Fn::GetAtt": [queueId, "Arn"] },
      });
      expect(resourcesOf(serviceTemplate, "AWS::SQS::Queue")[queueId]?.Properties.SqsManagedSseEnabled).toBe(
        true,
      );
      serviceTemplate.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        },
      });
      monitoringTemplate.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Namespace: "AWS/SQS",
        MetricName: "ApproximateNumberOfMessagesVisible",
        Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [queueId, "QueueName"] } }],
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
      });
    }
  });
});
