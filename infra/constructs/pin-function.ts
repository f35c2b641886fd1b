import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Duration, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as ses from "aws-cdk-lib/aws-ses";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { uploadsPrefixes } from "#shared/bucket-layout";
import { PART_B_PURPOSE } from "#shared/crypto/part-b";
import type { Binding, TableBinding } from "#shared/functions";
import type { Config } from "#shared/platform/config";
import type { DataResources } from "../data-stack.ts";
import { acknowledge, nameInPolicy } from "../nag.ts";

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));
/** Puts pdfkit's font modules beside a bundle that holds pdfkit (see the script); installs nothing. */
const pdfFontsScript = fileURLToPath(new URL("./pdf-fonts.mjs", import.meta.url));

/**
 * The AWS SDK's credential providers a function never uses. Every client's default chain (from
 * @aws-sdk/credential-provider-node) tries the environment first, and Lambda always sets AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN to the execution role's credentials (as the local stack sets
 * them to its own), so the chain stops there. The links after it (SSO, shared INI files, credential_process,
 * web identity, container and instance metadata) are dynamic imports that esbuild bundles all the same, and
 * with them @aws-sdk/nested-clients (the STS, SSO, SSO-OIDC and sign-in clients they call): about 130 KB of
 * every bundle. Each is aliased to a module that throws (./credential-providers-left-out.mjs) rather than
 * marked external: an external import left in the bundle would be resolved, or not, by whatever the runtime
 * has on its module path (Lambda's Node.js runtime carries an SDK of its own), while this one fails loudly,
 * with a message naming this file, if the chain ever gets past the environment.
 */
const credentialProvidersLeftOut = [
  "@aws-sdk/credential-provider-sso",
  "@aws-sdk/credential-provider-ini",
  "@aws-sdk/credential-provider-process",
  "@aws-sdk/credential-provider-web-identity",
  "@aws-sdk/credential-provider-http",
  "@smithy/credential-provider-imds",
];
const leftOutModule = fileURLToPath(new URL("./credential-providers-left-out.mjs", import.meta.url));
/**
 * fontkit, which pdfkit imports to embed font files, with the Brotli decoder it carries for WOFF2: about 700 KB
 * of each bundle that renders a PDF. Every document of the service uses the standard PDF fonts, which pdfkit
 * draws without it; the module in its place throws if a font file is ever embedded.
 */
const fontkitLeftOut = fileURLToPath(new URL("./fontkit-left-out.mjs", import.meta.url));
/** The AES that pdfkit calls only to encrypt a document with a password, which the service never does. */
const pdfEncryptionLeftOut = fileURLToPath(new URL("./pdf-encryption-left-out.mjs", import.meta.url));

/**
 * DynamoDB actions of the table bindings (shared/functions.ts `TableBinding`): what the SDK commands the code
 * sends require. TransactWriteItems has no action of its own: each item is authorised as a Put, Update,
 * Delete or ConditionCheck. Never Scan or DescribeTable; the stream only through `table:stream`.
 */
const tableActions = {
  read: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
  write: [
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
  ],
} as const;
/** What DynamoDB needs of the caller on the table's customer-managed key (as CDK's table grants). */
const tableKeyReadActions = ["kms:Decrypt", "kms:DescribeKey"];
const tableKeyWriteActions = ["kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"];

const indexQueryPrefix = "table:query:";
/**
 * Writes each generated file to a folder of its own, named by its content's hash, for the bundling hook to copy
 * beside the bundle; returns each file's staged path. The asset's hash is its output's, so a change of content
 * is a new asset.
 */
function stageFiles(files: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).map(([name, content]) => {
      if (basename(name) !== name)
        throw new Error(`a file beside the bundle is named with a folder: ${name}`);
      const folder = join(
        tmpdir(),
        `pin-bundled-${createHash("sha256").update(content).digest("hex").slice(0, 16)}`,
      );
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, name), content);
      return [name, join(folder, name)];
    }),
  );
}

function isIndexQuery(binding: Binding): binding is Extract<TableBinding, `table:query:${string}`> {
  return binding.startsWith(indexQueryPrefix);
}

/**
 * Every grant on the part-B key requires the context shared/crypto/part-b.ts sends: the part-B purpose and a
 * letter id, and no other key. A ciphertext only opens for the letter it was made for.
 */
const partBEncryptionContext = {
  StringEquals: { "kms:EncryptionContext:purpose": PART_B_PURPOSE },
  Null: { "kms:EncryptionContext:letterId": "false" },
  "ForAllValues:StringEquals": { "kms:EncryptionContextKeys": ["purpose", "letterId"] },
};

/** Names the functions read through `config()`; a typo is a compile error. */
export type EnvironmentVariable = keyof Config;

