import * as z from "../platform/zod.ts";

/**
 * E-mail addresses are compared lower-cased: mailbox providers treat the local part case-insensitively in
 * practice, and a holder who types their address differently must still be recognised.
 */
export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

/**
 * Country calling codes (ITU E.164): none is a prefix of another, so the one a number starts with is its own.
 * The list of libphonenumber-js's metadata (a unit test masks every country's example mobile with it), here so
 * that masking a stored number needs no phone-number library; validating one does (mobile.ts).
 */
const CALLING_CODES = new Set(
  "1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267 268 269 290 291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 378 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 506 507 508 509 590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682 683 685 686 687 688 689 690 691 692 850 852 853 855 856 880 886 960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 992 993 994 995 996 998".split(
    " ",
  ),
);

/** The calling code of an E.164 number, if it has a known one. */
export function callingCodeOf(e164: string): string | undefined {
  for (const length of [1, 2, 3]) {
    const code = e164.slice(1, 1 + length);
    if (CALLING_CODES.has(code)) return code;
  }
  return undefined;
}

export function maskMobile(e164: string): string {
  const code = callingCodeOf(e164);
  const country = code ? `+${code}` : e164.slice(0, 3);
  return `${country} ••• ••• ${e164.slice(-4)}`;
}

export function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  const shown =
    local.length <= 2
      ? local.slice(0, 1)
      : `${local[0]}${"•".repeat(Math.min(local.length - 2, 6))}${local.at(-1)}`;
  return `${shown}@${domain}`;
}

export const emailSchema = z.withChecks(
  z.pipe(
    z.pipe(z.withChecks(z.string(), z.maxLength(254)), z.transform(normaliseEmail)),
    z.email("Not a valid e-mail address"),
  ),
  z.meta({
    id: "Email",
    format: "email",
    description:
      "An e-mail address (PEC addresses too); compared case-insensitively, surrounding spaces removed.",
    examples: ["mario.rossi@example.org"],
  }),
);
