import { eq, inArray } from 'drizzle-orm'
import { isStaff, requireAdmin } from '../policy'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { teamMembers, teams, users } from '../db/schema'
import { ValidationError } from '../errors'
import { parseInput } from '../validation'
import { TeamInput } from './schemas'

/** Creates or updates a team: its name, lead and members (who the team's items route to). */
export async function saveTeam({ ctx, input }: VerbArgs) {
  requireAdmin(ctx, 'manage teams')
  const data = parseInput(TeamInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const people = [...new Set([...data.memberIds, ...(data.leadId ? [data.leadId] : [])])]
    const found = people.length ? await db.select({ id: users.id, role: users.role, displayName: users.displayName }).from(users).where(inArray(users.id, people)) : []
    const notStaff = found.filter((person) => !isStaff(person))
    if (found.length !== people.length) throw new ValidationError({ memberIds: 'Choose people from the list.' })
    if (notStaff.length > 0) throw new ValidationError({ memberIds: `${notStaff.map((person) => person.displayName).join(', ')} ${notStaff.length === 1 ? 'is' : 'are'} not support staff.` })
    const now = ctx.now()
    await db
      .insert(teams)
      .values({ slug: data.slug, name: data.name, leadId: data.leadId, chatWebhookUrl: data.chatWebhookUrl ?? null, chatAllowPrivateNetwork: data.chatAllowPrivateNetwork, createdAt: now })
      .onConflictDoUpdate({
        target: teams.slug,
        set: { name: data.name, leadId: data.leadId, chatWebhookUrl: data.chatWebhookUrl ?? null, chatAllowPrivateNetwork: data.chatAllowPrivateNetwork },
      })
    await db.delete(teamMembers).where(eq(teamMembers.teamSlug, data.slug))
    if (data.memberIds.length > 0) await db.insert(teamMembers).values([...new Set(data.memberIds)].map((userId) => ({ teamSlug: data.slug, userId })))
    await recordStaffAction({
      ctx: { ...ctx, db },
      input: {
        action: 'team.saved',
        subjectType: 'team',
        subjectId: data.slug,
        subjectLabel: data.name,
        // The chat URL is a credential (anyone holding it can post to the channel): only whether one is set.
        details: { leadId: data.leadId, memberIds: [...new Set(data.memberIds)], chatAlerts: Boolean(data.chatWebhookUrl), chatAllowPrivateNetwork: data.chatAllowPrivateNetwork },
      },
    })
    return { slug: data.slug }
  })
}
