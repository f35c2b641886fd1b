/**
 * OAuth 2.0 authorization code flow with PKCE (RFC 7636) for a public client: Cognito's hosted sign-in for
 * operators, and an OIDC provider for SPID/CIE/CNS. The verifier and state wait in sessionStorage for the
 * redirect back; the code is exchanged from the page, and removed from the address bar at once.
 */
export interface PkceClient {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  redirectUri: string;
  scope: string;
}

interface Pending {
  verifier: string;
  state: string;
  returnTo: string;
}

const STORE = "pin.pkce";

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomToken(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The authorization request URL for `client`; remembers the verifier and state for `completeSignIn`. */
export async function authorizationUrl(client: PkceClient, returnTo: string): Promise<string> {
  const verifier = randomToken(48);
  const state = randomToken(24);
  sessionStorage.setItem(STORE, JSON.stringify({ verifier, state, returnTo } satisfies Pending));
  const url = new URL(client.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: client.scope,
    state,
    code_challenge: await codeChallenge(verifier),
    code_challenge_method: "S256",
  }).toString();
  return url.toString();
}

/** Sends the browser to the provider's sign-in. */
export async function startSignIn(client: PkceClient, returnTo: string): Promise<void> {
  location.assign(await authorizationUrl(client, returnTo));
}

/**
 * On the redirect back (`?code=…&state=…`): checks the state, exchanges the code with the verifier, and returns
 * the access token; undefined when this page load is not a redirect back.
 */
export async function completeSignIn(
  client: PkceClient,
): Promise<{ accessToken: string; expiresIn: number; returnTo: string } | undefined> {
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  const state = params.get("state");
  if (!code && !params.get("error")) return undefined;
  history.replaceState(null, "", location.pathname);
  const pending = JSON.parse(sessionStorage.getItem(STORE) ?? "null") as Pending | null;
  sessionStorage.removeItem(STORE);
  if (!code || !pending || pending.state !== state) throw new Error("sign-in-failed");
  const response = await fetch(client.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: client.clientId,
      code,
      redirect_uri: client.redirectUri,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error("sign-in-failed");
  const body = (await response.json()) as { access_token: string; expires_in: number };
  return { accessToken: body.access_token, expiresIn: body.expires_in, returnTo: pending.returnTo };
}

/** Cognito's hosted sign-in endpoints under its domain. */
export function cognitoClient(domain: string, clientId: string, redirectUri: string): PkceClient {
  const base = domain.replace(/\/+$/, "");
  return {
    authorizeUrl: `${base}/oauth2/authorize`,
    tokenUrl: `${base}/oauth2/token`,
    clientId,
    redirectUri,
    scope: "openid",
  };
}
