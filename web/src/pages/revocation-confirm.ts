/** F6: the page the revocation e-mail links to (`/revocation/confirm?token=…`); revoking needs a click. */
import { call } from "../api.ts";
import { add, h } from "../dom.ts";
import { callout, form, submitButton } from "../forms.ts";
import { t } from "../i18n.ts";
import { mountPage, rerender } from "../layout.ts";
import { linkToken } from "../link-token.ts";

const token = linkToken();
let revoked = false;

mountPage({
  title: "revocationConfirm.title",
  trail: [{ label: "revocation.title", href: "/revocation/" }],
  render(main) {
    if (!token) {
      add(main, callout("danger", t("link.missing")));
      return;
    }
    if (revoked) {
      add(
        main,
        callout(
          "success",
          h("p", { class: "mb-0", id: "done", tabindex: "-1" }, t("revocationConfirm.done")),
        ),
        h("a", { class: "btn btn-primary", href: "/request/" }, t("revocationConfirm.newRequest")),
      );
      return;
    }
    add(
      main,
      callout("warning", t("revocationConfirm.warning")),
      form(
        async () => {
          await call("POST", "/v1/revocations/confirm", { body: { token } });
          revoked = true;
          await rerender();
          document.getElementById("done")?.focus();
        },
        submitButton("revocationConfirm.submit", "btn-danger"),
      ),
    );
  },
});
