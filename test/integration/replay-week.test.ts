import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/client'
import { measureReplay, type ReplayFigures } from '../../bench/replay/measure'
import { runReplay, type ReplayRun } from '../../bench/replay/simulate'
import { planTraffic, SHORT_REPLAY } from '../../bench/replay/traffic'
import { createTestDatabase } from '../support/db'

// The short version of the month replay (bench/replay/, issue 22): two simulated working days of
// small traffic (two support people; people look at their work less often than in the bench) through the real verbs and HTTP API, mail to a real SMTP sink and webhooks to a real
// receiver, then the goals asserted from what the application recorded. These are
// correctness goals (ownership, reproductions, askers told, fairness), never timings.

let database: Database
let run: ReplayRun
let figures: ReplayFigures

beforeAll(async () => {
  database = await createTestDatabase()
  run = await runReplay({ database, scale: SHORT_REPLAY, seed: 22, supportPeople: 2, safetyMinutes: 240, supportEveryMinutes: 20, engineerEveryMinutes: 60 })
  figures = await measureReplay(run, { database: 'test', statements: null })
}, 600_000)
afterAll(async () => {
  await run?.close()
  await database?.close()
})

describe('two days of support, replayed', () => {
  it('plans the same traffic from the same seed, and different traffic from another', () => {
    const start = new Date('2026-03-01T23:00:00Z')
    const strip = (plan: ReturnType<typeof planTraffic>) => plan.questions.map((q) => [q.at.toISOString(), q.customer, q.kind, q.title])
    expect(strip(planTraffic(SHORT_REPLAY, 22, start))).toEqual(strip(planTraffic(SHORT_REPLAY, 22, start)))
    expect(strip(planTraffic(SHORT_REPLAY, 23, start))).not.toEqual(strip(planTraffic(SHORT_REPLAY, 22, start)))
  })

  it('ran the whole period without a failure, and real customers met no rate limit', () => {
    expect(figures.failures).toEqual([])
    expect(figures.traffic.questions).toBeGreaterThan(5)
    expect(figures.traffic.postedThroughApi).toBeGreaterThan(0)
    expect(Object.keys(figures.refused).filter((key) => key.includes('rate_limited') || key.includes('429'))).toEqual([])
  })

  it('gave every item an owner within a business hour (p90) and left none unowned', () => {
    expect(figures.items.total).toBeGreaterThan(5)
    expect(figures.timeToOwner.unownedAtEnd).toEqual([])
    expect(figures.timeToOwner.p90).toBeLessThanOrEqual(1)
  })

  it('escalated only with a reproduction, and engineering answered', () => {
    expect(figures.escalations.total).toBeGreaterThan(0)
    expect(figures.escalations.withoutReproduction).toBe(0)
    expect(figures.escalations.escalatedWithoutEscalation).toBe(0)
    expect(figures.escalations.answered).toBeGreaterThan(0)
  })

  it('told every asker of a fixed bug, and of its duplicates, in the app and by mail', () => {
    expect(figures.fixes.announcements).toBeGreaterThan(0)
    expect(figures.fixes.askers).toBeGreaterThan(1)
    // Everyone, including askers whose report was closed into the item after the fix went out.
    expect(figures.fixes.missing).toEqual([])
    expect(figures.fixes.toldByMail).toBe(figures.fixes.askers)
    expect(figures.fixes.toldInApp).toBe(figures.fixes.askers)
  })

  it('kept the rotation fair: no engineer more than one shift ahead of another', () => {
    expect(figures.load.shiftsPerEngineer).toHaveLength(5)
    expect(figures.load.shiftsPerEngineer.some((row) => row.shifts > 0)).toBe(true)
    expect(figures.load.shiftSpread).toBeLessThanOrEqual(1)
  })

  it('sent nothing twice: every mail once, every webhook once and correctly signed', () => {
    expect(figures.mail.total).toBeGreaterThan(0)
    expect(figures.mail.duplicates).toBe(0)
    expect(figures.mail.failedInDatabase).toBe(0)
    expect(figures.webhooks.total).toBeGreaterThan(0)
    expect(figures.webhooks.verified).toBe(figures.webhooks.total)
    expect(figures.webhooks.duplicates).toBe(0)
  })
})