/** Everything a binding may point at. */
export interface BindingTargets extends DataResources {
  /** Alphanumeric sender ID shown on SMS. */
  readonly smsSenderId: string;
  readonly senderEmail: string;
  readonly emailIdentity: ses.IEmailIdentity;
  readonly configurationSet: ses.IConfigurationSet;
}

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
  private readonly targets: BindingTargets;

  constructor(scope: Construct, id: string, props: PinFunctionProps) {
    super(scope, id);
    this.targets = props.targets;

    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.targets.logsKey,
    });
    // Our own role instead of the default one, which carries the AWSLambdaBasicExecutionRole managed
    // policy (logs:* on every log group).
    this.role = new iam.Role(this, "Role", { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") });
    this.logGroup.grantWrite(this.role);

    const files = stageFiles(props.files ?? {});
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
      bundling: {
        format: OutputFormat.ESM,
        target: "node22",
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ["module", "main"],
        // CommonJS dependencies call `require`, which an ES module does not have. Aliased import: the bundle
        // may import `createRequire` itself.
        banner:
          "import { createRequire as __pinCreateRequire } from 'node:module'; const require = __pinCreateRequire(import.meta.url);",
        // The SDK version we test with is the one we deploy, not the one the runtime happens to carry.
        bundleAwsSDK: true,
        esbuildArgs: {
          "--alias": [
            ...credentialProvidersLeftOut.map((name) => `${name}=${leftOutModule}`),
            `fontkit=${fontkitLeftOut}`,
            `@noble/ciphers/aes=${pdfEncryptionLeftOut}`,
          ],
        },
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [
            `node ${JSON.stringify(pdfFontsScript)} ${JSON.stringify(outputDir)}`,
            ...Object.entries(files).map(
              ([name, staged]) =>
                `node -e "require('node:fs').copyFileSync(process.argv[1], process.argv[2])" ${JSON.stringify(staged)} ${JSON.stringify(join(outputDir, name))}`,
            ),
          ],
        },
      },
    });

    acknowledge(
      this.function,
      "Node.js 22 is the runtime the service is built and tested for (SPEC 6, esbuild target node22); it is supported by Lambda, and moving to a newer one is a deliberate upgrade.",
      "AwsSolutions-L1",
    );
    if (props.tracing) {
      acknowledge(
        this.role,
        "X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level permissions.",
        "AwsSolutions-IAM5[Resource::*]",
      );
    }
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

  /** Gives the function one capability: its environment variable and its IAM grant, together. */
  bind(binding: Binding): void {
    const { targets } = this;
    if (isIndexQuery(binding)) {
      const indexName = binding.slice(indexQueryPrefix.length);
      this.grantTable(["dynamodb:Query"], [`${targets.table.tableArn}/index/${indexName}`]);
      return;
    }
    switch (binding) {
      case "table:read":
        this.grantTable(tableActions.read, [targets.table.tableArn]);
        return;
      case "table:write":
        this.grantTable(tableActions.write, [targets.table.tableArn]);
        targets.table.encryptionKey?.grant(this.function, ...tableKeyWriteActions);
        if (targets.table.encryptionKey) this.acknowledgeDataKeyActions();
        return;
      case "table:stream":
        this.grantTableStream();
        return;
      case "letters:write":
        this.setEnvironment("LETTERS_BUCKET", targets.lettersBucket.bucketName);
        // Read as well: a run checks what a crashed run already committed.
        targets.lettersBucket.grantReadWrite(this.function);
        this.acknowledgeBucketObjects(targets.lettersBucket);
        return;
      case "registry:import": {
        const bucket = targets.uploadsBucket;
        this.setEnvironment("REGISTRY_BUCKET", bucket.bucketName);
        const files = bucket.arnForObjects(`${uploadsPrefixes.registryIncoming}*`);
        const reports = bucket.arnForObjects(`${uploadsPrefixes.registryReports}*`);
        this.function.addToRolePolicy(
          new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: [files] }),
        );
        this.function.addToRolePolicy(
          new iam.PolicyStatement({ actions: ["s3:PutObject"], resources: [reports] }),
        );
        // Decrypt what is read, a data key for what is written.
        this.grantBucketKey(bucket, "kms:Decrypt", "kms:GenerateDataKey");
        const bucketArn = nameInPolicy(this.role, bucket, bucket.bucketArn);
        acknowledge(
          this.role,
          "The record import reads the files under registry/incoming/ and writes reports under registry/reports/ of the uploads bucket: one prefix each, one action each, nothing else in the bucket.",
          `AwsSolutions-IAM5[Resource::${bucketArn}/${uploadsPrefixes.registryIncoming}*]`,
          `AwsSolutions-IAM5[Resource::${bucketArn}/${uploadsPrefixes.registryReports}*]`,
        );
        return;
      }
      case "conversions:upload": {
        const bucket = targets.uploadsBucket;
        this.setEnvironment("UPLOADS_BUCKET", bucket.bucketName);
        // The function only signs presigned POSTs; S3 authorises the browser's upload as a PutObject by this
        // role, on the one key the POST policy fixes. A data key, as S3 encrypts it under SSE-KMS.
        this.grantObjects(bucket, "s3:PutObject", uploadsPrefixes.conversions);
        this.grantBucketKey(bucket, "kms:GenerateDataKey");
        acknowledge(
          this.role,
          "Presigned POSTs of conversion documents are signed for keys conversions/<request id>/<document>, which exist only once a request does: PutObject under conversions/ of the uploads bucket, no other action or prefix.",
          `AwsSolutions-IAM5[Resource::${nameInPolicy(this.role, bucket, bucket.bucketArn)}/${uploadsPrefixes.conversions}*]`,
        );
        return;
      }
      case "conversions:check": {
        const bucket = targets.uploadsBucket;
        this.setEnvironment("UPLOADS_BUCKET", bucket.bucketName);
        // CopyObject reads the upload (GetObject on the source) and writes the copy (PutObject), which is then
        // read back (HeadObject and a ranged GET, both authorised by GetObject) to be checked.
        this.grantObjects(
          bucket,
          "s3:GetObject",
          uploadsPrefixes.conversions,
          uploadsPrefixes.checkedConversions,
        );
        this.grantObjects(bucket, "s3:PutObject", uploadsPrefixes.checkedConversions);
        // Copies no request keeps (a failed check, a lost race) are deleted, so repeated submits pile nothing up.
        this.grantObjects(bucket, "s3:DeleteObject", uploadsPrefixes.checkedConversions);
        // Without ListBucket, S3 answers 403 rather than 404 for a key that is not there, and a document not
        // yet uploaded would look like a failure instead of "documents-missing". S3 evaluates that check with the
        // key as s3:prefix, so listing stays confined to conversions/.
        this.function.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ["s3:ListBucket"],
            resources: [bucket.bucketArn],
            conditions: { StringLike: { "s3:prefix": `${uploadsPrefixes.conversions}*` } },
          }),
        );
        this.grantBucketKey(bucket, "kms:Decrypt", "kms:GenerateDataKey");
        const bucketArn = nameInPolicy(this.role, bucket, bucket.bucketArn);
        acknowledge(
          this.role,
          "Submit copies each conversion document from conversions/<request id>/<document> to checked-conversions/<request id>/<document>/<check id> and checks the copy: GetObject under both prefixes, PutObject and DeleteObject (of copies no request keeps) under checked-conversions/ only, nothing else in the bucket.",
          `AwsSolutions-IAM5[Resource::${bucketArn}/${uploadsPrefixes.conversions}*]`,
          `AwsSolutions-IAM5[Resource::${bucketArn}/${uploadsPrefixes.checkedConversions}*]`,
        );
        return;
      }
      case "conversions:read": {
        const bucket = targets.uploadsBucket;
        this.setEnvironment("UPLOADS_BUCKET", bucket.bucketName);
        // Only the checked copies: the 5-minute presigned GETs the back office opens are authorised as this role's
        // GetObject, and nothing under conversions/ (where the citizen writes) can be handed out.
        this.grantObjects(bucket, "s3:GetObject", uploadsPrefixes.checkedConversions);
        this.grantBucketKey(bucket, "kms:Decrypt");
        acknowledge(
          this.role,
          "Checked conversion documents are presigned for the back office by key checked-conversions/<request id>/<document>/<check id>: GetObject under checked-conversions/ of the uploads bucket, no other action or prefix.",
          `AwsSolutions-IAM5[Resource::${nameInPolicy(this.role, bucket, bucket.bucketArn)}/${uploadsPrefixes.checkedConversions}*]`,
        );
        return;
      }
      case "sms:publish":
        this.setEnvironment("SMS_SENDER_ID", targets.smsSenderId);
        // Publishing to a phone number has no resource to name, so it is allowed on '*'; every topic and
        // platform endpoint has an sns ARN, and the denial of those leaves direct SMS as the only use.
        this.function.addToRolePolicy(
          new iam.PolicyStatement({ actions: ["sns:Publish"], resources: ["*"] }),
        );
        this.function.addToRolePolicy(
          new iam.PolicyStatement({
            effect: iam.Effect.DENY,
            actions: ["sns:Publish"],
            resources: [`arn:${Stack.of(this).partition}:sns:*:*:*`],
          }),
        );
        acknowledge(
          this.role,
          "SMS are published straight to phone numbers, which have no ARN: sns:Publish to a phone number is authorised on resource '*' only. The same policy denies sns:Publish on every SNS ARN (arn:aws:sns:*:*:*), so no topic or endpoint can be published to.",
          "AwsSolutions-IAM5[Resource::*]",
        );
        return;
      case "email:send": {
        this.setEnvironment("SENDER_EMAIL", targets.senderEmail);
        this.setEnvironment("SES_CONFIGURATION_SET", targets.configurationSet.configurationSetName);
        const stack = Stack.of(this);
        const configurationSetArn = stack.formatArn({
          service: "ses",
          resource: "configuration-set",
          resourceName: targets.configurationSet.configurationSetName,
        });
        this.function.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ["ses:SendEmail"],
            resources: [targets.emailIdentity.emailIdentityArn, configurationSetArn],
            conditions: { StringEquals: { "ses:FromAddress": targets.senderEmail } },
          }),
        );
        return;
      }
      case "partBKey:encrypt":
        this.setEnvironment("PART_B_KEY_ID", targets.partBKey.keyId);
        this.function.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ["kms:Encrypt"],
            resources: [targets.partBKey.keyArn],
            conditions: partBEncryptionContext,
          }),
        );
        return;
      case "partBKey:decrypt":
        this.setEnvironment("PART_B_KEY_ID", targets.partBKey.keyId);
        this.function.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ["kms:Decrypt"],
            resources: [targets.partBKey.keyArn],
            conditions: partBEncryptionContext,
          }),
        );
        return;
      case "signingKey:sign":
        this.setEnvironment("SIGNING_KEY_ID", targets.signingKey.keyId);
        targets.signingKey.grant(this.function, "kms:Sign", "kms:GetPublicKey");
        return;
      case "signingKey:verify":
        this.setEnvironment("SIGNING_KEY_ID", targets.signingKey.keyId);
        targets.signingKey.grant(this.function, "kms:GetPublicKey");
        return;
      default: {
        const unknown: never = binding;
        throw new Error(`Unknown binding ${String(unknown)}`);
      }
    }
  }

  /** The table's name, `actions` on `resources` (the table or one index), and reading its key. */
  private grantTable(actions: readonly string[], resources: string[]): void {
    const { table } = this.targets;
    this.setEnvironment("TABLE_NAME", table.tableName);
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: [...actions], resources }));
    table.encryptionKey?.grant(this.function, ...tableKeyReadActions);
  }

  /**
   * What an event source mapping needs to read the table's stream with the function's role: the stream's
   * shards and records, and decrypting them with the table's key. ListStreams names no resource.
   */
  private grantTableStream(): void {
    const { table } = this.targets;
    if (!table.tableStreamArn) throw new Error("table:stream: the table has no stream");
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        resources: [table.tableStreamArn],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ["dynamodb:ListStreams"], resources: ["*"] }),
    );
    table.encryptionKey?.grant(this.function, "kms:Decrypt");
    acknowledge(
      this.role,
      "dynamodb:ListStreams supports no resource-level permission and is allowed on '*'; it lists stream ARNs only. Reading records (DescribeStream, GetRecords, GetShardIterator) is allowed on the table's stream alone.",
      "AwsSolutions-IAM5[Resource::*]",
    );
  }

  /**
   * `actions` on the bucket's SSE-KMS key, only through S3 (kms:ViaService): the role can have S3 encrypt or
   * decrypt its objects, never call KMS with the key itself.
   */
  /** One object action under the given prefixes of a bucket. */
  private grantObjects(bucket: s3.IBucket, action: string, ...prefixes: string[]): void {
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [action],
        resources: prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
      }),
    );
  }

  private grantBucketKey(bucket: s3.IBucket, ...actions: string[]): void {
    const key = bucket.encryptionKey;
    if (!key) return;
    const stack = Stack.of(this);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions,
        resources: [key.keyArn],
        conditions: { StringEquals: { "kms:ViaService": `s3.${stack.region}.${stack.urlSuffix}` } },
      }),
    );
  }

  private acknowledgeDataKeyActions(): void {
    acknowledge(
      this.role,
      "Writing to the table and buckets encrypted under the data key (DynamoDB and S3 SSE-KMS) takes the GenerateDataKey and ReEncrypt action families, on that one key only.",
      "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
      "AwsSolutions-IAM5[Action::kms:ReEncrypt*]",
    );
  }

  private acknowledgeBucketObjects(bucket: s3.IBucket): void {
    acknowledge(
      this.role,
      "Bucket grants cover the objects of this one bucket (bucket/*) with the S3 object read/write action families, and the bucket's SSE-KMS data key.",
      `AwsSolutions-IAM5[Resource::${nameInPolicy(this.role, bucket, bucket.bucketArn)}/*]`,
      ...["s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:DeleteObject*", "s3:Abort*"].map(
        (action) => `AwsSolutions-IAM5[Action::${action}]`,
      ),
      "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
      "AwsSolutions-IAM5[Action::kms:ReEncrypt*]",
    );
  }
}
