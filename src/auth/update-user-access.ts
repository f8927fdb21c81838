import { and, eq, ne } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { organisations, sessions, users } from '../db/schema'
import { ConflictError, NotFoundError, ValidationError } from '../errors'
import { parseInput } from '../validation'
import { isStaff, requireAdmin } from '../policy'
import { getSignInPolicy } from './sign-in-policy'
import { UpdateUserAccessInput } from './schemas'

/** An admin sets a person's role and organisation (which gives them their plan). */
export async function updateUserAccess({ ctx, input }: VerbArgs) {
  requireAdmin(ctx, "change people's roles")
  const data = parseInput(UpdateUserAccessInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const [user] = await db.select().from(users).where(eq(users.id, data.userId)).for('update')
    if (!user) throw new NotFoundError('That person')
    if (data.organisationId !== null) {
      const [organisation] = await db
        .select({ id: organisations.id })
        .from(organisations)
        .where(eq(organisations.id, data.organisationId))
      if (!organisation) throw new ValidationError({ organisationId: 'Choose an existing organisation.' })
    }
    if (user.role === 'admin' && data.role !== 'admin') {
      const [otherAdmin] = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.role, 'admin'), ne(users.id, user.id)))
        .limit(1)
      if (!otherAdmin) throw new ConflictError('This is the only admin. Make someone else an admin first.', 'role')
    }
    const [updated] = await db
      .update(users)
      .set({ role: data.role, organisationId: data.organisationId })
      .where(eq(users.id, user.id))
      .returning()
    // Promoted to staff while staff must use SSO: a password session from before does not carry over.
    if (isStaff({ role: data.role }) && !isStaff(user)) {
      const policy = await getSignInPolicy({ ...ctx, db })
      if (policy.staffRequireSso && !policy.overridden)
        await db.delete(sessions).where(and(eq(sessions.userId, user.id), eq(sessions.signInMethod, 'password')))
    }
    const subject = { subjectType: 'user', subjectId: user.id, subjectLabel: `${user.displayName} <${user.email}>` }
    if (user.role !== data.role)
      await recordStaffAction({ ctx: { ...ctx, db }, input: { action: 'user.role_changed', ...subject, details: { from: user.role, to: data.role } } })
    if (user.organisationId !== data.organisationId)
      await recordStaffAction({
        ctx: { ...ctx, db },
        input: { action: 'user.organisation_changed', ...subject, details: { from: user.organisationId, to: data.organisationId } },
      })
    return updated!
  })
}
