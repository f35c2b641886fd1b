/**
 * The service's errors. Each carries the HTTP status, a stable `code` and whether its message may be shown
 * (`expose`). Handlers throw them; one middleware (http.ts) renders them as RFC 9457 problem+json.
 */
export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly title: string,
    detail?: string,
    readonly options: {
      expose?: boolean;
      errors?: FieldError[];
      headers?: Record<string, string>;
      extra?: Record<string, unknown>;
    } = {},
  ) {
    super(detail ?? title);
  }

  get expose(): boolean {
    return this.options.expose ?? this.statusCode < 500;
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldError[], detail = "The request is not valid.") {
    super(400, "validation-failed", "Validation failed", detail, { errors });
  }
}

export class NotFoundError extends AppError {
  constructor(detail = "No such resource.") {
    super(404, "not-found", "Not found", detail);
  }
}

export class MethodNotAllowedError extends AppError {
  constructor(allowed: string[]) {
    super(405, "method-not-allowed", "Method not allowed", `Allowed: ${allowed.join(", ")}.`, {
      headers: { allow: allowed.join(", ") },
    });
  }
}

export class UnauthorizedError extends AppError {
  constructor(code = "unauthorized", detail = "Authentication is required.") {
    super(401, code, "Unauthorized", detail, { headers: { "www-authenticate": "Bearer" } });
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = "You may not do this.", code = "forbidden") {
    super(403, code, "Forbidden", detail);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, detail: string) {
    super(409, code, "Conflict", detail);
  }
}

/** A dependency failed in a way that a retry may fix; nothing usable was left behind. */
export class RetryableError extends AppError {
  constructor(detail = "The service could not complete the request. Please retry.") {
    super(503, "temporarily-unavailable", "Service temporarily unavailable", detail, {
      expose: true,
      headers: { "retry-after": "5" },
    });
  }
}
