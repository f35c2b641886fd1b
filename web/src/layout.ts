/**
 * The Designers Italia page skeleton every page shares: skiplinks, slim header with the institution and the
 * it/en switch, the service's header, breadcrumb, one `h1`, and a footer with the privacy notice and the
 * accessibility statement. The page's own content is drawn by `render`, again on a change of language.
 */
import { type Child, h, replace } from "./dom.ts";
import { type Lang, lang, languages, type MessageKey, setLang, t } from "./i18n.ts";
import { isLeaving } from "./navigation.ts";

export interface Crumb {
  label: MessageKey;
  href: string;
}

export interface PageSpec {
  title: MessageKey;
  /** Crumbs between Home and this page. */
  trail?: Crumb[];
  /** Operator pages carry the console's name and home. */
  area?: "citizen" | "operator";
  render(main: HTMLElement): void | Promise<void>;
}

let mounted: PageSpec | undefined;

const languageNames: Record<Lang, string> = { it: "Italiano", en: "English" };

function languageSwitch(): HTMLElement {
  return h(
    "nav",
    { class: "lang-switch", "aria-label": t("layout.language") },
    h(
      "ul",
      { class: "list-inline mb-0" },
      languages.map((code) =>
        h(
          "li",
          { class: "list-inline-item" },
          h(
            "a",
            {
              href: `?lang=${code}`,
              lang: code,
              hreflang: code,
              class: code === lang() ? "lang-link active" : "lang-link",
              "aria-current": code === lang() ? "true" : undefined,
              "data-lang": code,
              onclick: (event: Event) => {
                event.preventDefault();
                if (code === lang()) return;
                setLang(code);
                void render();
                document.querySelector<HTMLElement>(`[data-lang="${code}"]`)?.focus();
              },
            },
            languageNames[code],
          ),
        ),
      ),
    ),
  );
}

function header(spec: PageSpec): HTMLElement {
  const operator = spec.area === "operator";
  return h(
    "header",
    { class: "it-header-wrapper" },
    h(
      "div",
      { class: "it-header-slim-wrapper" },
      h(
        "div",
        { class: "container" },
        h(
          "div",
          { class: "it-header-slim-wrapper-content" },
          h("a", { class: "navbar-brand", href: "/" }, t("layout.institution")),
          h("div", { class: "it-header-slim-right-zone" }, languageSwitch()),
        ),
      ),
    ),
    h(
      "div",
      { class: "it-header-center-wrapper" },
      h(
        "div",
        { class: "container" },
        h(
          "div",
          { class: "it-header-center-content-wrapper" },
          h(
            "div",
            { class: "it-brand-wrapper" },
            h(
              "a",
              { href: operator ? "/operator/" : "/" },
              h(
                "div",
                { class: "it-brand-text" },
                h("div", { class: "it-brand-title" }, t(operator ? "layout.console" : "layout.service")),
                h(
                  "div",
                  { class: "it-brand-tagline d-none d-md-block" },
                  t(operator ? "layout.consoleTagline" : "layout.tagline"),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function breadcrumb(spec: PageSpec): HTMLElement | undefined {
  if (spec.title === "home.title") return undefined;
  const operator = spec.area === "operator";
  const crumbs: Crumb[] = [
    { label: "layout.home", href: "/" },
    ...(operator && spec.title !== "operator.signIn.title"
      ? [{ label: "layout.console" as MessageKey, href: "/operator/" }]
      : []),
    ...(spec.trail ?? []),
  ];
  return h(
    "nav",
    { class: "breadcrumb-container", "aria-label": t("layout.breadcrumb") },
    h(
      "ol",
      { class: "breadcrumb p-0" },
      crumbs.map((crumb) =>
        h(
          "li",
          { class: "breadcrumb-item" },
          h("a", { href: crumb.href }, t(crumb.label)),
          h("span", { class: "separator", "aria-hidden": "true" }, "/"),
        ),
      ),
      h("li", { class: "breadcrumb-item active", "aria-current": "page" }, t(spec.title)),
    ),
  );
}

function footer(): HTMLElement {
  const link = (href: string, label: MessageKey) => h("li", {}, h("a", { href }, t(label)));
  return h(
    "footer",
    { class: "it-footer", id: "footer" },
    h(
      "div",
      { class: "it-footer-main" },
      h(
        "div",
        { class: "container py-4" },
        h("p", { class: "footer-institution h4 mb-2" }, t("layout.institution")),
        h("p", { class: "mb-0" }, t("layout.footerNote")),
      ),
    ),
    h(
      "div",
      { class: "it-footer-small-prints clearfix" },
      h(
        "div",
        { class: "container" },
        h("h2", { class: "visually-hidden" }, t("layout.footerLinks")),
        h(
          "ul",
          { class: "it-footer-small-prints-list list-inline mb-0 d-flex flex-column flex-md-row" },
          link("/privacy/", "privacy.title"),
          link("/accessibility/", "accessibility.title"),
          link("/operator/", "layout.console"),
        ),
      ),
    ),
  );
}

async function render(): Promise<void> {
  const spec = mounted;
  if (!spec || isLeaving()) return;
  document.documentElement.lang = lang();
  document.title = `${t(spec.title)} – ${t(spec.area === "operator" ? "layout.console" : "layout.service")}`;
  const main = h("div", { class: "page-content" });
  const app = document.getElementById("app")!;
  replace(
    app,
    h(
      "div",
      { class: "skiplinks" },
      h("a", { class: "visually-hidden-focusable", href: "#main" }, t("layout.skipToContent")),
      h("a", { class: "visually-hidden-focusable", href: "#footer" }, t("layout.skipToFooter")),
    ),
    header(spec),
    h("div", { class: "container" }, breadcrumb(spec)),
    h(
      "main",
      { id: "main", class: "container pb-5", tabindex: "-1" },
      h("h1", { class: "mb-4", id: "page-title" }, t(spec.title)),
      main,
    ),
    footer(),
  );
  await spec.render(main);
  app.dataset.ready = "true";
}

/** Draws the page now, and again whenever the language changes. */
export function mountPage(spec: PageSpec): void {
  mounted = spec;
  void render();
}

/** Redraws the current page (after its state changed). */
export function rerender(): Promise<void> {
  return render();
}

/** A titled section of a page. */
export function section(title: MessageKey, ...children: Child[]): HTMLElement {
  return h("section", { class: "mb-5" }, h("h2", { class: "h4 mb-3" }, t(title)), ...children);
}
