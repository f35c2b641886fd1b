import { type CfnElement, type CfnResource, Stack, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as ses from "aws-cdk-lib/aws-ses";
import { rules } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type BindingTargets,
  type EnvironmentVariable,
  PinFunction,
} from "../../infra/constructs/pin-function.ts";
import type { Binding } from "../../shared/functions.ts";
import { tableDefinition } from "../../shared/table.ts";
import { baseVariables, bindings, expectations } from "./pin-function-expectations.ts";
import { testApp, unacknowledgedFindings } from "./synth.ts";

let stack: Stack;
let targets: BindingTargets;
let template: Template;
let functions: Map<Binding | "none", PinFunction>;

function variablesOf(fn: PinFunction): Record<string, unknown> {
  const id = stack.resolve((fn.function.node.defaultChild as CfnElement).logicalId);
  return template.toJSON().Resources[id].Properties.Environment.Variables;
}

interface Statement {
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

function statementsOf(fn: PinFunction): Statement[] {
  const roleId = stack.resolve((fn.role.node.defaultChild as CfnElement).logicalId);
  const policies = Object.values(template.findResources("AWS::IAM::Policy")).filter((policy) =>
    policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId),
  );
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** Actions the role is allowed (denials are not grants). */
function actionsOf(fn: PinFunction): string[] {
  return statementsOf(fn)
    .filter((statement) => statement.Effect === "Allow")
    .flatMap((statement) => [statement.Action].flat());
}

beforeAll(() => {
  const app = testApp();
  stack = new Stack(app, "Bindings");
  const dataKey = new kms.Key(stack, "DataKey", { enableKeyRotation: true });
  const configurationSet = new ses.ConfigurationSet(stack, "Email");
  // Like the service table: encrypted with the data key, with its secondary indexes.
  const table = new dynamodb.Table(stack, "Table", {
    partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: dataKey,
    stream: dynamodb.StreamViewType.NEW_IMAGE,
  });
  for (const index of Object.values(tableDefinition.globalSecondaryIndexes)) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
    });
  }
  targets = {
    table,
    dataKey,
    partBKey: new kms.Key(stack, "PartBKey", { enableKeyRotation: true }),
    signingKey: new kms.Key(stack, "SigningKey", {
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
    }),
    lettersBucket: new s3.Bucket(stack, "Letters", { encryptionKey: dataKey }),
    uploadsBucket: new s3.Bucket(stack, "Uploads", { encryptionKey: dataKey }),
    logsKey: new kms.Key(stack, "LogsKey", { enableKeyRotation: true }),
    smsSenderId: "INPSPIN",
    senderEmail: "no-reply@pin.example.org",
    emailIdentity: new ses.EmailIdentity(stack, "Sender", {
      identity: ses.Identity.email("no-reply@pin.example.org"),
      configurationSet,
    }),
    configurationSet,
  };
  const common = {
    entry: "functions/http/health.ts",
    targets,
    stage: "test",
    webOrigin: { origin: "https://pin.example.org" },
  };
  functions = new Map([
    ["none", new PinFunction(stack, "None", common)],
    ...bindings.map(
      (binding) =>
        [
          binding,
          new PinFunction(stack, binding.replace(":", "-"), { ...common, bindings: [binding] }),
        ] as const,
    ),
  ]);
  template = Template.fromStack(stack);
});

