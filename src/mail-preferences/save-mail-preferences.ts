import { sql } from 'drizzle-orm'
import { isStaff, requireSignedIn } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { mailDigests, mailModes, mailPreferences, type MailMode } from '../db/schema'
import { ValidationError } from '../errors'
import { parseInput } from '../validation'
import { MAIL_TOPICS } from './kinds'
import { SaveMailPreferencesInput } from './schemas'

/**
 * A person's choices of which mails they get, per topic, and how often their digest goes out.
 * A fixed topic (paging) is not theirs to choose and is left alone. A mode's updated_at moves
 * only when the mode changes: the digest holds notices from the moment "in a digest" was chosen.
 */
export async function saveMailPreferences({ ctx, input }: VerbArgs<SaveMailPreferencesInput>): Promise<void> {
  const actor = requireSignedIn(ctx, 'choose which mails you get')
  const data = parseInput(SaveMailPreferencesInput, input)
  const offered = MAIL_TOPICS.filter((topic) => !topic.fixed && (topic.audience === 'everyone' || isStaff(actor)))
  const chosen: { kind: string; mode: MailMode }[] = []
  const errors: Record<string, string> = {}
  for (const [key, mode] of Object.entries(data.modes)) {
    const topic = offered.find((candidate) => candidate.key === key)
    if (!topic) continue
    if (!(mailModes as readonly string[]).includes(mode) || !topic.modes.includes(mode as MailMode)) errors[`mode.${key}`] = 'Choose one of the options shown.'
    else chosen.push({ kind: key, mode: mode as MailMode })
  }
  if (Object.keys(errors).length) throw new ValidationError(errors)
  await inTransaction(ctx, async ({ db }) => {
    const now = ctx.now()
    if (chosen.length)
      await db
        .insert(mailPreferences)
        .values(chosen.map((choice) => ({ userId: actor.id, kind: choice.kind, mode: choice.mode, updatedAt: now })))
        .onConflictDoUpdate({
          target: [mailPreferences.userId, mailPreferences.kind],
          set: { mode: sql`excluded.mode`, updatedAt: now },
          setWhere: sql`${mailPreferences.mode} <> excluded.mode`,
        })
    await db
      .insert(mailDigests)
      .values({ userId: actor.id, frequency: data.frequency })
      .onConflictDoUpdate({ target: mailDigests.userId, set: { frequency: data.frequency } })
  })
}
