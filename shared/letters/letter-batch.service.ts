import { createHash } from "node:crypto";
import { recordAuditEvents } from "../audit/audit.store.ts";
import { decryptPartB } from "../crypto/part-b.ts";
import { now } from "../platform/clock.ts";
import { logger } from "../platform/logger.ts";
import { countMetric } from "../platform/metrics.ts";
import { randomId } from "../platform/random.ts";
import { type FilePart, putBatchManifest, putLetterFile, readPart } from "./batch-files.store.ts";
import { batchPrefix, letterFileKey } from "./batch-keys.ts";
import type { LetterToPrint } from "./letter.schema.ts";
import {
  type IndexCursor,
  type LetterItem,
  markLettersPrinted,
  pendingLetters,
  readLetters,
} from "./letter.store.ts";
import {
  closeBatch,
  deleteBatch,
  openBatch,
  openBatches,
  RUN_LEASE_MS,
  recordFile,
  releaseLease,
  takeLease,
} from "./letter-batch.store.ts";
import { renderLetterFile } from "./letter-pdf.ts";
import { ManifestBuilder, type ManifestFile } from "./manifest.ts";

export { RUN_LEASE_MS };
export const MAX_LETTERS_PER_FILE = 2000;

export interface LetterBatchSummary {
  batchId?: string;
  prefix?: string;
  letters: number;
  files: number;
  /** Letters of committed files that a crashed run had not yet marked, now marked. */
  recoveredLetters: number;
  /** Batches a crashed run left open, now closed with their manifest. */
  finalisedBatches: number;
  stoppedEarly: boolean;
  /** Another run held the lease: this one did nothing. */
  skipped?: boolean;
}

export interface RunOptions {
  /** Milliseconds the invocation has left (Lambda context); the run stops cleanly below `reserveMs`. */
  remainingMs: () => number;
  reserveMs?: number;
  maxLettersPerFile?: number;
}

/**
 * Primary course (F2): take the run lease (one run at a time; a parallel run answers `skipped`), close any
 * batch a crashed run left open, then a file at a time: take up to 2,000 pending letters found through the
 * sparse index (never a Scan), render them, store the PDF and its part manifest, record the file on the batch
 * (the commit point), and mark the letters printed with part B erased. Finally the batch manifest (JSON, CSV)
 * and the summary, last. The print house prints only the files a summary lists, so a file stored by a run
 * that died before its commit point is never printed, and its letters, still pending, go into the next batch.
 *
 * The index is eventually consistent (a GSI in AWS): it may still list letters just printed or cancelled.
 * It only proposes candidates. A consistent read confirms each one is pending, and the mark is a write
 * conditional on it still being pending, so a letter is marked printed once and a cancelled one never: a
 * letter cancelled (PIN revoked) between that read and the mark stays cancelled, and its page is listed in
 * the summary as withdrawn, never in the manifest, so it is not mailed.
 */
export async function runLetterBatch(options: RunOptions): Promise<LetterBatchSummary> {
  const runId = randomId();
  if (!(await takeLease(runId))) {
    return {
      letters: 0,
      files: 0,
      recoveredLetters: 0,
      finalisedBatches: 0,
      stoppedEarly: false,
      skipped: true,
    };
  }
  try {
    const summary = await runWithLease(runId, options);
    // Once per completed run, zero included: "no letter batch in 26 hours" alarms on its absence.
    countMetric("LettersPrinted", { count: summary.letters + summary.recoveredLetters });
    return summary;
  } catch (error) {
    countMetric("LetterBatchFailed");
    throw error;
  } finally {
    await releaseLease(runId);
  }
}

async function runWithLease(runId: string, options: RunOptions): Promise<LetterBatchSummary> {
  const reserveMs = options.reserveMs ?? 120_000;
  const perFile = options.maxLettersPerFile ?? MAX_LETTERS_PER_FILE;
  const recovery = await finaliseOpenBatches();
  const batchId = randomId();
  const startedAt = now();
  const prefix = batchPrefix(startedAt, batchId);
  const manifest = new ManifestBuilder(batchId, startedAt.toISOString());
  let files = 0;
  let stoppedEarly = false;
  await openBatch(batchId, prefix, startedAt);
  const nextLetters = (from: IndexCursor) => {
    if (options.remainingMs() < reserveMs) {
      stoppedEarly = true;
      return undefined;
    }
    const read = pendingLetters(perFile, from);
    read.catch(() => undefined); // awaited in the loop; a failure while the previous file is at work is not lost
    return read;
  };
  // Database and CPU side by side: while a file renders, the next file's letters are read and the previous
  // file's letters are marked. Marking stays after its file's commit point, one file at a time.
  let next = nextLetters(undefined);
  let marking: Promise<unknown> = Promise.resolve();
  try {
    while (next) {
      const { letters, cursor } = await next;
      if (letters.length === 0) break;
      next = nextLetters(cursor);
      const part = await printFile(letterFileKey(prefix, files + 1), letters);
      await recordFile(batchId, { key: part.key, sha256: part.sha256, count: part.pages.length });
      await marking;
      marking = markPrinted(batchId, part, letters).then((printed) =>
        manifest.addFile(asPrinted(part, printed)),
      );
      marking.catch(() => undefined); // awaited before the next mark and at the end
      files++;
      if (!(await takeLease(runId, true))) throw new Error("letter-batch lease lost");
    }
    await marking;
  } catch (error) {
    // Nothing of this run keeps reading or writing once it has failed.
    await Promise.all([next?.catch(() => undefined), marking.catch(() => undefined)]);
    throw error;
  }
  if (files === 0) {
    await deleteBatch(batchId);
    return { letters: 0, files: 0, ...recovery, stoppedEarly };
  }
  await writeBatchManifest(batchId, prefix, manifest);
  return {
    batchId,
    prefix,
    letters: manifest.letterCount,
    files,
    ...recovery,
    stoppedEarly,
  };
}

