import { eq } from 'drizzle-orm'
import { inTransaction, type Actor, type VerbArgs } from '../ctx'
import { users } from '../db/schema'
import { ConflictError, NotFoundError } from '../errors'
import { MailLinkInput, readMailToken, useFixLinks } from '../mail-preferences'
import { parseInput } from '../validation'
import { answerFix } from './confirm-fix'

/**
 * "This solved it" / "Still broken" from the fix mail, without signing in: the signed link's
 * token stands for the asker (no actor needed). It does exactly what the thread's buttons do
 * (answerFix, through the queue's one writer of item state), once: the token and its sibling are
 * spent in the same transaction, so a second POST, or the other link, is refused.
 */
export async function confirmFixByToken({ ctx, input }: VerbArgs<MailLinkInput>): Promise<{ thread: { id: number; slug: string }; solved: boolean }> {
  const data = parseInput(MailLinkInput, input)
  return inTransaction(ctx, async (tx) => {
    const now = ctx.now()
    const token = await readMailToken(tx.db, data.token, ['fix_solved', 'fix_still_broken'], now, { forUpdate: true })
    if (token.state === 'unknown') throw new NotFoundError('This link')
    if (token.state === 'used') throw new ConflictError('This link was used already: the team has your answer. Each link in the mail works once.')
    if (token.state === 'expired') throw new ConflictError('This link has expired (links in the fix mail work for 14 days). Sign in and answer on the thread instead.')
    const live = token as Exclude<typeof token, { state: 'unknown' }>
    const loopReplyId = Number(live.data.loopReplyId)
    const [person] = await tx.db
      .select({ id: users.id, role: users.role, displayName: users.displayName, email: users.email, organisationId: users.organisationId })
      .from(users)
      .where(eq(users.id, live.userId))
    if (!person || !Number.isInteger(loopReplyId)) throw new NotFoundError('This link')
    const actor: Actor = person
    await useFixLinks(tx.db, actor.id, loopReplyId, now)
    return answerFix({ ...tx, actor }, actor, { loopReplyId, solved: live.purpose === 'fix_solved' })
  })
}
