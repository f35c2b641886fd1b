let token: string | null | undefined;

/**
 * The one-time token of a link the service sent (`?token=…`), read once and removed from the address bar so
 * it is not left in the history, bookmarks or a screenshot.
 */
export function linkToken(): string | undefined {
  if (token === undefined) {
    const params = new URLSearchParams(location.search);
    token = params.get("token");
    if (token) {
      params.delete("token");
      const rest = params.toString();
      history.replaceState(null, "", `${location.pathname}${rest ? `?${rest}` : ""}`);
    }
  }
  return token ?? undefined;
}
