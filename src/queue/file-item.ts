import { eq } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { organisations, users } from '../db/schema'
import { ValidationError } from '../errors'
import { parseInput } from '../validation'
import { createItem, type ItemWithPriority } from './item-core'
import { FileItemInput } from './schemas'
import { knownTeamSlugs } from '../teams'

/**
 * Files an item from outside the forum (an email, a chat, a sales call), with the customer and
 * organisation attached; from the UI or POST /api/v1/items.
 */
export async function fileItem({ ctx, input }: VerbArgs): Promise<ItemWithPriority> {
  const actor = requireStaff(ctx, 'file queue items')
  const data = parseInput(FileItemInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const teams = await knownTeamSlugs(db)
    if (!teams.includes(data.teamSlug))
      throw new ValidationError({ teamSlug: `There is no team “${data.teamSlug}”. Teams: ${teams.join(', ') || 'none yet'}.` })
    let requesterId: number | null = null
    let organisationId = data.organisationId
    if (data.requesterEmail) {
      const [customer] = await db.select({ id: users.id, organisationId: users.organisationId }).from(users).where(eq(users.email, data.requesterEmail))
      if (!customer) throw new ValidationError({ requesterEmail: 'No account has this email. Leave it empty and name the organisation instead.' })
      requesterId = customer.id
      organisationId ??= customer.organisationId
    }
    if (organisationId) {
      const [organisation] = await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, organisationId))
      if (!organisation) throw new ValidationError({ organisationId: 'Choose an existing organisation.' })
    }
    return createItem(
      db,
      {
        threadId: null,
        source: data.source,
        title: data.title,
        description: data.description,
        kind: data.kind,
        severity: data.severity,
        teamSlug: data.teamSlug,
        requesterId,
        organisationId,
        signals: { manual: { byId: actor.id, note: '' } },
        rule: 'manual',
        createdById: actor.id,
      },
      ctx.now(),
    )
  })
}
