import { categories, setupSteps, teams } from '../db/schema'
import { inTransaction, type Ctx } from '../ctx'
import { ForbiddenError } from '../errors'
import { DEFAULT_CATEGORY, DEFAULT_TEAM, SETUP_STEPS } from './defaults'

/**
 * Gives a forum that has never had a category the default one ("General", routed to the
 * "support" team) and that team, so the first customer can ask. It runs at every start and
 * does its work once per database: the step is recorded in `setup_steps`, so an admin who
 * later deletes every category keeps them deleted. A database that already has categories
 * (an upgrade, the demo) only gets the step recorded.
 */
export async function ensureDefaultCategory({ ctx }: { ctx: Ctx }): Promise<{ created: boolean }> {
  // The start sequence acts as the system; no person, and no route, sets up a forum.
  if (ctx.actor) throw new ForbiddenError('Only the start sequence sets up a fresh forum.')
  return inTransaction(ctx, async ({ db }) => {
    const now = ctx.now()
    // Claiming the step's row is the lock: an instance starting at the same moment waits on
    // this key until the first one commits, then finds the step taken and does nothing.
    const [claimed] = await db
      .insert(setupSteps)
      .values({ step: SETUP_STEPS.defaultCategory, doneAt: now })
      .onConflictDoNothing()
      .returning({ step: setupSteps.step })
    if (!claimed) return { created: false }
    const [existing] = await db.select({ id: categories.id }).from(categories).limit(1)
    if (existing) return { created: false }
    await db.insert(teams).values({ slug: DEFAULT_TEAM.slug, name: DEFAULT_TEAM.name, createdAt: now }).onConflictDoNothing()
    await db.insert(categories).values({ ...DEFAULT_CATEGORY, position: 0, createdAt: now })
    return { created: true }
  })
}