async function printFile(fileKey: string, letters: LetterItem[]): Promise<FilePart> {
  const toPrint: LetterToPrint[] = await Promise.all(
    letters.map(async (l) => ({
      letterId: l.letterId,
      reference: l.reference,
      recipient: l.recipient,
      address: l.address,
      partB: await decryptPartB(l.partBCiphertext!, l.letterId),
      validUntil: l.validUntil,
      issuedAt: l.issuedAt,
    })),
  );
  const { pdf, pages } = await renderLetterFile(toPrint);
  const sha256 = createHash("sha256").update(pdf).digest("hex");
  const part: FilePart = {
    key: fileKey,
    sha256,
    pages,
    letters: letters.map((l) => ({
      letterId: l.letterId,
      reference: l.reference,
      recipient: l.recipient,
      address: l.address,
      validUntil: l.validUntil,
      issuedAt: l.issuedAt,
      codiceFiscale: l.codiceFiscale,
    })),
  };
  await putLetterFile(pdf, part);
  return part;
}

/**
 * Marks a committed file's letters printed: out of the pending index, part B erased, file and page noted; and
 * one audit record per holder. Each mark is conditional on the letter still being pending, so a letter
 * cancelled meanwhile stays cancelled (and is audited as withdrawn from the file) and none is marked twice.
 * Returns the ids of the letters marked.
 */
async function markPrinted(batchId: string, part: FilePart, letters: LetterItem[]): Promise<Set<string>> {
  const pageOf = new Map(part.pages.map((p) => [p.letterId, p.page]));
  const printedAt = now().toISOString();
  const passed = await markLettersPrinted(
    letters.map((l) => l.letterId),
    { batchId, fileKey: part.key, pageOf, printedAt },
  );
  const withdrawn = letters.filter((_, i) => !passed[i]);
  if (withdrawn.length > 0) {
    logger.warn("letters no longer pending withdrawn from a committed file", {
      batchId,
      file: part.key,
      letters: withdrawn.length,
    });
  }
  await recordAuditEvents(
    letters.map((l, i) => ({
      codiceFiscale: l.codiceFiscale,
      type: passed[i] ? "letter-printed" : "letter-withdrawn",
      channel: "post",
      actor: "job:letter-batch",
      outcome: "success",
      details: { letterId: l.letterId, batchId, file: part.key, page: pageOf.get(l.letterId) ?? 0 },
    })),
    printedAt,
  );
  return new Set(letters.filter((_, i) => passed[i]).map((l) => l.letterId));
}

/**
 * The manifest entry of a committed file: only its letters marked printed there are to be mailed; any other
 * page (a letter cancelled between its read and its mark) is listed as withdrawn.
 */
function asPrinted(part: FilePart, printed: Set<string>): ManifestFile {
  return {
    key: part.key,
    sha256: part.sha256,
    letters: part.letters.filter((l) => printed.has(l.letterId)),
    pages: part.pages.filter((p) => printed.has(p.letterId)),
    withdrawnPages: part.pages.filter((p) => !printed.has(p.letterId)).map((p) => p.page),
  };
}

/**
 * Finishes a committed file whose run died before marking it all: marks its letters still pending, and
 * returns the ids of its letters printed there (the others were cancelled meanwhile: withdrawn).
 */
async function finishFile(
  batchId: string,
  part: FilePart,
): Promise<{ printed: Set<string>; marked: number }> {
  const letters = await readLetters(part.letters.map((l) => l.letterId));
  const printed = new Set(
    letters.filter((l) => l.status === "printed" && l.fileKey === part.key).map((l) => l.letterId),
  );
  const pending = letters.filter((l) => l.status === "pending");
  const marked = pending.length > 0 ? await markPrinted(batchId, part, pending) : new Set<string>();
  for (const id of marked) printed.add(id);
  return { printed, marked: marked.size };
}

/** Batches a crashed run left open: mark their committed letters, then write their manifest and summary. */
async function finaliseOpenBatches(): Promise<{ recoveredLetters: number; finalisedBatches: number }> {
  const open = await openBatches();
  let recoveredLetters = 0;
  for (const batch of open) {
    const parts = (await Promise.all(Object.keys(batch.files ?? {}).map(readPart))).filter(
      (p): p is FilePart => p !== undefined,
    );
    const manifest = new ManifestBuilder(batch.batchId, batch.startedAt);
    for (const part of parts.sort((a, b) => a.key.localeCompare(b.key))) {
      const { printed, marked } = await finishFile(batch.batchId, part);
      manifest.addFile(asPrinted(part, printed));
      recoveredLetters += marked;
    }
    if (parts.length === 0) {
      await deleteBatch(batch.batchId);
    } else {
      await writeBatchManifest(batch.batchId, batch.prefix, manifest);
    }
    logger.info("finalised open batch", { batchId: batch.batchId, files: parts.length });
  }
  return { recoveredLetters, finalisedBatches: open.length };
}

/** The manifest and summary of a batch, then the batch closed. */
async function writeBatchManifest(batchId: string, prefix: string, builder: ManifestBuilder): Promise<void> {
  await putBatchManifest(prefix, builder);
  await closeBatch(batchId);
}
