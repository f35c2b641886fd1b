import type { EnvironmentVariable } from "../../infra/constructs/pin-function.ts";
import type { Binding } from "../../shared/functions.ts";
import { tableDefinition } from "../../shared/table.ts";

// What PinFunction must do for each binding: the environment variables it sets, the actions it grants and withholds.

const writeActions = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
];
const neverGranted = ["dynamodb:*", "dynamodb:Scan", "dynamodb:DescribeTable", "dynamodb:GetRecords"];

type Expectation = { variables: EnvironmentVariable[]; granted: string[]; withheld: string[] };
type IndexQuery = Extract<Binding, `table:query:${string}`>;

/** Each index of the table has its query binding, which grants Query (and reading the key) only. */
const indexQueries = Object.fromEntries(
  Object.values(tableDefinition.globalSecondaryIndexes).map((index) => [
    `table:query:${index.indexName}`,
    {
      variables: ["TABLE_NAME"],
      granted: ["dynamodb:Query", "kms:Decrypt"],
      withheld: ["dynamodb:GetItem", ...writeActions, ...neverGranted],
    },
  ]),
) as Record<IndexQuery, Expectation>;

/** For each binding: the variables it sets, actions it must grant, actions it must not. */
export const expectations: Record<Binding, Expectation> = {
  ...indexQueries,
  "table:read": {
    variables: ["TABLE_NAME"],
    granted: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "kms:Decrypt"],
    withheld: [...writeActions, ...neverGranted],
  },
  "table:write": {
    variables: ["TABLE_NAME"],
    granted: [...writeActions, "kms:Decrypt", "kms:Encrypt"],
    withheld: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", ...neverGranted],
  },
  "table:stream": {
    variables: [],
    granted: [
      "dynamodb:DescribeStream",
      "dynamodb:GetRecords",
      "dynamodb:GetShardIterator",
      "dynamodb:ListStreams",
      "kms:Decrypt",
    ],
    withheld: [
      "dynamodb:GetItem",
      "dynamodb:Query",
      ...writeActions,
      "dynamodb:Scan",
      "dynamodb:DescribeTable",
    ],
  },
  "letters:write": {
    variables: ["LETTERS_BUCKET"],
    granted: ["s3:PutObject", "s3:GetObject*"],
    withheld: [],
  },
  "conversions:upload": {
    variables: ["UPLOADS_BUCKET"],
    granted: ["s3:PutObject", "kms:GenerateDataKey"],
    withheld: [
      "s3:GetObject",
      "s3:GetObject*",
      "s3:PutObject*",
      "s3:PutObjectAcl",
      "s3:DeleteObject",
      "s3:ListBucket",
      "kms:Decrypt",
      "kms:Encrypt",
    ],
  },
  "conversions:check": {
    variables: ["UPLOADS_BUCKET"],
    granted: [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:ListBucket",
      "kms:Decrypt",
      "kms:GenerateDataKey",
    ],
    withheld: ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*", "kms:Encrypt"],
  },
  "conversions:read": {
    variables: ["UPLOADS_BUCKET"],
    granted: ["s3:GetObject", "kms:Decrypt"],
    withheld: [
      "s3:GetObject*",
      "s3:PutObject",
      "s3:ListBucket",
      "s3:DeleteObject",
      "kms:GenerateDataKey",
      "kms:Encrypt",
    ],
  },
  "registry:import": {
    variables: ["REGISTRY_BUCKET"],
    granted: ["s3:GetObject", "s3:PutObject", "kms:Decrypt", "kms:GenerateDataKey"],
    withheld: ["s3:DeleteObject", "s3:ListBucket", "s3:GetObject*", "s3:PutObject*", "kms:Encrypt"],
  },
  "sms:publish": { variables: ["SMS_SENDER_ID"], granted: ["sns:Publish"], withheld: ["sns:CreateTopic"] },
  "email:send": {
    variables: ["SENDER_EMAIL", "SES_CONFIGURATION_SET"],
    granted: ["ses:SendEmail"],
    withheld: [],
  },
  "partBKey:encrypt": { variables: ["PART_B_KEY_ID"], granted: ["kms:Encrypt"], withheld: ["kms:Decrypt"] },
  "partBKey:decrypt": { variables: ["PART_B_KEY_ID"], granted: ["kms:Decrypt"], withheld: ["kms:Encrypt"] },
  "signingKey:sign": {
    variables: ["SIGNING_KEY_ID"],
    granted: ["kms:Sign", "kms:GetPublicKey"],
    withheld: [],
  },
  "signingKey:verify": {
    variables: ["SIGNING_KEY_ID"],
    granted: ["kms:GetPublicKey"],
    withheld: ["kms:Sign"],
  },
};
export const bindings = Object.keys(expectations) as Binding[];
export const baseVariables = ["NODE_OPTIONS", "STAGE", "WEB_ORIGIN", "LOG_LEVEL"];
