/**
 * The one error model. Services throw these; the error middleware maps each to a status and the
 * body `{ error: { code, message, details } }`. Anything else becomes a generic 500.
 */
export type ErrorDetails = Record<string, unknown> | unknown[] | undefined;

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One problem with one input field: `field` is a dotted path such as `orders.3.paid_at`. */
export interface FieldProblem {
  field: string;
  reason: string;
}

export class ValidationError extends AppError {
  constructor(
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(400, "validation_failed", message, { fields });
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = "Sign in first") {
    super(401, "unauthorized", message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = "Your role may not do this") {
    super(403, "forbidden", message);
  }
}
/** A cookie-authenticated change without the session's X-CSRF-Token header. */
export class CsrfError extends AppError {
  constructor(
    message = "Missing or wrong X-CSRF-Token header: send the value of the siyu_csrf cookie (reload the page and try again)",
  ) {
    super(403, "csrf_failed", message);
  }
}
export class NotFoundError extends AppError {
  constructor(message = "Not found") {
    super(404, "not_found", message);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, details?: ErrorDetails) {
    super(409, "conflict", message, details);
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(message = "Request body is too large") {
    super(413, "payload_too_large", message);
  }
}
export class RateLimitedError extends AppError {
  constructor(
    message = "Too many requests",
    /** seconds until the window ends, sent as Retry-After */
    readonly retryAfterS?: number,
  ) {
    super(429, "rate_limited", message, retryAfterS ? { retryAfterS } : undefined);
  }
}
