import type { CfnElement } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { definePinService } from "../../infra/app.ts";
import type { EnvironmentVariable } from "../../infra/constructs/pin-function.ts";
import type { DataStack } from "../../infra/data-stack.ts";
import type { EdgeStack } from "../../infra/edge-stack.ts";
import type { ServiceStack } from "../../infra/service-stack.ts";
import type { Binding, FunctionName } from "../../shared/functions.ts";
import { tableDefinition } from "../../shared/table.ts";
import { customWebOrigin, nestedTemplate, testApp } from "./synth.ts";

// What the stack tests share: the app synthesized (bundling skipped) and helpers to read its templates.

/** What each binding must put in the environment, independent of how PinFunction does it. */
export const bindingVariables: Record<Binding, EnvironmentVariable[]> = {
  ...(Object.fromEntries(
    Object.values(tableDefinition.globalSecondaryIndexes).map((index) => [
      `table:query:${index.indexName}`,
      ["TABLE_NAME"],
    ]),
  ) as Record<Extract<Binding, `table:query:${string}`>, EnvironmentVariable[]>),
  "table:read": ["TABLE_NAME"],
  "table:write": ["TABLE_NAME"],
  "table:stream": [],
  "letters:write": ["LETTERS_BUCKET"],
  "conversions:upload": ["UPLOADS_BUCKET"],
  "conversions:check": ["UPLOADS_BUCKET"],
  "conversions:read": ["UPLOADS_BUCKET"],
  "registry:import": ["REGISTRY_BUCKET"],
  "sms:publish": ["SMS_SENDER_ID"],
  "email:send": ["SENDER_EMAIL", "SES_CONFIGURATION_SET"],
  "partBKey:encrypt": ["PART_B_KEY_ID"],
  "partBKey:decrypt": ["PART_B_KEY_ID"],
  "signingKey:sign": ["SIGNING_KEY_ID"],
  "signingKey:verify": ["SIGNING_KEY_ID"],
};

// biome-ignore lint/suspicious/noExplicitAny: template JSON, read by path in assertions
export type Json = any;
export type Resource = {
  Type: string;
  Properties: Record<string, Json>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

export let assembly: CloudAssembly;
export let data: DataStack;
export let service: ServiceStack;
export let edge: EdgeStack;
export let dataTemplate: Template;
export let serviceTemplate: Template;
/** The service stack's nested monitoring stack (alarms, topic, dashboard), its parameters resolved: nestedTemplate. */
export let monitoringTemplate: Template;
export let edgeTemplate: Template;

export function logicalId(element: CfnElement): string {
  return element.stack.resolve(element.logicalId);
}

export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

export function functionResource(name: FunctionName): Resource {
  const id = logicalId(service.functions[name].function.node.defaultChild as CfnElement);
  const resource = resourcesOf(serviceTemplate, "AWS::Lambda::Function")[id];
  if (!resource) throw new Error(`No function resource for ${name}`);
  return resource;
}

/**
 * CDK's own deploy-time handler of S3 bucket notifications (Custom::S3BucketNotifications), a singleton of the
 * service stack: not one of the service's functions.
 */
export const cdkNotificationsHandler = "BucketNotificationsHandler";

/** The service's own functions: every Lambda function but CDK's notifications handler. */
export function ownFunctions(): Record<string, Resource> {
  return Object.fromEntries(
    Object.entries(resourcesOf(serviceTemplate, "AWS::Lambda::Function")).filter(
      ([id]) => !id.startsWith(cdkNotificationsHandler),
    ),
  );
}

/** The statements of the function role's inline policy. */
export function statementsOf(name: FunctionName): Json[] {
  const roleId = logicalId(service.functions[name].role.node.defaultChild as CfnElement);
  const policies = Object.values(resourcesOf(serviceTemplate, "AWS::IAM::Policy")).filter((policy) =>
    policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId),
  );
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** Every action the function's role is allowed, from its inline policy. */
export function actionsOf(name: FunctionName): string[] {
  return statementsOf(name)
    .filter((statement) => statement.Effect === "Allow")
    .flatMap((statement) => [statement.Action].flat());
}

/**
 * Synthesizes the app with a custom web origin, and sets the stacks, their templates and the cloud assembly
 * above. Call it in a beforeAll. The infra project's workers run file after file without isolation
 * (vitest.config.ts), so this module and the synthesis are shared by every file a worker runs: no test changes
 * the shared stacks (a test that needs other settings synthesizes an app of its own).
 */
export function synthesizeStacks(): void {
  if (assembly) return;
  const app = testApp({ webOrigin: customWebOrigin });
  ({ data, service, edge } = definePinService(app));
  assembly = app.synth();
  dataTemplate = Template.fromStack(data);
  serviceTemplate = Template.fromStack(service);
  monitoringTemplate = nestedTemplate(service.monitoring);
  edgeTemplate = Template.fromStack(edge);
}
