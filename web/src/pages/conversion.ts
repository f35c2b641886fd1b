/**
 * F10 conversion to dispositivo (route lands with F10): open a request with the identity document, print the
 * pre-filled form, upload the signed form and the document straight to S3 through the presigned POSTs (with a
 * progress bar each), then submit; the request's state afterwards.
 */

import { type Answer, ApiError } from "../api.ts";
import { branchVisitNote } from "../appointments.ts";
import { citizenCall, citizenToken, requireCitizen } from "../citizen.ts";
import { documentFields, emptyDocument } from "../documents.ts";
import { add, h } from "../dom.ts";
import { callout, form, markField, submitButton } from "../forms.ts";
import { formatDateTime, t } from "../i18n.ts";
import { mountPage, rerender, section } from "../layout.ts";
import { openPdf } from "../pdf.ts";
import { fileProblem, type PresignedUpload, progressBar, uploadFile } from "../upload.ts";

/** The request as each of its calls answers: reading it, opening it (with its uploads), or submitting it. */
type ConversionRequest = Pick<Answer<"conversionRequest">, "id" | "status"> &
  Partial<Answer<"conversionRequest"> & Answer<"conversionRequests">>;

const STORE = "pin.conversion";
const documents = emptyDocument();
let current: ConversionRequest | undefined;
const uploaded = new Set<string>();
let notice: string | undefined;

async function loadStored(): Promise<void> {
  const id = sessionStorage.getItem(STORE);
  if (!id || current) return;
  try {
    current = await citizenCall<ConversionRequest>(
      "GET",
      `/v1/conversion-requests/${encodeURIComponent(id)}`,
    );
  } catch {
    sessionStorage.removeItem(STORE);
  }
}

async function openForm(id: string): Promise<void> {
  const token = citizenToken();
  const response = await fetch(`/v1/conversion-requests/${encodeURIComponent(id)}/form`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`form ${response.status}`);
  openPdf(URL.createObjectURL(await response.blob()));
}

function uploadRow(upload: PresignedUpload): HTMLElement {
  const id = `file-${upload.document}`;
  const fileInput = h("input", {
    type: "file",
    id,
    class: "form-control",
    accept: upload.contentTypes.join(","),
    name: upload.document,
  });
  const progress = progressBar(t(`conversion.document.${upload.document as "request-form"}`));
  const status = h(
    "p",
    { class: "small mb-0", "aria-live": "polite" },
    uploaded.has(upload.document) ? t("conversion.uploaded") : "",
  );
  const field = h(
    "div",
    { class: "form-group", "data-path": upload.document },
    h("label", { for: id, class: "active" }, t(`conversion.document.${upload.document as "request-form"}`)),
    fileInput,
    progress.element,
    status,
  );
  if (uploaded.has(upload.document)) progress.set(1);
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files?.[0];
    for (const e of field.querySelectorAll(".field-error")) e.remove();
    if (!file) return;
    const problem = fileProblem(upload, file);
    if (problem) {
      markField(field, problem);
      return;
    }
    try {
      await uploadFile(upload, file, progress.set);
      uploaded.add(upload.document);
      status.textContent = t("conversion.uploaded");
    } catch {
      markField(field, t("upload.failed"));
    }
  });
  return field;
}

function requestView(request: ConversionRequest): HTMLElement {
  const uploads = request.uploads ?? [];
  return h(
    "div",
    {},
    section(
      "conversion.state",
      h(
        "dl",
        { class: "row" },
        h("dt", { class: "col-sm-4" }, t("conversion.stateLabel")),
        h(
          "dd",
          { class: "col-sm-8", "data-testid": "conversion-status" },
          t(`conversion.status.${request.status}`),
        ),
        request.submittedAt
          ? [
              h("dt", { class: "col-sm-4" }, t("conversion.submittedAt")),
              h("dd", { class: "col-sm-8" }, formatDateTime(request.submittedAt)),
            ]
          : null,
        request.reason
          ? [
              h("dt", { class: "col-sm-4" }, t("conversion.reason")),
              h("dd", { class: "col-sm-8" }, request.reason),
            ]
          : null,
      ),
    ),
    request.status === "awaiting-documents" && uploads.length
      ? section(
          "conversion.documents",
          h("p", {}, t("conversion.documentsIntro")),
          h(
            "button",
            {
              type: "button",
              class: "btn btn-outline-primary btn-sm mb-3",
              onclick: () => void openForm(request.id),
            },
            t("conversion.printForm"),
          ),
          form(
            async () => {
              const result = await citizenCall<ConversionRequest>(
                "POST",
                `/v1/conversion-requests/${encodeURIComponent(request.id)}/submit`,
              );
              current = { ...request, ...result, uploads: [] };
              notice = t("conversion.submitted");
              await rerender();
              document.getElementById("notice")?.focus();
            },
            uploads.map(uploadRow),
            submitButton("conversion.submit"),
          ),
        )
      : null,
  );
}

requireCitizen();

mountPage({
  title: "conversion.title",
  trail: [{ label: "area.title", href: "/area/" }],
  async render(main) {
    await loadStored();
    add(main, h("p", {}, t("conversion.intro")), branchVisitNote("pin-conversion"));
    if (notice)
      add(main, callout("success", h("p", { class: "mb-0", id: "notice", tabindex: "-1" }, notice)));
    if (current) {
      add(main, requestView(current));
      return;
    }
    add(
      main,
      form(
        async () => {
          try {
            current = await citizenCall<ConversionRequest>("POST", "/v1/conversion-requests", {
              body: {
                identityDocument: {
                  ...documents.identityDocument,
                  number: documents.identityDocument.number.trim(),
                },
              },
            });
          } catch (error) {
            const open =
              error instanceof ApiError && error.problem.code === "conversion-open"
                ? error.problem.id
                : undefined;
            if (typeof open !== "string") throw error;
            current = await citizenCall<ConversionRequest>(
              "GET",
              `/v1/conversion-requests/${encodeURIComponent(open)}`,
            );
          }
          sessionStorage.setItem(STORE, current.id);
          await rerender();
        },
        documentFields(documents),
        submitButton("conversion.start"),
      ),
    );
  },
});
