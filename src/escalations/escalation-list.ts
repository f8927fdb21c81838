import { and, desc, eq, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm'
import { requireStaff } from '../policy'
import type { Ctx } from '../ctx'
import { escalations, queueItems, type ItemState, type Severity } from '../db/schema'
import { NotFoundError } from '../errors'
import { escalationViews, toView, type EscalationView } from './queries'

// Escalations as a list and one by one, for the JSON API: staff only (they carry the
// reproduction, which is internal), newest first, keyset-paginated.

export interface EscalationEntry extends EscalationView {
  item: { id: number; title: string; state: ItemState; severity: Severity; teamSlug: string }
}

export interface EscalationFilters {
  /** Waiting for the engineer's answer, answered, or both (the default). */
  state?: 'open' | 'answered'
  team?: string
  /** Sent to (or called in on) this person. */
  engineerId?: number
  /** The keyset of the last row seen: "<created_at epoch ms>.<id>". */
  after?: string | null
  limit?: number
}

async function withItems(ctx: Ctx, views: EscalationView[]): Promise<EscalationEntry[]> {
  if (views.length === 0) return []
  const items = await ctx.db
    .select({ id: queueItems.id, title: queueItems.title, state: queueItems.state, severity: queueItems.severity, teamSlug: queueItems.teamSlug })
    .from(queueItems)
    .where(inArray(queueItems.id, [...new Set(views.map((view) => view.itemId))]))
  const byId = new Map(items.map((item) => [item.id, item]))
  return views.map((view) => ({ ...view, item: byId.get(view.itemId)! }))
}

/** A page of escalations, newest first (new ones land before the first page, so paging on skips and repeats nothing). */
export async function listEscalations(ctx: Ctx, filters: EscalationFilters = {}): Promise<{ escalations: EscalationEntry[]; next: string | null }> {
  requireStaff(ctx, 'see escalations')
  const limit = Math.min(Math.max(filters.limit ?? 30, 1), 100)
  const conditions: (SQL | undefined)[] = [
    filters.state === 'open' ? isNull(escalations.answeredAt) : filters.state === 'answered' ? isNotNull(escalations.answeredAt) : undefined,
    filters.team ? inArray(escalations.itemId, ctx.db.select({ id: queueItems.id }).from(queueItems).where(eq(queueItems.teamSlug, filters.team))) : undefined,
    filters.engineerId ? or(eq(escalations.engineerId, filters.engineerId), eq(escalations.backupId, filters.engineerId)) : undefined,
  ]
  if (filters.after) {
    const [ms, id] = filters.after.split('.').map(Number) as [number, number]
    const at = new Date(ms).toISOString()
    conditions.push(or(lt(escalations.createdAt, sql`${at}::timestamptz`), and(eq(escalations.createdAt, sql`${at}::timestamptz`), lt(escalations.id, id))))
  }
  const rows = await escalationViews(ctx)
    .where(and(...conditions))
    .orderBy(desc(escalations.createdAt), desc(escalations.id))
    .limit(limit + 1)
  const page = rows.slice(0, limit).map(toView)
  const last = page[page.length - 1]
  return { escalations: await withItems(ctx, page), next: rows.length > limit && last ? `${last.createdAt.getTime()}.${last.id}` : null }
}

export async function getEscalation(ctx: Ctx, escalationId: number): Promise<EscalationEntry> {
  requireStaff(ctx, 'see escalations')
  const [row] = await escalationViews(ctx).where(eq(escalations.id, escalationId))
  if (!row) throw new NotFoundError('That escalation')
  const [entry] = await withItems(ctx, [toView(row)])
  return entry!
}
