import { asc, gt, inArray, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { queueItemEvents, queueItems, scoreboardItemFacts, scoreboardRollups } from '../db/schema'
import { computeItemFacts, type FactsEvent, type ItemFacts } from './item-facts'
import { PERSON_WORK_ROLLUP, rebuildPersonWork, refreshPersonWork } from './person-work'

// The scoreboard's rollup: per item, the timings computeItemFacts derives from its event log,
// kept in scoreboard_item_facts so a page over 100k items does no business-hours arithmetic.
// The incremental run recomputes every item with an event since the last run; a full rebuild
// recomputes all. Either way the rows are what the direct computation gives (a test holds them so).

const ROLLUP = 'item_facts'
/** Events the timings read; the rest of the log (notes, assignments...) does not move them. */
const TIMING_EVENTS = ['state_changed', 'sla_met', 'sla_breached', 'merged']
const BATCH = 1000
/**
 * A transaction that began before the last run may commit events with lower ids after it: items
 * with events this recent are looked at again (a recompute is idempotent, so twice costs nothing).
 */
const LATE_COMMIT_MARGIN_MS = 10 * 60_000

/** The direct computation: items' facts from their events, now (all items when `itemIds` is null). */
export async function computeFactsDirectly(db: Db, itemIds: readonly number[]): Promise<ItemFacts[]> {
  if (itemIds.length === 0) return []
  const [items, events] = await Promise.all([
    db
      .select({
        id: queueItems.id,
        teamSlug: queueItems.teamSlug,
        kind: queueItems.kind,
        createdAt: queueItems.createdAt,
        sla: queueItems.sla,
        mergedIntoItemId: queueItems.mergedIntoItemId,
      })
      .from(queueItems)
      .where(inArray(queueItems.id, [...itemIds])),
    db
      .select({ id: queueItemEvents.id, itemId: queueItemEvents.itemId, kind: queueItemEvents.kind, data: queueItemEvents.data, createdAt: queueItemEvents.createdAt })
      .from(queueItemEvents)
      .where(sql`${queueItemEvents.itemId} in ${[...itemIds]} and ${queueItemEvents.kind} in ${TIMING_EVENTS}`),
  ])
  const byItem = new Map<number, FactsEvent[]>()
  for (const event of events) {
    const list = byItem.get(event.itemId) ?? []
    list.push(event)
    byItem.set(event.itemId, list)
  }
  return items.map((item) => computeItemFacts(item, byItem.get(item.id) ?? [])).sort((a, b) => a.itemId - b.itemId)
}

async function writeFacts(db: Db, facts: readonly ItemFacts[]): Promise<void> {
  for (let i = 0; i < facts.length; i += BATCH) {
    const rows = facts.slice(i, i + BATCH)
    await db
      .insert(scoreboardItemFacts)
      .values(rows)
      .onConflictDoUpdate({
        target: scoreboardItemFacts.itemId,
        set: Object.fromEntries(
          Object.entries(scoreboardItemFacts)
            .filter(([key, column]) => key !== 'itemId' && typeof column === 'object' && column !== null && 'name' in column)
            .map(([key, column]) => [key, sql.raw(`excluded.${(column as { name: string }).name}`)]),
        ),
      })
  }
}

/**
 * Recomputes these items' facts and their per-person work rows from their events (items deleted
 * since simply drop out).
 */
export async function refreshItemFacts(db: Db, itemIds: readonly number[]): Promise<number> {
  let written = 0
  for (let i = 0; i < itemIds.length; i += BATCH) {
    const batch = itemIds.slice(i, i + BATCH)
    const facts = await computeFactsDirectly(db, batch)
    await writeFacts(db, facts)
    await refreshPersonWork(db, batch)
    written += facts.length
  }
  return written
}

async function maxEventId(db: Db): Promise<number> {
  const [row] = await queryRows<{ max: string | number | null }>(db, sql`select max(id) as max from queue_item_events`)
  return Number(row?.max ?? 0)
}

async function saveWatermark(db: Db, lastEventId: number, now: Date, name = ROLLUP): Promise<void> {
  await db
    .insert(scoreboardRollups)
    .values({ name, lastEventId, ranAt: now })
    .onConflictDoUpdate({ target: scoreboardRollups.name, set: { lastEventId, ranAt: now } })
}

/** Recomputes every item's facts and the per-person work rows from the event log. */
export async function rebuildScoreboardFacts(db: Db, now: Date): Promise<number> {
  const upTo = await maxEventId(db)
  let written = 0
  let after = 0
  for (;;) {
    const ids = (await db.select({ id: queueItems.id }).from(queueItems).where(gt(queueItems.id, after)).orderBy(asc(queueItems.id)).limit(BATCH)).map((row) => row.id)
    if (ids.length === 0) break
    const facts = await computeFactsDirectly(db, ids)
    await writeFacts(db, facts)
    written += facts.length
    after = ids[ids.length - 1]!
  }
  await rebuildPersonWork(db)
  await saveWatermark(db, upTo, now)
  await saveWatermark(db, upTo, now, PERSON_WORK_ROLLUP)
  return written
}

/**
 * The recurring run: items created or with a timing event since the last run get their facts
 * recomputed. The first run (no watermark yet) rebuilds everything.
 */
export async function runScoreboardRollup(db: Db, now: Date): Promise<{ items: number; full: boolean }> {
  const [state] = await db.select().from(scoreboardRollups).where(sql`${scoreboardRollups.name} = ${ROLLUP}`)
  if (!state) return { items: await rebuildScoreboardFacts(db, now), full: true }
  const upTo = await maxEventId(db)
  const [people] = await db.select().from(scoreboardRollups).where(sql`${scoreboardRollups.name} = ${PERSON_WORK_ROLLUP}`)
  // A database whose facts predate the per-person rows gets them once, whole (set-wise, seconds).
  if (!people) await rebuildPersonWork(db)
  const since = new Date(state.ranAt.getTime() - LATE_COMMIT_MARGIN_MS).toISOString()
  const dirty = await queryRows<{ item_id: number }>(
    db,
    sql`
      select distinct item_id from queue_item_events
      where (id > ${state.lastEventId} and id <= ${upTo}) or created_at >= ${since}::timestamptz`,
  )
  const items = await refreshItemFacts(
    db,
    dirty.map((row) => row.item_id),
  )
  await saveWatermark(db, upTo, now)
  await saveWatermark(db, upTo, now, PERSON_WORK_ROLLUP)
  return { items, full: false }
}
