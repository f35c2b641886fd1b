/**
 * F3 / F4: log in with codice fiscale and PIN. A first access (16-character PIN) or an expired PIN continues on
 * the same page with the choice of a new 8-character PIN, with live feedback on the rules; the change token
 * stays in this page's memory only. F19: or with a passkey, from the button or from the browser's suggestions
 * in the codice fiscale field (conditional UI); an expired PIN is renewed the same way.
 */
import { type Answer, ApiError, call } from "../api.ts";
import { add, h, icon } from "../dom.ts";
import { callout, form, input, markField, problemText, submitButton } from "../forms.ts";
import { formatDate, t } from "../i18n.ts";
import { mountPage, rerender } from "../layout.ts";
import { loginWithPasskey, passkeysSupported } from "../passkeys.ts";
import { pinChooser } from "../pin-rules.ts";
import { saveToken } from "../session.ts";

type LoginResult = Answer<"sessions">;

const state = { codiceFiscale: "", pin: "", newPin: "", confirmPin: "" };
let change: { reason: "first-access" | "expired"; changeToken: string } | undefined;
let notice: { kind: "success" | "warning"; text: string } | undefined;

/** Where to go after logging in: a path on this origin only. */
function nextPath(): string {
  const next = new URLSearchParams(location.search).get("next") ?? "";
  return /^\/(?!\/)[\w\-/]*$/.test(next) ? next : "/area/";
}

/** A login's answer, whichever way it was proven: to the next page, or on to choosing a new PIN. */
async function proceed(result: LoginResult): Promise<void> {
  if (result.outcome === "authenticated") {
    saveToken("citizen", result.accessToken, result.expiresIn);
    location.assign(nextPath());
    return;
  }
  change = { reason: result.reason, changeToken: result.changeToken };
  notice = undefined;
  await rerender();
  document.getElementById("change-title")?.focus();
}

async function withPasskey(autofill: boolean): Promise<void> {
  try {
    const result = await loginWithPasskey(autofill);
    if (result) await proceed(result);
  } catch (error) {
    const problem = error instanceof ApiError ? problemText(error.problem).title : t("login.passkeyFailed");
    notice = { kind: "warning", text: problem };
    await rerender();
  }
}

function passkeyButton(): HTMLElement | null {
  if (!passkeysSupported()) return null;
  return h(
    "div",
    { class: "mt-3" },
    h(
      "button",
      {
        type: "button",
        class: "btn btn-outline-primary",
        "data-testid": "passkey-login",
        onclick: () => withPasskey(false),
      },
      icon("it-key", "icon-primary me-1"),
      t("login.passkey"),
    ),
  );
}

function loginForm(): HTMLElement {
  return form(
    async () => {
      const result = await call<LoginResult>("POST", "/v1/sessions", {
        body: { codiceFiscale: state.codiceFiscale.trim(), pin: state.pin },
      });
      state.pin = "";
      await proceed(result);
    },
    notice ? callout(notice.kind, notice.text) : null,
    input(state, {
      path: "codiceFiscale",
      label: "person.codiceFiscale",
      required: true,
      upper: true,
      maxlength: 16,
      // "webauthn": the browser may offer the holder's passkeys here (conditional UI, F19).
      autocomplete: "username webauthn",
      spellcheck: false,
    }),
    input(state, {
      path: "pin",
      label: "login.pin",
      hint: "login.pinHint",
      type: "password",
      required: true,
      autocomplete: "current-password",
      maxlength: 24,
    }),
    submitButton("login.submit"),
  );
}

function changeForm(current: { reason: "first-access" | "expired"; changeToken: string }): HTMLElement {
  const chooser = pinChooser({ codiceFiscale: state.codiceFiscale.trim().toUpperCase() }, state);
  return h(
    "div",
    {},
    h(
      "h2",
      { class: "h4", id: "change-title", tabindex: "-1" },
      t(current.reason === "first-access" ? "login.firstAccessTitle" : "login.expiredTitle"),
    ),
    h("p", {}, t(current.reason === "first-access" ? "login.firstAccessText" : "login.expiredText")),
    form(
      async (element) => {
        if (!chooser.acceptable()) {
          const field = element.querySelector<HTMLElement>('[data-path="newPin"]');
          if (field) markField(field, t("pinRules.notYet"));
          element.querySelector<HTMLElement>("input[name=newPin]")?.focus();
          return;
        }
        try {
          const changed = await call<Answer<"pinChanges">>("POST", "/v1/pin-changes", {
            body: { changeToken: current.changeToken, newPin: chooser.value() },
          });
          change = undefined;
          state.newPin = "";
          state.confirmPin = "";
          notice = { kind: "success", text: t("login.changed", { date: formatDate(changed.pinExpiresAt) }) };
          await rerender();
          document.querySelector<HTMLElement>("input[name=pin]")?.focus();
        } catch (error) {
          if (error instanceof ApiError && error.problem.code === "invalid-token") {
            change = undefined;
            notice = { kind: "warning", text: t("login.changeExpired") };
            await rerender();
            return;
          }
          throw error;
        }
      },
      chooser.element,
      submitButton("login.setPin"),
    ),
  );
}

let conditionalStarted = false;

mountPage({
  title: "login.title",
  render(main) {
    if (change) {
      add(main, changeForm(change));
      return;
    }
    if (!conditionalStarted) {
      conditionalStarted = true;
      // Once the field is in the page: the browser then lists the holder's passkeys in its suggestions.
      queueMicrotask(() => void withPasskey(true));
    }
    add(
      main,
      h("p", {}, t("login.intro")),
      loginForm(),
      passkeyButton(),
      h(
        "ul",
        { class: "mt-4" },
        h("li", {}, h("a", { href: "/request/" }, t("login.noPin"))),
        h("li", {}, h("a", { href: "/recovery/" }, t("login.lostPin"))),
      ),
    );
  },
});
