import { randomBytes } from 'node:crypto'
import { and, eq, isNull, sql } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { actionTokens, apiTokens, postFlags, removedAccounts, sessions, subscriptions, users } from '../db/schema'
import { ForbiddenError, NotFoundError, ValidationError } from '../errors'
import { hideAllPostsOf } from '../forum'
import { isStaff, requireStaff } from '../policy'
import { TRUST } from '../safety'
import { parseInput } from '../validation'
import { emitWebhookEvent } from '../webhooks'
import { closeReviewItems } from './resolve-flags'
import { RemoveSpammerInput } from './schemas'

/**
 * Removes a spammer in one action: every question and reply they posted leaves the forum
 * (hidden as 'removed': gone from pages, search, feeds and mail; staff can still read them), their
 * pending reviews are rejected and flags on their posts upheld, they are signed out everywhere
 * with their API tokens revoked, and the account becomes an anonymised tombstone that cannot sign
 * in. The record (who they were, what went, who did it and why) is kept in removed_accounts and
 * the audit log; their address cannot sign up again.
 */
export async function removeSpammer({ ctx, input }: VerbArgs<RemoveSpammerInput>): Promise<{ threads: number; replies: number }> {
  const actor = requireStaff(ctx, 'remove spammers')
  const data = parseInput(RemoveSpammerInput, input)
  return inTransaction(ctx, async (tx) => {
    const { db } = tx
    const now = ctx.now()
    const [target] = await db.select().from(users).where(eq(users.id, data.userId)).for('update')
    if (!target || target.deletedAt) throw new NotFoundError('That person')
    if (isStaff(target)) throw new ForbiddenError('Staff accounts cannot be removed as spammers; change their role first.')
    if (target.trustLevel >= TRUST.regular) throw new ForbiddenError('Regulars cannot be removed as spammers here; suspend them instead and ask an admin.')
    if (data.confirmName.trim().toLowerCase() !== target.displayName.trim().toLowerCase())
      throw new ValidationError({ confirmName: `Type the person's name (${target.displayName}) to confirm.` })

    const removed = await hideAllPostsOf(db, target.id, actor.id, now)
    await closeReviewItems(db, { authorId: target.id }, 'rejected', actor.id, now)
    await db.execute(sql`update post_flags f set resolved_at = ${now.toISOString()}::timestamptz, resolved_by_id = ${actor.id}, outcome = 'agreed'
                         where f.resolved_at is null and (
                           exists (select 1 from replies r where r.id = f.reply_id and r.author_id = ${target.id})
                           or (f.reply_id is null and exists (select 1 from threads t where t.id = f.thread_id and t.author_id = ${target.id})))`)
    // Their own open flags were part of the abuse as likely as not: they stop counting.
    await db.update(postFlags).set({ resolvedAt: now, resolvedById: actor.id, outcome: 'disagreed' }).where(and(eq(postFlags.flaggerId, target.id), isNull(postFlags.resolvedAt)))
    await db.delete(sessions).where(eq(sessions.userId, target.id))
    await db.update(apiTokens).set({ revokedAt: now, revokedById: actor.id }).where(and(eq(apiTokens.createdById, target.id), isNull(apiTokens.revokedAt)))
    await db.delete(actionTokens).where(eq(actionTokens.userId, target.id))
    await db.delete(subscriptions).where(eq(subscriptions.userId, target.id))
    await db.insert(removedAccounts).values({
      userId: target.id,
      email: target.email,
      displayName: target.displayName,
      threadsRemoved: removed.threads,
      repliesRemoved: removed.replies,
      reason: data.reason,
      removedAt: now,
      removedById: actor.id,
    })
    await db
      .update(users)
      .set({
        email: `removed-${target.id}@removed.invalid`,
        displayName: `Removed account ${target.id}`,
        passwordHash: `!removed:${randomBytes(16).toString('hex')}`,
        deletedAt: now,
        trustLevel: TRUST.new,
        trustLevelLockedAt: now,
        emailVerifiedAt: null,
      })
      .where(eq(users.id, target.id))
    await recordStaffAction({
      ctx: tx,
      input: {
        action: 'user.removed_as_spammer',
        subjectType: 'user',
        subjectId: target.id,
        subjectLabel: target.displayName,
        details: { reason: data.reason, email: target.email, threadsRemoved: removed.threads, repliesRemoved: removed.replies },
      },
    })
    // Public: which account went and how much with it; the address, staff's reason and who did it are internal.
    await emitWebhookEvent(
      db,
      'user.removed',
      {
        extra: { user: { id: target.id, name: target.displayName }, threadsRemoved: removed.threads, repliesRemoved: removed.replies },
        internal: { email: target.email, reason: data.reason, by: { id: actor.id, name: actor.displayName } },
      },
      now,
    )
    return removed
  })
}
