import { eq } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { users } from '../db/schema'
import { ForbiddenError, NotFoundError } from '../errors'
import { isStaff, requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { TrustLevelInput } from './schemas'
import { trustName } from './standing'
import { promoteIfEarned } from './trust-levels'

/** An admin sets a person's level by hand (which locks it), or hands it back to behaviour ("auto"). */
export async function setTrustLevel({ ctx, input }: VerbArgs<TrustLevelInput>): Promise<{ trustLevel: number; locked: boolean }> {
  requireAdmin(ctx, 'change trust levels')
  const data = parseInput(TrustLevelInput, input)
  return inTransaction(ctx, async (tx) => {
    const [target] = await tx.db.select().from(users).where(eq(users.id, data.userId)).for('update')
    if (!target || target.deletedAt) throw new NotFoundError('That person')
    if (isStaff(target)) throw new ForbiddenError('Staff stand above the trust levels; change their role instead.')
    const now = ctx.now()
    let level = target.trustLevel
    if (data.trustLevel === 'auto') {
      await tx.db.update(users).set({ trustLevelLockedAt: null }).where(eq(users.id, target.id))
      level = (await promoteIfEarned(tx.db, target.id, now)) ?? level
    } else {
      level = Number(data.trustLevel)
      await tx.db.update(users).set({ trustLevel: level, trustLevelLockedAt: now }).where(eq(users.id, target.id))
    }
    await recordStaffAction({
      ctx: tx,
      input: {
        action: 'user.trust_level_changed',
        subjectType: 'user',
        subjectId: target.id,
        subjectLabel: target.displayName,
        details: { from: trustName(target.trustLevel), to: trustName(level), locked: data.trustLevel !== 'auto' },
      },
    })
    return { trustLevel: level, locked: data.trustLevel !== 'auto' }
  })
}
