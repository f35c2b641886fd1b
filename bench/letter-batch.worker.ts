import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { decryptPartB, encryptPartB } from "#shared/crypto/part-b";
import {
  type LetterItem,
  letterKey,
  letterReference,
  pendingIndexAttributes,
} from "#shared/letters/letter.store";
import { runLetterBatch } from "#shared/letters/letter-batch.service";
import { dynamodb } from "#shared/platform/dynamodb-client";
import { randomId } from "#shared/platform/random";
import { s3 } from "#shared/platform/s3-client";
import { tableDefinition } from "#shared/table";
import { renderLetterFileNaively } from "./naive-letter-pdf.ts";

const [mode = "job", count = "1000"] = process.argv.slice(2);
const n = Number(count);
const TableName = process.env.TABLE_NAME!;
const started = performance.now();

async function seed(): Promise<number> {
  const countries = ["US", "DE", "AR", "BR", "GB", "CH", "AU", "CA"];
  let written = 0;
  const batches: Array<Promise<unknown>> = [];
  for (let i = 0; i < n; i += 25) {
    const items = await Promise.all(
      Array.from({ length: Math.min(25, n - i) }, async (_, j) => {
        const k = i + j;
        const letterId = randomId();
        const issuedAt = new Date().toISOString();
        return {
          ...letterKey(letterId),
          ...pendingIndexAttributes(letterId, `${issuedAt}-${String(k).padStart(7, "0")}`),
          kind: "letter",
          letterId,
          reference: letterReference(letterId, issuedAt),
          codiceFiscale: `BNCHMK00A01Z404${String.fromCharCode(65 + (k % 26))}`,
          credentialId: randomId(),
          recipient: { surname: `Cognome${k}`, givenName: "Nome" },
          address: {
            countryCode: countries[k % countries.length]!,
            addressLines: [`${k} Main Street`],
            city: "Springfield",
            postalCode: "12345",
          },
          status: "pending",
          partBCiphertext: await encryptPartB(
            (0x10000000 + k).toString(16).toUpperCase().slice(-8),
            letterId,
          ),
          validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
          issuedAt,
          queuedAt: issuedAt,
        };
      }),
    );
    batches.push(
      dynamodb.send(
        new BatchWriteCommand({
          RequestItems: { [TableName]: items.map((Item) => ({ PutRequest: { Item } })) },
        }),
      ),
    );
    written += items.length;
    if (batches.length >= 16) await Promise.all(batches.splice(0));
  }
  await Promise.all(batches);
  return written;
}

/**
 * The baseline: read every pending letter, decrypt, render ONE document holding them all, store it. With the
 * SDK's default client: DynamoDB Local answers a full 1 MB page of the index in 1 to 5 s, past the service
 * client's 5 s idle limit now and then.
 */
async function naive(): Promise<number> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const letters: LetterItem[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName,
        IndexName: tableDefinition.globalSecondaryIndexes.pendingLetters.indexName,
        KeyConditionExpression: "gsi1pk = :p",
        ExpressionAttributeValues: { ":p": "LETTER#PENDING" },
        ExclusiveStartKey,
      }),
    );
    letters.push(...((page.Items ?? []) as LetterItem[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const toPrint = await Promise.all(
    letters.map(async (l) => ({ ...l, partB: await decryptPartB(l.partBCiphertext!, l.letterId) })),
  );
  const { pdf } = await renderLetterFileNaively(toPrint);
  await s3.send(
    new PutObjectCommand({ Bucket: process.env.LETTERS_BUCKET, Key: "naive/all.pdf", Body: pdf }),
  );
  return letters.length;
}

async function job(): Promise<number> {
  const summary = await runLetterBatch({ remainingMs: () => 15 * 60_000 });
  if (summary.stoppedEarly) throw new Error("job stopped early");
  return summary.letters;
}

const done = mode === "seed" ? await seed() : mode === "naive" ? await naive() : await job();
console.log(
  JSON.stringify({
    mode,
    letters: done,
    seconds: (performance.now() - started) / 1000,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
