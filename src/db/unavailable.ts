import { DatabaseUnavailableError } from '../errors'
import { isNullSocketWriteBug } from './driver-guard'

/**
 * The one place that decides which driver errors mean "the database is not there right now"
 * rather than "this query is wrong": on a restart or failover every query in flight fails with
 * one of these, and trying again a moment later works.
 */

/** Socket errors from Node while connecting or talking to the server. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])

/** postgres.js's own connection errors (src/errors.js `Errors.connection`). */
const DRIVER_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT'])

/**
 * SQLSTATEs the server sends as it goes away or before it can take sessions: 57P01 admin_shutdown
 * (`pg_ctl -m fast`), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or in recovery),
 * and class 08, connection exceptions.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03'])
const CONNECTION_EXCEPTION = /^08[0-9A-Z]{3}$/

function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : null
}

function unavailableReason(error: unknown): string | null {
  const code = codeOf(error)
  if (code && (SOCKET_CODES.has(code) || DRIVER_CODES.has(code) || SERVER_CODES.has(code) || CONNECTION_EXCEPTION.test(code))) return code
  // The driver bug in driver-guard.ts can also surface synchronously, as a query's rejection.
  if (isNullSocketWriteBug(error)) return 'CONNECTION_CLOSED'
  return null
}

/**
 * The error as a DatabaseUnavailableError when it (or what it wraps: Drizzle puts the driver's
 * error in `cause`) means the database is unreachable; null for every other error.
 */
export function asDatabaseUnavailable(error: unknown): DatabaseUnavailableError | null {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof DatabaseUnavailableError) return current
    const reason = unavailableReason(current)
    if (reason) return new DatabaseUnavailableError(reason)
    current = (current as { cause?: unknown }).cause
  }
  return null
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return asDatabaseUnavailable(error) !== null
}
