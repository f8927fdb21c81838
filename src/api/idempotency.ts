import { and, eq, isNull, lt } from 'drizzle-orm'
import type { Db } from '../db/client'
import { idempotencyKeys } from '../db/schema'

/** A first request that ran longer than this is taken as abandoned (its process died): the key is free again. */
const ABANDONED_AFTER_MS = 60_000

export type IdempotencyClaim =
  /** The key is ours: run the request, then `completeIdempotentRequest` or `releaseIdempotentRequest`. */
  | { kind: 'claimed'; id: number }
  /** An earlier request with this key finished: answer with its response (if `requestHash` matches). */
  | { kind: 'done'; requestHash: string; status: number; body: string }
  /** An earlier request with this key is still running. */
  | { kind: 'running'; requestHash: string }

/**
 * Claims `key` for `owner` before the request runs, so two concurrent attempts with one key
 * cannot both create: the unique (owner, key) row decides which one runs.
 */
export async function claimIdempotencyKey(
  db: Db,
  entry: { owner: string; key: string; method: string; path: string; requestHash: string; now: Date },
): Promise<IdempotencyClaim> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [claimed] = await db
      .insert(idempotencyKeys)
      .values({ owner: entry.owner, key: entry.key, method: entry.method, path: entry.path, requestHash: entry.requestHash, createdAt: entry.now })
      .onConflictDoNothing()
      .returning({ id: idempotencyKeys.id })
    if (claimed) return { kind: 'claimed', id: claimed.id }
    const [row] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.owner, entry.owner), eq(idempotencyKeys.key, entry.key)))
    if (!row) continue // released between our insert and select: try again
    if (row.responseStatus !== null && row.responseBody !== null)
      return { kind: 'done', requestHash: row.requestHash, status: row.responseStatus, body: row.responseBody }
    if (row.createdAt.getTime() > entry.now.getTime() - ABANDONED_AFTER_MS) return { kind: 'running', requestHash: row.requestHash }
    await db
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.id, row.id), isNull(idempotencyKeys.responseStatus), lt(idempotencyKeys.createdAt, new Date(entry.now.getTime() - ABANDONED_AFTER_MS))))
  }
  return { kind: 'running', requestHash: entry.requestHash }
}

/** Keeps the answer of a claimed request for its retries. */
export async function completeIdempotentRequest(db: Db, id: number, response: { status: number; body: string }): Promise<void> {
  await db.update(idempotencyKeys).set({ responseStatus: response.status, responseBody: response.body }).where(eq(idempotencyKeys.id, id))
}

/** Frees a claimed key whose answer is not worth keeping (a retry should run again). */
export async function releaseIdempotentRequest(db: Db, id: number): Promise<void> {
  await db.delete(idempotencyKeys).where(eq(idempotencyKeys.id, id))
}
