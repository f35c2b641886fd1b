/**
 * Where each kind of object lives in the service's buckets: the one definition that the functions, the local
 * stack and the CDK stacks (notifications, grants, lifecycle rules, access logs) all read.
 */

/** Prefixes of the uploads bucket. */
export const uploadsPrefixes = {
  /** Documents of a conversion request: `conversions/<requestId>/<document>`, presigned for the browser. */
  conversions: "conversions/",
  /**
   * Where submit copies each conversion document before checking it (`<requestId>/<document>/<checkId>`): no
   * presigned POST is signed for a key here, so what passed the check stays what was checked.
   */
  checkedConversions: "checked-conversions/",
  /** Files of the record of insured persons that the institution drops for the import. */
  registryIncoming: "registry/incoming/",
  /** The import's report of each file: `registry/reports/<file>.report.json`. */
  registryReports: "registry/reports/",
} as const;

/** Prefixes of the letters bucket. */
export const lettersPrefixes = {
  /** The letter batches: `batches/YYYY/MM/DD/<batchId>/` (shared/letters/batch-keys.ts). */
  batches: "batches/",
} as const;

/** Where each bucket's server access logs go in the access-log bucket of its stack. */
export const accessLogPrefixes = {
  letters: "letters/",
  uploads: "uploads/",
  web: "web-bucket/",
} as const;
