/**
 * The operator console's sign-in: Cognito's hosted sign-in (OAuth code flow with PKCE) in AWS; locally the
 * local issuer, choosing a group and an operator id. `config.json` says which.
 */
import { type OperatorGroup, operatorGroups } from "../../../shared/operator-groups.ts";
import { call } from "../api.ts";
import { webConfig } from "../config.ts";
import { add, h } from "../dom.ts";
import { callout, form, input, select, submitButton } from "../forms.ts";
import { t } from "../i18n.ts";
import { mountPage } from "../layout.ts";
import { groupPages, operatorBar, operatorGroupsOf } from "../operator.ts";
import { cognitoClient, completeSignIn, startSignIn } from "../pkce.ts";
import { readToken, saveToken } from "../session.ts";

const state = { role: "contact-center", operatorId: "" };
let failed = false;

function goToSections(token: string): void {
  const [first] = operatorGroupsOf(token);
  if (first) location.assign(groupPages[first].href);
}

async function completeIfRedirected(): Promise<void> {
  const config = await webConfig();
  if (config.auth !== "cognito") return;
  try {
    const done = await completeSignIn(cognitoClient(config.domain, config.clientId, config.redirectUri));
    if (done) {
      saveToken("operator", done.accessToken, done.expiresIn);
      goToSections(done.accessToken);
    }
  } catch {
    failed = true;
  }
}

const ready = completeIfRedirected();

mountPage({
  title: "operator.signIn.title",
  area: "operator",
  async render(main) {
    await ready;
    const config = await webConfig();
    const token = readToken("operator");
    if (token) {
      add(main, operatorBar(token), h("p", {}, t("operator.chooseSection")));
      return;
    }
    if (failed) add(main, callout("danger", t("operator.signInFailed")));
    if (config.auth === "cognito" && !config.domain) {
      add(main, callout("warning", t("operator.signIn.notConfigured")));
      return;
    }
    if (config.auth === "cognito") {
      add(
        main,
        h("p", {}, t("operator.signIn.cognito")),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-primary",
            onclick: () =>
              void startSignIn(
                cognitoClient(config.domain, config.clientId, config.redirectUri),
                "/operator/",
              ),
          },
          t("operator.signIn.submit"),
        ),
      );
      return;
    }
    add(
      main,
      callout("warning", t("operator.signIn.local")),
      form(
        async () => {
          const { token: issued } = await call<{ token: string }>("POST", "/_local/tokens", {
            body: { kind: "operator", role: state.role, operatorId: state.operatorId.trim() },
          });
          saveToken("operator", issued);
          goToSections(issued);
        },
        select(state, {
          path: "role",
          label: "operator.signIn.group",
          required: true,
          options: operatorGroups.map((g: OperatorGroup) => ({ value: g, label: t(groupPages[g].title) })),
        }),
        input(state, {
          path: "operatorId",
          label: "operator.signIn.operatorId",
          required: true,
          autocomplete: "username",
        }),
        submitButton("operator.signIn.submit"),
      ),
    );
  },
});
