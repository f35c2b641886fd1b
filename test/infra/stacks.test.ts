import type { CfnElement } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { beforeAll, describe, expect, it } from "vitest";
import { definePinService } from "../../infra/app.ts";
import type { EnvironmentVariable } from "../../infra/constructs/pin-function.ts";
import { type DataStack, uploadsRetention } from "../../infra/data-stack.ts";
import {
  accessLogFields,
  apiPathPatterns,
  type EdgeStack,
  edgeRegion,
  rateLimits,
} from "../../infra/edge-stack.ts";
import type { ServiceStack } from "../../infra/service-stack.ts";
import { uploadsPrefixes } from "../../shared/bucket-layout.ts";
import {
  type Binding,
  type FunctionDefinition,
  type FunctionName,
  functionDefinitions,
  streamConsumers,
  uploadTriggers,
} from "../../shared/functions.ts";
import { cronExpression, jobDefinitions } from "../../shared/jobs.ts";
import { corsPolicy } from "../../shared/platform/cors.ts";
import { operatorGroups, routes } from "../../shared/routes.ts";
import { tableDefinition } from "../../shared/table.ts";
import { cdkContext, customWebOrigin, stagedAssets, testApp } from "./synth.ts";

/** What each binding must put in the environment, independent of how PinFunction does it. */
const bindingVariables: Record<Binding, EnvironmentVariable[]> = {
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
type Json = any;
type Resource = {
  Type: string;
  Properties: Record<string, Json>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

let assembly: CloudAssembly;
let data: DataStack;
let service: ServiceStack;
let edge: EdgeStack;
let dataTemplate: Template;
let serviceTemplate: Template;
let edgeTemplate: Template;

function logicalId(element: CfnElement): string {
  return element.stack.resolve(element.logicalId);
}

function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

function functionResource(name: FunctionName): Resource {
  const id = logicalId(service.functions[name].function.node.defaultChild as CfnElement);
  const resource = resourcesOf(serviceTemplate, "AWS::Lambda::Function")[id];
  if (!resource) throw new Error(`No function resource for ${name}`);
  return resource;
}

/**
 * CDK's own deploy-time handler of S3 bucket notifications (Custom::S3BucketNotifications), a singleton of the
 * service stack: not one of the service's functions.
 */
const cdkNotificationsHandler = "BucketNotificationsHandler";

/** The service's own functions: every Lambda function but CDK's notifications handler. */
function ownFunctions(): Record<string, Resource> {
  return Object.fromEntries(
    Object.entries(resourcesOf(serviceTemplate, "AWS::Lambda::Function")).filter(
      ([id]) => !id.startsWith(cdkNotificationsHandler),
    ),
  );
}

/** The statements of the function role's inline policy. */
function statementsOf(name: FunctionName): Json[] {
  const roleId = logicalId(service.functions[name].role.node.defaultChild as CfnElement);
  const policies = Object.values(resourcesOf(serviceTemplate, "AWS::IAM::Policy")).filter((policy) =>
    policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId),
  );
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** Every action the function's role is allowed, from its inline policy. */
function actionsOf(name: FunctionName): string[] {
  return statementsOf(name)
    .filter((statement) => statement.Effect === "Allow")
    .flatMap((statement) => [statement.Action].flat());
}

beforeAll(() => {
  const app = testApp({ webOrigin: customWebOrigin });
  ({ data, service, edge } = definePinService(app));
  assembly = app.synth();
  dataTemplate = Template.fromStack(data);
  serviceTemplate = Template.fromStack(service);
  edgeTemplate = Template.fromStack(edge);
});

describe("the app", () => {
  it("synthesizes without bundling when aws:cdk:bundling-stacks is empty", () => {
    // No function is bundled. The web client's BucketDeployment stages three assets whatever the setting:
    // CDK's prebuilt deployment function, its CLI layer, and web/ as it is (the client's build is skipped).
    expect(stagedAssets(assembly)).toHaveLength(3);
    expect(Object.keys(ownFunctions())).toHaveLength(Object.keys(functionDefinitions).length);
  });

  it("rejects context values that are not valid, naming them", () => {
    const app = testApp({ senderEmail: "not-an-address", webOrigin: "https://pin.example.org/path" });
    expect(() => definePinService(app)).toThrow(/senderEmail.*webOrigin/s);
  });

  it("names no physical resource (no literal name; references to generated names are fine)", () => {
    const named = [
      "TableName",
      "BucketName",
      "FunctionName",
      "QueueName",
      "UserPoolName",
      "RoleName",
      "LogGroupName",
    ];
    for (const template of [dataTemplate, serviceTemplate, edgeTemplate]) {
      for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, Resource>)) {
        if (resource.Type === "AWS::Cognito::UserPoolGroup") continue; // handlers authorise on group names
        for (const property of named) {
          expect(typeof resource.Properties?.[property], `${id}.${property}`).not.toBe("string");
        }
      }
    }
  });
});

