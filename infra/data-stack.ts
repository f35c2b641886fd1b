import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { RegionInfo } from "aws-cdk-lib/region-info";
import type { Construct } from "constructs";
import { accessLogPrefixes, uploadsPrefixes } from "#shared/bucket-layout";
import { PART_B_PURPOSE } from "#shared/crypto/part-b";
import { tableDefinition } from "#shared/table";
import { uploadsCorsRule } from "./constructs/web-origin.ts";
import { acknowledge } from "./nag.ts";

export interface DataStackProps extends StackProps {
  /**
   * Origin of the web front end: the only origin browsers may upload documents to and read them from.
   * @default - the distribution's domain, whose CORS rule the edge stack sets (constructs/web-origin.ts)
   */
  readonly webOrigin?: string;
}

/**
 * How long the uploads bucket keeps what is put under each prefix. S3 honours the shortest of overlapping
 * expirations, so `everything` is a ceiling for the whole bucket and the prefix rules can only shorten it.
 */
export const uploadsRetention = {
  /**
   * The signed request form and the identity document (or fax scan) behind a conversion to dispositivo: the
   * evidence of who asked and how they were identified. Kept 400 days from upload, so a request decided within
   * a month of its upload keeps its documents for a year after the decision; a replaced upload, 7 days.
   */
  conversions: {
    prefix: uploadsPrefixes.conversions,
    expiration: Duration.days(400),
    noncurrent: Duration.days(7),
  },
  /**
   * Files of the record of insured persons: personal data of everyone in them, no longer needed once imported
   * (the table holds the records). Kept 30 days, past the 14 days a failed import waits in its dead-letter
   * queue, so a redriven import still finds its file.
   */
  registryIncoming: {
    prefix: uploadsPrefixes.registryIncoming,
    expiration: Duration.days(30),
    noncurrent: Duration.days(1),
  },
  /** Anything else, notably the import reports (counts and line numbers, no personal data). */
  everything: { prefix: undefined, expiration: Duration.days(400), noncurrent: Duration.days(30) },
} as const;

/** What the stateless stack may use from the stateful one. */
export interface DataResources {
  readonly table: dynamodb.ITable;
  /** Symmetric key: the table and both buckets. */
  readonly dataKey: kms.IKey;
  /**
   * Symmetric key for part B alone, from the request until its letter is printed: only the issuing functions
   * may encrypt and only the letter batch may decrypt, always with the part-B encryption context.
   */
  readonly partBKey: kms.IKey;
  /** ECC_NIST_P256 key that signs citizen access tokens (ES256). */
  readonly signingKey: kms.IKey;
  /** Symmetric key of the log groups (functions and API access logs), usable by CloudWatch Logs only. */
  readonly logsKey: kms.IKey;
  readonly lettersBucket: s3.IBucket;
  readonly uploadsBucket: s3.IBucket;
}

/**
 * The stateful stack: everything that holds data or keys. Every resource is retained when the stack is
 * deleted or a resource is replaced, so a mistaken deploy cannot drop credentials or letters.
 */
export class DataStack extends Stack implements DataResources {
  readonly table: dynamodb.Table;
  readonly dataKey: kms.Key;
  readonly partBKey: kms.Key;
  readonly signingKey: kms.Key;
  readonly logsKey: kms.Key;
  readonly lettersBucket: s3.Bucket;
  readonly uploadsBucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    // Server access logs are delivered under a bucket policy rather than the legacy LogDeliveryWrite ACL, so
    // every bucket keeps ACLs disabled. A feature flag; cdk.json does not set it.
    const logsUseBucketPolicy = "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy";
    if (this.node.tryGetContext(logsUseBucketPolicy) === undefined)
      this.node.setContext(logsUseBucketPolicy, true);

