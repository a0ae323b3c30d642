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
  constructor(message = 'send an API key in "Authorization: Bearer <key>" or "X-API-Key"') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, 'forbidden', message);
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

export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super(503, 'service_unavailable', message);
  }
}

/** A job failure that retrying cannot fix (bad payload, business rule). `cause` keeps the error behind it. */
export class PermanentError extends Error {
  constructor(message: string, readonly code = 'permanent_failure', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** Configuration that does not parse: every bad key at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** A repricing chunk touched a product whose price or cost changed since it was read: retry the chunk. */
export class PriceConflictError extends Error {
  constructor(runId: string, expected: number, written: number) {
    super(`run ${runId}: ${expected - written} of ${expected} products changed while being repriced`);
    this.name = 'PriceConflictError';
  }
}

/** A fiscal QR code whose content is not a valid fiscal voucher record. */
export class FiscalQrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FiscalQrError';
  }
}

/** Invoice extraction ran past its deadline. */
export class ExtractionTimeoutError extends Error {
  constructor(ms: number) {
    super(`extraction did not finish within ${ms} ms`);
    this.name = 'ExtractionTimeoutError';
  }
}

/** An invoice file that cannot be read as a PDF or image. */
export class UnreadableFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

/** Why an extraction failed, as the extraction child process reports it. */
export type ExtractFailure = { code: 'extraction_timeout' | 'unreadable_file' | 'extraction_error'; message: string };

/** An extraction the child process reported as failed. */
export class ExtractionFailedError extends Error {
  constructor(readonly failure: ExtractFailure) {
    super(`${failure.code}: ${failure.message}`);
    this.name = 'ExtractionFailedError';
  }
}

/** A training whose thread was terminated by `abandon()` (shutdown): nothing was stored; run it again. */
export class TrainingAbandonedError extends Error {
  override name = 'TrainingAbandonedError';
}
