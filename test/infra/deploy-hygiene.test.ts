import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { App, type CfnElement, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as ses from "aws-cdk-lib/aws-ses";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definePinService } from "../../infra/app.ts";
import { type BindingTargets, PinFunction } from "../../infra/constructs/pin-function.ts";
import type { DataStack } from "../../infra/data-stack.ts";
import type { EdgeStack } from "../../infra/edge-stack.ts";
import type { ServiceStack } from "../../infra/service-stack.ts";
import { type FunctionName, functionDefinitions } from "../../shared/functions.ts";
import { buildOpenApiDocument, OPENAPI_DOCUMENT_FILE } from "../../shared/openapi.ts";
import { cdkContext, testApp } from "./synth.ts";

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
      for (const stack of Object.values(stacks)) {
        const template = JSON.stringify(assembly.getStackByName(stack.stackName).template);
        const report = engine.validateTemplate(
          new cloudFormationValidate.TemplateContent(template, stack.stackName),
          {
            severityLevel: "INFO",
            pseudoParameterOverrides: { region: stack.region, accountId: "123456789012" },
            exclude: { ids: Object.keys(excludedRules) },
          },
        );
        findings.push(
          ...report.diagnostics.map(
            (d) =>
              `${stack.stackName} ${d.severity} ${d.ruleId} ${d.entity?.logicalId ?? ""} ${d.propertyPath ?? ""}: ${d.message}`,
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
  const template = () => Template.fromStack(stacks.service);

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
    template().hasResourceProperties("AWS::Logs::MetricFilter", {
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [Match.objectLike({ MetricName: "ApiThrottledRequests", MetricValue: "1" })],
    });
    expect(alarms.some((a) => a.Properties.MetricName === "ApiThrottledRequests")).toBe(true);
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

describe("synthesis with the npm registry unreachable", () => {
  const work = mkdtempSync(join(tmpdir(), "pin-offline-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** The staged asset of a function of `stack`. */
  function assetOf(assembly: CloudAssembly, stack: Stack, fn: PinFunction): string {
    const id = stack.getLogicalId(fn.function.node.defaultChild as CfnElement);
    const code = Template.fromStack(stack).toJSON().Resources[id].Properties.Code;
    return join(assembly.directory, `asset.${String(code.S3Key).replace(/\.zip$/, "")}`);
  }

  it("bundles pdfkit's fonts into the functions that render PDFs and the OpenAPI document beside its function, installs nothing, and the bundles run alone; SDK credentials from the environment only", () => {
    const saved = { ...process.env };
    // Any npm install during bundling would fail: no registry, no cache, offline.
    Object.assign(process.env, {
      npm_config_registry: "http://127.0.0.1:9/",
      npm_config_offline: "true",
      npm_config_cache: join(work, "empty-npm-cache"),
    });
    try {
      const app = new App({
        context: cdkContext,
        outdir: join(work, "cdk.out"),
        builtinCloudFormationValidation: false,
      });
      const stack = new Stack(app, "Bundles");
      const targets = bindingTargets(stack);
      const common = { targets, stage: "test", webOrigin: { origin: "https://pin.example.org" } };
      const letterBatch = new PinFunction(stack, "LetterBatch", {
        ...common,
        entry: functionDefinitions.letterBatch.entry,
      });
      const health = new PinFunction(stack, "Health", { ...common, entry: functionDefinitions.health.entry });
      const renderer = new PinFunction(stack, "Renderer", {
        ...common,
        entry: "test/fixtures/pdf-bundle-entry.ts",
      });
      const credentials = new PinFunction(stack, "Credentials", {
        ...common,
        entry: "test/fixtures/credentials-bundle-entry.ts",
      });
      const document = buildOpenApiDocument();
      const openapi = new PinFunction(stack, "OpenApi", {
        ...common,
        entry: functionDefinitions.openapi.entry,
        files: { [OPENAPI_DOCUMENT_FILE]: JSON.stringify(document) },
      });
      const assembly = app.synth();

      const batch = assetOf(assembly, stack, letterBatch);
      expect(readdirSync(batch).sort()).toEqual([
        "index.mjs",
        "index.mjs.map",
        "package.json",
        "standard-fonts",
      ]);
      expect(JSON.parse(readFileSync(join(batch, "package.json"), "utf8")).imports).toEqual({
        "#standard-fonts/*": "./standard-fonts/*.cjs",
      });
      expect(existsSync(join(batch, "standard-fonts", "Courier.cjs"))).toBe(true);
      expect(readdirSync(assetOf(assembly, stack, health)).sort()).toEqual(["index.mjs", "index.mjs.map"]);

      // The OpenAPI function serves the document generated at synthesis, beside its bundle, which carries neither
      // the route table nor the generator.
      const openapiAlone = join(work, "openapi-task");
      cpSync(assetOf(assembly, stack, openapi), openapiAlone, { recursive: true });
      expect(readdirSync(openapiAlone).sort()).toEqual(["index.mjs", "index.mjs.map", OPENAPI_DOCUMENT_FILE]);
      const openapiSources = (
        JSON.parse(readFileSync(join(openapiAlone, "index.mjs.map"), "utf8")) as { sources: string[] }
      ).sources;
      expect(openapiSources.filter((source) => /routes\.ts$|zod-to-openapi/.test(source))).toEqual([]);
      const answer = runAlone(
        openapiAlone,
        {},
        {
          rawPath: "/v1/openapi.json",
          headers: { "x-forwarded-proto": "https" },
          requestContext: {
            domainName: "api.pin.example.org",
            http: { method: "GET", path: "/v1/openapi.json" },
          },
        },
      );
      expect(answer.statusCode).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({
        ...document,
        servers: [{ url: "https://api.pin.example.org", description: "This deployment" }],
      });

      // Away from the repository and its node_modules, as in Lambda: pdfkit finds its fonts in the bundle.
      const alone = join(work, "task");
      cpSync(assetOf(assembly, stack, renderer), alone, { recursive: true });
      const rendered = runAlone(alone, {});
      expect(rendered.header).toBe("%PDF-");
      expect(rendered.bytes).toBeGreaterThan(1_000);
      // Standard fonts only: fontkit (and the Brotli decoder it carries) is left out of the bundle, and so is the
      // AES that pdfkit uses only to encrypt a document.
      const rendererMap = JSON.parse(readFileSync(join(alone, "index.mjs.map"), "utf8")) as {
        sources: string[];
      };
      expect(
        rendererMap.sources.filter((source) =>
          /\/node_modules\/(fontkit|brotli|@noble\/ciphers)\//.test(source),
        ),
      ).toEqual([]);

      // The SDK's credential providers other than the environment's are left out of every bundle, and with them
      // the clients they call; credentials come from the environment, as Lambda sets them, and without them the
      // chain fails loudly instead of reaching for a provider from elsewhere.
      const sdkOnly = join(work, "sdk-task");
      cpSync(assetOf(assembly, stack, credentials), sdkOnly, { recursive: true });
      const { sources } = JSON.parse(readFileSync(join(sdkOnly, "index.mjs.map"), "utf8")) as {
        sources: string[];
      };
      for (const left of ["nested-clients", "credential-provider-ini", "credential-provider-sso"]) {
        expect(sources.filter((source) => source.includes(`/${left}/`))).toEqual([]);
      }
      const resolve = (env: Record<string, string>) =>
        runAlone(sdkOnly, { AWS_REGION: "eu-south-1", ...env });
      expect(
        resolve({
          AWS_ACCESS_KEY_ID: "AKIDLAMBDA",
          AWS_SECRET_ACCESS_KEY: "secret",
          AWS_SESSION_TOKEN: "token",
        }),
      ).toEqual({ accessKeyId: "AKIDLAMBDA" });
      expect(resolve({}).error).toMatch(/no AWS credential provider other than environment variables/);
    } finally {
      for (const name of ["npm_config_registry", "npm_config_offline", "npm_config_cache"]) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
});

/**
 * Runs the handler of a bundle copied away from the repository (as in Lambda: nothing but the bundle's own
 * folder), with only PATH and `env` in its environment; returns what it answered, as JSON.
 */
function runAlone(dir: string, env: Record<string, string>, event?: unknown) {
  const output = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      "const { handler } = await import(process.argv[1]); const event = process.argv[2] && JSON.parse(process.argv[2]); " +
        "console.log(JSON.stringify(await handler(event, { awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 })));",
      pathToFileURL(join(dir, "index.mjs")).href,
      ...(event === undefined ? [] : [JSON.stringify(event)]),
    ],
    { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env } },
  );
  return JSON.parse(output.trim().split("\n").at(-1)!);
}

/** Minimal binding targets for functions bound to nothing. */
function bindingTargets(stack: Stack): BindingTargets {
  const dataKey = new kms.Key(stack, "DataKey", { enableKeyRotation: true });
  const configurationSet = new ses.ConfigurationSet(stack, "Email");
  return {
    table: new dynamodb.Table(stack, "Table", {
      partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
    }),
    dataKey,
    partBKey: new kms.Key(stack, "PartBKey", { enableKeyRotation: true }),
    signingKey: new kms.Key(stack, "SigningKey", {
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
    }),
    logsKey: new kms.Key(stack, "LogsKey", { enableKeyRotation: true }),
    lettersBucket: new s3.Bucket(stack, "Letters"),
    uploadsBucket: new s3.Bucket(stack, "Uploads"),
    smsSenderId: "INPSPIN",
    senderEmail: "no-reply@pin.example.org",
    emailIdentity: new ses.EmailIdentity(stack, "Sender", {
      identity: ses.Identity.email("no-reply@pin.example.org"),
      configurationSet,
    }),
    configurationSet,
  };
}
