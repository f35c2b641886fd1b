/** The accessibility statement (dichiarazione di accessibilità, Law 4/2004 and the AgID guidelines). */
import { add, h } from "../dom.ts";
import { type MessageKey, t } from "../i18n.ts";
import { mountPage, section } from "../layout.ts";

const parts: Array<[MessageKey, MessageKey]> = [
  ["accessibility.statusTitle", "accessibility.status"],
  ["accessibility.howTitle", "accessibility.how"],
  ["accessibility.feedbackTitle", "accessibility.feedback"],
  ["accessibility.enforcementTitle", "accessibility.enforcement"],
];

mountPage({
  title: "accessibility.title",
  render(main) {
    add(
      main,
      h("p", { class: "lead" }, t("accessibility.lead")),
      ...parts.map(([title, text]) => section(title, h("p", {}, t(text)))),
    );
  },
});
