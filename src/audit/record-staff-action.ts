import { inTransaction, type VerbArgs } from '../ctx'
import { auditEntries } from '../db/schema'
import { parseInput } from '../validation'
import { StaffActionInput } from './schemas'

/**
 * Records what a member of staff did, in the caller's transaction: the entry exists exactly when
 * the change does. The caller has already decided the actor may act; this only writes the record.
 * An action with no actor (a job, the console) is recorded as "System".
 */
export async function recordStaffAction({ ctx, input }: VerbArgs<StaffActionInput>): Promise<{ id: number }> {
  const entry = parseInput(StaffActionInput, input)
  return inTransaction(ctx, async ({ db, now, actor, requestId }) => {
    const [row] = await db
      .insert(auditEntries)
      .values({
        actorId: actor?.id ?? null,
        actorName: actor?.displayName ?? 'System',
        action: entry.action,
        subjectType: entry.subjectType ?? null,
        subjectId: entry.subjectId ?? null,
        subjectLabel: entry.subjectLabel ?? null,
        details: entry.details,
        requestId: requestId || null,
        createdAt: now(),
      })
      .returning({ id: auditEntries.id })
    return row!
  })
}
