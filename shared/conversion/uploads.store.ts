import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { uploadsPrefixes } from "../bucket-layout.ts";
import { nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { randomId } from "../platform/random.ts";
import { s3 } from "../platform/s3-client.ts";

/** Documents of a conversion request: the signed request form and the identity document, or a fax scan. */
export type DocumentName = "request-form" | "identity-document" | "fax";

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const UPLOAD_TTL_SECONDS = 15 * 60;
export const DOWNLOAD_TTL_SECONDS = 5 * 60;
export const ALLOWED_CONTENT_TYPES = ["application/pdf", "image/jpeg", "image/png"] as const;
type AllowedContentType = (typeof ALLOWED_CONTENT_TYPES)[number];

/** The file's first bytes for each allowed type: the declared content type is only a claim. */
const MAGIC: Record<AllowedContentType, number[]> = {
  "application/pdf": [0x25, 0x50, 0x44, 0x46], // %PDF
  "image/jpeg": [0xff, 0xd8, 0xff],
  "image/png": [0x89, 0x50, 0x4e, 0x47],
};

export const documentKey = (requestId: string, document: DocumentName) =>
  `${uploadsPrefixes.conversions}${requestId}/${document}`;

export interface Upload {
  document: DocumentName;
  url: string;
  /** The policy fields for a PDF, kept for clients that read only these. */
  fields: Record<string, string>;
  /** One policy per allowed type, each requiring exactly that `Content-Type` (the form adds the field). */
  fieldsByContentType: Record<AllowedContentType, Record<string, string>>;
  expiresAt: string;
  maxBytes: number;
  contentTypes: readonly string[];
}

/**
 * S3 presigned POSTs for one document: the client uploads straight to the uploads bucket (the function never
 * sees the bytes). Each policy fixes the key, caps the size at 10 MiB and requires one allowed Content-Type
 * (a POST policy has no "one of", hence one policy per type); the file's own first bytes are checked too, at
 * submit, on a copy the client cannot replace.
 */
export async function presignUpload(requestId: string, document: DocumentName): Promise<Upload> {
  const signed = await Promise.all(
    ALLOWED_CONTENT_TYPES.map((contentType) =>
      createPresignedPost(s3, {
        Bucket: required("UPLOADS_BUCKET"),
        Key: documentKey(requestId, document),
        Conditions: [
          ["content-length-range", 1, MAX_UPLOAD_BYTES],
          ["eq", "$Content-Type", contentType],
        ],
        Expires: UPLOAD_TTL_SECONDS,
      }),
    ),
  );
  const fieldsByContentType = Object.fromEntries(
    ALLOWED_CONTENT_TYPES.map((contentType, i) => [contentType, signed[i]!.fields]),
  ) as Upload["fieldsByContentType"];
  return {
    document,
    url: signed[0]!.url,
    fields: fieldsByContentType["application/pdf"],
    fieldsByContentType,
    expiresAt: new Date(nowMs() + UPLOAD_TTL_SECONDS * 1000).toISOString(),
    maxBytes: MAX_UPLOAD_BYTES,
    contentTypes: ALLOWED_CONTENT_TYPES,
  };
}

/** A document as it passed its check at submit: a copy of its own, and what the check found. */
export interface StoredDocument {
  document: DocumentName;
  /** The copy's key, under `checked-conversions/` (shared/bucket-layout.ts): one per check, so no later check overwrites it. */
  key: string;
  contentType: AllowedContentType;
  bytes: number;
  etag: string;
}

export type DocumentCheck = { ok: true; stored: StoredDocument } | { ok: false; problem: string };

const isNotFound = (error: unknown) =>
  error instanceof NotFound ||
  (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404);

/**
 * Copies a document out of the client's reach, then checks the copy: present, an allowed type (declared and
 * by its first bytes) and size. The client may upload again after this; the copy does not change.
 */
export async function checkDocument(requestId: string, document: DocumentName): Promise<DocumentCheck> {
  const Bucket = required("UPLOADS_BUCKET");
  const Key = `${uploadsPrefixes.checkedConversions}${requestId}/${document}/${randomId()}`;
  try {
    await s3.send(
      new CopyObjectCommand({ Bucket, Key, CopySource: `${Bucket}/${documentKey(requestId, document)}` }),
    );
  } catch (error) {
    if (isNotFound(error) || (error as Error).name === "NoSuchKey") return { ok: false, problem: "missing" };
    throw error;
  }
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
  const contentType = (head.ContentType ?? "").split(";")[0]!.trim().toLowerCase() as AllowedContentType;
  const bytes = head.ContentLength ?? 0;
  const problem = await (async () => {
    if (bytes < 1 || bytes > MAX_UPLOAD_BYTES) return "size";
    if (!ALLOWED_CONTENT_TYPES.includes(contentType)) return "content-type";
    const first = await s3.send(new GetObjectCommand({ Bucket, Key, Range: "bytes=0-7" }));
    const head8 = await first.Body!.transformToByteArray();
    return MAGIC[contentType].every((byte, i) => head8[i] === byte) ? undefined : "content";
  })();
  const stored: StoredDocument = { document, key: Key, contentType, bytes, etag: head.ETag ?? "" };
  if (!problem) return { ok: true, stored };
  await discardChecked([stored]);
  return { ok: false, problem };
}

/**
 * Deletes checked copies no request keeps (a failed check, a submit that failed or lost a race), so that
 * submitting again and again does not pile copies up.
 */
export async function discardChecked(documents: StoredDocument[]): Promise<void> {
  const Bucket = required("UPLOADS_BUCKET");
  await Promise.all(documents.map(({ key }) => s3.send(new DeleteObjectCommand({ Bucket, Key: key }))));
}

/**
 * A 5-minute presigned GET of a checked copy for the back office, served with the type the check found. An
 * image opens in the browser; a PDF is downloaded (`attachment`), since a PDF can carry scripts and forms
 * and should open in the reader, not in a page of the bucket's origin.
 */
export async function presignDownload(stored: StoredDocument): Promise<string> {
  const extension = { "application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png" }[stored.contentType];
  const disposition = stored.contentType.startsWith("image/") ? "inline" : "attachment";
  return getSignedUrl(
    s3,
    new GetObjectCommand({
      Bucket: required("UPLOADS_BUCKET"),
      Key: stored.key,
      ResponseContentType: stored.contentType,
      ResponseContentDisposition: `${disposition}; filename="${stored.document}.${extension}"`,
    }),
    { expiresIn: DOWNLOAD_TTL_SECONDS },
  );
}
