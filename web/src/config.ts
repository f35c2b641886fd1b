import type { WebConfig } from "../site.ts";

let loaded: Promise<WebConfig> | undefined;

/** `config.json`, served next to the pages: how operators and identity holders sign in here. */
export function webConfig(): Promise<WebConfig> {
  loaded ??= fetch("/config.json", { cache: "no-store" }).then((r) => {
    if (!r.ok) throw new Error(`config.json: ${r.status}`);
    return r.json() as Promise<WebConfig>;
  });
  return loaded;
}

export type { WebConfig };
