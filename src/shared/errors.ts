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
/** A 429: `Retry-After` (seconds) says when to try again. */
export class TooManyRequestsError extends AppError {
  constructor(code: string, message: string, readonly retryAfterSeconds: number, details?: Record<string, unknown>) {
    super(429, code, message, { retryAfterSeconds, ...details });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(
    message: string,
    /** Seconds a client should wait before retrying (`Retry-After`). */
    readonly retryAfterS = 5,
    code = 'service_unavailable',
  ) {
    super(503, code, message);
  }
}

/**
 * A stored file is encrypted under a data key this process does not have: an operator error
 * (a key retired too early, or missing from DATA_KEYS / DATA_KEY_FILE). 503: it is not the
 * client's fault, and it works again once the key is put back.
 */
export class DataKeyMissingError extends ServiceUnavailableError {
  constructor(readonly keyId: string) {
    super(`the stored file is encrypted under data key "${keyId}", which this server does not have; an operator must add it back to DATA_KEYS or DATA_KEY_FILE`, 60, 'data_key_missing');
  }
}

/**
 * A stored file failed its authentication check (ciphertext, nonce or tag altered or damaged).
 * 409: the stored resource is in a state that cannot be served; the fix is to upload the file
 * again or restore it from a backup, not to repeat the request.
 */
export class StoredFileTamperedError extends AppError {
  constructor(contentKey: string) {
    super(409, 'file_integrity_failed', `the stored file ${contentKey.slice(0, 12)}… failed its integrity check (altered or damaged at rest); upload the invoice again or restore it from a backup`);
  }
}

/** Too many requests from one key, user or address; `Retry-After` says when to try again. */
export class RateLimitedError extends TooManyRequestsError {
  constructor(message: string, retryAfterS: number) {
    super('rate_limited', message, retryAfterS);
  }
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Errors that mean "PostgreSQL or Redis is not there right now" (restart, failover, network):
 * worth retrying later; the API answers 503 with Retry-After, never 500.
 */
export function isUnavailableError(err: unknown): boolean {
  const code = errorCode(err);
  if (code && (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300', '55P03'].includes(code))) return true;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNABORTED'].includes(code)) return true;
  const name = (err as Error | null)?.name ?? '';
  const message = String((err as Error | null)?.message ?? '');
  if (name === 'MaxRetriesPerRequestError') return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Query read timeout|Stream isn't writeable|Connection is closed|Connection in subscriber mode|ECONNREFUSED|Reached the max retries per request limit|LOADING Redis is loading|BUSY Redis is busy|Command timed out/i.test(message);
}

/**
 * PostgreSQL errors caused by the client's input that slipped past validation: a 4xx, never a
 * 500. Validation should refuse these first; this is the safety net.
 */
export function clientInputErrorOf(err: unknown): AppError | undefined {
  const code = errorCode(err);
  if (!code || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  switch (code) {
    case '22021':
      return new ValidationError('a text field holds bytes that are not valid text (e.g. a NUL character); send plain UTF-8 text');
    case '22008':
    case '22007':
      return new ValidationError('a date or time is out of range or impossible (e.g. 2024-02-30); send a real calendar date');
    case '22003':
      return new ValidationError('a number is too large for what it describes; see the documented bounds');
    case '22P02':
      return new ValidationError('a value has the wrong format for its field');
    case '22001':
      return new ValidationError('a text field is too long');
    case '23505':
      return new ConflictError('already_exists', 'the same thing was created at the same time by another request; read it or retry');
    case '23503':
      return new UnprocessableError('reference_not_found', 'the request refers to something that does not exist');
    case '23514':
    case '23502':
      return new ValidationError('a value breaks a rule of the data (out of range or missing)');
    default:
      return undefined;
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

/** Backtest input that cannot be evaluated (too short a history, bad options). */
export class BacktestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BacktestInputError';
  }
}

/** A line of the sales file that cannot be read; `line` is 1-based, the header is line 1. */
export class SalesCsvError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'SalesCsvError';
  }
}

/** An invoice file (or one of its pages) too large to render within the memory budget. */
export class FileTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileTooLargeError';
  }
}

/** A quantity the product cannot take (a fraction of a product counted in units); `errors` names each field. */
export class InvalidQuantityError extends AppError {
  constructor(message: string, readonly errors: FieldError[]) {
    super(400, 'invalid_quantity', message, { errors });
  }
}

/** The platform has no PostgreSQL binaries in npm packages, or the embedded database cannot start here. */
export class EmbeddedPostgresUnavailableError extends Error {
  override name = 'EmbeddedPostgresUnavailableError';
}
