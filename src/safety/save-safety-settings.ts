import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { safetySettings } from '../db/schema'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { SafetySettingsInput } from './schemas'
import { getSafetySettings, type SafetyChoices } from './settings'

/** Admins choose approval of new accounts, the disposable-mail refusal and the flag threshold. */
export async function saveSafetySettings({ ctx, input }: VerbArgs<SafetySettingsInput>): Promise<SafetyChoices> {
  const actor = requireAdmin(ctx, 'change the trust and safety settings')
  const data = parseInput(SafetySettingsInput, input)
  return inTransaction(ctx, async (tx) => {
    const before = await getSafetySettings(tx.db)
    const now = ctx.now()
    await tx.db
      .insert(safetySettings)
      .values({ id: 1, ...data, updatedAt: now, updatedById: actor.id })
      .onConflictDoUpdate({ target: safetySettings.id, set: { ...data, updatedAt: now, updatedById: actor.id } })
    const changed = Object.fromEntries(
      (Object.keys(data) as (keyof SafetyChoices)[]).filter((key) => before[key] !== data[key]).map((key) => [key, { from: before[key], to: data[key] }]),
    )
    if (Object.keys(changed).length > 0)
      await recordStaffAction({ ctx: tx, input: { action: 'safety.settings_changed', subjectType: 'settings', subjectLabel: 'Trust and safety', details: changed } })
    return data
  })
}
