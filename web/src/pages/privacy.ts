/** The privacy notice (informativa sul trattamento dei dati personali). */
import { add, h } from "../dom.ts";
import { type MessageKey, t } from "../i18n.ts";
import { mountPage, section } from "../layout.ts";

const parts: Array<[MessageKey, MessageKey]> = [
  ["privacy.controllerTitle", "privacy.controller"],
  ["privacy.dataTitle", "privacy.data"],
  ["privacy.purposeTitle", "privacy.purpose"],
  ["privacy.retentionTitle", "privacy.retention"],
  ["privacy.storageTitle", "privacy.storage"],
  ["privacy.rightsTitle", "privacy.rights"],
];

mountPage({
  title: "privacy.title",
  render(main) {
    add(
      main,
      h("p", { class: "lead" }, t("privacy.lead")),
      ...parts.map(([title, text]) => section(title, h("p", {}, t(text)))),
    );
  },
});
