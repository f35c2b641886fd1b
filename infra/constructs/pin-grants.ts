import { Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as ses from "aws-cdk-lib/aws-ses";
import { uploadsPrefixes } from "#shared/bucket-layout";
import { PART_B_PURPOSE } from "#shared/crypto/part-b";
import type { Binding, TableBinding } from "#shared/functions";
import type { Config } from "#shared/platform/config";
import type { DataResources } from "../data-stack.ts";
import { acknowledge, nameInPolicy } from "../nag.ts";

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

/** The function a binding is granted to: its role, and where its environment variables go. */
export interface GrantedFunction {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  setEnvironment(name: EnvironmentVariable, value: string): void;
}

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

type IndexQuery = Extract<TableBinding, `table:query:${string}`>;

/** Each binding, as a call of the grant method of its resource kind. */
const grantsOf: { readonly [B in Exclude<Binding, IndexQuery>]: (grants: FunctionGrants) => void } = {
  "table:read": (grants) => grants.table("read"),
  "table:write": (grants) => grants.table("write"),
  "table:stream": (grants) => grants.tableStream(),
  "letters:write": (grants) => grants.letters(),
  "registry:import": (grants) => grants.registryImport(),
  "conversions:upload": (grants) => grants.conversionUploads(),
  "conversions:check": (grants) => grants.conversionChecks(),
  "conversions:read": (grants) => grants.conversionReads(),
  "sms:publish": (grants) => grants.sms(),
  "email:send": (grants) => grants.email(),
  "partBKey:encrypt": (grants) => grants.partBKey("kms:Encrypt"),
  "partBKey:decrypt": (grants) => grants.partBKey("kms:Decrypt"),
  "signingKey:sign": (grants) => grants.signingKey("kms:Sign", "kms:GetPublicKey"),
  "signingKey:verify": (grants) => grants.signingKey("kms:GetPublicKey"),
};

/**
 * Binds a function to what it uses, one method per kind of resource: each sets the environment variable that
 * names the resource and grants the IAM actions the code sends to it, together, so a variable never exists
 * without its grant.
 */
export class FunctionGrants {
  constructor(
    private readonly target: GrantedFunction,
    private readonly targets: BindingTargets,
  ) {}

  /** Gives the function one capability (shared/functions.ts `Binding`). */
  bind(binding: Binding): void {
    if (isIndexQuery(binding)) {
      this.indexQuery(binding.slice(indexQueryPrefix.length));
      return;
    }
    grantsOf[binding](this);
  }

  /** Query on one index of the table. */
  indexQuery(indexName: string): void {
    this.grantTable(["dynamodb:Query"], [`${this.targets.table.tableArn}/index/${indexName}`]);
  }

  /** Read or write the table itself (not its indexes); writing also encrypts with the table's key. */
  table(access: keyof typeof tableActions): void {
    const { table } = this.targets;
    this.grantTable(tableActions[access], [table.tableArn]);
    if (access === "read") return;
    table.encryptionKey?.grant(this.function, ...tableKeyWriteActions);
    if (table.encryptionKey) this.acknowledgeDataKeyActions();
  }

  /** Read and write the letters bucket. */
  letters(): void {
    const bucket = this.targets.lettersBucket;
    this.setEnvironment("LETTERS_BUCKET", bucket.bucketName);
    // Read as well: a run checks what a crashed run already committed.
    bucket.grantReadWrite(this.function);
    this.acknowledgeBucketObjects(bucket);
  }

  /** Read the record files under registry/incoming/ and write reports under registry/reports/. */
  registryImport(): void {
    const bucket = this.targets.uploadsBucket;
    this.setEnvironment("REGISTRY_BUCKET", bucket.bucketName);
    this.grantObjects(bucket, "s3:GetObject", uploadsPrefixes.registryIncoming);
    this.grantObjects(bucket, "s3:PutObject", uploadsPrefixes.registryReports);
    // Decrypt what is read, a data key for what is written.
    this.grantBucketKey(bucket, "kms:Decrypt", "kms:GenerateDataKey");
    this.acknowledgeObjects(
      bucket,
      "The record import reads the files under registry/incoming/ and writes reports under registry/reports/ of the uploads bucket: one prefix each, one action each, nothing else in the bucket.",
      uploadsPrefixes.registryIncoming,
      uploadsPrefixes.registryReports,
    );
  }

  /** Sign presigned POSTs of conversion documents. */
  conversionUploads(): void {
    const bucket = this.uploadsBucket();
    // The function only signs presigned POSTs; S3 authorises the browser's upload as a PutObject by this
    // role, on the one key the POST policy fixes. A data key, as S3 encrypts it under SSE-KMS.
    this.grantObjects(bucket, "s3:PutObject", uploadsPrefixes.conversions);
    this.grantBucketKey(bucket, "kms:GenerateDataKey");
    this.acknowledgeObjects(
      bucket,
      "Presigned POSTs of conversion documents are signed for keys conversions/<request id>/<document>, which exist only once a request does: PutObject under conversions/ of the uploads bucket, no other action or prefix.",
      uploadsPrefixes.conversions,
    );
  }

  /** Copy conversion documents out of the client's reach at submit, and check the copies. */
  conversionChecks(): void {
    const bucket = this.uploadsBucket();
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
    this.acknowledgeObjects(
      bucket,
      "Submit copies each conversion document from conversions/<request id>/<document> to checked-conversions/<request id>/<document>/<check id> and checks the copy: GetObject under both prefixes, PutObject and DeleteObject (of copies no request keeps) under checked-conversions/ only, nothing else in the bucket.",
      uploadsPrefixes.conversions,
      uploadsPrefixes.checkedConversions,
    );
  }

  /** Presign GETs of checked conversion documents for the back office. */
  conversionReads(): void {
    const bucket = this.uploadsBucket();
    // Only the checked copies: the 5-minute presigned GETs the back office opens are authorised as this role's
    // GetObject, and nothing under conversions/ (where the citizen writes) can be handed out.
    this.grantObjects(bucket, "s3:GetObject", uploadsPrefixes.checkedConversions);
    this.grantBucketKey(bucket, "kms:Decrypt");
    this.acknowledgeObjects(
      bucket,
      "Checked conversion documents are presigned for the back office by key checked-conversions/<request id>/<document>/<check id>: GetObject under checked-conversions/ of the uploads bucket, no other action or prefix.",
      uploadsPrefixes.checkedConversions,
    );
  }

  /** Publish SMS straight to phone numbers, and to nothing else. */
  sms(): void {
    this.setEnvironment("SMS_SENDER_ID", this.targets.smsSenderId);
    // Publishing to a phone number has no resource to name, so it is allowed on '*'; every topic and
    // platform endpoint has an sns ARN, and the denial of those leaves direct SMS as the only use.
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ["sns:Publish"], resources: ["*"] }));
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ["sns:Publish"],
        resources: [`arn:${Stack.of(this.function).partition}:sns:*:*:*`],
      }),
    );
    acknowledge(
      this.role,
      "SMS are published straight to phone numbers, which have no ARN: sns:Publish to a phone number is authorised on resource '*' only. The same policy denies sns:Publish on every SNS ARN (arn:aws:sns:*:*:*), so no topic or endpoint can be published to.",
      "AwsSolutions-IAM5[Resource::*]",
    );
  }

  /** Send e-mail from the sender's address, through the configuration set. */
  email(): void {
    const { senderEmail, configurationSet, emailIdentity } = this.targets;
    this.setEnvironment("SENDER_EMAIL", senderEmail);
    this.setEnvironment("SES_CONFIGURATION_SET", configurationSet.configurationSetName);
    const configurationSetArn = Stack.of(this.function).formatArn({
      service: "ses",
      resource: "configuration-set",
      resourceName: configurationSet.configurationSetName,
    });
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["ses:SendEmail"],
        resources: [emailIdentity.emailIdentityArn, configurationSetArn],
        conditions: { StringEquals: { "ses:FromAddress": senderEmail } },
      }),
    );
  }

  /** Encrypt or decrypt with the part-B key, only in the part-B encryption context. */
  partBKey(action: "kms:Encrypt" | "kms:Decrypt"): void {
    const { partBKey } = this.targets;
    this.setEnvironment("PART_B_KEY_ID", partBKey.keyId);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [action],
        resources: [partBKey.keyArn],
        conditions: partBEncryptionContext,
      }),
    );
  }

  /** Sign access tokens with the signing key, or only read its public key. */
  signingKey(...actions: Array<"kms:Sign" | "kms:GetPublicKey">): void {
    const { signingKey } = this.targets;
    this.setEnvironment("SIGNING_KEY_ID", signingKey.keyId);
    signingKey.grant(this.function, ...actions);
  }

  /**
   * What an event source mapping needs to read the table's stream with the function's role: the stream's
   * shards and records, and decrypting them with the table's key. ListStreams names no resource.
   */
  tableStream(): void {
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

  /** The uploads bucket, named to the function. */
  private uploadsBucket(): s3.IBucket {
    const bucket = this.targets.uploadsBucket;
    this.setEnvironment("UPLOADS_BUCKET", bucket.bucketName);
    return bucket;
  }

  /** One object action under the given prefixes of a bucket. */
  private grantObjects(bucket: s3.IBucket, action: string, ...prefixes: string[]): void {
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [action],
        resources: prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
      }),
    );
  }

  /** cdk-nag's wildcard finding on each prefix's objects, acknowledged with `reason`. */
  private acknowledgeObjects(bucket: s3.IBucket, reason: string, ...prefixes: string[]): void {
    const bucketArn = nameInPolicy(this.role, bucket, bucket.bucketArn);
    acknowledge(
      this.role,
      reason,
      ...prefixes.map((prefix) => `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`),
    );
  }

  private get function(): lambda.Function {
    return this.target.function;
  }

  private get role(): iam.Role {
    return this.target.role;
  }

  private setEnvironment(name: EnvironmentVariable, value: string): void {
    this.target.setEnvironment(name, value);
  }

  /** The table's name, `actions` on `resources` (the table or one index), and reading its key. */
  private grantTable(actions: readonly string[], resources: string[]): void {
    const { table } = this.targets;
    this.setEnvironment("TABLE_NAME", table.tableName);
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: [...actions], resources }));
    table.encryptionKey?.grant(this.function, ...tableKeyReadActions);
  }

  /**
   * `actions` on the bucket's SSE-KMS key, only through S3 (kms:ViaService): the role can have S3 encrypt or
   * decrypt its objects, never call KMS with the key itself.
   */
  private grantBucketKey(bucket: s3.IBucket, ...actions: string[]): void {
    const key = bucket.encryptionKey;
    if (!key) return;
    const stack = Stack.of(this.function);
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
