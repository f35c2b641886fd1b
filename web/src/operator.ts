/** The operator's token (Cognito in AWS, the local issuer locally), its groups, and the console's navigation. */
import { type OperatorGroup, operatorGroups } from "../../shared/operator-groups.ts";
import { ApiError, type CallOptions, call } from "./api.ts";
import { webConfig } from "./config.ts";
import { h } from "./dom.ts";
import { type MessageKey, t } from "./i18n.ts";
import { leave, never } from "./navigation.ts";
import { claims, clearToken, readToken } from "./session.ts";

export const groupPages: Record<OperatorGroup, { href: string; title: MessageKey }> = {
  "contact-center": { href: "/operator/contact-center/", title: "operator.cc.title" },
  branch: { href: "/operator/branch/", title: "operator.branch.title" },
  "back-office": { href: "/operator/back-office/", title: "operator.bo.title" },
  auditor: { href: "/operator/auditor/", title: "operator.auditor.title" },
};

export function operatorGroupsOf(token: string): OperatorGroup[] {
  const groups = claims(token)["cognito:groups"];
  return Array.isArray(groups) ? groups.filter((g): g is OperatorGroup => operatorGroups.includes(g)) : [];
}

export function operatorName(token: string): string {
  const c = claims(token);
  return String(c.username ?? c.sub ?? "");
}

/**
 * The page's group check: a notice when the group is not the operator's; without a token, back to sign-in
 * (an empty token, not allowed, and the page draws nothing since it is leaving).
 */
export function operatorFor(group: OperatorGroup): { token: string; allowed: boolean } {
  const token = readToken("operator");
  if (!token) {
    leave("/operator/");
    return { token: "", allowed: false };
  }
  return { token, allowed: operatorGroupsOf(token).includes(group) };
}

export async function operatorCall<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const token = readToken("operator");
  if (!token) {
    leave("/operator/");
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
      clearToken("operator");
      leave("/operator/");
      return never();
    }
    throw error;
  }
}

export async function signOut(): Promise<void> {
  clearToken("operator");
  const config = await webConfig();
  if (config.auth === "cognito" && config.domain) {
    const url = new URL(`${config.domain.replace(/\/+$/, "")}/logout`);
    url.search = new URLSearchParams({
      client_id: config.clientId,
      logout_uri: config.redirectUri,
    }).toString();
    location.assign(url.toString());
  } else location.assign("/operator/");
}

/** Who is signed in, the sections of their groups, and the way out. */
export function operatorBar(token: string, current?: OperatorGroup): HTMLElement {
  return h(
    "div",
    { class: "operator-bar d-flex flex-wrap justify-content-between align-items-center mb-4 gap-2" },
    h(
      "nav",
      { "aria-label": t("operator.sections") },
      h(
        "ul",
        { class: "nav nav-pills" },
        operatorGroupsOf(token).map((group) =>
          h(
            "li",
            { class: "nav-item" },
            h(
              "a",
              {
                class: group === current ? "nav-link active" : "nav-link",
                href: groupPages[group].href,
                "aria-current": group === current ? "page" : undefined,
              },
              t(groupPages[group].title),
            ),
          ),
        ),
      ),
    ),
    h(
      "div",
      {},
      h("span", { class: "me-2" }, t("operator.signedInAs", { id: operatorName(token) })),
      h(
        "button",
        { type: "button", class: "btn btn-outline-primary btn-sm", onclick: () => void signOut() },
        t("operator.signOut"),
      ),
    ),
  );
}
