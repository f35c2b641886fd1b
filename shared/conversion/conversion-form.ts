/**
 * The request form of a conversion request, as a PDF. A module of its own, not part of conversion.service.ts:
 * pdfkit (with fontkit and brotli, about 800 KB minified) has module-level side effects esbuild cannot drop,
 * so every function importing the service would bundle it. Only the form's function imports this one.
 */
import type { ConversionRequest } from "./conversion.store.ts";
import { renderRequestForm } from "./request-form-pdf.ts";

export function conversionForm(request: ConversionRequest): Promise<Buffer> {
  return renderRequestForm({
    requestId: request.id,
    holder: { ...request.holder, codiceFiscale: request.codiceFiscale },
    identityDocument: request.identityDocument,
    createdAt: request.createdAt,
  });
}
