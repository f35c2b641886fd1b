import type { CfnElement } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { uploadsRetention } from "../../infra/data-stack.ts";
import { uploadsPrefixes } from "../../shared/bucket-layout.ts";
import { tableDefinition } from "../../shared/table.ts";
import {
  data,
  dataTemplate,
  type Json,
  logicalId,
  resourcesOf,
  service,
  serviceTemplate,
  synthesizeStacks,
} from "./stacks.ts";
import { customWebOrigin } from "./synth.ts";

beforeAll(synthesizeStacks);

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
