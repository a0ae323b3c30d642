/**
 * Named errors. The API maps `AppError`s to `application/problem+json` in one middleware;
 * workers treat `PermanentError`s as not worth retrying.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    /** Stable, machine-readable code; clients match on it. */
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldError {
  path: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(message: string, readonly errors: FieldError[] = []) {
    super(400, 'validation_failed', message, { errors });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'sign in (POST /v1/sessions) or send an API key in "Authorization: Bearer <key>" or "X-API-Key"', code = 'unauthorized') {
    super(401, code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, code = 'forbidden') {
    super(403, code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super(404, 'not_found', `${what} ${JSON.stringify(id)} does not exist`);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(409, code, message, details);
  }
}

/** Input that is well-formed but refers to things that do not exist or cannot be used. */
export class UnprocessableError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(422, code, message, details);
  }
}

/** Too many attempts; `retryAfterSeconds` becomes the `Retry-After` header. */
export class TooManyRequestsError extends AppError {
  constructor(code: string, message: string, readonly retryAfterSeconds: number, details?: Record<string, unknown>) {
    super(429, code, message, { retryAfterSeconds, ...details });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super(503, 'service_unavailable', message);
  }
}

/** A job failure that retrying cannot fix (bad payload, business rule). */
export class PermanentError extends Error {
  constructor(message: string, readonly code = 'permanent_failure') {
    super(message);
    this.name = 'PermanentError';
  }
}