    this.dataKey = new kms.Key(this, "DataKey", {
      description: "PIN service data: table, letters and uploads",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Part B is half a credential: its own key, so that reading the table (which every function does) never
    // implies reading part B. The key policy refuses any use without the part-B encryption context
    // (shared/crypto/part-b.ts), whoever the caller; the grants (infra/constructs/pin-function.ts) say who.
    this.partBKey = new kms.Key(this, "PartBKey", {
      description: "PIN service: part B of initial PINs, until its letter is printed",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const cryptographicActions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"];
    this.partBKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "DenyWithoutPartBPurpose",
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: cryptographicActions,
        resources: ["*"],
        conditions: { StringNotEquals: { "kms:EncryptionContext:purpose": PART_B_PURPOSE } },
      }),
    );
    this.partBKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "DenyWithoutLetterId",
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: cryptographicActions,
        resources: ["*"],
        conditions: { Null: { "kms:EncryptionContext:letterId": "true" } },
      }),
    );

    this.signingKey = new kms.Key(this, "SigningKey", {
      description: "PIN service: signs citizen access tokens (ES256)",
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Logs may hold request metadata and job summaries: encrypted under a key of ours, kept here so that logs
    // retained after the service stack is gone stay readable. CloudWatch Logs in this region uses it for this
    // account's log groups only (the encryption context names the log group).
    this.logsKey = new kms.Key(this, "LogsKey", {
      description: "PIN service: CloudWatch Logs of the functions and the API",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchLogsOfThisAccount",
        principals: [
          new iam.ServicePrincipal(
            `logs.${this.region}.${RegionInfo.get(this.region).domainSuffix ?? "amazonaws.com"}`,
          ),
        ],
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources: ["*"],
        conditions: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": this.formatArn({
              service: "logs",
              resource: "log-group",
              resourceName: "*",
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    // `Table`, not `TableV2`: a global table encrypted with a customer-managed key needs an account-specific
    // stack, and the account is left to the deployment (CDK_DEFAULT_ACCOUNT).
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: tableDefinition.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      // The notifier's source (shared/functions.ts `streamConsumers`): outbox items, as they are written.
      stream: dynamodb.StreamViewType[tableDefinition.streamViewType],
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of Object.values(tableDefinition.globalSecondaryIndexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        // As the local stack creates them (local/table-admin.ts): queries read whole items.
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    this.accessLogsBucket = new s3.Bucket(this, "AccessLogs", {
      // S3 delivers server access logs only to buckets encrypted with S3-managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ id: "expire-access-logs", expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.accessLogsBucket,
      "This bucket is where the letters and uploads buckets write their server access logs; logging it into itself would loop.",
      "AwsSolutions-S1",
    );

    this.lettersBucket = this.encryptedBucket("Letters", {
      logPrefix: accessLogPrefixes.letters,
      // Letters hold part B in clear: they stay only as long as the print house needs to fetch them.
      lifecycleRules: [
        {
          id: "expire",
          expiration: Duration.days(90),
          noncurrentVersionExpiration: Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    this.uploadsBucket = this.encryptedBucket("Uploads", {
      logPrefix: accessLogPrefixes.uploads,
      lifecycleRules: Object.entries(uploadsRetention).map(([id, rule]) => ({
        id,
        prefix: rule.prefix,
        expiration: rule.expiration,
        noncurrentVersionExpiration: rule.noncurrent,
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      })),
      // Without a fixed origin, the edge stack sets the rule once the distribution's domain exists.
      cors: props.webOrigin ? [uploadsCorsRule(props.webOrigin)] : undefined,
    });

    new CfnOutput(this, "TableName", { value: this.table.tableName });
    new CfnOutput(this, "LettersBucketName", { value: this.lettersBucket.bucketName });
    new CfnOutput(this, "UploadsBucketName", { value: this.uploadsBucket.bucketName });
  }

  /** A versioned bucket under the data key, private, TLS only, logged, with its lifecycle and CORS rules. */
  private encryptedBucket(
    id: string,
    options: { logPrefix: string; lifecycleRules: s3.LifecycleRule[]; cors?: s3.CorsRule[] },
  ): s3.Bucket {
    return new s3.Bucket(this, id, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      // One data key per bucket and period instead of one KMS call per object.
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: options.logPrefix,
      lifecycleRules: options.lifecycleRules,
      cors: options.cors,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
