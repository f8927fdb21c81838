import { and, eq, gt } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { setupTokens, users } from '../db/schema'
import { ConflictError, NotFoundError } from '../errors'
import { parseInput } from '../validation'
import { hashPassword } from './passwords'
import { CompleteSetupInput } from './schemas'
import { createSession, type IssuedSession } from './sessions'
import { hashToken } from './tokens'

/** Creates the first admin from the one-time setup link, then burns every setup token. */
export async function completeSetup({ ctx, input }: VerbArgs): Promise<IssuedSession & { userId: number }> {
  const data = parseInput(CompleteSetupInput, input)
  const passwordHash = await hashPassword(data.password)
  const now = ctx.now()
  return inTransaction(ctx, async ({ db }) => {
    const [token] = await db
      .select({ id: setupTokens.id })
      .from(setupTokens)
      .where(and(eq(setupTokens.id, hashToken(data.token)), gt(setupTokens.expiresAt, now)))
      .for('update')
    if (!token) throw new NotFoundError('This setup link')
    const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1)
    if (admin) throw new NotFoundError('This setup link')
    const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, data.email))
    if (existing) throw new ConflictError('An account with this email already exists.', 'email')
    const [user] = await db
      .insert(users)
      // The operator typed this address with the console's one-time link: no mail to confirm it
      // (mail may not even be configured yet on a fresh install).
      .values({ email: data.email, displayName: data.displayName, passwordHash, role: 'admin', emailVerifiedAt: now, createdAt: now })
      .returning({ id: users.id })
    await db.delete(setupTokens)
    const session = await createSession(db, user!.id, now)
    return { ...session, userId: user!.id }
  })
}
