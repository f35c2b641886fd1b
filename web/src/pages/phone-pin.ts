/**
 * F12 phone PIN: after a SPID, CIE or CNS sign-in (an identity token from the identity provider; locally the
 * local issuer's sign-in page stands in for it), the holder picks a validity and gets a code to tell the
 * contact center.
 */
import { call } from "../api.ts";
import { webConfig } from "../config.ts";
import { add, h } from "../dom.ts";
import { callout, form, radios, submitButton } from "../forms.ts";
import { formatDateTime, t } from "../i18n.ts";
import { mountPage, rerender } from "../layout.ts";
import { completeSignIn, startSignIn } from "../pkce.ts";
import { claims, clearToken, readToken, saveToken } from "../session.ts";

const state = { validity: "1w" };
let issued: { phonePin: string; expiresAt: string } | undefined;
let signInError = false;
let signInUnavailable = false;

async function identityClient() {
  const config = await webConfig();
  if (config.auth === "local") return undefined;
  const identity = config.identity;
  return identity ? { ...identity, scope: "openid" } : undefined;
}

async function signIn(): Promise<void> {
  const config = await webConfig();
  if (config.auth === "local") {
    location.assign(`/identity/sign-in/?return=${encodeURIComponent("/phone-pin/")}`);
    return;
  }
  const client = await identityClient();
  if (client) await startSignIn(client, "/phone-pin/");
  else {
    signInUnavailable = true;
    await rerender();
  }
}

async function completeIfRedirected(): Promise<void> {
  const client = await identityClient();
  if (!client) return;
  try {
    const done = await completeSignIn(client);
    if (done) saveToken("identity", done.accessToken, done.expiresIn);
  } catch {
    signInError = true;
  }
}

const ready = completeIfRedirected();

mountPage({
  title: "phonePin.title",
  async render(main) {
    await ready;
    const token = readToken("identity");
    add(main, h("p", {}, t("phonePin.intro")));
    if (signInError) add(main, callout("danger", t("phonePin.signInFailed")));
    if (signInUnavailable) add(main, callout("warning", t("phonePin.signInUnavailable")));
    if (!token) {
      add(
        main,
        h("p", {}, t("phonePin.signInFirst")),
        h(
          "button",
          { type: "button", class: "btn btn-primary", onclick: () => void signIn() },
          t("phonePin.signIn"),
        ),
      );
      return;
    }
    const who = claims(token);
    add(
      main,
      h(
        "div",
        { class: "d-flex justify-content-between align-items-center mb-3" },
        h(
          "p",
          { class: "mb-0" },
          t("phonePin.signedInWith", { provider: String(who.idp ?? "SPID").toUpperCase() }),
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-outline-primary btn-sm",
            onclick: () => {
              clearToken("identity");
              issued = undefined;
              void rerender();
            },
          },
          t("phonePin.signOut"),
        ),
      ),
    );
    if (issued) {
      add(
        main,
        callout(
          "success",
          h("p", { class: "mb-1", id: "done", tabindex: "-1" }, t("phonePin.issued")),
          h("p", { class: "display-6 font-monospace mb-1", "data-testid": "phone-pin" }, issued.phonePin),
          h("p", { class: "mb-0" }, t("phonePin.validUntil", { date: formatDateTime(issued.expiresAt) })),
        ),
        h("p", {}, t("phonePin.replaces")),
      );
    }
    add(
      main,
      form(
        async () => {
          issued = await call<{ phonePin: string; expiresAt: string }>("POST", "/v1/phone-pins", {
            token,
            body: { validity: state.validity },
          });
          await rerender();
          document.getElementById("done")?.focus();
        },
        radios(state, {
          path: "validity",
          label: "phonePin.validity",
          options: (["1d", "1w", "1m", "3m"] as const).map((v) => ({
            value: v,
            label: t(`phonePin.validity.${v}`),
          })),
        }),
        submitButton(issued ? "phonePin.again" : "phonePin.generate"),
      ),
    );
  },
});
