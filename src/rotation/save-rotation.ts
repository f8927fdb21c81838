import { and, eq, inArray, ne, sql } from 'drizzle-orm'
import { IANAZone } from 'luxon'
import { requireAdmin } from '../policy'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { rotationMembers, rotations, rotationShifts, users, type Rotation } from '../db/schema'
import { ConflictError, NotFoundError, ValidationError } from '../errors'
import { knownTeamSlugs } from '../teams'
import { parseInput } from '../validation'
import { replanRotation } from './replan'
import { RotationInput } from './schemas'

/**
 * Creates or changes a team's rotation and plans its shifts a quarter ahead. A change of
 * shift length, handoff time or timezone starts the new pattern when the running shift ends.
 */
export async function saveRotation({ ctx, input }: VerbArgs): Promise<Rotation> {
  requireAdmin(ctx, 'manage rotations')
  const data = parseInput(RotationInput, input)
  if (!IANAZone.isValidZone(data.timezone)) throw new ValidationError({ timezone: `“${data.timezone}” is not a known timezone (use a name like Europe/Berlin).` })
  const memberIds = [...new Set(data.memberIds)]
  if (memberIds.length !== data.memberIds.length) throw new ValidationError({ memberIds: 'Each engineer can appear once in the order.' })
  return inTransaction(ctx, async ({ db }) => {
    if (!(await knownTeamSlugs(db)).includes(data.teamSlug)) throw new ValidationError({ teamSlug: `There is no team “${data.teamSlug}”.` })
    const people = await db.select({ id: users.id, role: users.role, displayName: users.displayName }).from(users).where(inArray(users.id, memberIds))
    if (people.length !== memberIds.length) throw new ValidationError({ memberIds: 'Choose engineers from the list.' })
    const notStaff = people.filter((person) => person.role === 'member')
    if (notStaff.length) throw new ValidationError({ memberIds: `${notStaff.map((person) => person.displayName).join(', ')} cannot be on a rotation: not staff.` })
    const [clash] = await db
      .select({ id: rotations.id })
      .from(rotations)
      .where(and(eq(rotations.teamSlug, data.teamSlug), data.rotationId ? ne(rotations.id, data.rotationId) : undefined))
    if (clash) throw new ConflictError('That team already has a rotation; edit it instead.', 'teamSlug')
    const now = ctx.now()
    const values = {
      teamSlug: data.teamSlug,
      name: data.name,
      shiftDays: data.shiftDays,
      handoffMinutes: data.handoff,
      timezone: data.timezone,
      workingDaysOnly: data.workingDaysOnly,
      responseTargets: { low: data.responseLow, normal: data.responseNormal, high: data.responseHigh, critical: data.responseCritical },
      confirmWaitDays: data.confirmWaitDays,
      updatedAt: now,
    }
    let rotation: Rotation
    if (data.rotationId) {
      const [current] = await db.select().from(rotations).where(eq(rotations.id, data.rotationId)).for('update')
      if (!current) throw new NotFoundError('That rotation')
      const patternChanged =
        current.shiftDays !== data.shiftDays ||
        current.handoffMinutes !== data.handoff ||
        current.timezone !== data.timezone ||
        current.workingDaysOnly !== data.workingDaysOnly
      let anchorAt = current.anchorAt
      if (patternChanged) {
        const [running] = await db
          .select({ endsAt: rotationShifts.endsAt })
          .from(rotationShifts)
          .where(and(eq(rotationShifts.rotationId, current.id), sql`${rotationShifts.startsAt} <= ${now.toISOString()}::timestamptz and ${rotationShifts.endsAt} > ${now.toISOString()}::timestamptz`))
        anchorAt = running?.endsAt ?? now
      }
      ;[rotation] = (await db.update(rotations).set({ ...values, anchorAt }).where(eq(rotations.id, current.id)).returning()) as [Rotation]
    } else {
      ;[rotation] = (await db.insert(rotations).values({ ...values, anchorAt: now, createdAt: now }).returning()) as [Rotation]
    }
    await db.delete(rotationMembers).where(eq(rotationMembers.rotationId, rotation.id))
    await db.insert(rotationMembers).values(memberIds.map((userId, position) => ({ rotationId: rotation.id, userId, position })))
    await replanRotation(db, rotation.id, now)
    await recordStaffAction({
      ctx: { ...ctx, db },
      input: {
        action: data.rotationId ? 'rotation.updated' : 'rotation.created',
        subjectType: 'rotation',
        subjectId: rotation.id,
        subjectLabel: rotation.name,
        details: { ...values, updatedAt: undefined, memberIds },
      },
    })
    return rotation
  })
}
