/**
 * Where a revocation's confirmation link goes (F6 online, F17 at the contact center): e-mail or PEC, and the
 * address, which may be a new one (the registered contacts may be what was lost).
 */
import { input, radios } from "./forms.ts";
import { t } from "./i18n.ts";
import { rerender } from "./layout.ts";

export interface LinkAddressState {
  kind: string;
  address: string;
  [key: string]: unknown;
}

/** The `email` or `pec` field of the request body, named after the kind chosen. */
export const linkAddressBody = (state: LinkAddressState) => ({
  [state.kind === "pec" ? "pec" : "email"]: state.address.trim(),
});

export function linkAddressFields(state: LinkAddressState): HTMLElement[] {
  return [
    radios(state, {
      path: "kind",
      label: "revocation.addressKind",
      inline: true,
      // Drawn again so the address field carries the body's name (`email` or `pec`) for its errors.
      onChange: () =>
        void rerender().then(() =>
          document.querySelector<HTMLElement>('[data-path="kind"] input[type=radio]:checked')?.focus(),
        ),
      options: [
        { value: "email", label: t("channel.email") },
        { value: "pec", label: t("channel.pec") },
      ],
    }),
    input(state, {
      path: state.kind === "pec" ? "pec" : "email",
      statePath: "address",
      label: "revocation.address",
      hint: "revocation.addressHint",
      type: "email",
      required: true,
    }),
  ];
}
