import type * as core from "zod/v4/core";
import type { FieldError } from "./errors.ts";

/** zod issues as `{path, message}`; unknown keys are reported one per key, at their own path. */
export function toFieldErrors(error: core.$ZodError): FieldError[] {
  return fieldErrorsOf(error.issues, []);
}

/**
 * A union that matched no option reports its own message (which says what it takes), then, when the input came
 * closest to one option (strictly fewest issues), what that option still misses, at full paths.
 */
function fieldErrorsOf(issues: readonly core.$ZodIssue[], prefix: readonly PropertyKey[]): FieldError[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    const base = path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: base ? `${base}.${key}` : key, message: "Unknown field" }));
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const sizes = issue.errors.map((option) => option.length);
      const fewest = Math.min(...sizes);
      const closest =
        sizes.indexOf(fewest) === sizes.lastIndexOf(fewest) ? issue.errors[sizes.indexOf(fewest)] : [];
      return [{ path: base, message: issue.message }, ...fieldErrorsOf(closest ?? [], path)];
    }
    return [{ path: base, message: issue.message }];
  });
}
