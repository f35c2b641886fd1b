/**
 * Back office (routes land with F10): the queue of submitted conversion requests with their documents to
 * preview, approval or rejection with a reason, and the recording of a faxed request with its scan.
 */
import type { Answer } from "../api.ts";
import { documentFields, emptyDocument } from "../documents.ts";
import { add, h } from "../dom.ts";
import { callout, form, input, markField, submitButton } from "../forms.ts";
import { formatDate, formatDateTime, t } from "../i18n.ts";
import { mountPage, rerender, section } from "../layout.ts";
import { operatorBar, operatorCall, operatorFor } from "../operator.ts";
import { fileProblem, type PresignedUpload, progressBar, uploadFile } from "../upload.ts";

type QueueItem = Answer<"conversionQueue">["items"][number];

const { token, allowed } = operatorFor("back-office");
let queue: QueueItem[] | undefined;
let loadFailed = false;
let notice: string | undefined;
const reasons: Record<string, string> = {};
const fax = { codiceFiscale: "", receivedAt: "", ...emptyDocument() };
let faxUpload: PresignedUpload | undefined;

async function load(): Promise<void> {
  try {
    queue = (
      await operatorCall<Answer<"conversionQueue">>("GET", "/v1/operator/conversion-requests", {
        query: { status: "submitted" },
      })
    ).items;
    loadFailed = false;
  } catch {
    loadFailed = true;
  }
}

async function decide(
  item: QueueItem,
  decision: "approved" | "rejected",
  container: HTMLElement,
): Promise<void> {
  const reason = (reasons[item.id] ?? "").trim();
  if (decision === "rejected" && !reason) {
    const field = container.querySelector<HTMLElement>('[data-path="reason"]');
    if (field) markField(field, t("operator.bo.reasonRequired"));
    return;
  }
  await operatorCall("POST", `/v1/operator/conversion-requests/${encodeURIComponent(item.id)}/decision`, {
    body: { decision, reason: reason || undefined },
  });
  notice = t(decision === "approved" ? "operator.bo.approved" : "operator.bo.rejected", {
    name: `${item.holder.givenName} ${item.holder.surname}`,
  });
  await load();
  await rerender();
  document.getElementById("notice")?.focus();
}

function preview(doc: QueueItem["documents"][number]): HTMLElement {
  const label = t(`conversion.document.${doc.document as "request-form"}`);
  return h(
    "li",
    { class: "mb-2" },
    h(
      "a",
      { href: doc.url, target: "_blank", rel: "noopener noreferrer" },
      `${label} (${doc.contentType}, ${Math.ceil(doc.bytes / 1024)} KB)`,
    ),
    doc.contentType.startsWith("image/")
      ? h("img", { src: doc.url, alt: label, class: "d-block img-fluid mt-1 document-preview" })
      : null,
  );
}

function queueItem(item: QueueItem): HTMLElement {
  const container = h("li", { class: "list-group-item" });
  const reasonId = `reason-${item.id}`;
  const reasonArea = h("textarea", { class: "form-control", id: reasonId, rows: 2 });
  reasonArea.value = reasons[item.id] ?? "";
  reasonArea.addEventListener("input", () => {
    reasons[item.id] = reasonArea.value;
  });
  container.append(
    h(
      "h3",
      { class: "h5" },
      `${item.holder.givenName} ${item.holder.surname} (${item.holder.codiceFiscale})`,
    ),
    h(
      "p",
      { class: "small" },
      t("operator.bo.itemMeta", {
        birth: formatDate(item.holder.birthDate),
        channel: t(`conversion.channel.${item.channel as "online"}`),
        at: formatDateTime(item.submittedAt ?? item.createdAt),
      }),
    ),
    h("ul", { class: "list-unstyled" }, item.documents.map(preview)),
    h(
      "div",
      { class: "form-group", "data-path": "reason" },
      h("label", { for: reasonId, class: "active" }, t("operator.bo.reason")),
      reasonArea,
    ),
    h(
      "div",
      { class: "d-flex gap-2" },
      h(
        "button",
        {
          type: "button",
          class: "btn btn-success btn-sm",
          onclick: () => void decide(item, "approved", container),
        },
        t("operator.bo.approve"),
      ),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-outline-danger btn-sm",
          onclick: () => void decide(item, "rejected", container),
        },
        t("operator.bo.reject"),
      ),
    ),
  );
  return container;
}

function faxSection(): HTMLElement {
  if (faxUpload) {
    const upload = faxUpload;
    const fileInput = h("input", {
      type: "file",
      id: "fax-file",
      class: "form-control",
      accept: upload.contentTypes.join(","),
    });
    const progress = progressBar(t("conversion.document.fax"));
    const field = h(
      "div",
      { class: "form-group", "data-path": "fax" },
      h("label", { for: "fax-file", class: "active" }, t("conversion.document.fax")),
      fileInput,
      progress.element,
    );
    fileInput.addEventListener("change", async () => {
      const file = fileInput.files?.[0];
      if (!file) return;
      const problem = fileProblem(upload, file);
      if (problem) return void markField(field, problem);
      await uploadFile(upload, file, progress.set).then(
        () => {
          faxUpload = undefined;
          notice = t("operator.bo.faxDone");
          void load().then(rerender);
        },
        () => markField(field, t("upload.failed")),
      );
    });
    return section("operator.bo.fax", field);
  }
  return section(
    "operator.bo.fax",
    form(
      async () => {
        const created = await operatorCall<Answer<"faxConversions">>(
          "POST",
          "/v1/operator/conversion-requests",
          {
            body: {
              codiceFiscale: fax.codiceFiscale.trim(),
              receivedAt: fax.receivedAt,
              identityDocument: fax.identityDocument,
            },
          },
        );
        faxUpload = created.uploads.find((u) => u.document === "fax") ?? created.uploads[0];
        await rerender();
      },
      input(fax, {
        path: "codiceFiscale",
        label: "person.codiceFiscale",
        required: true,
        upper: true,
        maxlength: 16,
      }),
      input(fax, {
        path: "receivedAt",
        label: "operator.bo.receivedAt",
        type: "datetime-local",
        required: true,
      }),
      documentFields(fax),
      submitButton("operator.bo.submitFax"),
    ),
  );
}

mountPage({
  title: "operator.bo.title",
  area: "operator",
  async render(main) {
    add(main, operatorBar(token, "back-office"));
    if (!allowed) {
      add(main, callout("danger", t("operator.notYourGroup")));
      return;
    }
    if (!queue && !loadFailed) await load();
    if (notice)
      add(main, callout("success", h("p", { class: "mb-0", id: "notice", tabindex: "-1" }, notice)));
    add(
      main,
      section(
        "operator.bo.queue",
        loadFailed
          ? callout("danger", t("problem.generic"))
          : queue?.length
            ? h("ul", { class: "list-group" }, queue.map(queueItem))
            : h("p", {}, t("operator.bo.empty")),
      ),
      faxSection(),
      h("p", {}, h("a", { href: "/operator/auditor/" }, t("operator.bo.auditLink"))),
    );
  },
});