describe("data stack", () => {
  it("builds the table from the shared definition: keys, TTL, every GSI, on demand, PITR, KMS, retained", () => {
    const indexes = Object.values(tableDefinition.globalSecondaryIndexes);
    dataTemplate.resourceCountIs("AWS::DynamoDB::Table", 1);
    dataTemplate.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: {
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true },
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: {
          SSEEnabled: true,
          SSEType: "KMS",
          KMSMasterKeyId: { "Fn::GetAtt": [logicalId(data.dataKey.node.defaultChild as CfnElement), "Arn"] },
        },
        GlobalSecondaryIndexes: indexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: "HASH" },
            { AttributeName: index.sortKey, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        })),
      },
    });
    expect(indexes.map((index) => index.indexName)).toEqual(
      expect.arrayContaining(["pending-letters", "expiry-reminders", "conversion-queue"]),
    );
  });

  it("rotates the data, part-B and logs keys and signs with an ECC_NIST_P256 key; all retained", () => {
    dataTemplate.resourceCountIs("AWS::KMS::Key", 4);
    expect(
      resourcesOf(dataTemplate, "AWS::KMS::Key")[logicalId(data.logsKey.node.defaultChild as CfnElement)],
    ).toMatchObject({
      DeletionPolicy: "Retain",
      Properties: { EnableKeyRotation: true },
    });
    const partBKey = resourcesOf(dataTemplate, "AWS::KMS::Key")[
      logicalId(data.partBKey.node.defaultChild as CfnElement)
    ];
    expect(partBKey).toMatchObject({
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: { EnableKeyRotation: true },
    });
    expect(partBKey?.Properties.KeySpec).toBeUndefined();
    dataTemplate.hasResource("AWS::KMS::Key", {
      DeletionPolicy: "Retain",
      Properties: { EnableKeyRotation: true, KeySpec: Match.absent() },
    });
    dataTemplate.hasResource("AWS::KMS::Key", {
      DeletionPolicy: "Retain",
      Properties: { KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" },
    });
  });

  const bucketResource = (bucket: typeof data.uploadsBucket) =>
    resourcesOf(dataTemplate, "AWS::S3::Bucket")[logicalId(bucket.node.defaultChild as CfnElement)];

  it("encrypts the letters and uploads buckets with the data key, versions them and logs their access", () => {
    const dataKeyArn = { "Fn::GetAtt": [logicalId(data.dataKey.node.defaultChild as CfnElement), "Arn"] };
    const logsBucket = { Ref: logicalId(data.accessLogsBucket.node.defaultChild as CfnElement) };
    for (const bucket of [data.lettersBucket, data.uploadsBucket]) {
      const resource = bucketResource(bucket);
      expect(resource?.DeletionPolicy).toBe("Retain");
      expect(resource?.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              ServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: dataKeyArn },
              BucketKeyEnabled: true,
            },
          ],
        },
        VersioningConfiguration: { Status: "Enabled" },
        LoggingConfiguration: { DestinationBucketName: logsBucket },
      });
    }
  });

  it("keeps letters 90 days (part B is in them), replaced versions 7", () => {
    expect(bucketResource(data.lettersBucket)?.Properties.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: "expire",
          Status: "Enabled",
          ExpirationInDays: 90,
          NoncurrentVersionExpiration: { NoncurrentDays: 7 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
      ],
    });
  });

  it("keeps conversion documents 400 days, record files 30, anything else at most 400; replaced versions less", () => {
    const rules: Json[] = bucketResource(data.uploadsBucket)?.Properties.LifecycleConfiguration.Rules;
    const byPrefix = new Map(rules.map((rule) => [rule.Prefix, rule]));
    expect(rules).toHaveLength(byPrefix.size);
    const rule = (prefix: string | undefined, days: number, noncurrentDays: number) => ({
      Id: expect.any(String),
      ...(prefix === undefined ? {} : { Prefix: prefix }),
      Status: "Enabled",
      ExpirationInDays: days,
      NoncurrentVersionExpiration: { NoncurrentDays: noncurrentDays },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    });
    expect(byPrefix.get(uploadsPrefixes.conversions)).toEqual(rule(uploadsPrefixes.conversions, 400, 7));
    expect(byPrefix.get(uploadsPrefixes.registryIncoming)).toEqual(
      rule(uploadsPrefixes.registryIncoming, 30, 1),
    );
    // Bucket-wide: covers the import reports and anything put elsewhere.
    expect(byPrefix.get(undefined)).toEqual(rule(undefined, 400, 30));
    // S3 honours the shortest of overlapping expirations: a prefix rule longer than the bucket-wide one would
    // silently not apply.
    for (const { Prefix, ExpirationInDays, NoncurrentVersionExpiration } of rules) {
      expect(ExpirationInDays, Prefix).toBeLessThanOrEqual(400);
      expect(NoncurrentVersionExpiration.NoncurrentDays, Prefix).toBeLessThanOrEqual(30);
    }
    // A record file outlives the 14 days a failed import waits in its dead-letter queue, so a redrive finds it.
    const failures = service.failureQueues.registryImport!.node.defaultChild as CfnElement;
    const retention = resourcesOf(serviceTemplate, "AWS::SQS::Queue")[logicalId(failures)]?.Properties
      .MessageRetentionPeriod;
    expect(uploadsRetention.registryIncoming.expiration.toSeconds()).toBeGreaterThan(retention);
  });

  it("answers browsers from the web origin only: presigned POST uploads, GET and HEAD previews, ETag exposed", () => {
    expect(bucketResource(data.uploadsBucket)?.Properties.CorsConfiguration).toEqual({
      CorsRules: [
        {
          Id: expect.any(String),
          AllowedOrigins: [customWebOrigin],
          AllowedMethods: ["POST", "GET", "HEAD"],
          AllowedHeaders: ["content-type"],
          ExposedHeaders: ["ETag"],
          MaxAge: 600,
        },
      ],
    });
    for (const bucket of [data.lettersBucket, data.accessLogsBucket]) {
      expect(bucketResource(bucket)?.Properties.CorsConfiguration, bucket.node.id).toBeUndefined();
    }
  });

  it("blocks public access, refuses plain HTTP and retains every bucket", () => {
    const buckets = resourcesOf(dataTemplate, "AWS::S3::Bucket");
    expect(Object.keys(buckets)).toHaveLength(3);
    for (const [id, bucket] of Object.entries(buckets)) {
      expect(bucket.DeletionPolicy, id).toBe("Retain");
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.AccessControl, id).toBeUndefined();
      for (const policy of Object.values(resourcesOf(dataTemplate, "AWS::S3::BucketPolicy"))) {
        if (policy.Properties.Bucket.Ref !== id) continue;
        const allowsAnyone = (policy.Properties.PolicyDocument.Statement as Json[]).filter(
          (statement) => statement.Effect === "Allow" && JSON.stringify(statement.Principal).includes('"*"'),
        );
        expect(allowsAnyone, id).toEqual([]);
      }
      dataTemplate.hasResourceProperties("AWS::S3::BucketPolicy", {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: "Deny",
              Action: "s3:*",
              Principal: { AWS: "*" },
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            }),
          ]),
        },
      });
    }
  });

  it("outputs the table and letters bucket names", () => {
    dataTemplate.hasOutput("TableName", {});
    dataTemplate.hasOutput("LettersBucketName", {});
  });
});

