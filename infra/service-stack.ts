import { CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type * as cognito from "aws-cdk-lib/aws-cognito";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3n from "aws-cdk-lib/aws-s3-notifications";
import * as ses from "aws-cdk-lib/aws-ses";
import type * as sns from "aws-cdk-lib/aws-sns";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import {
  type FunctionDefinition,
  type FunctionName,
  functionDefinitions,
  type StreamConsumer,
  streamConsumers,
  uploadTriggers,
} from "#shared/functions";
import { jobDefinitions } from "#shared/jobs";
import { buildOpenApiDocument, OPENAPI_DOCUMENT_FILE } from "#shared/openapi";
import { corsPolicy } from "#shared/platform/cors";
import { fallbackFunction, openApiFunction, type RouteDefinition, routeKeysOf, routes } from "#shared/routes";
import { checkBranches } from "./constructs/branch-check.ts";
import { constructId } from "./constructs/construct-id.ts";
import { JobSchedule } from "./constructs/job-schedule.ts";
import { Monitoring } from "./constructs/monitoring.ts";
import { Operators } from "./constructs/operators.ts";
import { PinFunction } from "./constructs/pin-function.ts";
import { accessKindsByFunction, handlerAuthorisation } from "./constructs/route-access.ts";
import { webOriginParameterName } from "./constructs/web-origin.ts";
import type { DataResources } from "./data-stack.ts";
import { acknowledge } from "./nag.ts";

export interface ServiceStackProps extends StackProps {
  readonly data: DataResources;
  readonly stage: string;
  /** Address SES sends from; its identity is verified by SES. */
  readonly senderEmail: string;
  /** Alphanumeric SMS sender ID (at most 11 characters). */
  readonly smsSenderId: string;
  /**
   * Origin of the pages and the API (`https://host`): token issuer, links, the only origin CORS allows.
   * @default - the CloudFront distribution's domain, which the edge stack tells the functions through an SSM
   * parameter and writes into the console client's sign-in URLs (constructs/web-origin.ts)
   */
  readonly webOrigin?: string;
  /** Issuer of SPID/CIE/CNS identity tokens (external OIDC provider). */
  readonly identityIssuer: string;
  /** Audience identity tokens must carry. */
  readonly identityAudience: string;
  /** @default the service's route table (shared/routes.ts) */
  readonly routes?: readonly RouteDefinition[];
  /** @default the branches taking appointments, shared/branches/branches.ts (checked here, constructs/branch-check.ts) */
  readonly branches?: readonly unknown[];
  /** Address e-mailed by the alarm topic (its owner confirms the subscription). @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * The stateless stack: one function per definition, the HTTP API built from the route table, the operator
 * user pool, the job schedules with their dead-letter queues, and SES; the alarms, their topic and the dashboard
 * in a nested stack of its own (constructs/monitoring.ts). It can be destroyed and rebuilt without losing data.
 */
export class ServiceStack extends Stack {
  readonly api: apigw.HttpApi;
  readonly functions: Record<FunctionName, PinFunction>;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  /** Where operators sign in: Cognito's managed sign-in pages for the console's code flow with PKCE. */
  readonly userPoolDomain: cognito.UserPoolDomain;
  /** Dead-letter queue of each asynchronously invoked function. */
  readonly failureQueues: Partial<Record<FunctionName, sqs.Queue>> = {};
  /** Where every alarm notifies (SNS, encrypted), in the nested `monitoring`; `alarmEmail` subscribes an address. */
  readonly alarmTopic: sns.Topic;
  readonly monitoring: Monitoring;
  private readonly data: DataResources;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    this.data = props.data;
    this.monitoring = new Monitoring(this, "Monitoring", { alarmEmail: props.alarmEmail });
    this.alarmTopic = this.monitoring.alarmTopic;

    const configurationSet = new ses.ConfigurationSet(this, "Email", {
      // Part A and recovery links travel by e-mail: never in clear between mail servers.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
    });
    const emailIdentity = new ses.EmailIdentity(this, "Sender", {
      identity: ses.Identity.email(props.senderEmail),
      configurationSet,
    });

    const operators = new Operators(this, "Operators", { stage: props.stage, webOrigin: props.webOrigin });
    this.userPool = operators.userPool;
    this.userPoolClient = operators.userPoolClient;
    this.userPoolDomain = operators.userPoolDomain;
    const operatorIssuer = operators.issuer;
    const identityIssuer = props.identityIssuer.replace(/\/+$/, "");

    checkBranches(props.branches);
    const routeTable = props.routes ?? routes;
    const accessKinds = accessKindsByFunction(routeTable);
    const entries = Object.entries(functionDefinitions) as Array<[FunctionName, FunctionDefinition]>;
    this.functions = Object.fromEntries(
      entries.map(([name, definition]) => {
        const failures = definition.async ? this.failureQueue(name) : undefined;
        const fn = new PinFunction(this, constructId(name), {
          entry: definition.entry,
          memorySize: definition.memorySize,
          timeout:
            definition.timeoutSeconds === undefined ? undefined : Duration.seconds(definition.timeoutSeconds),
          bindings: definition.bindings,
          deadLetterQueue: failures,
          stage: props.stage,
          webOrigin: props.webOrigin
            ? { origin: props.webOrigin }
            : definition.async
              ? undefined
              : { parameterName: webOriginParameterName(props.stage) },
          // The OpenAPI function serves the document generated here, without bundling the route table.
          files:
            name === openApiFunction
              ? { [OPENAPI_DOCUMENT_FILE]: JSON.stringify(buildOpenApiDocument()) }
              : undefined,
          targets: {
            ...props.data,
            smsSenderId: props.smsSenderId,
            senderEmail: props.senderEmail,
            emailIdentity,
            configurationSet,
          },
        });
        // The `$default` function answers 405 from the route keys, without bundling the route table.
        if (name === fallbackFunction) fn.setEnvironment("ROUTE_KEYS", routeKeysOf(routeTable));
        const kinds = accessKinds.get(name) ?? new Set();
        if (kinds.has("operator")) {
          fn.setEnvironment("OPERATOR_ISSUER", operatorIssuer);
          fn.setEnvironment("OPERATOR_AUDIENCE", this.userPoolClient.userPoolClientId);
          fn.setEnvironment("OPERATOR_JWKS_URL", `${operatorIssuer}/.well-known/jwks.json`);
        }
        if (kinds.has("identity") || kinds.has("citizen-or-identity")) {
          fn.setEnvironment("IDENTITY_ISSUER", identityIssuer);
          fn.setEnvironment("IDENTITY_AUDIENCE", props.identityAudience);
          fn.setEnvironment("IDENTITY_JWKS_URL", `${identityIssuer}/.well-known/jwks.json`);
        }
        this.monitoring.watchFunction(name, fn.function);
        return [name, fn];
      }),
    ) as Record<FunctionName, PinFunction>;

    this.api = this.httpApi(routeTable, props.webOrigin, {
      operator: { issuer: operatorIssuer, audience: this.userPoolClient.userPoolClientId },
      identity: { issuer: identityIssuer, audience: props.identityAudience },
    });

    for (const job of jobDefinitions) {
      const deadLetterQueue = this.failureQueues[job.functionName];
      if (!deadLetterQueue)
        throw new Error(`Job ${job.name} runs ${job.functionName}, which is not defined as async`);
      new JobSchedule(this, `${constructId(job.name)}Schedule`, {
        job,
        target: this.functions[job.functionName].function,
        deadLetterQueue,
      });
    }

    // The record import runs for each file the institution drops under registry/incoming/ (docs/product/credential-rules.md), the
    // conversion job for each document uploaded under conversions/ (F10): shared/functions.ts `uploadTriggers`.
    this.invokeOnUploads(uploadTriggers, props.data.uploadsBucket);

    // Outbox notices reach the notifier through the table's stream (docs/product/README.md#architecture): shared/functions.ts `streamConsumers`.
    this.consumeTableStream(streamConsumers, props.data.table);
    this.monitoring.watchService({ api: this.api, notifier: this.functions.notifier.function });

    new CfnOutput(this, "ApiUrl", { value: this.api.apiEndpoint });
    new CfnOutput(this, "UserPoolId", { value: this.userPool.userPoolId });
    new CfnOutput(this, "UserPoolClientId", { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, "OperatorSignInUrl", { value: this.userPoolDomain.baseUrl() });
  }

  /** HTTP API with one route per route definition, `$default` answering 404/405. */
  private httpApi(
    routeTable: readonly RouteDefinition[],
    webOrigin: string | undefined,
    issuers: Record<"operator" | "identity", { issuer: string; audience: string }>,
  ): apigw.HttpApi {
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integration = (name: FunctionName): HttpLambdaIntegration => {
      let found = integrations.get(name);
      if (!found) {
        // A function behind several routes (the passkeys') gets one API-scoped invoke permission instead of one
        // per route: the stack stays within CloudFormation's 500 resources.
        const routesServed = routeTable.filter((route) => route.functionName === name).length;
        found = new HttpLambdaIntegration(`${constructId(name)}Integration`, this.functions[name].function, {
          scopePermissionToRoute: routesServed <= 1,
        });
        integrations.set(name, found);
      }
      return found;
    };

    const api = new apigw.HttpApi(this, "Api", {
      description: "PIN service",
      createDefaultStage: false,
      defaultIntegration: integration(fallbackFunction),
      // Pages and API on the distribution's one origin need no CORS.
      corsPreflight: webOrigin
        ? {
            allowOrigins: [webOrigin],
            allowMethods: corsPolicy.allowMethods.map((method) => apigw.CorsHttpMethod[method]),
            allowHeaders: [...corsPolicy.allowHeaders],
            maxAge: Duration.seconds(corsPolicy.maxAgeSeconds),
          }
        : undefined,
    });

    // Never the body, the Authorization header or the raw path (it may carry a codice fiscale): the route
    // key names the route without its parameters.
    const accessLogs = new logs.LogGroup(this, "ApiAccessLogs", {
      retention: logs.RetentionDays.ONE_MONTH,
      encryptionKey: this.data.logsKey,
    });
    api.addStage("DefaultStage", {
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      detailedMetricsEnabled: true, // per-route metrics, for the dashboard
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            requestTime: "$context.requestTime",
            routeKey: "$context.routeKey",
            status: "$context.status",
            protocol: "$context.protocol",
            responseLength: "$context.responseLength",
            latency: "$context.responseLatency",
            integrationLatency: "$context.integrationLatency",
            integrationError: "$context.integrationErrorMessage",
          }),
        ),
      },
    });

    // Operator routes take Cognito tokens, identity routes SPID/CIE/CNS tokens of the configured issuer: API
    // Gateway checks them before any function runs, and the handler again (with the group, for operators).
    // Each authorizer is created with its first route: one that no route uses is not deployed.
    const authorizers = new Map<"operator" | "identity", HttpJwtAuthorizer>();
    const authorizerFor = (kind: "operator" | "identity") => {
      let found = authorizers.get(kind);
      if (!found) {
        const { issuer, audience } = issuers[kind];
        found = new HttpJwtAuthorizer(`${constructId(kind)}Authorizer`, issuer, { jwtAudience: [audience] });
        authorizers.set(kind, found);
      }
      return found;
    };
    for (const route of routeTable) {
      const { access } = route;
      const [added] = api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: integration(route.functionName),
        authorizer:
          access.kind === "operator" || access.kind === "identity" ? authorizerFor(access.kind) : undefined,
      });
      if (added && access.kind !== "operator" && access.kind !== "identity") {
        acknowledge(added, handlerAuthorisation[access.kind], "AwsSolutions-APIG4");
      }
    }
    this.monitoring.watchApi(api, accessLogs);
    const defaultRoute = api.node.tryFindChild("DefaultRoute");
    if (defaultRoute) {
      acknowledge(
        defaultRoute,
        "The $default route only answers 404 or 405 as problem+json for paths and methods the route table does not define; it reads no data.",
        "AwsSolutions-APIG4",
      );
    }
    return api;
  }

  /**
   * S3 invokes each trigger's function, asynchronously, for every object created under its prefix in the
   * bucket; after Lambda's retries a failed object waits in the function's dead-letter queue. The bucket is the
   * data stack's, imported here once: all its notifications go into one configuration written from this stack
   * (CDK's notifications custom resource, in its unmanaged mode, which keeps any other notification of the
   * bucket), so the data stack never refers to a function and the stacks stay in one direction.
   */
  private invokeOnUploads(
    triggers: ReadonlyArray<{ functionName: FunctionName; prefix: string }>,
    bucket: s3.IBucket,
  ): void {
    if (triggers.length === 0) return;
    // The id is older than the second trigger and must stay: it names the notification resource, and a new
    // one would be created (treating the live registry notification as foreign, which S3 refuses as an overlap)
    // and the old one deleted (removing every notification this stack wrote).
    const uploads = s3.Bucket.fromBucketAttributes(this, "RegistryImportBucket", {
      bucketArn: bucket.bucketArn,
      bucketName: bucket.bucketName,
    });
    for (const { functionName, prefix } of triggers) {
      if (!this.failureQueues[functionName])
        throw new Error(`${functionName} is invoked by S3, so it must be defined as async`);
      uploads.addEventNotification(
        s3.EventType.OBJECT_CREATED,
        new s3n.LambdaDestination(this.functions[functionName].function),
        { prefix },
      );
    }
    const handler = this.node.children.find((child) =>
      child.node.id.startsWith("BucketNotificationsHandler"),
    );
    if (handler) {
      acknowledge(
        handler,
        "CDK's own deploy-time handler that writes the bucket notification (Custom::S3BucketNotifications): CDK gives its role AWSLambdaBasicExecutionRole to write its logs; its only other permission is Get/PutBucketNotification on the uploads bucket.",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      );
    }
  }

  /**
   * An event source mapping per stream consumer: the consumer's filter (evaluated before the function is
   * invoked, so other items cost nothing), its batch size and retries, a failing batch bisected, partial batch
   * responses honoured, and the coordinates of a batch that still fails sent to a dead-letter queue with an alarm.
   * The function's `table:stream` binding is what lets the mapping read the stream.
   */
  private consumeTableStream(consumers: readonly StreamConsumer[], table: dynamodb.ITable): void {
    for (const consumer of consumers) {
      const definition: FunctionDefinition = functionDefinitions[consumer.functionName];
      if (!definition.bindings.includes("table:stream") || !table.tableStreamArn)
        throw new Error(
          `${consumer.functionName} reads the table's stream: bind table:stream, enable the stream`,
        );
      const failures = this.failureQueue(consumer.functionName, "a batch of stream records kept failing");
      acknowledge(
        failures,
        "This queue is itself a dead-letter queue: the on-failure destination of the stream's event source mapping, holding the coordinates of stream batches that kept failing (cdk-nag only recognises function and queue DLQ settings).",
        "AwsSolutions-SQS3",
      );
      this.functions[consumer.functionName].function.addEventSourceMapping("TableStream", {
        eventSourceArn: table.tableStreamArn,
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: consumer.batchSize,
        retryAttempts: consumer.retryAttempts,
        maxRecordAge: Duration.seconds(consumer.maxRecordAgeSeconds),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        filters: [lambda.FilterCriteria.filter(consumer.filter)],
        onFailure: new SqsDlq(failures),
      });
    }
  }

  /** Encrypted, TLS-only dead-letter queue for a function's failed asynchronous invocations, with an alarm. */
  private failureQueue(name: FunctionName, failure = "an asynchronous invocation failed"): sqs.Queue {
    const queue = new sqs.Queue(this, `${constructId(name)}Failures`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.monitoring.watchDeadLetters(name, queue, failure);
    this.failureQueues[name] = queue;
    return queue;
  }
}
