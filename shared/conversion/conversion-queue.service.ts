import { conversionView, queuePage } from "./conversion.store.ts";
import { presignDownload } from "./uploads.store.ts";

/** F10, back office: submitted requests, oldest first, with 5-minute links to each checked document. */
export async function conversionQueue(limit: number, cursor?: string) {
  const page = await queuePage(limit, cursor);
  const items = await Promise.all(
    page.items.map(async (request) => ({
      ...conversionView(request),
      holder: { codiceFiscale: request.codiceFiscale, ...request.holder },
      identityDocument: request.identityDocument,
      // Only what passed its check at submit, as it was then; nothing is read from where the client uploads.
      documents: await Promise.all(
        (request.checkedDocuments ?? []).map(async (stored) => ({
          document: stored.document,
          contentType: stored.contentType,
          bytes: stored.bytes,
          url: await presignDownload(stored),
        })),
      ),
    })),
  );
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
