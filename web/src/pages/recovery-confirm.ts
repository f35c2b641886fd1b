/**
 * F5: the page the recovery e-mail links to (`/recovery/confirm?token=…`). Nothing happens on opening it (mail
 * scanners open links too); the holder confirms, and the token is posted to the API.
 */
import { type Answer, call } from "../api.ts";
import { add, h } from "../dom.ts";
import { callout, form, submitButton } from "../forms.ts";
import { formatDateTime, t } from "../i18n.ts";
import { mountPage, rerender } from "../layout.ts";
import { linkToken } from "../link-token.ts";

type Recovered = Answer<"recoveryConfirmations">;

const token = linkToken();
let result: Recovered | undefined;

mountPage({
  title: "recoveryConfirm.title",
  trail: [{ label: "recovery.title", href: "/recovery/" }],
  render(main) {
    if (!token) {
      add(main, callout("danger", t("link.missing")));
      return;
    }
    if (result) {
      add(
        main,
        callout(
          "success",
          h("p", { id: "done", tabindex: "-1" }, t("recoveryConfirm.done")),
          h(
            "ul",
            { class: "mb-0" },
            h(
              "li",
              {},
              t("recoveryConfirm.partA", {
                channel: t(`channel.${result.partASentTo.channel}`),
                to: result.partASentTo.masked,
              }),
            ),
            h(
              "li",
              {},
              t("recoveryConfirm.partB", {
                channel: t(`channel.${result.partBSentTo.channel}`),
                to: result.partBSentTo.masked,
              }),
            ),
            h("li", {}, t("recoveryConfirm.validUntil", { date: formatDateTime(result.validUntil) })),
          ),
        ),
        h("a", { class: "btn btn-primary", href: "/login/" }, t("recoveryConfirm.firstAccess")),
      );
      return;
    }
    add(
      main,
      h("p", {}, t("recoveryConfirm.intro")),
      form(async () => {
        result = await call<Recovered>("POST", "/v1/recoveries/confirm", { body: { token } });
        await rerender();
        document.getElementById("done")?.focus();
      }, submitButton("recoveryConfirm.submit")),
    );
  },
});
