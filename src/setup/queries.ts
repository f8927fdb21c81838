import { sql } from 'drizzle-orm'
import { isAdmin, staffRoles } from '../policy'
import type { Ctx } from '../ctx'
import { queryRows } from '../db/client'
import { DEFAULT_CATEGORY } from './defaults'

// Read model of the first-run checklist an admin sees until the forum is set up.

export const setupChecklistKeys = ['categories', 'sla', 'rotation', 'staff'] as const
export type SetupChecklistKey = (typeof setupChecklistKeys)[number]

export interface SetupChecklistItem {
  key: SetupChecklistKey
  done: boolean
}

export interface SetupChecklist {
  items: SetupChecklistItem[]
  /** All done: the checklist is no longer shown. */
  complete: boolean
}

/**
 * What is left to set up, computed from the data (nothing to tick by hand, nothing to get out
 * of date). Only admins set a forum up, so anyone else gets null. One round trip.
 */
export async function getSetupChecklist(ctx: Ctx): Promise<SetupChecklist | null> {
  const actor = ctx.actor
  if (!actor || !isAdmin(actor)) return null
  const staff = sql.join(
    staffRoles.map((role) => sql`${role}`),
    sql`, `,
  )
  const [row] = await queryRows<{ categories: boolean; sla: boolean; rotation: boolean; staff: boolean }>(
    ctx.db,
    sql`select
      (exists (select 1 from categories where slug <> ${DEFAULT_CATEGORY.slug}) or exists (select 1 from team_members)) as categories,
      exists (select 1 from sla_policies) as sla,
      exists (select 1 from rotations) as rotation,
      exists (select 1 from users where role in (${staff}) and id <> ${actor.id}) as staff`,
  )
  const items = setupChecklistKeys.map((key) => ({ key, done: !!row?.[key] }))
  return { items, complete: items.every((item) => item.done) }
}
