import { eq, sql } from 'drizzle-orm'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { outbox } from '../../src/db/schema'
import { DEFAULT_MAX_ATTEMPTS, drainOutbox, enqueue, startOutboxWorker, type OutboxHandlers, type OutboxOptions } from '../../src/outbox'
import { createTestApp, type TestApp } from '../support/app'
import { testDatabaseKind } from '../support/db'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const logger = pino({ level: 'silent' })
const options = (handlers: OutboxHandlers, workerId = 'w1'): OutboxOptions => ({ db: t.db, handlers, clock: t.clock, logger, workerId })
const rowByKey = async (key: string) => (await t.db.select().from(outbox).where(eq(outbox.key, key)))[0]

describe('outbox', () => {
  it('completes a whole batch at once, and drainNow waits for what the handlers enqueue in turn', async () => {
    const delivered: string[] = []
    const handlers: OutboxHandlers = {
      'test.chain': async (payload, { db, now, key }) => {
        delivered.push(key)
        const { left } = payload as { left: number }
        if (left > 0) await enqueue(db, { topic: 'test.chain', key: `${key}>`, payload: { left: left - 1 }, dueAt: now })
      },
    }
    for (let n = 0; n < 25; n++) await enqueue(t.db, { topic: 'test.chain', key: `batch-${n}`, payload: { left: n === 0 ? 2 : 0 }, dueAt: t.clock.now() })
    // A poll far away: only drainNow makes this worker deliver here.
    const worker = startOutboxWorker({ ...options(handlers), batchSize: 10, concurrency: 4, pollMs: 3_600_000 })
    await worker.drainNow()
    await worker.stop()
    expect(delivered).toHaveLength(27)
    expect(new Set(delivered).size).toBe(27)
    expect(delivered).toContain('batch-0>>')
    expect(await t.db.select().from(outbox).where(sql`${outbox.key} like 'batch-%'`)).toEqual([])
  })

  it('delivers a row written in a committed transaction, and nothing from a rolled-back one', async () => {
    const delivered: unknown[] = []
    await t.db.transaction(async (tx) => {
      await enqueue(tx as never, { topic: 'test.echo', key: 'commit-1', payload: { n: 1 }, dueAt: t.clock.now() })
    })
    await t.db
      .transaction(async (tx) => {
        await enqueue(tx as never, { topic: 'test.echo', key: 'rollback-1', payload: { n: 2 }, dueAt: t.clock.now() })
        throw new Error('roll back')
      })
      .catch(() => {})
    await drainOutbox(options({ 'test.echo': async (payload) => void delivered.push(payload) }))
    expect(delivered).toEqual([{ n: 1 }])
    expect(await rowByKey('commit-1')).toBeUndefined()
    expect(await rowByKey('rollback-1')).toBeUndefined()
  })

  it('waits for the due time', async () => {
    const delivered: string[] = []
    const handlers = { 'test.later': async (_: unknown, context: { key: string }) => void delivered.push(context.key) }
    await enqueue(t.db, { topic: 'test.later', key: 'later-1', payload: {}, dueAt: new Date(t.clock.now().getTime() + 60_000) })
    await drainOutbox(options(handlers))
    expect(delivered).toEqual([])
    t.clock.advance(60_000)
    await drainOutbox(options(handlers))
    expect(delivered).toEqual(['later-1'])
  })

  it('keeps one pending row per idempotency key, with the latest payload', async () => {
    const delivered: unknown[] = []
    for (let n = 1; n <= 3; n++) await enqueue(t.db, { topic: 'test.echo', key: 'same-key', payload: { n }, dueAt: t.clock.now() })
    await drainOutbox(options({ 'test.echo': async (payload) => void delivered.push(payload) }))
    expect(delivered).toEqual([{ n: 3 }])
  })

  it('retries with backoff after a failure and records the error', async () => {
    let calls = 0
    const handlers = {
      'test.flaky': async () => {
        calls++
        if (calls === 1) throw new Error('search engine unreachable')
      },
    }
    await enqueue(t.db, { topic: 'test.flaky', key: 'flaky-1', payload: {}, dueAt: t.clock.now() })
    await drainOutbox(options(handlers))
    const failed = await rowByKey('flaky-1')
    expect(failed?.lastError).toBe('search engine unreachable')
    expect(failed?.attempts).toBe(1)
    expect(failed!.dueAt.getTime()).toBeGreaterThan(t.clock.now().getTime())
    await drainOutbox(options(handlers))
    expect(calls).toBe(1)
    t.clock.advance(60_000)
    await drainOutbox(options(handlers))
    expect(calls).toBe(2)
    expect(await rowByKey('flaky-1')).toBeUndefined()
  })

  it(`parks a row after ${DEFAULT_MAX_ATTEMPTS} failures, and parks unknown topics at once`, async () => {
    const handlers = { 'test.broken': async () => Promise.reject(new Error('always broken')) }
    await enqueue(t.db, { topic: 'test.broken', key: 'broken-1', payload: {}, dueAt: t.clock.now() })
    await enqueue(t.db, { topic: 'test.unknown', key: 'unknown-1', payload: {}, dueAt: t.clock.now() })
    for (let i = 0; i < DEFAULT_MAX_ATTEMPTS + 2; i++) {
      await drainOutbox(options(handlers))
      t.clock.advance(2 * 60 * 60_000)
    }
    const parked = await rowByKey('broken-1')
    expect(parked?.parkedAt).not.toBeNull()
    expect(parked?.attempts).toBe(DEFAULT_MAX_ATTEMPTS)
    expect((await rowByKey('unknown-1'))?.lastError).toMatch(/No handler/)
    // Enqueuing the key again (a newer change) gives it a fresh start.
    await enqueue(t.db, { topic: 'test.broken', key: 'broken-1', payload: {}, dueAt: t.clock.now() })
    const revived = await rowByKey('broken-1')
    expect(revived?.parkedAt).toBeNull()
    expect(revived?.attempts).toBe(0)
    await t.db.delete(outbox).where(sql`${outbox.key} in ('broken-1', 'unknown-1')`)
  })

  it('runs a row again when it was enqueued anew during its delivery', async () => {
    const seen: unknown[] = []
    const handlers = {
      'test.racy': async (payload: unknown) => {
        seen.push(payload)
        if (seen.length === 1) await enqueue(t.db, { topic: 'test.racy', key: 'racy-1', payload: { v: 2 }, dueAt: t.clock.now() })
      },
    }
    await enqueue(t.db, { topic: 'test.racy', key: 'racy-1', payload: { v: 1 }, dueAt: t.clock.now() })
    await drainOutbox(options(handlers))
    expect(seen).toEqual([{ v: 1 }, { v: 2 }])
    expect(await rowByKey('racy-1')).toBeUndefined()
  })

  it('lets a claim lapse when a worker dies mid-delivery, so another retries it', async () => {
    await enqueue(t.db, { topic: 'test.crash', key: 'crash-1', payload: {}, dueAt: t.clock.now() })
    // A worker claims the row and never finishes (the process died).
    const at = t.clock.now().toISOString()
    await t.db.execute(
      sql`update outbox set claimed_until = ${at}::timestamptz + interval '60 seconds', claimed_by = 'dead', attempts = attempts + 1 where key = 'crash-1'`,
    )
    const delivered: string[] = []
    const handlers = { 'test.crash': async (_: unknown, context: { key: string }) => void delivered.push(context.key) }
    await drainOutbox(options(handlers, 'w2'))
    expect(delivered).toEqual([])
    t.clock.advance(61_000)
    await drainOutbox(options(handlers, 'w2'))
    expect(delivered).toEqual(['crash-1'])
  })

  it.runIf(testDatabaseKind() === 'postgres')('never hands the same row to two workers at once', async () => {
    for (let i = 0; i < 40; i++) await enqueue(t.db, { topic: 'test.count', key: `count-${i}`, payload: { i }, dueAt: t.clock.now() })
    const deliveries = new Map<number, number>()
    const handlers = {
      'test.count': async (payload: unknown) => {
        const { i } = payload as { i: number }
        deliveries.set(i, (deliveries.get(i) ?? 0) + 1)
        await new Promise((resolve) => setTimeout(resolve, 5))
      },
    }
    await Promise.all([1, 2, 3, 4].map((n) => drainOutbox({ ...options(handlers, `w${n}`), batchSize: 3 })))
    expect(deliveries.size).toBe(40)
    expect([...deliveries.values()].every((count) => count === 1)).toBe(true)
  })
})
