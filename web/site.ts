/**
 * The web client's pages, defined once: read by the build (one HTML file and one module per page), the local
 * gateway (which path serves which file) and the CDK edge stack (the same mapping at CloudFront).
 */
export interface PageDefinition {
  /** The path people open, as in the links the service sends: `/recovery/confirm`. */
  path: string;
  /** The module under web/src/pages/ that renders it. */
  module: string;
  /** Catalogue key of the page title (the one `h1`). */
  title: string;
  /** Only in the local build (pages standing in for outside services): never deployed. */
  localOnly?: boolean;
}

export const pages: readonly PageDefinition[] = [
  { path: "/", module: "home", title: "home.title" },
  { path: "/request", module: "request", title: "request.title" },
  { path: "/login", module: "login", title: "login.title" },
  { path: "/area", module: "area", title: "area.title" },
  { path: "/area/applications", module: "applications", title: "applications.title" },
  { path: "/area/conversion", module: "conversion", title: "conversion.title" },
  { path: "/area/delegations", module: "delegations", title: "delegations.title" },
  { path: "/recovery", module: "recovery", title: "recovery.title" },
  { path: "/recovery/confirm", module: "recovery-confirm", title: "recoveryConfirm.title" },
  { path: "/revocation", module: "revocation", title: "revocation.title" },
  { path: "/revocation/confirm", module: "revocation-confirm", title: "revocationConfirm.title" },
  { path: "/phone-pin", module: "phone-pin", title: "phonePin.title" },
  { path: "/appointments", module: "appointments", title: "appointments.title" },
  { path: "/appointments/cancel", module: "appointments-cancel", title: "appointmentsCancel.title" },
  { path: "/identity/sign-in", module: "identity-sign-in", title: "identitySignIn.title", localOnly: true },
  { path: "/privacy", module: "privacy", title: "privacy.title" },
  { path: "/accessibility", module: "accessibility", title: "accessibility.title" },
  { path: "/operator", module: "operator-sign-in", title: "operator.signIn.title" },
  { path: "/operator/contact-center", module: "operator-contact-center", title: "operator.cc.title" },
  { path: "/operator/branch", module: "operator-branch", title: "operator.branch.title" },
  { path: "/operator/back-office", module: "operator-back-office", title: "operator.bo.title" },
  { path: "/operator/auditor", module: "operator-auditor", title: "operator.auditor.title" },
  { path: "/404", module: "not-found", title: "notFound.title" },
];

/** The page served for a path that is no page and no asset, with status 404. */
export const notFoundPage = "/404";

/** Where a page's HTML lands in the build: `/` → `index.html`, `/recovery/confirm` → `recovery/confirm/index.html`. */
export function pageFile(path: string): string {
  return path === "/" ? "index.html" : `${path.slice(1)}/index.html`;
}

/** The page a request path opens: `/area` and `/area/` alike, `/operator/` as `/operator`; undefined for others. */
export function pageForPath(path: string, { local }: { local: boolean }): PageDefinition | undefined {
  const normalised = path.length > 1 ? path.replace(/\/+$/, "") || "/" : path;
  const page = pages.find((p) => p.path === normalised);
  return page && (local || !page.localOnly) && page.path !== notFoundPage ? page : undefined;
}

/** Static assets live under one prefix, so the page mapping never has to guess what a path is. */
export const assetPrefix = "/assets/";

/**
 * The Content-Security-Policy of every page, here and behind CloudFront: scripts, styles, fonts and frames only
 * from the origin itself, no inline script or style, nobody may frame the pages. `storageOrigins` are where
 * documents are uploaded to and previewed from (the presigned POST and GET URLs of F10); `signInOrigins` the
 * token endpoints of the operators' and the identity provider's sign-in (OAuth code flow with PKCE).
 */
export function contentSecurityPolicy({
  storageOrigins = [],
  signInOrigins = [],
}: {
  storageOrigins?: readonly string[];
  signInOrigins?: readonly string[];
} = {}): string {
  const self = (extra: readonly string[]) => ["'self'", ...extra].join(" ");
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${self(["data:", "blob:", ...storageOrigins])}`,
    // Bootstrap Italia's stylesheet embeds one small icon font as a data: URL.
    "font-src 'self' data:",
    `connect-src ${self([...storageOrigins, ...signInOrigins])}`,
    `frame-src ${self(["blob:", ...storageOrigins])}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "manifest-src 'self'",
  ].join("; ");
}

/** `config.json`: how operators and identity holders sign in (docs/web-client.md). */
export type WebConfig =
  | { auth: "local"; identity: "local" }
  | {
      auth: "cognito";
      /** Cognito's hosted sign-in, e.g. `https://pin-ops.auth.eu-south-1.amazoncognito.com`. */
      domain: string;
      clientId: string;
      /** Where Cognito sends the code back: the console's page, `https://<web origin>/operator/`. */
      redirectUri: string;
      /** The SPID/CIE/CNS identity provider (OIDC, code flow with PKCE), when the phone PIN page is offered. */
      identity?: { authorizeUrl: string; tokenUrl: string; clientId: string; redirectUri: string };
    };
