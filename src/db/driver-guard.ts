import type { Logger } from 'pino'

/*
 * A postgres.js bug (porsager/postgres#1154 and #1208; fixes proposed in #1168 and #1209, not
 * released as of 3.4.9) kills the process when PostgreSQL restarts under load. In
 * node_modules/postgres/src/connection.js, `write()` batches small messages and flushes them
 * with `setImmediate(nextWrite)`, and `nextWrite()` calls `socket.write(...)` with no check.
 * `closed()` sets `socket = null` when the server goes away, and reconnects only on a later timer.
 * A query handed to that connection in between (here: the ROLLBACK that postgres.js's `begin()`
 * sends on the transaction's own connection after one of its statements failed with 57P01 or
 * CONNECTION_CLOSED) schedules a flush that then throws
 * `TypeError: Cannot read properties of null (reading 'write')` from an Immediate: no await or
 * try/catch can see it, so it is an uncaught exception.
 *
 * Why a runtime guard and not a patched driver: a patch to node_modules must be re-applied on
 * every install (patch-package is not a dependency here, and a silently unapplied patch brings
 * the crash back), while this guard keeps working on any postgres.js version and becomes dead
 * code once upstream ships the fix. It recognises exactly this error (a TypeError with this
 * message whose top frame is `nextWrite` in postgres.js's connection.js) and nothing else:
 * every other uncaught exception still ends the process as before.
 *
 * Swallowing it is safe for the request side: `closed()` has already rejected the queries that
 * were on that connection, and the ROLLBACK belongs to a transaction whose caller has already
 * been told (CONNECTION_CLOSED). But the connection's private write buffer is left holding the
 * unsent bytes with a stale flush timer, so its next startup message would never be sent; the
 * `onBug` callback lets the owner of the pool replace it (see `openPostgres`).
 */

const MESSAGE = "Cannot read properties of null (reading 'write')"
/** The top stack frame: `nextWrite` in postgres.js's connection.js (ESM, CJS or Cloudflare build). */
const TOP_FRAME = /^\s*at (?:\S+\.)?nextWrite \(.*[\\/]postgres[\\/](?:cjs[\\/]|cf[\\/])?src[\\/]connection\.js:\d+:\d+\)$/

/** True only for postgres.js's null-socket write (see above), never for any other error. */
export function isNullSocketWriteBug(error: unknown): boolean {
  if (!(error instanceof TypeError) || error.message !== MESSAGE) return false
  const firstFrame = (error.stack ?? '').split('\n').find((line) => /^\s*at /.test(line))
  return firstFrame !== undefined && TOP_FRAME.test(firstFrame)
}

export interface DriverGuardOptions {
  logger: Logger
  /** Runs after each swallowed occurrence (the forum replaces its connection pool). */
  onBug?: () => void
}

/**
 * Installs the process-level guard; returns a function that removes it. Call it from the
 * process's entry point only: it is a process-wide `uncaughtException` listener.
 */
export function guardAgainstNullSocketWriteBug(options: DriverGuardOptions): () => void {
  const onUncaught = (error: Error, origin: NodeJS.UncaughtExceptionOrigin) => {
    if (origin === 'uncaughtException' && isNullSocketWriteBug(error)) {
      options.logger.warn(
        { err: { message: error.message, stack: error.stack } },
        'postgres.js wrote to a closed connection (porsager/postgres#1154, #1208); ignored, and the connection pool is replaced',
      )
      options.onBug?.()
      return
    }
    // Anything else ends the process exactly as it would without a listener: same error, same
    // message on stderr, exit code 1.
    process.off('uncaughtException', onUncaught)
    process.nextTick(() => {
      throw error
    })
  }
  process.on('uncaughtException', onUncaught)
  return () => process.off('uncaughtException', onUncaught)
}
