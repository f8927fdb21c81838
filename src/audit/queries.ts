import { and, asc, desc, eq, gte, isNotNull, lt, or, type SQL } from 'drizzle-orm'
import type { Ctx } from '../ctx'
import { auditEntries } from '../db/schema'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { AuditFilter } from './schemas'

// Read model of /admin/audit: staff actions newest first, filtered by actor, action and dates.

export const AUDIT_PAGE_SIZE = 50

export interface AuditEntryRow {
  id: number
  actorId: number | null
  actorName: string
  action: string
  subjectType: string | null
  subjectId: string | null
  subjectLabel: string | null
  details: Record<string, unknown>
  requestId: string | null
  createdAt: Date
}

/** Where the next page starts: the last row's (created_at, id), as "<ms>.<id>" in the link. */
export interface AuditCursor {
  createdAt: Date
  id: number
}

export function parseAuditCursor(value: string | undefined): AuditCursor | null {
  const match = /^(\d{1,15})\.(\d{1,18})$/.exec(value ?? '')
  return match ? { createdAt: new Date(Number(match[1])), id: Number(match[2]) } : null
}

export function auditCursorParam(cursor: AuditCursor): string {
  return `${cursor.createdAt.getTime()}.${cursor.id}`
}

export interface AuditPage {
  entries: AuditEntryRow[]
  next: AuditCursor | null
  /** The filter as parsed (dates as typed), to fill the form and build the next link. */
  filter: { actorId?: number; action?: string; from?: string; to?: string }
}

/** A page of the log, newest first (keyset, stable while staff keep acting). Admins only. */
export async function listAuditEntries(ctx: Ctx, { filter, before = null }: { filter: AuditFilter; before?: AuditCursor | null }): Promise<AuditPage> {
  requireAdmin(ctx, 'read the audit log')
  const parsed = parseInput(AuditFilter, filter)
  const conditions: SQL[] = []
  if (parsed.actorId) conditions.push(eq(auditEntries.actorId, parsed.actorId))
  if (parsed.action) conditions.push(eq(auditEntries.action, parsed.action))
  if (parsed.from) conditions.push(gte(auditEntries.createdAt, new Date(`${parsed.from}T00:00:00Z`)))
  if (parsed.to) conditions.push(lt(auditEntries.createdAt, new Date(Date.parse(`${parsed.to}T00:00:00Z`) + 86_400_000)))
  if (before)
    conditions.push(or(lt(auditEntries.createdAt, before.createdAt), and(eq(auditEntries.createdAt, before.createdAt), lt(auditEntries.id, before.id)))!)
  const rows = await ctx.db
    .select({
      id: auditEntries.id,
      actorId: auditEntries.actorId,
      actorName: auditEntries.actorName,
      action: auditEntries.action,
      subjectType: auditEntries.subjectType,
      subjectId: auditEntries.subjectId,
      subjectLabel: auditEntries.subjectLabel,
      details: auditEntries.details,
      requestId: auditEntries.requestId,
      createdAt: auditEntries.createdAt,
    })
    .from(auditEntries)
    // Served by audit_entries_created_idx, or the actor / action index when that filter is set.
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditEntries.createdAt), desc(auditEntries.id))
    .limit(AUDIT_PAGE_SIZE + 1)
  const entries = rows.slice(0, AUDIT_PAGE_SIZE).map((row) => ({ ...row, details: (row.details ?? {}) as Record<string, unknown> }))
  const last = entries[entries.length - 1]
  return {
    entries,
    next: rows.length > AUDIT_PAGE_SIZE && last ? { createdAt: last.createdAt, id: last.id } : null,
    filter: { actorId: parsed.actorId, action: parsed.action, from: parsed.from, to: parsed.to },
  }
}

export interface AuditFilterChoices {
  actors: { id: number; name: string }[]
  actions: string[]
}

/** Who has acted and which actions occur, for the filter's lists. */
export async function getAuditFilterChoices(ctx: Ctx): Promise<AuditFilterChoices> {
  requireAdmin(ctx, 'read the audit log')
  const [actors, actions] = await Promise.all([
    ctx.db
      .selectDistinctOn([auditEntries.actorId], { id: auditEntries.actorId, name: auditEntries.actorName })
      .from(auditEntries)
      .where(isNotNull(auditEntries.actorId))
      .orderBy(asc(auditEntries.actorId), desc(auditEntries.createdAt)),
    ctx.db.selectDistinct({ action: auditEntries.action }).from(auditEntries).orderBy(asc(auditEntries.action)),
  ])
  return {
    actors: actors.flatMap((row) => (row.id ? [{ id: row.id, name: row.name }] : [])).sort((a, b) => a.name.localeCompare(b.name)),
    actions: actions.map((row) => row.action),
  }
}

