/** The page of any path that is no page (served with status 404). */
import { add, h } from "../dom.ts";
import { t } from "../i18n.ts";
import { mountPage } from "../layout.ts";

mountPage({
  title: "notFound.title",
  render(main) {
    add(
      main,
      h("p", {}, t("notFound.text")),
      h("a", { class: "btn btn-primary", href: "/" }, t("notFound.home")),
    );
  },
});
