import { createRequire } from "node:module";
import type { CfnElement } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { beforeAll, describe, expect, it } from "vitest";
import { definePinService } from "../../infra/app.ts";
import type { DataStack } from "../../infra/data-stack.ts";
import type { EdgeStack } from "../../infra/edge-stack.ts";
import type { ServiceStack } from "../../infra/service-stack.ts";
import { type FunctionName, functionDefinitions } from "../../shared/functions.ts";
import { nestedTemplate, testApp } from "./synth.ts";

/** What this test uses of @aws/cloudformation-validate (typed here: it is reached through aws-cdk-lib). */
interface Diagnostic {
  ruleId: string;
  severity: string;
  message: string;
  propertyPath?: string;
  entity?: { logicalId?: string };
}
interface CloudFormationValidate {
  CompositeEngine: new () => {
    validateTemplate(template: unknown, config: Record<string, unknown>): { diagnostics: Diagnostic[] };
    listRules(): Array<{ id: string; origin?: string }>;
    free(): void;
  };
  TemplateContent: new (content: string, name?: string) => unknown;
  version(): string;
}

/**
 * AWS CloudFormation Validate: the cfn-lint rule set (same rule ids, E/W/I), compiled to WebAssembly with the
 * CloudFormation resource schemas, offline. It ships inside aws-cdk-lib as a bundled dependency (the engine
 * behind `cdk synth`'s own template validation), so `npm ci` brings it with no registry beyond npm's and no
 * Python; cfn-lint itself is a Python package.
 */
const cloudFormationValidate = createRequire(createRequire(import.meta.url).resolve("aws-cdk-lib"))(
  "@aws/cloudformation-validate",
) as CloudFormationValidate;

/**
 * cfn-lint rules not applied to our templates, each with its reason. Everything else, errors, warnings and
 * informational findings alike, fails the test.
 */
const excludedRules: Record<string, string> = {
  W3005:
    "CDK makes each function depend explicitly on its role and the role's policy, so that the permissions exist before the function is created and invoked; the dependency on the role is also implied by Fn::GetAtt. A redundant dependency changes nothing at deploy time (CDK's own synth-time validation excludes this rule too).",
  I1022:
    "Informational style: CDK writes joined ARNs as Fn::Join with an empty delimiter rather than Fn::Sub; both resolve to the same value.",
  I9001:
    "Informational: names the create-only properties of each resource (a change replaces it); the table, buckets and keys are retained and their keys are fixed by design, so nothing here changes them.",
  I4010:
    "Informational: asks for an optional Metadata com.aws.cloudformation.Context block describing the architecture, which CDK does not write (CDK's own validation excludes it too).",
};

let assembly: CloudAssembly;
let stacks: { data: DataStack; service: ServiceStack; edge: EdgeStack };

beforeAll(() => {
  const app = testApp({ alarmEmail: "operations@pin.example.org" });
  stacks = definePinService(app);
  assembly = app.synth();
});

describe("cfn-lint rules on the synthesised templates (AWS CloudFormation Validate)", () => {
  it("finds nothing in any stack", () => {
    const engine = new cloudFormationValidate.CompositeEngine();
    const findings: string[] = [];
    try {
      expect(engine.listRules().filter((rule) => rule.origin === "CFN_LINT").length).toBeGreaterThan(50);
      // Each stack's template as CloudFormation receives it, the nested monitoring stack's with its parameters.
      const templates = [
        ...Object.values(stacks).map((stack) => ({
          name: stack.stackName,
          region: stack.region,
          template: assembly.getStackByName(stack.stackName).template,
        })),
        {
          name: stacks.service.monitoring.node.path,
          region: stacks.service.region,
          template: Template.fromStack(stacks.service.monitoring).toJSON(),
        },
      ];
      for (const { name, region, template } of templates) {
        const report = engine.validateTemplate(
          new cloudFormationValidate.TemplateContent(JSON.stringify(template), name),
          {
            severityLevel: "INFO",
            pseudoParameterOverrides: { region, accountId: "123456789012" },
            exclude: { ids: Object.keys(excludedRules) },
          },
        );
        findings.push(
          ...report.diagnostics.map(
            (d) =>
              `${name} ${d.severity} ${d.ruleId} ${d.entity?.logicalId ?? ""} ${d.propertyPath ?? ""}: ${d.message}`,
          ),
        );
      }
    } finally {
      engine.free();
    }
    expect(findings).toEqual([]);
  });

  it("reports what is wrong (the linter is live)", () => {
    const engine = new cloudFormationValidate.CompositeEngine();
    try {
      const broken = {
        Resources: { Queue: { Type: "AWS::SQS::Queue", Properties: { MessageRetentionPeriod: "a week" } } },
      };
      const report = engine.validateTemplate(
        new cloudFormationValidate.TemplateContent(JSON.stringify(broken)),
        {
          severityLevel: "INFO",
        },
      );
      expect(report.diagnostics.some((d) => d.severity === "ERROR" || d.severity === "FATAL")).toBe(true);
    } finally {
      engine.free();
    }
  });
});

