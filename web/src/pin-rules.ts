/**
 * Live feedback on a new 8-character PIN, rule by rule (docs/product/credential-rules.md), while the holder types. The service checks
 * again and has the last word; these are the same rules, and the weak list is the service's own module.
 */
import { h, icon, replace, uid } from "./dom.ts";
import { type MessageKey, t } from "./i18n.ts";
import { evaluatePin, normalisePin, type PinContext, type RuleName, type RuleState } from "./pin-check.ts";

export { evaluatePin, normalisePin, type PinContext };

const labels: Record<RuleName, MessageKey> = {
  format: "pinRules.format",
  codiceFiscale: "pinRules.codiceFiscale",
  name: "pinRules.name",
  common: "pinRules.common",
};

export interface PinChooser {
  element: HTMLElement;
  value(): string;
  /** True when every rule that can be checked here passes and the two entries match. */
  acceptable(): boolean;
}

/**
 * A new-PIN field, its confirmation, and the rule list that follows the typing. The list is announced as a
 * short summary (polite live region), not item by item.
 */
export function pinChooser(context: PinContext, state: { newPin?: string; confirmPin?: string }): PinChooser {
  const id = uid("pin");
  const newInput = h("input", {
    class: "form-control",
    id,
    name: "newPin",
    type: "password",
    autocomplete: "new-password",
    maxlength: 12,
    spellcheck: "false",
    "aria-describedby": `${id}-rules`,
  });
  const confirmInput = h("input", {
    class: "form-control",
    id: `${id}-confirm`,
    name: "confirmPin",
    type: "password",
    autocomplete: "new-password",
    maxlength: 12,
    spellcheck: "false",
  });
  newInput.value = state.newPin ?? "";
  confirmInput.value = state.confirmPin ?? "";
  const list = h("ul", { class: "pin-rules list-unstyled mb-2", id: `${id}-rules` });
  const summary = h("p", { class: "visually-hidden", "aria-live": "polite" });

  const item = (rule: RuleState, label: string) =>
    h(
      "li",
      { class: `pin-rule pin-rule-${rule}`, "data-state": rule },
      icon(
        rule === "ok" ? "it-check-circle" : rule === "fail" ? "it-close-circle" : "it-info-circle",
        `icon-sm ${rule === "ok" ? "icon-success" : rule === "fail" ? "icon-danger" : "icon-secondary"}`,
      ),
      " ",
      label,
      h("span", { class: "visually-hidden" }, ` (${t(`pinRules.state.${rule}`)})`),
    );

  const update = () => {
    state.newPin = newInput.value;
    state.confirmPin = confirmInput.value;
    const verdict = evaluatePin(newInput.value, context);
    const match: RuleState =
      confirmInput.value === ""
        ? "unknown"
        : normalisePin(confirmInput.value) === normalisePin(newInput.value)
          ? "ok"
          : "fail";
    replace(
      list,
      (Object.keys(labels) as RuleName[]).map((rule) =>
        item(newInput.value === "" ? "unknown" : verdict[rule], t(labels[rule])),
      ),
      item(match, t("pinRules.match")),
    );
    const failed = (Object.keys(labels) as RuleName[]).filter((rule) => verdict[rule] === "fail").length;
    summary.textContent =
      newInput.value === ""
        ? ""
        : failed === 0
          ? t("pinRules.summaryOk")
          : t("pinRules.summaryFail", { count: failed });
  };
  newInput.addEventListener("input", update);
  confirmInput.addEventListener("input", update);
  update();

  const element = h(
    "div",
    { class: "pin-chooser" },
    h(
      "div",
      { class: "form-group mb-2", "data-path": "newPin" },
      h("label", { for: id, class: "active" }, t("pinRules.newPin")),
      newInput,
    ),
    h("p", { class: "mb-1 fw-semibold", id: `${id}-rules-title` }, t("pinRules.title")),
    list,
    summary,
    h(
      "div",
      { class: "form-group", "data-path": "confirmPin" },
      h("label", { for: `${id}-confirm`, class: "active" }, t("pinRules.confirmPin")),
      confirmInput,
    ),
  );
  return {
    element,
    value: () => normalisePin(newInput.value),
    acceptable: () => {
      const verdict = evaluatePin(newInput.value, context);
      return (
        Object.values(verdict).every((rule) => rule !== "fail") &&
        normalisePin(confirmInput.value) === normalisePin(newInput.value)
      );
    },
  };
}
