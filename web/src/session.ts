/**
 * Tokens live in sessionStorage only (one tab, gone when it closes), never in localStorage or a cookie
 * (docs/web-client.md): the citizen's access token, a SPID/CIE/CNS identity token, an operator's token, and the token of
 * a delegated session (F14).
 */
export type TokenKind = "citizen" | "identity" | "operator" | "acting";

interface Stored {
  token: string;
  expiresAt: number;
  meta?: Record<string, string>;
}

const key = (kind: TokenKind) => `pin.token.${kind}`;

/** Keeps a token until `expiresInSeconds` (or the token's own `exp`) has passed. */
export function saveToken(
  kind: TokenKind,
  token: string,
  expiresInSeconds?: number,
  meta?: Record<string, string>,
): void {
  const exp = claims(token).exp;
  const expiresAt =
    expiresInSeconds !== undefined
      ? Date.now() + expiresInSeconds * 1000
      : typeof exp === "number"
        ? exp * 1000
        : Date.now() + 15 * 60 * 1000;
  sessionStorage.setItem(key(kind), JSON.stringify({ token, expiresAt, meta } satisfies Stored));
}

function read(kind: TokenKind): Stored | undefined {
  const raw = sessionStorage.getItem(key(kind));
  if (!raw) return undefined;
  try {
    const stored = JSON.parse(raw) as Stored;
    if (stored.expiresAt > Date.now()) return stored;
  } catch {
    // unreadable: treated as absent
  }
  sessionStorage.removeItem(key(kind));
  return undefined;
}

export function readToken(kind: TokenKind): string | undefined {
  return read(kind)?.token;
}

export function tokenMeta(kind: TokenKind): Record<string, string> | undefined {
  return read(kind)?.meta;
}

export function clearToken(kind: TokenKind): void {
  sessionStorage.removeItem(key(kind));
}

/**
 * The claims of a JWT, read for display and navigation only (groups, codice fiscale): the API verifies every
 * token itself.
 */
export function claims(token: string): Record<string, unknown> {
  try {
    const payload = token.split(".")[1] ?? "";
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  } catch {
    return {};
  }
}
