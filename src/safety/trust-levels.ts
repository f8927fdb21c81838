import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { TRUST } from './standing'

const HOUR_MS = 60 * 60 * 1000
const DAY_MS = 24 * HOUR_MS
/** Posts refused or hidden by staff this recently hold a person back. */
const PENALTY_WINDOW_MS = 60 * DAY_MS

export interface TrustStats {
  readThreads: number
  /** Their questions and replies that are public now. */
  visiblePosts: number
  /** Their replies marked as the solution of someone else's question. */
  acceptedAnswers: number
  accountAgeMs: number
  /** Their posts staff rejected or hid in /review lately. */
  recentPenalties: number
}

/**
 * The level a person's behaviour has earned (Discourse's ladder, scaled to a support forum):
 * basic for reading a little after the first hour; member for taking part for a week, or at
 * once for a solution someone accepted; regular for a month of sustained, accepted help. A
 * recent post refused by staff earns nothing above basic.
 */
export function earnedTrustLevel(stats: TrustStats): number {
  if (stats.readThreads < 5 || stats.accountAgeMs < HOUR_MS) return TRUST.new
  if (stats.recentPenalties > 0) return TRUST.basic
  const regular = stats.readThreads >= 50 && stats.visiblePosts >= 20 && stats.acceptedAnswers >= 3 && stats.accountAgeMs >= 30 * DAY_MS
  if (regular) return TRUST.regular
  const member =
    (stats.readThreads >= 20 && stats.visiblePosts >= 3 && stats.accountAgeMs >= 7 * DAY_MS) || (stats.acceptedAnswers >= 1 && stats.accountAgeMs >= DAY_MS)
  return member ? TRUST.member : TRUST.basic
}

interface StatsRow {
  id: number
  trust_level: number
  created_at: string | Date
  read_threads: number
  visible_posts: number
  accepted_answers: number
  recent_penalties: number
}

function statsQuery(now: Date, which: ReturnType<typeof sql>) {
  const since = new Date(now.getTime() - PENALTY_WINDOW_MS).toISOString()
  return sql`
    select u.id, u.trust_level, u.created_at,
           (select count(*) from thread_reads r where r.user_id = u.id)::int as read_threads,
           ((select count(*) from threads t where t.author_id = u.id and t.hidden_at is null)
            + (select count(*) from replies p where p.author_id = u.id and p.hidden_at is null))::int as visible_posts,
           (select count(*) from threads t join replies p on p.id = t.accepted_reply_id
             where p.author_id = u.id and t.author_id <> u.id and p.hidden_at is null)::int as accepted_answers,
           (select count(*) from review_items ri
             where ri.author_id = u.id and ri.status in ('rejected', 'hidden') and ri.resolved_at > ${since}::timestamptz)::int as recent_penalties
      from users u
     where u.role = 'member' and u.deleted_at is null and u.trust_level_locked_at is null and ${which}`
}

/**
 * Moves people to the level they have earned. Promotion is automatic; the only demotion is from
 * regular, which has to be kept up (as in Discourse). Levels an admin set by hand are left alone.
 * Returns the people whose level changed.
 */
async function applyEarnedLevels(db: Db, rows: StatsRow[], now: Date, highest: number = TRUST.regular): Promise<{ userId: number; from: number; to: number }[]> {
  const changes: { userId: number; from: number; to: number }[] = []
  for (const row of rows) {
    const earned = Math.min(highest, earnedTrustLevel({
      readThreads: row.read_threads,
      visiblePosts: row.visible_posts,
      acceptedAnswers: row.accepted_answers,
      recentPenalties: row.recent_penalties,
      accountAgeMs: now.getTime() - new Date(row.created_at).getTime(),
    }))
    const next = earned > row.trust_level ? earned : row.trust_level === TRUST.regular && earned < TRUST.regular ? TRUST.member : row.trust_level
    if (next === row.trust_level) continue
    await db.execute(sql`update users set trust_level = ${next} where id = ${row.id} and trust_level_locked_at is null`)
    changes.push({ userId: row.id, from: row.trust_level, to: next })
  }
  return changes
}

/**
 * On an event (a post, a read, an accepted answer): this one person's level, in the caller's
 * transaction, up to member. Regular is about sustained behaviour and is judged by the hourly job,
 * so members and above cost one indexed lookup here, not the full count.
 */
export async function promoteIfEarned(db: Db, userId: number, now: Date): Promise<number | null> {
  const rows = await queryRows<StatsRow>(db, statsQuery(now, sql`u.id = ${userId} and u.trust_level < ${TRUST.member}`))
  const [change] = await applyEarnedLevels(db, rows, now, TRUST.member)
  return change?.to ?? null
}

/** The recurring job: everyone whose level is not fixed by hand (time alone can earn a level). */
export async function recomputeTrustLevels(db: Db, now: Date): Promise<{ changed: number }> {
  const rows = await queryRows<StatsRow>(db, statsQuery(now, sql`true`))
  return { changed: (await applyEarnedLevels(db, rows, now)).length }
}
