import { pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * What first-run setup has done to this database, one row per step. A step runs once: an admin
 * who deletes the default category on purpose does not see it come back at the next start.
 */
export const setupSteps = pgTable('setup_steps', {
  step: text('step').primaryKey(),
  doneAt: timestamp('done_at', { withTimezone: true, mode: 'date' }).notNull(),
})