describe("alarms", () => {
  // The service's nested monitoring stack, its parameters replaced by the parent's resources they name.
  const template = () => nestedTemplate(stacks.service.monitoring);

  it("notify one encrypted, TLS-only topic, e-mailed when alarmEmail is given, from every alarm", () => {
    const topics = template().findResources("AWS::SNS::Topic");
    expect(Object.keys(topics)).toHaveLength(1);
    const [topicId, topic] = Object.entries(topics)[0]!;
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    template().hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "operations@pin.example.org",
      TopicArn: { Ref: topicId },
    });
    template().hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
          }),
        ]),
      },
    });
    const alarms = Object.entries(template().findResources("AWS::CloudWatch::Alarm"));
    expect(alarms.length).toBeGreaterThan(2 * Object.keys(functionDefinitions).length);
    for (const [id, alarm] of alarms) expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
  });

  it("watch errors and throttles of every function", () => {
    const functionIds = Object.keys(functionDefinitions).map((name) =>
      stacks.service.getLogicalId(
        stacks.service.functions[name as FunctionName].function.node.defaultChild as CfnElement,
      ),
    );
    for (const metric of ["Errors", "Throttles"]) {
      const watched = Object.values(template().findResources("AWS::CloudWatch::Alarm"))
        .filter((a) => a.Properties.Namespace === "AWS/Lambda" && a.Properties.MetricName === metric)
        .map((a) => a.Properties.Dimensions[0].Value.Ref);
      expect(new Set(watched), metric).toEqual(new Set(functionIds));
    }
  });

  it("watch the API's 5xx share (AWS/ApiGateway 5xx over Count) and its 429s (from the access logs)", () => {
    const apiId = stacks.service.getLogicalId(stacks.service.api.node.defaultChild as CfnElement);
    // biome-ignore lint/suspicious/noExplicitAny: template JSON
    const metricsOf = (alarm: any): unknown[] =>
      (alarm.Properties.Metrics ?? [])
        .map((m: { MetricStat?: { Metric: unknown } }) => m.MetricStat?.Metric)
        .filter(Boolean);
    const alarms = Object.values(template().findResources("AWS::CloudWatch::Alarm"));
    const serverErrors = alarms.find((a) =>
      metricsOf(a).some((m) => (m as { MetricName: string }).MetricName === "5xx"),
    );
    expect(metricsOf(serverErrors!)).toEqual(
      expect.arrayContaining([
        {
          Namespace: "AWS/ApiGateway",
          MetricName: "5xx",
          Dimensions: [{ Name: "ApiId", Value: { Ref: apiId } }],
        },
        {
          Namespace: "AWS/ApiGateway",
          MetricName: "Count",
          Dimensions: [{ Name: "ApiId", Value: { Ref: apiId } }],
        },
      ]),
    );
    // Counted under the service stack's name (not the nested stack's, which CloudFormation generates), from the
    // API's access logs in the parent.
    const namespace = `PinService/${stacks.service.stackName}`;
    const accessLogs = Object.keys(
      Template.fromStack(stacks.service).findResources("AWS::Logs::LogGroup"),
    ).filter((id) => id.startsWith("ApiAccessLogs"));
    expect(accessLogs).toHaveLength(1);
    template().hasResourceProperties("AWS::Logs::MetricFilter", {
      LogGroupName: { Ref: accessLogs[0] },
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [
        Match.objectLike({
          MetricNamespace: namespace,
          MetricName: "ApiThrottledRequests",
          MetricValue: "1",
        }),
      ],
    });
    expect(
      alarms.filter(
        (a) => a.Properties.Namespace === namespace && a.Properties.MetricName === "ApiThrottledRequests",
      ),
    ).toHaveLength(1);
  });
});

describe("log groups", () => {
  it("all keep their logs for a set time, encrypted with the logs key", () => {
    const logsKey = stacks.data.resolve(stacks.data.logsKey.keyArn);
    const groups = Object.entries(Template.fromStack(stacks.service).findResources("AWS::Logs::LogGroup"));
    expect(groups.length).toBe(Object.keys(functionDefinitions).length + 1);
    for (const [id, group] of groups) {
      expect(group.Properties.RetentionInDays, id).toBeGreaterThan(0);
      // Imported from the data stack, whose export is the key's ARN.
      expect(JSON.stringify(group.Properties.KmsKeyId), id).toContain("Fn::ImportValue");
    }
    expect(logsKey).toBeDefined();
    for (const stack of [stacks.data, stacks.edge]) {
      expect(Template.fromStack(stack).findResources("AWS::Logs::LogGroup"), stack.stackName).toEqual({});
    }
  });

  it("are readable by CloudWatch Logs of this region and account only, through the key policy", () => {
    const key = stacks.data.getLogicalId(stacks.data.logsKey.node.defaultChild as CfnElement);
    const policy = Template.fromStack(stacks.data).toJSON().Resources[key].Properties.KeyPolicy;
    expect(policy.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: "Allow",
          Principal: { Service: `logs.${stacks.data.region}.amazonaws.com` },
          Condition: {
            ArnLike: {
              "kms:EncryptionContext:aws:logs:arn": {
                "Fn::Join": [
                  "",
                  [`arn:aws:logs:${stacks.data.region}:`, { Ref: "AWS::AccountId" }, ":log-group:*"],
                ],
              },
            },
          },
        }),
      ]),
    );
  });
});
