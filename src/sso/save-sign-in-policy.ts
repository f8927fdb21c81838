import { and, eq, inArray, ne } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { hashToken } from '../auth'
import { inTransaction, type VerbArgs } from '../ctx'
import { sessions, signInSettings, users } from '../db/schema'
import { requireAdmin, staffRoles } from '../policy'
import { parseInput } from '../validation'
import { assertSomeoneCanSignIn } from './lockout'
import { SignInPolicyInput } from './schemas'

/**
 * An admin turns password sign-in off, or requires staff to use SSO. Requiring SSO ends every
 * staff session that began with a password (except the one making the change), so the rule holds
 * at once, not from each person's next sign-in. Refused when it would leave the admin no way in.
 */
export async function saveSignInPolicy({ ctx, input }: VerbArgs<SignInPolicyInput & { currentSessionToken?: string }>): Promise<void> {
  const actor = requireAdmin(ctx, 'change how people sign in')
  const data = parseInput(SignInPolicyInput, input)
  await inTransaction(ctx, async (tx) => {
    const { db, now } = tx
    const [before] = await db.select().from(signInSettings).where(eq(signInSettings.id, 1))
    const values = { passwordSignInEnabled: data.passwordSignIn, staffRequireSso: data.staffRequireSso, updatedAt: now(), updatedById: actor.id }
    await db.insert(signInSettings).values({ id: 1, ...values }).onConflictDoUpdate({ target: signInSettings.id, set: values })
    await assertSomeoneCanSignIn(tx)
    let endedSessions = 0
    if (data.staffRequireSso && !before?.staffRequireSso) {
      const staff = db.select({ id: users.id }).from(users).where(inArray(users.role, [...staffRoles]))
      const ended = await db
        .delete(sessions)
        .where(
          and(
            eq(sessions.signInMethod, 'password'),
            inArray(sessions.userId, staff),
            input.currentSessionToken ? ne(sessions.id, hashToken(input.currentSessionToken)) : undefined,
          ),
        )
        .returning({ id: sessions.id })
      endedSessions = ended.length
    }
    await recordStaffAction({
      ctx: tx,
      input: {
        action: 'sso.sign_in_policy_changed',
        subjectType: 'settings',
        subjectId: 'sign_in',
        subjectLabel: 'Sign-in policy',
        details: {
          passwordSignIn: { from: before?.passwordSignInEnabled ?? true, to: data.passwordSignIn },
          staffRequireSso: { from: before?.staffRequireSso ?? false, to: data.staffRequireSso },
          ...(endedSessions ? { endedStaffPasswordSessions: endedSessions } : {}),
        },
      },
    })
  })
}
