/**
 * Local only (never deployed): stands in for the SPID / CIE / CNS identity provider. It asks the local issuer
 * for an identity token (`POST /_local/tokens`) and goes back to the page that sent the person here.
 */
import { call } from "../api.ts";
import { add } from "../dom.ts";
import { callout, form, input, radios, submitButton } from "../forms.ts";
import { t } from "../i18n.ts";
import { mountPage } from "../layout.ts";
import { saveToken } from "../session.ts";

const state = { codiceFiscale: "", provider: "spid" };

function returnPath(): string {
  const back = new URLSearchParams(location.search).get("return") ?? "";
  return /^\/(?!\/)[\w\-/]*$/.test(back) ? back : "/phone-pin/";
}

mountPage({
  title: "identitySignIn.title",
  render(main) {
    add(
      main,
      callout("warning", t("identitySignIn.localOnly")),
      form(
        async () => {
          const { token } = await call<{ token: string }>("POST", "/_local/tokens", {
            body: {
              kind: "identity",
              codiceFiscale: state.codiceFiscale.trim().toUpperCase(),
              provider: state.provider,
            },
          });
          saveToken("identity", token);
          location.assign(returnPath());
        },
        radios(state, {
          path: "provider",
          label: "identitySignIn.provider",
          inline: true,
          options: [
            { value: "spid", label: "SPID" },
            { value: "cie", label: "CIE" },
            { value: "cns", label: "CNS" },
          ],
        }),
        input(state, {
          path: "codiceFiscale",
          label: "person.codiceFiscale",
          required: true,
          upper: true,
          maxlength: 16,
          spellcheck: false,
        }),
        submitButton("identitySignIn.submit"),
      ),
    );
  },
});
