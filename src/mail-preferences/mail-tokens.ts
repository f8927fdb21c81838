import { and, eq, inArray, sql } from 'drizzle-orm'
import { generateToken, hashToken } from '../auth'
import type { Db } from '../db/client'
import { actionTokens, type ActionTokenPurpose } from '../db/schema'

// The tokens in mails' links (unsubscribe, "this solved it", "still broken"): random, stored only
// as their SHA-256, so a link cannot be forged and a leaked table cannot be replayed. Unlike
// account links, a new one never retires older ones: every mail's link keeps working.

export type MailTokenPurpose = Extract<ActionTokenPurpose, 'unsubscribe' | 'fix_solved' | 'fix_still_broken' | 'csat'>

export const UNSUBSCRIBE_LIFETIME_MS = 365 * 24 * 3_600_000
export const FIX_LINK_LIFETIME_MS = 14 * 24 * 3_600_000
// "Did this solve your problem?" is answered within days or not at all; a month covers holidays.
export const CSAT_LINK_LIFETIME_MS = 30 * 24 * 3_600_000

/** The shape generateToken makes: anything else is refused before it reaches the database. */
export const MAIL_TOKEN_SHAPE = /^[a-z2-7]{32}$/

export async function issueMailToken(
  db: Db,
  args: { purpose: MailTokenPurpose; userId: number; data: Record<string, unknown>; lifetimeMs: number; now: Date },
): Promise<string> {
  const token = generateToken()
  await db.insert(actionTokens).values({
    tokenHash: hashToken(token),
    purpose: args.purpose,
    userId: args.userId,
    data: args.data,
    expiresAt: new Date(args.now.getTime() + args.lifetimeMs),
    createdAt: args.now,
  })
  return token
}

export type MailTokenState = 'live' | 'used' | 'expired' | 'unknown'

export interface ReadMailToken {
  state: MailTokenState
  id: number
  purpose: MailTokenPurpose
  userId: number
  data: Record<string, unknown>
}

/** Where a link stands, without using it; `forUpdate` locks it for the verb that uses it. */
export async function readMailToken(
  db: Db,
  token: string,
  purposes: readonly MailTokenPurpose[],
  now: Date,
  { forUpdate = false }: { forUpdate?: boolean } = {},
): Promise<ReadMailToken | { state: 'unknown' }> {
  if (!MAIL_TOKEN_SHAPE.test(token)) return { state: 'unknown' }
  const query = db
    .select()
    .from(actionTokens)
    .where(and(eq(actionTokens.tokenHash, hashToken(token)), inArray(actionTokens.purpose, [...purposes])))
  const [row] = forUpdate ? await query.for('update') : await query
  if (!row) return { state: 'unknown' }
  const state: MailTokenState = row.usedAt ? 'used' : row.expiresAt.getTime() <= now.getTime() ? 'expired' : 'live'
  return { state, id: row.id, purpose: row.purpose as MailTokenPurpose, userId: row.userId, data: row.data }
}

/** Marks the fix links of one loop reply used, both of them: the asker answers once. */
export async function useFixLinks(db: Db, userId: number, loopReplyId: number, now: Date): Promise<void> {
  await db
    .update(actionTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(actionTokens.userId, userId),
        inArray(actionTokens.purpose, ['fix_solved', 'fix_still_broken']),
        sql`${actionTokens.data}->>'loopReplyId' = ${String(loopReplyId)}`,
        sql`${actionTokens.usedAt} is null`,
      ),
    )
}

/** Marks every rating link of one CSAT request used: the asker rates once, by mail or on the thread. */
export async function useCsatLinks(db: Db, userId: number, csatRequestId: number, now: Date): Promise<void> {
  await db
    .update(actionTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(actionTokens.userId, userId),
        eq(actionTokens.purpose, 'csat'),
        sql`${actionTokens.data}->>'csatRequestId' = ${String(csatRequestId)}`,
        sql`${actionTokens.usedAt} is null`,
      ),
    )
}
