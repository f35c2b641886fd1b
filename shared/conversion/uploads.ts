import { GetObjectCommand, HeadObjectCommand, NotFound, S3ServiceException } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { s3 } from "../platform/s3-client.ts";

/** Documents of a conversion request: the signed request form and the identity document, or a fax scan. */
export type DocumentName = "request-form" | "identity-document" | "fax";

export const UPLOAD_PREFIX = "conversions/";
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const UPLOAD_TTL_SECONDS = 15 * 60;
export const DOWNLOAD_TTL_SECONDS = 5 * 60;
export const ALLOWED_CONTENT_TYPES = ["application/pdf", "image/jpeg", "image/png"] as const;

/** The file's first bytes for each allowed type: the declared content type is only a claim. */
const MAGIC: Record<(typeof ALLOWED_CONTENT_TYPES)[number], number[]> = {
  "application/pdf": [0x25, 0x50, 0x44, 0x46], // %PDF
  "image/jpeg": [0xff, 0xd8, 0xff],
  "image/png": [0x89, 0x50, 0x4e, 0x47],
};

export const documentKey = (requestId: string, document: DocumentName) =>
  `${UPLOAD_PREFIX}${requestId}/${document}`;

export interface Upload {
  document: DocumentName;
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
  maxBytes: number;
  contentTypes: readonly string[];
}

/**
 * An S3 presigned POST for one document: the client uploads straight to the uploads bucket (the function
 * never sees the bytes). The policy fixes the key, caps the size at 10 MiB and requires a Content-Type; a
 * POST policy cannot require one of several types, so the type is checked again, by the file's own first
 * bytes, before the request can be submitted.
 */
export async function presignUpload(requestId: string, document: DocumentName): Promise<Upload> {
  const { url, fields } = await createPresignedPost(s3, {
    Bucket: required("UPLOADS_BUCKET"),
    Key: documentKey(requestId, document),
    Conditions: [
      ["content-length-range", 1, MAX_UPLOAD_BYTES],
      ["starts-with", "$Content-Type", ""],
    ],
    Expires: UPLOAD_TTL_SECONDS,
  });
  return {
    document,
    url,
    fields,
    expiresAt: new Date(nowMs() + UPLOAD_TTL_SECONDS * 1000).toISOString(),
    maxBytes: MAX_UPLOAD_BYTES,
    contentTypes: ALLOWED_CONTENT_TYPES,
  };
}

export interface StoredDocument {
  document: DocumentName;
  contentType: string;
  bytes: number;
}

export type DocumentCheck = { ok: true; stored: StoredDocument } | { ok: false; problem: string };

/** Whether a document is in the bucket with an allowed type (declared and by content) and size. */
export async function checkDocument(requestId: string, document: DocumentName): Promise<DocumentCheck> {
  const Bucket = required("UPLOADS_BUCKET");
  const Key = documentKey(requestId, document);
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
    const contentType = (head.ContentType ?? "").split(";")[0]!.trim().toLowerCase();
    const bytes = head.ContentLength ?? 0;
    if (bytes < 1 || bytes > MAX_UPLOAD_BYTES) return { ok: false, problem: "size" };
    if (!(ALLOWED_CONTENT_TYPES as readonly string[]).includes(contentType)) {
      return { ok: false, problem: "content-type" };
    }
    const first = await s3.send(new GetObjectCommand({ Bucket, Key, Range: "bytes=0-7" }));
    const head8 = await first.Body!.transformToByteArray();
    const magic = MAGIC[contentType as keyof typeof MAGIC];
    if (!magic.every((byte, i) => head8[i] === byte)) return { ok: false, problem: "content" };
    return { ok: true, stored: { document, contentType, bytes } };
  } catch (error) {
    if (
      error instanceof NotFound ||
      (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
    ) {
      return { ok: false, problem: "missing" };
    }
    throw error;
  }
}

/** A 5-minute presigned GET for the back office to look at a document. */
export async function presignDownload(requestId: string, document: DocumentName): Promise<string> {
  return getSignedUrl(
    s3,
    new GetObjectCommand({ Bucket: required("UPLOADS_BUCKET"), Key: documentKey(requestId, document) }),
    { expiresIn: DOWNLOAD_TTL_SECONDS },
  );
}
