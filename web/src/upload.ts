/**
 * Uploads a file straight to S3 through a presigned POST (F10): the policy's fields first, the file last, as
 * S3 wants; progress reported as the browser sends it, shown in a Bootstrap Italia progress bar.
 */
import type { Answer } from "./api.ts";
import { h } from "./dom.ts";
import { t } from "./i18n.ts";

/** One presigned POST of a conversion request's answer. */
export type PresignedUpload = NonNullable<Answer<"conversionRequests">["uploads"]>[number];

export function uploadFile(
  upload: PresignedUpload,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = new FormData();
    const fields = upload.fieldsByContentType?.[file.type] ?? upload.fields;
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    body.append("Content-Type", file.type);
    body.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", upload.url);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () =>
      xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`upload ${xhr.status}`)),
    );
    xhr.addEventListener("error", () => reject(new Error("upload failed")));
    xhr.send(body);
  });
}

/** A progress bar whose width the upload moves (a CSSOM change, which the CSP allows). */
export function progressBar(label: string): { element: HTMLElement; set(fraction: number): void } {
  const bar = h("div", {
    class: "progress-bar",
    role: "progressbar",
    "aria-valuemin": 0,
    "aria-valuemax": 100,
    "aria-valuenow": 0,
    "aria-label": label,
  });
  const text = h("span", { class: "small" }, t("upload.percent", { percent: 0 }));
  return {
    element: h("div", { class: "upload-progress mb-2" }, h("div", { class: "progress" }, bar), text),
    set(fraction: number) {
      const percent = Math.round(fraction * 100);
      bar.style.width = `${percent}%`;
      bar.setAttribute("aria-valuenow", String(percent));
      text.textContent = t("upload.percent", { percent });
    },
  };
}

/** Checks a chosen file against what the presigned POST allows, before sending it. */
export function fileProblem(upload: PresignedUpload, file: File): string | undefined {
  if (!upload.contentTypes.includes(file.type)) return t("upload.wrongType");
  if (file.size > upload.maxBytes) return t("upload.tooLarge", { mb: Math.round(upload.maxBytes / 1048576) });
  return undefined;
}
