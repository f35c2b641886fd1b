/**
 * F18: the page the confirmation's cancel link opens (`/appointments/cancel?token=…`); cancelling needs a
 * click. A link already used, expired or unknown says so plainly, with the way to book again.
 */
import { ApiError, call } from "../api.ts";
import { add, h } from "../dom.ts";
import { callout, form, submitButton } from "../forms.ts";
import { t } from "../i18n.ts";
import { mountPage, rerender } from "../layout.ts";
import { linkToken } from "../link-token.ts";

const token = linkToken();
let outcome: "cancelled" | "invalid" | undefined = token ? undefined : "invalid";

/** The service's answer to a token it cannot use: unknown, used, expired or malformed. */
function isDeadLink(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  const { code, status } = error.problem;
  return code === "invalid-token" || status === 404 || status === 410 || status === 400 || status === 422;
}

function bookAgain(): HTMLElement {
  return h("a", { class: "btn btn-primary", href: "/appointments/" }, t("appointments.visitLink"));
}

mountPage({
  title: "appointmentsCancel.title",
  trail: [{ label: "appointments.title", href: "/appointments/" }],
  render(main) {
    if (outcome) {
      add(
        main,
        outcome === "cancelled"
          ? callout(
              "success",
              h("p", { class: "mb-0", id: "done", tabindex: "-1" }, t("appointmentsCancel.done")),
            )
          : callout(
              "danger",
              h("p", { class: "mb-0", id: "invalid-link", tabindex: "-1" }, t("appointmentsCancel.invalid")),
            ),
        bookAgain(),
      );
      return;
    }
    add(
      main,
      h("p", {}, t("appointmentsCancel.intro")),
      form(
        async () => {
          try {
            await call("POST", "/v1/appointments/cancel", { body: { token } });
            outcome = "cancelled";
          } catch (error) {
            if (!isDeadLink(error)) throw error;
            outcome = "invalid";
          }
          await rerender();
          document.getElementById(outcome === "cancelled" ? "done" : "invalid-link")?.focus();
        },
        submitButton("appointmentsCancel.submit", "btn-danger"),
      ),
    );
  },
});
