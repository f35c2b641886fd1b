import { join } from "node:path";
import { Duration, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { Binding } from "#shared/functions";
import type { Config } from "#shared/platform/config";
import { acknowledge } from "../nag.ts";
import { bundling, repositoryRoot } from "./pin-bundling.ts";
import { type BindingTargets, type EnvironmentVariable, FunctionGrants } from "./pin-grants.ts";

export type { BindingTargets, EnvironmentVariable };

export interface PinFunctionProps {
  /** Entry file, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly targets: BindingTargets;
  /** Each binding sets its environment variable and its IAM grant together (see `bind`). @default [] */
  readonly bindings?: readonly Binding[];
  readonly stage: string;
  /**
   * The service's web origin (token issuer, links, CORS): fixed (`https://host`), or the SSM parameter the edge
   * stack writes the distribution's domain to, read at the first invocation (shared/platform/web-origin.ts).
   * @default - neither: the function never needs it (jobs)
   */
  readonly webOrigin?: { readonly origin: string } | { readonly parameterName: string };
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default "INFO" */
  readonly logLevel?: Config["LOG_LEVEL"];
  /** X-Ray active tracing. @default false */
  readonly tracing?: boolean;
  /** Where failed asynchronous invocations go. @default - none */
  readonly deadLetterQueue?: sqs.IQueue;
  /** Files generated at synthesis and written beside the bundle, by name: content. @default - none */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * A Lambda function with the service's defaults: Node.js 22 on arm64, an ESM bundle with source maps (pdfkit's
 * fonts beside it when it renders PDFs; nothing is installed at synthesis), its own log group with a retention,
 * encrypted with the logs key, and a role that starts with nothing but writing to that log group.
 * Everything else comes from `bind`, so an environment variable never exists without its grant.
 */
export class PinFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private readonly grants: FunctionGrants;

  constructor(scope: Construct, id: string, props: PinFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.targets.logsKey,
    });
    // Our own role instead of the default one, which carries the AWSLambdaBasicExecutionRole managed
    // policy (logs:* on every log group).
    this.role = new iam.Role(this, "Role", { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, "Function", {
      entry: join(repositoryRoot, props.entry),
      handler: "handler",
      projectRoot: repositoryRoot,
      depsLockFilePath: join(repositoryRoot, "package-lock.json"),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : undefined,
      deadLetterQueue: props.deadLetterQueue,
      paramsAndSecrets:
        props.webOrigin && "parameterName" in props.webOrigin
          ? lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, {
              logLevel: lambda.ParamsAndSecretsLogLevel.WARN,
            })
          : undefined,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        STAGE: props.stage,
        ...(props.webOrigin && "origin" in props.webOrigin ? { WEB_ORIGIN: props.webOrigin.origin } : {}),
        LOG_LEVEL: props.logLevel ?? "INFO",
      } satisfies Partial<Record<EnvironmentVariable | "NODE_OPTIONS", string>>,
      bundling: bundling(props.files ?? {}),
    });

    acknowledge(
      this.function,
      "Node.js 22 is the runtime the service is built and tested for (docs/product/README.md#architecture, esbuild target node22); it is supported by Lambda, and moving to a newer one is a deliberate upgrade.",
      "AwsSolutions-L1",
    );
    if (props.tracing) {
      acknowledge(
        this.role,
        "X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level permissions.",
        "AwsSolutions-IAM5[Resource::*]",
      );
    }
    this.grants = new FunctionGrants(this, props.targets);
    if (props.webOrigin && "parameterName" in props.webOrigin)
      this.readWebOrigin(props.webOrigin.parameterName);
    for (const binding of props.bindings ?? []) this.bind(binding);
  }

  /**
   * The web origin from an SSM parameter: its name and read access to that one parameter (the function asks
   * AWS's Parameters and Secrets extension, a layer, on localhost: no SSM client in the bundle).
   */
  private readWebOrigin(parameterName: string): void {
    this.setEnvironment("WEB_ORIGIN_PARAMETER", parameterName);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["ssm:GetParameter"],
        resources: [
          Stack.of(this).formatArn({
            service: "ssm",
            resource: "parameter",
            resourceName: parameterName.replace(/^\//, ""),
          }),
        ],
      }),
    );
  }

  /** Sets a variable the function reads through `config()`. */
  setEnvironment(name: EnvironmentVariable, value: string): void {
    this.function.addEnvironment(name, value);
  }

  /** Gives the function one capability: its environment variable and its IAM grant, together (pin-grants.ts). */
  bind(binding: Binding): void {
    this.grants.bind(binding);
  }
}
