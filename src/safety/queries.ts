import { and, desc, eq, isNull, sql } from 'drizzle-orm'
import type { Ctx } from '../ctx'
import { accountSanctions, users, watchedWords, type SanctionKind, type WatchedWordAction } from '../db/schema'
import { requireAdmin, requireStaff } from '../policy'
import { getSafetySettings, type SafetyChoices } from './settings'
import { trustName } from './standing'

export interface WatchedWordRow {
  id: number
  word: string
  action: WatchedWordAction
  createdAt: Date
}

export interface SafetyAdminPage {
  settings: SafetyChoices
  words: WatchedWordRow[]
}

/** /admin/safety: the settings and every watched word, alphabetically. */
export async function getSafetyAdminPage(ctx: Ctx): Promise<SafetyAdminPage> {
  requireAdmin(ctx, 'see the trust and safety settings')
  const [settings, words] = await Promise.all([
    getSafetySettings(ctx.db),
    ctx.db
      .select({ id: watchedWords.id, word: watchedWords.word, action: watchedWords.action, createdAt: watchedWords.createdAt })
      .from(watchedWords)
      .orderBy(watchedWords.word),
  ])
  return { settings, words }
}

export interface SanctionRow {
  id: number
  kind: SanctionKind
  reason: string
  message: string
  startsAt: Date
  endsAt: Date | null
  byName: string | null
  active: boolean
}

export interface PersonSafety {
  userId: number
  displayName: string
  email: string
  role: string
  trustLevel: number
  trustName: string
  locked: boolean
  deleted: boolean
  sanctions: SanctionRow[]
}

/** A person's trust level and sanctions for their admin page (newest first; lifted and ended ones too). */
export async function getPersonSafety(ctx: Ctx, userId: number): Promise<PersonSafety | null> {
  requireStaff(ctx, 'see suspensions')
  const now = ctx.now()
  const [person] = await ctx.db
    .select({ id: users.id, displayName: users.displayName, email: users.email, role: users.role, trustLevel: users.trustLevel, lockedAt: users.trustLevelLockedAt, deletedAt: users.deletedAt })
    .from(users)
    .where(eq(users.id, userId))
  if (!person) return null
  const by = sql<string | null>`(select display_name from users b where b.id = ${accountSanctions.createdById})`
  const rows = await ctx.db
    .select({
      id: accountSanctions.id,
      kind: accountSanctions.kind,
      reason: accountSanctions.reason,
      message: accountSanctions.message,
      startsAt: accountSanctions.startsAt,
      endsAt: accountSanctions.endsAt,
      liftedAt: accountSanctions.liftedAt,
      byName: by,
    })
    .from(accountSanctions)
    .where(eq(accountSanctions.userId, userId))
    .orderBy(desc(accountSanctions.startsAt), desc(accountSanctions.id))
    .limit(20)
  return {
    userId: person.id,
    displayName: person.displayName,
    email: person.email,
    role: person.role,
    trustLevel: person.trustLevel,
    trustName: trustName(person.trustLevel),
    locked: person.lockedAt !== null,
    deleted: person.deletedAt !== null,
    sanctions: rows.map(({ liftedAt, ...row }) => ({ ...row, active: !liftedAt && (!row.endsAt || row.endsAt > now) })),
  }
}

/** The sanction in force for a signed-in person, for the notice on their pages (silence only: a suspended person is signed out). */
export async function getOwnSilence(ctx: Ctx): Promise<{ message: string; endsAt: Date | null } | null> {
  if (!ctx.actor) return null
  const now = ctx.now()
  const [row] = await ctx.db
    .select({ message: accountSanctions.message, endsAt: accountSanctions.endsAt })
    .from(accountSanctions)
    .where(
      and(
        eq(accountSanctions.userId, ctx.actor.id),
        eq(accountSanctions.kind, 'silence'),
        isNull(accountSanctions.liftedAt),
        sql`${accountSanctions.startsAt} <= ${now.toISOString()}::timestamptz`,
        sql`(${accountSanctions.endsAt} is null or ${accountSanctions.endsAt} > ${now.toISOString()}::timestamptz)`,
      ),
    )
    .limit(1)
  return row ?? null
}