describe("part B", () => {
  /** Every statement of every IAM policy of the service stack, with the role it is attached to. */
  function statementsByRole(): Array<{ role: string; statement: Json }> {
    return Object.values(resourcesOf(serviceTemplate, "AWS::IAM::Policy")).flatMap((policy) =>
      (policy.Properties.Roles as Array<{ Ref: string }>).flatMap((role) =>
        (policy.Properties.PolicyDocument.Statement as Json[]).map((statement) => ({
          role: role.Ref,
          statement,
        })),
      ),
    );
  }
  const allows = (statement: Json, action: string) =>
    statement.Effect === "Allow" &&
    [statement.Action].flat().some((granted: string) => granted === action || granted === "kms:*");

  it("has a key of its own that refuses any use without the part-B purpose and a letter id", () => {
    const keyId = logicalId(data.partBKey.node.defaultChild as CfnElement);
    const denials = resourcesOf(dataTemplate, "AWS::KMS::Key")[keyId]?.Properties.KeyPolicy.Statement.filter(
      (statement: Json) => statement.Effect === "Deny",
    );
    expect(denials).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Principal: { AWS: "*" },
          Action: expect.arrayContaining(["kms:Decrypt", "kms:Encrypt"]),
          Condition: { StringNotEquals: { "kms:EncryptionContext:purpose": "part-b" } },
        }),
        expect.objectContaining({
          Principal: { AWS: "*" },
          Action: expect.arrayContaining(["kms:Decrypt", "kms:Encrypt"]),
          Condition: { Null: { "kms:EncryptionContext:letterId": "true" } },
        }),
      ]),
    );
    expect(logicalId(data.partBKey.node.defaultChild as CfnElement)).not.toBe(
      logicalId(data.dataKey.node.defaultChild as CfnElement),
    );
  });

  it("lets only the letter batch decrypt with the part-B key, with the encryption context", () => {
    const keyId = logicalId(data.partBKey.node.defaultChild as CfnElement);
    const onPartBKey = statementsByRole().filter(({ statement }) =>
      JSON.stringify(statement.Resource).includes(keyId),
    );
    const decrypting = onPartBKey.filter(({ statement }) => allows(statement, "kms:Decrypt"));
    expect(decrypting.map(({ role }) => role)).toEqual([
      logicalId(service.functions.letterBatch.role.node.defaultChild as CfnElement),
    ]);
    for (const { statement } of onPartBKey) {
      expect(statement.Condition).toEqual({
        StringEquals: { "kms:EncryptionContext:purpose": "part-b" },
        Null: { "kms:EncryptionContext:letterId": "false" },
        "ForAllValues:StringEquals": { "kms:EncryptionContextKeys": ["purpose", "letterId"] },
      });
    }
    // No role decrypts with any key at all through a wildcard resource.
    const anyKey = statementsByRole().filter(
      ({ statement }) => allows(statement, "kms:Decrypt") && [statement.Resource].flat().includes("*"),
    );
    expect(anyKey).toEqual([]);
  });

  it("lets only the functions bound to partBKey:encrypt encrypt with it, and nothing more", () => {
    const keyId = logicalId(data.partBKey.node.defaultChild as CfnElement);
    const encrypting = (Object.keys(functionDefinitions) as FunctionName[]).filter((name) =>
      (functionDefinitions[name].bindings as readonly Binding[]).includes("partBKey:encrypt"),
    );
    expect(encrypting).toContain("pinRequests");
    const roles = new Map(
      encrypting.map((name) => [
        logicalId(service.functions[name].role.node.defaultChild as CfnElement),
        name,
      ]),
    );
    for (const { role, statement } of statementsByRole()) {
      if (!JSON.stringify(statement.Resource).includes(keyId)) continue;
      const actions = [statement.Action].flat();
      if (roles.has(role)) expect(actions, roles.get(role)).toEqual(["kms:Encrypt"]);
      else expect(actions, role).toEqual(["kms:Decrypt"]);
    }
  });
});

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
    expect(jobDefinitions).toHaveLength(2);
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
    expect(jobDefinitions.map(cronExpression)).toEqual(["cron(0 2 * * ? *)", "cron(0 8 * * ? *)"]);
  });

  it("sends failed asynchronous invocations to an encrypted, TLS-only queue that raises an alarm", () => {
    const asyncFunctions = (Object.keys(functionDefinitions) as FunctionName[]).filter(
      (name) => (functionDefinitions[name] as { async?: boolean }).async,
    );
    expect(asyncFunctions.sort()).toEqual([
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
      serviceTemplate.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Namespace: "AWS/SQS",
        MetricName: "ApproximateNumberOfMessagesVisible",
        Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [queueId, "QueueName"] } }],
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
      });
    }
  });
});

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
    serviceTemplate.hasResourceProperties("AWS::CloudWatch::Alarm", {
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

describe("edge stack: CloudFront and AWS WAF", () => {
  const webAclArn = () => ({ "Fn::GetAtt": [logicalId(edge.webAcl), "Arn"] });
  const distribution = () => Object.values(resourcesOf(edgeTemplate, "AWS::CloudFront::Distribution"));

  it("lives in us-east-1, the data and service stacks in the region of the context", () => {
    expect(edge.region).toBe(edgeRegion);
    expect(edgeRegion).toBe("us-east-1");
    expect(service.region).toBe(cdkContext.region);
    expect(data.region).toBe(cdkContext.region);
  });

  it("has a CLOUDFRONT web ACL with a per-IP rate limit on the message-sending POSTs, a looser global one and the AWS common rules", () => {
    edgeTemplate.resourceCountIs("AWS::WAFv2::WebACL", 1);
    const [acl] = Object.values(resourcesOf(edgeTemplate, "AWS::WAFv2::WebACL"));
    expect(acl?.Properties).toMatchObject({ Scope: "CLOUDFRONT", DefaultAction: { Allow: {} } });
    const rules: Json[] = acl?.Properties.Rules;
    const rateBased = rules.filter((rule) => rule.Statement.RateBasedStatement);
    expect(rateBased).toHaveLength(2);

    const tight = rateBased.find((rule) => rule.Statement.RateBasedStatement.ScopeDownStatement);
    expect(tight).toBeDefined();
    expect(tight.Statement.RateBasedStatement).toMatchObject({
      Limit: 100,
      EvaluationWindowSec: 300,
      AggregateKeyType: "IP",
    });
    expect(tight.Action.Block.CustomResponse.ResponseCode).toBe(429);
    const [method, paths] = tight.Statement.RateBasedStatement.ScopeDownStatement.AndStatement.Statements;
    expect(method.ByteMatchStatement).toMatchObject({
      FieldToMatch: { Method: {} },
      PositionalConstraint: "EXACTLY",
      SearchString: "POST",
    });
    const limitedPaths = paths.OrStatement.Statements.map((statement: Json) => {
      expect(statement.ByteMatchStatement).toMatchObject({
        FieldToMatch: { UriPath: {} },
        PositionalConstraint: "EXACTLY",
      });
      return statement.ByteMatchStatement.SearchString;
    });
    expect(limitedPaths.sort()).toEqual(["/v1/pin-requests", "/v1/recoveries", "/v1/revocations"]);

    const loose = rateBased.find((rule) => !rule.Statement.RateBasedStatement.ScopeDownStatement);
    expect(loose?.Statement.RateBasedStatement.AggregateKeyType).toBe("IP");
    expect(loose?.Statement.RateBasedStatement.Limit).toBeGreaterThan(100);
    expect(loose?.Action.Block).toBeDefined();

    expect(rules).toContainEqual(
      expect.objectContaining({
        OverrideAction: { None: {} },
        Statement: {
          ManagedRuleGroupStatement: { VendorName: "AWS", Name: "AWSManagedRulesCommonRuleSet" },
        },
      }),
    );
    // Requests are counted before the managed rules look at them.
    expect(Math.max(...rateBased.map((rule) => rule.Priority))).toBeLessThan(
      rules.find((rule) => rule.Statement.ManagedRuleGroupStatement)?.Priority,
    );
  });

  it("rate-limits only paths that are public POST routes of the route table", () => {
    for (const path of rateLimits.messageSending.paths) {
      expect(
        routes.some(
          (route) => route.path === path && route.method === "POST" && route.access.kind === "public",
        ),
        path,
      ).toBe(true);
    }
  });

  it("attaches the web ACL to the distribution", () => {
    edgeTemplate.resourceCountIs("AWS::CloudFront::Distribution", 1);
    expect(distribution()[0]?.Properties.DistributionConfig.WebACLId).toEqual(webAclArn());
  });

  it("sends /v1/* and /.well-known/* to the HTTP API, uncached, every method, every header but Host, HTTPS only", () => {
    const config = distribution()[0]?.Properties.DistributionConfig;
    const apiOrigins = (config.Origins as Json[]).filter((origin) =>
      JSON.stringify(origin.DomainName).includes(".execute-api."),
    );
    expect(apiOrigins).toHaveLength(1);
    const [apiOrigin] = apiOrigins;
    // The API's id, read from the service stack in its own region.
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(
      JSON.stringify({ StackName: service.stackName, Region: service.region }).slice(1, -1),
    );
    expect(apiOrigin.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: "https-only",
      OriginSSLProtocols: ["TLSv1.2"],
    });
    const behaviours = new Map(
      (config.CacheBehaviors as Json[]).map((behaviour) => [behaviour.PathPattern, behaviour]),
    );
    expect([...behaviours.keys()].sort()).toEqual([...apiPathPatterns].sort());
    // The default behaviour serves the web client from S3 (test/infra/web-site.test.ts).
    for (const behaviour of behaviours.values()) {
      expect(behaviour).toMatchObject({
        TargetOriginId: apiOrigin.Id,
        ViewerProtocolPolicy: "https-only",
        AllowedMethods: expect.arrayContaining(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]),
        CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", // Managed-CachingDisabled
        OriginRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac", // Managed-AllViewerExceptHostHeader
      });
    }
  });

  it("answers on the web origin's host name with TLS 1.2 or later", () => {
    const config = distribution()[0]?.Properties.DistributionConfig;
    expect(config.Aliases).toEqual([new URL(customWebOrigin).hostname]);
    expect(config.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: "TLSv1.2_2021",
      SslSupportMethod: "sni-only",
    });
    edgeTemplate.hasResourceProperties("AWS::CertificateManager::Certificate", {
      DomainName: new URL(customWebOrigin).hostname,
      ValidationMethod: "DNS",
    });
  });

  it("logs access to a retained, private bucket, without path, query string, referrer or cookies", () => {
    const distributionId = logicalId(edge.distribution.node.defaultChild as CfnElement);
    edgeTemplate.hasResourceProperties("AWS::Logs::DeliverySource", {
      LogType: "ACCESS_LOGS",
      ResourceArn: { "Fn::Join": ["", Match.arrayWith([{ Ref: distributionId }])] },
    });
    const bucketId = logicalId(edge.accessLogsBucket.node.defaultChild as CfnElement);
    edgeTemplate.hasResourceProperties("AWS::Logs::DeliveryDestination", {
      DestinationResourceArn: { "Fn::GetAtt": [bucketId, "Arn"] },
    });
    const [delivery] = Object.values(resourcesOf(edgeTemplate, "AWS::Logs::Delivery"));
    expect(delivery?.Properties.RecordFields).toEqual([...accessLogFields]);
    for (const field of ["cs-uri-stem", "cs-uri-query", "cs(Referer)", "cs(Cookie)"]) {
      expect(delivery?.Properties.RecordFields).not.toContain(field);
    }
    const bucket = resourcesOf(edgeTemplate, "AWS::S3::Bucket")[bucketId];
    expect(bucket?.DeletionPolicy).toBe("Retain");
    expect(bucket?.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });
});
