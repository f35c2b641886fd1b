/** A few DOM helpers: elements are built, never parsed from strings, so no text can become markup. */

export type Child = Node | string | number | false | null | undefined | Child[];
export type Attributes = Record<string, string | number | boolean | undefined | null | EventListener>;

/** `h("a", { href: "/", class: "x", onclick: fn }, "text", child)`. `false`/`null` attributes are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Appends children, leaving out `null`, `false` and `undefined`. */
export function add(parent: Node, ...children: Child[]): void {
  append(parent, children);
}

/** Replaces the children of `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

const SPRITE = "/assets/bootstrap-italia/svg/sprites.svg";

/** A Bootstrap Italia icon from the sprite; decorative unless given a label. */
export function icon(name: string, extraClass = "", label?: string): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", `icon ${extraClass}`.trim());
  if (label) {
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
  } else svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const use = document.createElementNS(ns, "use");
  use.setAttribute("href", `${SPRITE}#${name}`);
  svg.appendChild(use);
  return svg;
}

let counter = 0;
/** A unique element id. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A part of a form redrawn in place when a choice above it changes, so the focus stays on that choice. */
export function live(build: () => Child): { element: HTMLElement; redraw(): void } {
  const element = h("div", {});
  const redraw = () => replace(element, build());
  redraw();
  return { element, redraw };
}
