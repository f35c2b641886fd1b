/**
 * F19 passkeys in the web client, with `@simplewebauthn/browser`: the login page's "Accedi con passkey" and
 * conditional UI (the browser offers the holder's passkeys in the codice fiscale field), and the personal
 * area's list (add, rename, delete). The server sends options as JSON and verifies everything itself.
 */
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
} from "@simplewebauthn/browser";
import { type Answer, ApiError, call } from "./api.ts";
import { citizenToken } from "./citizen.ts";
import { h } from "./dom.ts";
import { callout, form, input, problemText, submitButton } from "./forms.ts";
import { formatDateTime, t } from "./i18n.ts";
import { rerender, section } from "./layout.ts";

type LoginResult = Answer<"passkeySessions">;
type Passkey = Answer<"passkeyList">["items"][number];
type Options = Answer<"passkeySessionOptions">;

export const passkeysSupported = (): boolean => browserSupportsWebAuthn();

/** The browser's own refusals (cancelled, timed out, no passkey) are not problems of the service. */
function cancelled(error: unknown): boolean {
  return error instanceof Error && (error.name === "NotAllowedError" || error.name === "AbortError");
}

/**
 * A passkey login: options, the browser's ceremony (`autofill`: conditional UI in the field marked
 * `autocomplete="username webauthn"`), the service's answer. Undefined when the holder cancelled.
 */
export async function loginWithPasskey(autofill: boolean): Promise<LoginResult | undefined> {
  if (autofill && !(await browserSupportsWebAuthnAutofill())) return undefined;
  const { challengeId, options } = await call<Options>("POST", "/v1/passkey-sessions/options");
  let response: unknown;
  try {
    response = await startAuthentication({
      optionsJSON: options as unknown as Parameters<typeof startAuthentication>[0]["optionsJSON"],
      useBrowserAutofill: autofill,
    });
  } catch (error) {
    if (cancelled(error) || autofill) return undefined;
    throw error;
  }
  return call<LoginResult>("POST", "/v1/passkey-sessions", { body: { challengeId, response } });
}

const state = { name: "" };
const renaming: Record<string, string> = {};
let passkeys: Passkey[] | undefined;
let message: { kind: "success" | "warning"; text: string } | undefined;

/** Calls with the holder's own token (passkeys are not for a delegated session). */
function holderCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  return call<T>(method, path, { token: citizenToken(), ...(body === undefined ? {} : { body }) });
}

async function refresh(text?: string): Promise<void> {
  passkeys = (await holderCall<Answer<"passkeyList">>("GET", "/v1/passkeys")).items;
  message = text ? { kind: "success", text } : undefined;
  await rerender();
}

/** A refusal that asks for a fresh login is said here (the holder keeps the page) rather than sent to login. */
function reauthentication(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.problem.code !== "reauthentication-required") return false;
  message = { kind: "warning", text: t("passkeys.reauth") };
  void rerender();
  return true;
}

async function addPasskey(): Promise<void> {
  try {
    const { challengeId, options } = await holderCall<Answer<"passkeyRegistrationOptions">>(
      "POST",
      "/v1/passkeys/registration-options",
    );
    let response: unknown;
    try {
      response = await startRegistration({
        optionsJSON: options as unknown as Parameters<typeof startRegistration>[0]["optionsJSON"],
      });
    } catch (error) {
      if (!cancelled(error)) throw error;
      message = { kind: "warning", text: t("passkeys.cancelled") };
      await rerender();
      return;
    }
    const name = state.name.trim();
    await holderCall("POST", "/v1/passkeys", { challengeId, response, ...(name ? { name } : {}) });
    state.name = "";
    await refresh(t("passkeys.added"));
  } catch (error) {
    if (!reauthentication(error)) throw error;
  }
}

function passkeyItem(passkey: Passkey): HTMLElement {
  const field = { name: renaming[passkey.id] ?? passkey.name };
  return h(
    "li",
    { class: "list-group-item", "data-testid": "passkey" },
    h(
      "p",
      { class: "mb-1 fw-semibold" },
      h("span", { "data-testid": "passkey-name" }, passkey.name),
      passkey.suspect ? h("span", { class: "badge bg-danger ms-2" }, t("passkeys.suspect")) : null,
      passkey.backedUp ? h("span", { class: "badge bg-secondary ms-2" }, t("passkeys.synced")) : null,
    ),
    h(
      "p",
      { class: "small mb-2" },
      `${t("passkeys.createdAt")}: ${formatDateTime(passkey.createdAt)} · ${t("passkeys.lastUsed")}: ${
        passkey.lastUsedAt ? formatDateTime(passkey.lastUsedAt) : t("passkeys.never")
      }`,
    ),
    form(
      async () => {
        await holderCall("PATCH", `/v1/passkeys/${passkey.id}`, { name: field.name });
        delete renaming[passkey.id];
        await refresh(t("passkeys.renamed"));
      },
      input(field, { path: "name", label: "passkeys.newName", maxlength: 60, required: true }),
      h(
        "div",
        { class: "d-flex gap-2" },
        submitButton("passkeys.rename", "btn-outline-primary btn-sm"),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-outline-danger btn-sm",
            onclick: async () => {
              try {
                await holderCall("DELETE", `/v1/passkeys/${passkey.id}`);
                await refresh(t("passkeys.deleted"));
              } catch (error) {
                if (reauthentication(error)) return;
                const text =
                  error instanceof ApiError ? problemText(error.problem).title : t("problem.generic");
                message = { kind: "warning", text };
                await rerender();
              }
            },
          },
          t("passkeys.delete"),
        ),
      ),
    ),
  );
}

/** The personal area's passkeys: what they are, the list, and a way to add one. */
export async function passkeysSection(): Promise<HTMLElement> {
  if (!passkeys) {
    passkeys = await holderCall<Answer<"passkeyList">>("GET", "/v1/passkeys")
      .then((answer) => answer.items)
      .catch(() => []);
  }
  return section(
    "passkeys.title",
    h("p", {}, t("passkeys.text")),
    message ? callout(message.kind, message.text) : null,
    passkeys.length
      ? h("ul", { class: "list-group mb-3", "data-testid": "passkeys" }, passkeys.map(passkeyItem))
      : h("p", {}, t("passkeys.none")),
    passkeysSupported()
      ? form(
          addPasskey,
          input(state, { path: "name", label: "passkeys.name", hint: "passkeys.nameHint", maxlength: 60 }),
          submitButton("passkeys.add"),
        )
      : callout("warning", t("passkeys.unsupported")),
  );
}
