import { catalogue, type MessageKey } from "./catalogue.ts";

export type Lang = "it" | "en";
export const languages: readonly Lang[] = ["it", "en"];
const STORE = "pin.lang";

function initialLang(): Lang {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked === "it" || asked === "en") {
    localStorage.setItem(STORE, asked);
    return asked;
  }
  const stored = localStorage.getItem(STORE);
  if (stored === "it" || stored === "en") return stored;
  return navigator.language.toLowerCase().startsWith("it") ? "it" : "en";
}

let current: Lang = initialLang();

export function lang(): Lang {
  return current;
}

/** Switches the language (remembered for the next pages; a preference, never a secret). */
export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(STORE, next);
  document.documentElement.lang = next;
}

/** The text of `key` in the current language, `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = catalogue[current][key] ?? catalogue.it[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** `t` for keys built at run time (event types, problem codes): undefined when the catalogue lacks it. */
export function maybe(key: string, params: Record<string, string | number> = {}): string | undefined {
  return key in catalogue.it ? t(key as MessageKey, params) : undefined;
}

const locale = () => (current === "it" ? "it-IT" : "en-GB");

export function formatDate(iso: string): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00Z`) : new Date(iso);
  return new Intl.DateTimeFormat(locale(), { dateStyle: "long", timeZone: "Europe/Rome" }).format(date);
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Europe/Rome",
  }).format(new Date(iso));
}

export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames([locale()], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export type { MessageKey };
