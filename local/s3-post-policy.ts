import { createHmac } from "node:crypto";
import busboy from "busboy";

/**
 * S3's browser-upload (POST Object) checks, which s3rver skips: the SigV4 signature of the policy, its
 * expiration, and every condition (exact and prefix matches on the form fields, content-length-range on the
 * file). A presigned POST that real S3 would refuse is refused here too, with S3's error codes.
 */
export interface PostPolicyFailure {
  status: number;
  code:
    | "AccessDenied"
    | "EntityTooLarge"
    | "EntityTooSmall"
    | "InvalidPolicyDocument"
    | "SignatureDoesNotMatch";
  message: string;
}

interface ParsedForm {
  fields: Record<string, string>;
  fileBytes: number;
}

/** Reads the multipart form's fields and the size of its `file` part. */
export function parseForm(contentType: string, body: Buffer): Promise<ParsedForm> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let fileBytes = -1;
    const parser = busboy({ headers: { "content-type": contentType } });
    parser.on("field", (name, value) => {
      fields[name.toLowerCase()] = value;
    });
    parser.on("file", (name, stream) => {
      if (name.toLowerCase() !== "file") return stream.resume();
      fileBytes = 0;
      stream.on("data", (chunk: Buffer) => {
        fileBytes += chunk.length;
      });
    });
    parser.on("close", () => resolve({ fields, fileBytes }));
    parser.on("error", reject);
    parser.end(body);
  });
}

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

/** SigV4 signature of a POST policy: the signing key of the credential's date, region and service. */
export function policySignature(secretAccessKey: string, credential: string, policyBase64: string): string {
  const [, date = "", region = "", service = ""] = credential.split("/");
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), "aws4_request");
  return createHmac("sha256", key).update(policyBase64).digest("hex");
}

type Condition = Record<string, string> | [string, string | number, string | number];

export async function checkPostPolicy(
  contentType: string,
  body: Buffer,
  bucket: string,
  secretAccessKey: string,
  nowMs = Date.now(),
): Promise<PostPolicyFailure | undefined> {
  const { fields, fileBytes } = await parseForm(contentType, body);
  const deny = (message: string): PostPolicyFailure => ({ status: 403, code: "AccessDenied", message });
  if (!fields.policy) return deny("Bucket POST must contain a policy.");
  const credential = fields["x-amz-credential"] ?? "";
  if (policySignature(secretAccessKey, credential, fields.policy) !== fields["x-amz-signature"]) {
    return { status: 403, code: "SignatureDoesNotMatch", message: "The policy signature does not match." };
  }
  let policy: { expiration?: string; conditions?: Condition[] };
  try {
    policy = JSON.parse(Buffer.from(fields.policy, "base64").toString("utf8"));
  } catch {
    return { status: 400, code: "InvalidPolicyDocument", message: "The policy is not valid JSON." };
  }
  if (!policy.expiration || Date.parse(policy.expiration) <= nowMs)
    return deny("Invalid according to Policy: Policy expired.");
  const values: Record<string, string> = { ...fields, bucket };
  const covered = new Set(["policy", "x-amz-signature", "file"]);
  for (const condition of policy.conditions ?? []) {
    if (!Array.isArray(condition)) {
      for (const [name, expected] of Object.entries(condition)) {
        covered.add(name.toLowerCase());
        if (values[name.toLowerCase()] !== expected)
          return deny(
            `Invalid according to Policy: Policy Condition failed: ["eq", "$${name}", "${expected}"]`,
          );
      }
      continue;
    }
    const [operator, a, b] = condition;
    if (operator === "content-length-range") {
      if (fileBytes > Number(b))
        return {
          status: 400,
          code: "EntityTooLarge",
          message: "Your proposed upload exceeds the maximum allowed size",
        };
      if (fileBytes < Number(a))
        return {
          status: 400,
          code: "EntityTooSmall",
          message: "Your proposed upload is smaller than the minimum allowed size",
        };
      continue;
    }
    const name = String(a).replace(/^\$/, "").toLowerCase();
    covered.add(name);
    const value = values[name];
    const ok =
      operator === "eq" ? value === b : operator === "starts-with" ? value?.startsWith(String(b)) : false;
    if (!ok)
      return deny(
        `Invalid according to Policy: Policy Condition failed: ["${operator}", "$${name}", "${b}"]`,
      );
  }
  const extra = Object.keys(fields).find((name) => !covered.has(name) && !name.startsWith("x-ignore-"));
  if (extra) return deny(`Invalid according to Policy: Extra input fields: ${extra}`);
  if (fileBytes < 0)
    return {
      status: 400,
      code: "InvalidPolicyDocument",
      message: "POST requires exactly one file upload per request.",
    };
  return undefined;
}
