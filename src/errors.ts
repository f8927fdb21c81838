/**
 * Typed domain errors. Domain code throws these and never an HTTP exception;
 * src/web/errors.tsx maps them to a status and a page (or an htmx fragment) in one place.
 */
export abstract class DomainError extends Error {
  abstract readonly code: 'validation' | 'not_found' | 'forbidden' | 'unauthenticated' | 'conflict' | 'rate_limited' | 'unavailable'
}

/** Input that breaks a rule; `fields` holds one message per form field. */
export class ValidationError extends DomainError {
  readonly code = 'validation'
  constructor(
    readonly fields: Record<string, string>,
    message = 'Please correct the highlighted fields.',
  ) {
    super(message)
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found'
  constructor(readonly what: string) {
    super(`${what} was not found.`)
  }
}

/** Signed in, but not allowed to do this; `field` names the form field the refusal belongs by, if one. */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden'
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}

/**
 * The person's account is suspended: the message is what they read (staff's words and until
 * when); `until` is when it ends (null: until staff lift it). The API answers it as the
 * `account-suspended` problem with `suspendedUntil`; pages as a 403 that says so.
 */
export class AccountSuspendedError extends ForbiddenError {
  constructor(
    message: string,
    readonly until: Date | null,
  ) {
    super(message)
  }
}

/** Needs a signed-in person. */
export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated'
  constructor(readonly action = 'continue') {
    super(`Please sign in to ${action}.`)
  }
}

/** The request is fine but the current state refuses it (a locked thread, a taken email). */
export class ConflictError extends DomainError {
  readonly code = 'conflict'
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'rate_limited'
  constructor(
    readonly retryAfterSeconds: number,
    message = `Too many attempts. Please wait ${describeWait(retryAfterSeconds)} and try again.`,
  ) {
    super(message)
  }
}

function describeWait(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.ceil(seconds))} seconds`
  return `${Math.ceil(seconds / 60)} minutes`
}

/** A service the request needs (the search engine, say) is down; trying later should work. */
export class UnavailableError extends DomainError {
  readonly code = 'unavailable'
}

/**
 * The database cannot be reached (a restart, a failover, a network cut); src/db/unavailable.ts
 * recognises the driver errors that mean this. Requests get a 503 with Retry-After.
 */
export class DatabaseUnavailableError extends UnavailableError {
  constructor(
    /** The driver's or server's code that told us (ECONNREFUSED, CONNECTION_CLOSED, 57P01, ...). */
    readonly reason: string,
    readonly retryAfterSeconds = 5,
  ) {
    super('The forum cannot reach its database just now. Please retry in a moment.')
  }
}
