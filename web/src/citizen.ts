/** The signed-in citizen: their token (or a delegated session's), and calls that go back to login when it ends. */
import { type Answer, ApiError, type CallOptions, call } from "./api.ts";
import { h } from "./dom.ts";
import { formatDateTime, maybe, t } from "./i18n.ts";
import { leave, never } from "./navigation.ts";
import { clearToken, readToken, tokenMeta } from "./session.ts";

export type Profile = Answer<"me">;

export type AuditEvent = Answer<"myEvents">["items"][number];

/** A page of a listing: its items and the cursor of the next page, if any. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A delegated session (F14) acts as the delegator; the holder's own token otherwise. */
export function citizenToken(): string | undefined {
  return readToken("acting") ?? readToken("citizen");
}

export function actingFor(): string | undefined {
  return readToken("acting") ? tokenMeta("acting")?.delegator : undefined;
}

/** Sends the reader to login, to come back here after it; the page draws nothing more. */
export function toLogin(): void {
  leave(`/login/?next=${encodeURIComponent(location.pathname)}`);
}

/** The guard of a citizen's page: without a session, to login (the page then draws nothing). */
export function requireCitizen(): void {
  if (!citizenToken()) toLogin();
}

/** A call with the citizen's token; an expired or refused token leads back to login. */
export async function citizenCall<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const token = citizenToken();
  if (!token) {
    toLogin();
    return never();
  }
  try {
    return await call<T>(method, path, { ...options, token });
  } catch (error) {
    if (
      error instanceof ApiError &&
      error.problem.status === 401 &&
      error.problem.code !== "invalid-credentials"
    ) {
      clearToken("acting");
      clearToken("citizen");
      toLogin();
      return never();
    }
    throw error;
  }
}

export function logout(): void {
  clearToken("acting");
  clearToken("citizen");
  location.assign("/");
}

/** A table of security events (F16), for the holder and for auditors. */
export function eventsTable(items: AuditEvent[], caption: string): HTMLElement {
  const outcomeClass = { success: "text-success", failure: "text-danger", refused: "text-danger" };
  return h(
    "div",
    { class: "table-responsive" },
    h(
      "table",
      { class: "table table-sm events-table" },
      h("caption", { class: "visually-hidden" }, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, t("events.at")),
          h("th", { scope: "col" }, t("events.type")),
          h("th", { scope: "col" }, t("events.channel")),
          h("th", { scope: "col" }, t("events.actor")),
          h("th", { scope: "col" }, t("events.outcome")),
        ),
      ),
      h(
        "tbody",
        {},
        items.map((event) =>
          h(
            "tr",
            {},
            h("td", {}, formatDateTime(event.at)),
            h("td", {}, maybe(`event.${event.type}`) ?? event.type),
            h("td", {}, maybe(`eventChannel.${event.channel}`) ?? event.channel),
            h("td", {}, maybe(`eventActor.${event.actor}`) ?? event.actor),
            h(
              "td",
              { class: outcomeClass[event.outcome] },
              maybe(`outcome.${event.outcome}`) ?? event.outcome,
            ),
          ),
        ),
      ),
    ),
  );
}
