import { eq } from 'drizzle-orm'
import { inTransaction, type Ctx } from '../ctx'
import { setupTokens, users } from '../db/schema'
import { generateToken, hashToken } from './tokens'

const SETUP_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000

/**
 * While no admin exists, makes a fresh one-time setup token (older ones stop working) and
 * returns it for the console. Returns null once an admin exists: there is no default password.
 */
export async function issueSetupLink({ ctx }: { ctx: Ctx }): Promise<string | null> {
  return inTransaction(ctx, async ({ db }) => {
    const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1)
    if (admin) return null
    const token = generateToken()
    const now = ctx.now()
    await db.delete(setupTokens)
    await db
      .insert(setupTokens)
      .values({ id: hashToken(token), createdAt: now, expiresAt: new Date(now.getTime() + SETUP_LINK_LIFETIME_MS) })
    return token
  })
}
