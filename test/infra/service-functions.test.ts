import type { CfnElement } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Binding,
  type FunctionDefinition,
  type FunctionName,
  functionDefinitions,
} from "../../shared/functions.ts";
import {
  actionsOf,
  bindingVariables,
  cdkNotificationsHandler,
  data,
  functionResource,
  logicalId,
  ownFunctions,
  resourcesOf,
  service,
  serviceTemplate,
  statementsOf,
  synthesizeStacks,
} from "./stacks.ts";
import { cdkContext, customWebOrigin } from "./synth.ts";

beforeAll(synthesizeStacks);

describe("service stack: functions", () => {
  it("runs every function on arm64 with Node.js 22 or later, explicit memory and timeout", () => {
    const functions = Object.entries(ownFunctions());
    expect(functions.length).toBeGreaterThan(0);
    for (const [id, fn] of functions) {
      expect(fn.Properties.Architectures, id).toEqual(["arm64"]);
      const version = /^nodejs(\d+)\.x$/.exec(fn.Properties.Runtime)?.[1];
      expect(Number(version), `${id} runtime ${fn.Properties.Runtime}`).toBeGreaterThanOrEqual(22);
      expect(fn.Properties.MemorySize, id).toEqual(expect.any(Number));
      expect(fn.Properties.Timeout, id).toEqual(expect.any(Number));
      expect(fn.Properties.Handler, id).toBe("index.handler");
    }
  });

  it("sizes each function from its definition (512 MB and 10 s unless defined)", () => {
    for (const [name, definition] of Object.entries(functionDefinitions) as Array<
      [FunctionName, FunctionDefinition]
    >) {
      const fn = functionResource(name);
      expect(fn.Properties.MemorySize, name).toBe(definition.memorySize ?? 512);
      expect(fn.Properties.Timeout, name).toBe(definition.timeoutSeconds ?? 10);
    }
    expect(functionResource("letterBatch").Properties).toMatchObject({ MemorySize: 1536, Timeout: 900 });
  });

  it("gives each function the environment of its bindings and nothing it was not bound to", () => {
    const bindingOnly = new Set(Object.values(bindingVariables).flat());
    for (const [name, definition] of Object.entries(functionDefinitions) as Array<
      [FunctionName, FunctionDefinition]
    >) {
      const variables = functionResource(name).Properties.Environment.Variables as Record<string, unknown>;
      expect(variables, name).toMatchObject({
        NODE_OPTIONS: "--enable-source-maps",
        STAGE: cdkContext.stage,
        WEB_ORIGIN: customWebOrigin,
        LOG_LEVEL: "INFO",
      });
      const expected = new Set(definition.bindings.flatMap((binding) => bindingVariables[binding]));
      for (const variable of bindingOnly)
        expect(variable in variables, `${name} ${variable}`).toBe(expected.has(variable));
    }
  });

  it("gives a function bound to table:read the table name, read actions and no write action", () => {
    expect(functionDefinitions.me.bindings).toContain("table:read");
    const variables = functionResource("me").Properties.Environment.Variables;
    expect(variables.TABLE_NAME).toEqual({ "Fn::ImportValue": expect.stringContaining("Table") });
    const actions = actionsOf("me");
    expect(actions).toEqual(expect.arrayContaining(["dynamodb:GetItem", "dynamodb:Query"]));
    expect(actions).not.toEqual(expect.arrayContaining(["dynamodb:PutItem"]));
    expect(actions.filter((action) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action))).toEqual([]);
  });

  it("gives no table access to a function without a table binding (health)", () => {
    expect(functionDefinitions.health.bindings).toEqual([]);
    expect(functionResource("health").Properties.Environment.Variables.TABLE_NAME).toBeUndefined();
    expect(actionsOf("health").filter((action) => /^(dynamodb|kms):/.test(action))).toEqual([]);
  });

  it("grants each function exactly the DynamoDB actions of its table bindings, on the table or one index", () => {
    const tableArn = service.resolve(data.exportValue(data.table.tableArn));
    const expected: Record<string, string[]> = {
      "table:read": ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"],
      "table:write": [
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
      ],
    };
    for (const name of Object.keys(functionDefinitions) as FunctionName[]) {
      const bindings = functionDefinitions[name].bindings as readonly Binding[];
      const granted = new Map<string, Set<string>>();
      for (const statement of statementsOf(name)) {
        const actions = [statement.Action].flat().filter((action: string) => action.startsWith("dynamodb:"));
        if (!actions.length) continue;
        expect(statement.Effect, name).toBe("Allow");
        for (const resource of [statement.Resource].flat()) {
          const key = JSON.stringify(resource);
          granted.set(key, new Set([...(granted.get(key) ?? []), ...actions]));
        }
      }
      const wanted = new Map<string, Set<string>>();
      const tableActions = bindings.flatMap((binding) => expected[binding] ?? []);
      if (tableActions.length) wanted.set(JSON.stringify(tableArn), new Set(tableActions));
      for (const binding of bindings) {
        if (!binding.startsWith("table:query:")) continue;
        const index = binding.slice("table:query:".length);
        wanted.set(
          JSON.stringify({ "Fn::Join": ["", [tableArn, `/index/${index}`]] }),
          new Set(["dynamodb:Query"]),
        );
      }
      if (bindings.includes("table:stream")) {
        wanted.set(
          JSON.stringify(service.resolve(data.exportValue(data.table.tableStreamArn!))),
          new Set(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]),
        );
        wanted.set(JSON.stringify("*"), new Set(["dynamodb:ListStreams"]));
      }
      expect(granted, name).toEqual(wanted);
    }
  });

  it("lets each index be queried only by the function that walks it", () => {
    const querying = (index: string) =>
      (Object.keys(functionDefinitions) as FunctionName[]).filter((name) =>
        (functionDefinitions[name].bindings as readonly Binding[]).includes(
          `table:query:${index}` as Binding,
        ),
      );
    expect(querying("pending-letters")).toEqual(["letterBatch"]);
    expect(querying("expiry-reminders")).toEqual(["expiryReminders"]);
    expect(querying("conversion-queue")).toEqual(["conversionQueue"]);
  });

  it("lets the functions bound to sms:publish publish to phone numbers only, never to a topic", () => {
    const publishing = (Object.keys(functionDefinitions) as FunctionName[]).filter((name) =>
      (functionDefinitions[name].bindings as readonly Binding[]).includes("sms:publish"),
    );
    expect(publishing.length).toBeGreaterThan(0);
    for (const name of Object.keys(functionDefinitions) as FunctionName[]) {
      const statements = statementsOf(name).filter((statement) =>
        [statement.Action].flat().includes("sns:Publish"),
      );
      if (!publishing.includes(name)) {
        expect(statements, name).toEqual([]);
        continue;
      }
      // Allowed on '*' (phone numbers have no ARN), possibly beside another action without one (ListStreams).
      expect(
        statements.filter((statement) => statement.Effect === "Allow").map((statement) => statement.Resource),
        name,
      ).toEqual(["*"]);
      const denials = statements.filter((statement) => statement.Effect === "Deny");
      expect(denials, name).toHaveLength(1);
      expect(JSON.stringify(denials[0].Resource), name).toMatch(
        /^"arn:aws:sns:\*:\*:\*"$|:sns:\*:\*:\*"\]\]\}$/,
      );
    }
  });

  it("writes each function's logs to its own log group with a retention, through a role without managed policies", () => {
    for (const name of Object.keys(functionDefinitions) as FunctionName[]) {
      const logGroupId = logicalId(service.functions[name].logGroup.node.defaultChild as CfnElement);
      expect(functionResource(name).Properties.LoggingConfig, name).toEqual({
        LogGroup: { Ref: logGroupId },
      });
      serviceTemplate.hasResource("AWS::Logs::LogGroup", { Properties: { RetentionInDays: 30 } });
    }
    for (const [id, role] of Object.entries(resourcesOf(serviceTemplate, "AWS::IAM::Role"))) {
      if (id.startsWith(cdkNotificationsHandler)) continue;
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it("lets SES send only from the sender address, through the identity and configuration set", () => {
    serviceTemplate.hasResourceProperties("AWS::SES::EmailIdentity", {
      EmailIdentity: cdkContext.senderEmail,
    });
    serviceTemplate.hasResourceProperties("AWS::SES::ConfigurationSet", {
      DeliveryOptions: { TlsPolicy: "REQUIRE" },
    });
    serviceTemplate.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: "ses:SendEmail",
            Condition: { StringEquals: { "ses:FromAddress": cdkContext.senderEmail } },
          }),
        ]),
      },
    });
  });
});