describe("PinFunction", () => {
  it("has the service's defaults: Node.js 22 on arm64, 512 MB, 10 s, one month of logs", () => {
    const fn = functions.get("none")!;
    const id = stack.resolve((fn.function.node.defaultChild as CfnElement).logicalId);
    const properties = template.toJSON().Resources[id].Properties;
    expect(properties).toMatchObject({
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      MemorySize: 512,
      Timeout: 10,
      Handler: "index.handler",
    });
    expect(properties.TracingConfig).toBeUndefined();
    template.hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: 30 });
  });

  it("without bindings, sets only the common variables and may only write its logs", () => {
    const fn = functions.get("none")!;
    expect(Object.keys(variablesOf(fn)).sort()).toEqual([...baseVariables].sort());
    expect(actionsOf(fn).sort()).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
  });

  it.each(bindings)("binds %s: its variables and its grant, together", (binding) => {
    const fn = functions.get(binding)!;
    const { variables, granted, withheld } = expectations[binding];
    expect(Object.keys(variablesOf(fn)).sort()).toEqual([...baseVariables, ...variables].sort());
    const actions = actionsOf(fn);
    expect(actions).toEqual(expect.arrayContaining(granted));
    for (const action of withheld) expect(actions, action).not.toContain(action);
  });

  it("points the variables at the bound resources", () => {
    const variable = (binding: Binding, name: EnvironmentVariable) =>
      variablesOf(functions.get(binding)!)[name];
    expect(variable("table:read", "TABLE_NAME")).toEqual(stack.resolve(targets.table.tableName));
    expect(variable("letters:write", "LETTERS_BUCKET")).toEqual(
      stack.resolve(targets.lettersBucket.bucketName),
    );
    for (const binding of ["conversions:upload", "conversions:check", "conversions:read"] as const) {
      expect(variable(binding, "UPLOADS_BUCKET"), binding).toEqual(
        stack.resolve(targets.uploadsBucket.bucketName),
      );
    }
    expect(variable("partBKey:encrypt", "PART_B_KEY_ID")).toEqual(stack.resolve(targets.partBKey.keyId));
    expect(variable("partBKey:decrypt", "PART_B_KEY_ID")).toEqual(stack.resolve(targets.partBKey.keyId));
    expect(variable("signingKey:verify", "SIGNING_KEY_ID")).toEqual(stack.resolve(targets.signingKey.keyId));
    expect(variable("sms:publish", "SMS_SENDER_ID")).toBe("INPSPIN");
    expect(variable("email:send", "SENDER_EMAIL")).toBe("no-reply@pin.example.org");
    expect(variable("email:send", "SES_CONFIGURATION_SET")).toEqual(
      stack.resolve(targets.configurationSet.configurationSetName),
    );
  });

  it("grants table actions on the table itself, and Query on an index only through its own binding", () => {
    const tableArn = stack.resolve(targets.table.tableArn);
    const dynamodbResources = (binding: Binding) =>
      statementsOf(functions.get(binding)!)
        .filter((statement) => [statement.Action].flat().some((action) => action.startsWith("dynamodb:")))
        .map((statement) => statement.Resource);
    expect(dynamodbResources("table:read")).toEqual([tableArn]);
    expect(dynamodbResources("table:write")).toEqual([tableArn]);
    for (const index of Object.values(tableDefinition.globalSecondaryIndexes)) {
      expect(dynamodbResources(`table:query:${index.indexName}`)).toEqual([
        { "Fn::Join": ["", [tableArn, `/index/${index.indexName}`]] },
      ]);
    }
    // The stream's records only on the stream; ListStreams names no resource.
    expect(dynamodbResources("table:stream")).toEqual([stack.resolve(targets.table.tableStreamArn), "*"]);
  });

  it("lets the record import read registry/incoming/ and write registry/reports/ of the uploads bucket, nothing else", () => {
    const bucketArn = stack.resolve(targets.uploadsBucket.bucketArn);
    const s3Statements = statementsOf(functions.get("registry:import")!).filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith("s3:")),
    );
    expect(s3Statements).toEqual([
      {
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: { "Fn::Join": ["", [bucketArn, "/registry/incoming/*"]] },
      },
      {
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: { "Fn::Join": ["", [bucketArn, "/registry/reports/*"]] },
      },
    ]);
    expect(variablesOf(functions.get("registry:import")!).REGISTRY_BUCKET).toEqual(
      stack.resolve(targets.uploadsBucket.bucketName),
    );
  });

  /** The statements of a function's policy on S3 (`s3:` actions) and on the data key. */
  function bucketStatements(binding: Binding): { s3: Statement[]; key: Statement[] } {
    const dataKeyArn = JSON.stringify(stack.resolve(targets.dataKey.keyArn));
    const statements = statementsOf(functions.get(binding)!);
    return {
      s3: statements.filter((statement) =>
        [statement.Action].flat().some((action) => action.startsWith("s3:")),
      ),
      key: statements.filter((statement) => JSON.stringify(statement.Resource) === dataKeyArn),
    };
  }

  it("lets conversion uploads be presigned for conversions/ only, and the back office's links reach checked copies only", () => {
    const objects = (prefix: string) => ({
      "Fn::Join": ["", [stack.resolve(targets.uploadsBucket.bucketArn), prefix]],
    });
    expect(bucketStatements("conversions:upload").s3).toEqual([
      { Effect: "Allow", Action: "s3:PutObject", Resource: objects("/conversions/*") },
    ]);
    // Never where the citizen uploads: nothing under conversions/ can be handed out.
    expect(bucketStatements("conversions:read").s3).toEqual([
      { Effect: "Allow", Action: "s3:GetObject", Resource: objects("/checked-conversions/*") },
    ]);
  });

  it("lets submit copy conversion documents to checked-conversions/ and read them there, a missing one answering 404 (listing confined to conversions/)", () => {
    const bucketArn = stack.resolve(targets.uploadsBucket.bucketArn);
    expect(bucketStatements("conversions:check").s3).toEqual([
      {
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: [
          { "Fn::Join": ["", [bucketArn, "/checked-conversions/*"]] },
          { "Fn::Join": ["", [bucketArn, "/conversions/*"]] },
        ],
      },
      {
        Effect: "Allow",
        Action: ["s3:DeleteObject", "s3:PutObject"],
        Resource: { "Fn::Join": ["", [bucketArn, "/checked-conversions/*"]] },
      },
      {
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: bucketArn,
        Condition: { StringLike: { "s3:prefix": "conversions/*" } },
      },
    ]);
  });

  it("uses the uploads bucket's key only through S3, for what each bucket binding does", () => {
    const viaS3 = {
      StringEquals: { "kms:ViaService": stack.resolve(`s3.${stack.region}.${stack.urlSuffix}`) },
    };
    const keyArn = stack.resolve(targets.dataKey.keyArn);
    for (const [binding, actions] of [
      ["conversions:upload", "kms:GenerateDataKey"],
      ["conversions:check", ["kms:Decrypt", "kms:GenerateDataKey"]],
      ["conversions:read", "kms:Decrypt"],
      ["registry:import", ["kms:Decrypt", "kms:GenerateDataKey"]],
    ] as const) {
      expect(bucketStatements(binding).key, binding).toEqual([
        { Effect: "Allow", Action: actions, Resource: keyArn, Condition: viaS3 },
      ]);
    }
  });

  it("publishes SMS to phone numbers only: sns:Publish on '*' with every SNS ARN denied", () => {
    for (const [binding, fn] of functions) {
      const publishing = statementsOf(fn).filter((statement) =>
        [statement.Action].flat().includes("sns:Publish"),
      );
      if (binding !== "sms:publish") {
        expect(publishing, binding).toEqual([]);
        continue;
      }
      expect(publishing).toHaveLength(2);
      expect(publishing).toContainEqual({ Effect: "Allow", Action: "sns:Publish", Resource: "*" });
      const denial = publishing.find((statement) => statement.Effect === "Deny");
      expect(denial?.Condition).toBeUndefined();
      expect(JSON.stringify(stack.resolve(denial?.Resource))).toMatch(/:sns:\*:\*:\*"/);
    }
  });

  it("uses the part-B key for one action each, only with the part-B encryption context", () => {
    const partBKeyArn = stack.resolve(targets.partBKey.keyArn);
    for (const [binding, action] of [
      ["partBKey:encrypt", "kms:Encrypt"],
      ["partBKey:decrypt", "kms:Decrypt"],
    ] as const) {
      const onKey = statementsOf(functions.get(binding)!).filter(
        (statement) => JSON.stringify(statement.Resource) === JSON.stringify(partBKeyArn),
      );
      expect(onKey, binding).toEqual([
        {
          Effect: "Allow",
          Action: action,
          Resource: partBKeyArn,
          Condition: {
            StringEquals: { "kms:EncryptionContext:purpose": "part-b" },
            Null: { "kms:EncryptionContext:letterId": "false" },
            "ForAllValues:StringEquals": { "kms:EncryptionContextKeys": ["purpose", "letterId"] },
          },
        },
      ]);
    }
    for (const [binding, fn] of functions) {
      if (binding.startsWith("partBKey:")) continue;
      expect(JSON.stringify(statementsOf(fn)), binding).not.toContain(
        stack.resolve((targets.partBKey.node.defaultChild as CfnElement).logicalId),
      );
    }
  });

  it("acknowledges exactly the IAM wildcard findings its grants produce, no more", () => {
    for (const [binding, fn] of functions) {
      const policy = fn.role.node.findChild("DefaultPolicy").node.defaultChild as CfnResource;
      const result = rules.iam.IAMNoWildcardPermissions(policy);
      const findings = Array.isArray(result) ? result : [];
      const acknowledged = fn.role.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.keys(entry.data as object))
        .map((id) => /^(?:annotation::)?AwsSolutions-IAM5\[(.+)\]$/i.exec(id)?.[1])
        .filter((finding) => finding !== undefined);
      expect(new Set(acknowledged), binding).toEqual(new Set(findings));
    }
    expect(unacknowledgedFindings(stack).filter((finding) => finding.includes("/Role/"))).toEqual([]);
  });
});
