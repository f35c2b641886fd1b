import { GetObjectCommand, NoSuchKey, PutObjectCommand } from "@aws-sdk/client-s3";
import { required } from "../platform/config.ts";
import { s3 } from "../platform/s3-client.ts";
import { manifestKeys } from "./batch-keys.ts";
import type { LetterToPrint } from "./letter.schema.ts";
import type { ManifestBuilder } from "./manifest.ts";

/**
 * The files of a letter batch in the letters bucket: each PDF with its part manifest (what a crashed run needs
 * to finish the file), and the batch manifest (JSON, CSV) with its summary.
 */

/** One committed file: once it is recorded on its batch, its letters are printed exactly there. */
export interface FilePart {
  key: string;
  sha256: string;
  pages: { letterId: string; page: number }[];
  letters: Array<Omit<LetterToPrint, "partB"> & { codiceFiscale: string }>;
}

const bucket = () => required("LETTERS_BUCKET");
const partKeyOf = (fileKey: string) => fileKey.replace(/\.pdf$/, ".json");

const put = (Key: string, Body: string | Uint8Array, ContentType: string) =>
  s3.send(new PutObjectCommand({ Bucket: bucket(), Key, Body, ContentType }));

/** Stores a file's PDF, then its part manifest beside it. */
export async function putLetterFile(pdf: Uint8Array, part: FilePart): Promise<void> {
  await put(part.key, pdf, "application/pdf");
  await put(partKeyOf(part.key), JSON.stringify(part), "application/json");
}

/** The part manifest of a file, or undefined when its run died before storing it. */
export async function readPart(fileKey: string): Promise<FilePart | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket(), Key: partKeyOf(fileKey) }));
    return JSON.parse(await object.Body!.transformToString()) as FilePart;
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return undefined;
    throw error;
  }
}

/** The batch manifest, JSON then CSV, and the summary last: a batch is complete for the print house once its summary exists. */
export async function putBatchManifest(prefix: string, builder: ManifestBuilder): Promise<void> {
  const manifest = builder.build();
  const keys = manifestKeys(prefix);
  await put(keys.json, manifest.json, "application/json");
  await put(keys.csv, manifest.csv, "text/csv; charset=utf-8");
  await put(keys.summary, JSON.stringify(manifest.summary, null, 2), "application/json");
}
