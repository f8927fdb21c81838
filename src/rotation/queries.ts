import { and, asc, eq, gt, inArray, lt, ne, or, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { DateTime } from 'luxon'
import { hashToken } from '../auth'
import { isAdmin, requireAdmin, requireStaff, staffRoles } from '../policy'
import type { Ctx } from '../ctx'
import { queryRows, type Db } from '../db/client'
import { personFeeds, rotationMembers, rotationOverrides, rotations, rotationShifts, shiftSwaps, teams, unavailability, users, type Rotation } from '../db/schema'
import { NotFoundError, ValidationError } from '../errors'
import { daysToInterval } from './replan'
import { ROTATION_CONFIG } from './rotation-config'
import { applyOverrides, calendarWeeks, nextSegment, type CalendarDay, type Segment, type TimelineOverride, type TimelineShift } from './timeline'
import { nextOnRotation, whoIsOnRotation, whoIsOnRotations, type OnRotation } from './who-is-on'

// Read models of the rotation pages and feeds. Each page region is one round trip; names come
// joined in, never looked up per row.

const DAY_MS = 24 * 60 * 60 * 1000
/** The overview shows this many weeks; a rotation's own page shows the quarter ahead. */
export const OVERVIEW_WEEKS = 6
export const QUARTER_WEEKS = 14
/** Feeds start this far back, so last week's shifts stay in people's calendars. */
const FEED_PAST_DAYS = 14
/** Of my upcoming shifts, the overview lists this many (the rotation's page has the rest). */
const MY_SHIFTS_SHOWN = 12
/** Shifts offered in an "ask to swap with…" list, per rotation. */
const SWAP_CHOICES = 30

export interface PersonRef {
  id: number
  displayName: string
}

export interface ShiftRef {
  id: number
  rotationId: number
  userId: number | null
  displayName: string | null
  startsAt: Date
  endsAt: Date
  locked: boolean
}

export interface RotationSummary {
  id: number
  name: string
  timezone: string
  onNow: OnRotation | null
  next: { userId: number; displayName: string; startsAt: Date } | null
  weeks: CalendarDay[][]
  hasFeed: boolean
  isMember: boolean
}

export interface TeamRotation {
  slug: string
  teamName: string
  rotation: RotationSummary | null
}

export interface SwapView {
  id: number
  requestedBy: PersonRef
  /** The requester's shift, offered in exchange. */
  offered: ShiftRef
  /** The shift asked for. */
  asked: ShiftRef
  teamName: string
  timezone: string
}

export interface MyShift extends ShiftRef {
  teamName: string
  timezone: string
  /** Later shifts of other people on the same rotation: what this one could be swapped for. */
  swapChoices: ShiftRef[]
  /** A swap I asked for on this shift, waiting for the answer (I can still cancel it). */
  pendingSwapWith: { swapId: number; name: string } | null
  /** Running already: too late to skip or swap (an override covers the rest). */
  started: boolean
}

export interface AwayConflict {
  shiftId: number
  rotationId: number
  teamName: string
  timezone: string
  /** The part of the shift that falls in the time away. */
  startsAt: Date
  endsAt: Date
  /** A running or swapped shift stays put when re-planned: it needs cover instead. */
  replannable: boolean
}

export interface AwayView {
  id: number
  startsOn: string
  endsOn: string
  reason: string
  conflicts: AwayConflict[]
}

export interface RotationsOverview {
  teams: TeamRotation[]
  /** Display names of everyone the calendars mention. */
  names: Record<number, string>
  swapRequests: SwapView[]
  myShifts: MyShift[]
  myShiftCount: number
  away: AwayView[]
  hasPersonalFeed: boolean
  canSetUp: boolean
}

function toShiftRef(row: { shift: typeof rotationShifts.$inferSelect; displayName: string | null }): ShiftRef {
  const { shift, displayName } = row
  return { id: shift.id, rotationId: shift.rotationId, userId: shift.userId, displayName, startsAt: shift.startsAt, endsAt: shift.endsAt, locked: shift.locked }
}

/** Shifts (with names) of some rotations overlapping [from, to). */
function shiftsBetween(db: Db, from: Date, to: Date, rotationIds?: number[]) {
  return db
    .select({ shift: rotationShifts, displayName: users.displayName })
    .from(rotationShifts)
    .leftJoin(users, eq(users.id, rotationShifts.userId))
    .where(and(gt(rotationShifts.endsAt, from), lt(rotationShifts.startsAt, to), rotationIds ? inArray(rotationShifts.rotationId, rotationIds) : undefined))
    .orderBy(asc(rotationShifts.startsAt))
}

function overridesBetween(db: Db, from: Date, to: Date, rotationIds?: number[]) {
  return db
    .select({ override: rotationOverrides, displayName: users.displayName })
    .from(rotationOverrides)
    .innerJoin(users, eq(users.id, rotationOverrides.userId))
    .where(and(gt(rotationOverrides.endsAt, from), lt(rotationOverrides.startsAt, to), rotationIds ? inArray(rotationOverrides.rotationId, rotationIds) : undefined))
    .orderBy(asc(rotationOverrides.startsAt))
}

const timelineShift = ({ shift }: { shift: typeof rotationShifts.$inferSelect }): TimelineShift => ({
  id: shift.id,
  rotationId: shift.rotationId,
  userId: shift.userId,
  startsAt: shift.startsAt,
  endsAt: shift.endsAt,
  locked: shift.locked,
})

const timelineOverride = ({ override }: { override: typeof rotationOverrides.$inferSelect }): TimelineOverride => ({
  id: override.id,
  rotationId: override.rotationId,
  userId: override.userId,
  startsAt: override.startsAt,
  endsAt: override.endsAt,
  reason: override.reason,
})

function summarise(
  rotation: { id: number; name: string; timezone: string; hasFeed: boolean },
  segments: Segment[],
  onNow: OnRotation | null,
  names: Record<number, string>,
  now: Date,
  weeks: number,
  isMember: boolean,
): RotationSummary {
  const next = nextSegment(segments, onNow?.until ?? now, onNow?.userId ?? null)
  return {
    id: rotation.id,
    name: rotation.name,
    timezone: rotation.timezone,
    onNow,
    next: next && next.userId !== null ? { userId: next.userId, displayName: names[next.userId] ?? '?', startsAt: next.startsAt } : null,
    weeks: calendarWeeks(segments, rotation.timezone, now, weeks),
    hasFeed: rotation.hasFeed,
    isMember,
  }
}

/** Everything /rotations shows: each team's rotation, and the viewer's own shifts, swaps and time away. */
export async function getRotationsOverview(ctx: Ctx): Promise<RotationsOverview> {
  const actor = requireStaff(ctx, 'see rotations')
  const now = ctx.now()
  // A week back covers the Monday the calendar starts on, in any timezone.
  const from = new Date(now.getTime() - 8 * DAY_MS)
  const to = new Date(now.getTime() + (OVERVIEW_WEEKS * 7 + 1) * DAY_MS)
  const requester = alias(users, 'requester')
  const offered = alias(rotationShifts, 'offered')
  const asked = alias(rotationShifts, 'asked')
  const askedPerson = alias(users, 'asked_person')
  const mine = alias(rotationShifts, 'mine')
  const [teamRows, onNow, shiftRows, overrideRows, memberRows, swapRows, upcomingRows, awayRows, [feed]] = await Promise.all([
    queryRows<{ slug: string; team_name: string; rotation_id: number | null; rotation_name: string | null; timezone: string | null; has_feed: boolean | null }>(
      ctx.db,
      sql`
        select k.slug, coalesce(t.name, k.slug) as team_name, r.id as rotation_id, r.name as rotation_name, r.timezone,
          r.feed_token_hash is not null as has_feed
        from (select teams.slug from teams union select categories.team from categories union select rotations.team_slug from rotations) k
        left join teams t on t.slug = k.slug
        left join rotations r on r.team_slug = k.slug
        order by lower(coalesce(t.name, k.slug))`,
    ),
    whoIsOnRotations(ctx.db, now),
    shiftsBetween(ctx.db, from, to),
    overridesBetween(ctx.db, from, to),
    ctx.db.select({ rotationId: rotationMembers.rotationId, userId: rotationMembers.userId }).from(rotationMembers).where(eq(rotationMembers.userId, actor.id)),
    ctx.db
      .select({
        swap: shiftSwaps,
        requesterName: requester.displayName,
        offered,
        asked,
        askedName: askedPerson.displayName,
        teamName: sql<string>`coalesce(${teams.name}, ${rotations.teamSlug})`,
        timezone: rotations.timezone,
      })
      .from(shiftSwaps)
      .innerJoin(requester, eq(requester.id, shiftSwaps.requestedById))
      .innerJoin(offered, eq(offered.id, shiftSwaps.shiftId))
      .innerJoin(asked, eq(asked.id, shiftSwaps.otherShiftId))
      .leftJoin(askedPerson, eq(askedPerson.id, asked.userId))
      .innerJoin(rotations, eq(rotations.id, offered.rotationId))
      .leftJoin(teams, eq(teams.slug, rotations.teamSlug))
      .where(and(eq(shiftSwaps.state, 'pending'), or(eq(asked.userId, actor.id), eq(shiftSwaps.requestedById, actor.id))))
      .orderBy(asc(asked.startsAt)),
    // My upcoming shifts and, on the same rotations, everyone else's (the swap choices).
    ctx.db
      .select({ shift: rotationShifts, displayName: users.displayName })
      .from(rotationShifts)
      .leftJoin(users, eq(users.id, rotationShifts.userId))
      .where(
        and(
          gt(rotationShifts.endsAt, now),
          inArray(
            rotationShifts.rotationId,
            ctx.db
              .selectDistinct({ id: mine.rotationId })
              .from(mine)
              .where(and(eq(mine.userId, actor.id), gt(mine.endsAt, now))),
          ),
        ),
      )
      .orderBy(asc(rotationShifts.startsAt)),
    ctx.db
      .select()
      .from(unavailability)
      .where(and(eq(unavailability.userId, actor.id), sql`${unavailability.endsOn} >= ${DateTime.fromJSDate(now, { zone: 'utc' }).minus({ days: 1 }).toISODate()}::date`))
      .orderBy(asc(unavailability.startsOn)),
    ctx.db.select({ userId: personFeeds.userId }).from(personFeeds).where(eq(personFeeds.userId, actor.id)),
  ])

  const names: Record<number, string> = { [actor.id]: actor.displayName }
  for (const row of shiftRows) if (row.shift.userId !== null && row.displayName) names[row.shift.userId] = row.displayName
  for (const row of overrideRows) names[row.override.userId] = row.displayName
  const memberOf = new Set(memberRows.map((row) => row.rotationId))
  const rotationInfo = new Map(
    teamRows.filter((row) => row.rotation_id !== null).map((row) => [row.rotation_id!, { teamName: row.team_name, timezone: row.timezone! }]),
  )

  const teamsView: TeamRotation[] = teamRows.map((row) => {
    if (row.rotation_id === null) return { slug: row.slug, teamName: row.team_name, rotation: null }
    const segments = applyOverrides(
      shiftRows.filter((shift) => shift.shift.rotationId === row.rotation_id).map(timelineShift),
      overrideRows.filter((cover) => cover.override.rotationId === row.rotation_id).map(timelineOverride),
    )
    const rotation = { id: row.rotation_id, name: row.rotation_name!, timezone: row.timezone!, hasFeed: !!row.has_feed }
    return { slug: row.slug, teamName: row.team_name, rotation: summarise(rotation, segments, onNow.get(row.slug) ?? null, names, now, OVERVIEW_WEEKS, memberOf.has(row.rotation_id)) }
  })

  const upcoming = upcomingRows.map(toShiftRef)
  const outgoing = new Map(
    swapRows.filter(({ swap }) => swap.requestedById === actor.id).map(({ swap, askedName }) => [swap.shiftId, { swapId: swap.id, name: askedName ?? 'someone' }]),
  )
  const mineAll = upcoming.filter((shift) => shift.userId === actor.id)
  const myShifts: MyShift[] = mineAll.slice(0, MY_SHIFTS_SHOWN).map((shift) => ({
    ...shift,
    teamName: rotationInfo.get(shift.rotationId)?.teamName ?? '',
    timezone: rotationInfo.get(shift.rotationId)?.timezone ?? 'UTC',
    swapChoices: upcoming
      .filter((other) => other.rotationId === shift.rotationId && other.userId !== null && other.userId !== actor.id && other.startsAt > now)
      .slice(0, SWAP_CHOICES),
    pendingSwapWith: outgoing.get(shift.id) ?? null,
    started: shift.startsAt <= now,
  }))

  const away: AwayView[] = awayRows.map((entry) => ({
    id: entry.id,
    startsOn: entry.startsOn,
    endsOn: entry.endsOn,
    reason: entry.reason,
    conflicts: mineAll.flatMap((shift) => {
      const info = rotationInfo.get(shift.rotationId)
      if (!info) return []
      const days = daysToInterval(entry.startsOn, entry.endsOn, info.timezone)
      if (!(shift.startsAt < days.to && days.from < shift.endsAt)) return []
      return [
        {
          shiftId: shift.id,
          rotationId: shift.rotationId,
          teamName: info.teamName,
          timezone: info.timezone,
          startsAt: shift.startsAt > days.from ? shift.startsAt : days.from,
          endsAt: shift.endsAt < days.to ? shift.endsAt : days.to,
          replannable: !shift.locked && shift.startsAt > now,
        },
      ]
    }),
  }))

  return {
    teams: teamsView,
    names,
    swapRequests: swapRows
      .filter(({ asked }) => asked.userId === actor.id)
      .map(({ swap, requesterName, offered, asked, askedName, teamName, timezone }) => ({
        id: swap.id,
        requestedBy: { id: swap.requestedById, displayName: requesterName },
        offered: toShiftRef({ shift: offered, displayName: requesterName }),
        asked: toShiftRef({ shift: asked, displayName: askedName }),
        teamName,
        timezone,
      })),
    myShifts,
    myShiftCount: mineAll.length,
    away,
    hasPersonalFeed: !!feed,
    canSetUp: isAdmin(actor),
  }
}

export interface OverrideView {
  id: number
  userId: number
  displayName: string
  startsAt: Date
  endsAt: Date
  reason: string
  createdByName: string | null
  canRemove: boolean
}

export interface RotationPage {
  rotation: Omit<Rotation, 'feedTokenHash'>
  teamName: string
  summary: RotationSummary
  members: PersonRef[]
  names: Record<number, string>
  /** Shifts from the running one to the end of the plan. */
  shifts: (ShiftRef & { passedOver: string[] })[]
  overrides: OverrideView[]
  staff: PersonRef[]
  teams: { slug: string; name: string }[]
  can: {
    /** Change the rotation's settings and swap anyone's shifts directly. */
    edit: boolean
    /** Re-plan, and replace the rotation's calendar link. */
    manage: boolean
    /** Put someone other than oneself in an override. */
    coverForOthers: boolean
  }
}

/** A rotation's own page: the quarter ahead, its people, overrides and settings. */
export async function getRotationPage(ctx: Ctx, rotationId: number): Promise<RotationPage> {
  const actor = requireStaff(ctx, 'see rotations')
  const now = ctx.now()
  const [found] = await ctx.db
    .select({ rotation: rotations, teamName: teams.name })
    .from(rotations)
    .leftJoin(teams, eq(teams.slug, rotations.teamSlug))
    .where(eq(rotations.id, rotationId))
  if (!found) throw new NotFoundError('That rotation')
  const { feedTokenHash, ...rotation } = found.rotation
  const from = new Date(now.getTime() - 8 * DAY_MS)
  const to = new Date(now.getTime() + ROTATION_CONFIG.planAheadDays * DAY_MS)
  const creator = alias(users, 'creator')
  const [members, onNow, shiftRows, overrideRows, staff, teamRows] = await Promise.all([
    ctx.db
      .select({ id: users.id, displayName: users.displayName })
      .from(rotationMembers)
      .innerJoin(users, eq(users.id, rotationMembers.userId))
      .where(eq(rotationMembers.rotationId, rotation.id))
      .orderBy(asc(rotationMembers.position)),
    whoIsOnRotation(ctx.db, rotation.teamSlug, now),
    shiftsBetween(ctx.db, from, to, [rotation.id]),
    ctx.db
      .select({ override: rotationOverrides, displayName: users.displayName, createdByName: creator.displayName })
      .from(rotationOverrides)
      .innerJoin(users, eq(users.id, rotationOverrides.userId))
      .leftJoin(creator, eq(creator.id, rotationOverrides.createdById))
      .where(and(eq(rotationOverrides.rotationId, rotation.id), gt(rotationOverrides.endsAt, from)))
      .orderBy(asc(rotationOverrides.startsAt)),
    staffList(ctx.db),
    teamChoices(ctx.db),
  ])
  const names: Record<number, string> = {}
  for (const person of [...members, ...staff]) names[person.id] = person.displayName
  for (const row of shiftRows) if (row.shift.userId !== null && row.displayName) names[row.shift.userId] = row.displayName
  for (const row of overrideRows) names[row.override.userId] = row.displayName
  const segments = applyOverrides(shiftRows.map(timelineShift), overrideRows.map(timelineOverride))
  const isMember = members.some((member) => member.id === actor.id)
  return {
    rotation,
    teamName: found.teamName ?? rotation.teamSlug,
    summary: summarise({ ...rotation, hasFeed: feedTokenHash !== null }, segments, onNow, names, now, QUARTER_WEEKS, isMember),
    members,
    names,
    shifts: shiftRows
      .filter((row) => row.shift.endsAt > now)
      .map((row) => ({ ...toShiftRef(row), passedOver: row.shift.passedOver.map((id) => names[id] ?? '?') })),
    overrides: overrideRows
      .filter((row) => row.override.endsAt > now)
      .map(({ override, displayName, createdByName }) => ({
        id: override.id,
        userId: override.userId,
        displayName,
        startsAt: override.startsAt,
        endsAt: override.endsAt,
        reason: override.reason,
        createdByName,
        canRemove: isAdmin(actor) || override.userId === actor.id,
      })),
    staff,
    teams: teamRows,
    can: { edit: isAdmin(actor), manage: isAdmin(actor) || isMember, coverForOthers: isAdmin(actor) },
  }
}

function staffList(db: Db): Promise<PersonRef[]> {
  return db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(inArray(users.role, [...staffRoles]))
    .orderBy(asc(users.displayName))
}

async function teamChoices(db: Db): Promise<{ slug: string; name: string }[]> {
  return queryRows<{ slug: string; name: string }>(
    db,
    sql`
      select k.slug, coalesce(t.name, k.slug) as name
      from (select teams.slug from teams union select categories.team from categories) k
      left join teams t on t.slug = k.slug
      order by lower(coalesce(t.name, k.slug))`,
  )
}

/** What the "set up a rotation" form offers: teams still without one, and the staff. */
export async function getRotationChoices(ctx: Ctx): Promise<{ teams: { slug: string; name: string }[]; staff: PersonRef[] }> {
  requireAdmin(ctx, 'set up rotations')
  const [teamRows, staff, taken] = await Promise.all([teamChoices(ctx.db), staffList(ctx.db), ctx.db.select({ slug: rotations.teamSlug }).from(rotations)])
  const takenSlugs = new Set(taken.map((row) => row.slug))
  return { teams: teamRows.filter((team) => !takenSlugs.has(team.slug)), staff }
}

// --- iCalendar feeds -------------------------------------------------------------------------

export interface FeedRotation {
  id: number
  teamName: string
  timezone: string
}

export interface FeedData {
  /** The calendar's name, like "Payments rotation" or "Ada Lovelace on rotation". */
  name: string
  rotations: FeedRotation[]
  segments: Segment[]
  names: Record<number, string>
  /** When the person feed is for someone: their id (UIDs are per person). */
  personId: number | null
  generatedAt: Date
}

// Tokens are 32 characters of base32 (src/auth/tokens.ts): anything else is not worth a query.
const TOKEN_SHAPE = /^[a-z2-7]{32}$/

const feedWindow = (now: Date) => new Date(now.getTime() - FEED_PAST_DAYS * DAY_MS)

/**
 * A rotation's feed by its secret token: every shift from two weeks back to the end of the
 * plan, overrides cut in. The token is the only credential; a wrong or replaced one is a 404.
 */
export async function getRotationFeed(ctx: Ctx, token: string): Promise<FeedData> {
  if (!TOKEN_SHAPE.test(token)) throw new NotFoundError('That calendar')
  const now = ctx.now()
  const [found] = await ctx.db
    .select({ id: rotations.id, name: rotations.name, timezone: rotations.timezone, teamName: sql<string>`coalesce(${teams.name}, ${rotations.teamSlug})` })
    .from(rotations)
    .leftJoin(teams, eq(teams.slug, rotations.teamSlug))
    .where(eq(rotations.feedTokenHash, hashToken(token)))
  if (!found) throw new NotFoundError('That calendar')
  const from = feedWindow(now)
  const until = new Date(now.getTime() + 2 * ROTATION_CONFIG.planAheadDays * DAY_MS)
  const [shiftRows, overrideRows] = await Promise.all([shiftsBetween(ctx.db, from, until, [found.id]), overridesBetween(ctx.db, from, until, [found.id])])
  const names: Record<number, string> = {}
  for (const row of shiftRows) if (row.shift.userId !== null && row.displayName) names[row.shift.userId] = row.displayName
  for (const row of overrideRows) names[row.override.userId] = row.displayName
  return {
    name: `${found.teamName}: ${found.name}`,
    rotations: [{ id: found.id, teamName: found.teamName, timezone: found.timezone }],
    segments: applyOverrides(shiftRows.map(timelineShift), overrideRows.map(timelineOverride)),
    names,
    personId: null,
    generatedAt: now,
  }
}

/** A person's feed by their token: their shifts (minus others' cover) and their overrides, on every rotation. */
export async function getPersonFeed(ctx: Ctx, token: string): Promise<FeedData> {
  if (!TOKEN_SHAPE.test(token)) throw new NotFoundError('That calendar')
  const now = ctx.now()
  const [person] = await ctx.db
    .select({ id: users.id, displayName: users.displayName })
    .from(personFeeds)
    .innerJoin(users, eq(users.id, personFeeds.userId))
    // Someone who is no longer staff no longer gets the rotation's calendar.
    .where(and(eq(personFeeds.tokenHash, hashToken(token)), ne(users.role, 'member')))
  if (!person) throw new NotFoundError('That calendar')
  const from = feedWindow(now)
  const theirs = alias(rotationShifts, 'theirs')
  const [shiftRows, overrideRows, rotationRows] = await Promise.all([
    ctx.db
      .select({ shift: rotationShifts, displayName: users.displayName })
      .from(rotationShifts)
      .leftJoin(users, eq(users.id, rotationShifts.userId))
      .where(and(eq(rotationShifts.userId, person.id), gt(rotationShifts.endsAt, from)))
      .orderBy(asc(rotationShifts.startsAt)),
    // Their own cover, and anyone's cover over their shifts (which cuts those shifts short).
    ctx.db
      .select({ override: rotationOverrides, displayName: users.displayName })
      .from(rotationOverrides)
      .innerJoin(users, eq(users.id, rotationOverrides.userId))
      .where(
        and(
          gt(rotationOverrides.endsAt, from),
          or(
            eq(rotationOverrides.userId, person.id),
            inArray(
              rotationOverrides.rotationId,
              ctx.db
                .selectDistinct({ id: theirs.rotationId })
                .from(theirs)
                .where(and(eq(theirs.userId, person.id), gt(theirs.endsAt, from))),
            ),
          ),
        ),
      ),
    ctx.db
      .select({ id: rotations.id, timezone: rotations.timezone, teamName: sql<string>`coalesce(${teams.name}, ${rotations.teamSlug})` })
      .from(rotations)
      .leftJoin(teams, eq(teams.slug, rotations.teamSlug)),
  ])
  const segments = applyOverrides(shiftRows.map(timelineShift), overrideRows.map(timelineOverride)).filter((segment) => segment.userId === person.id)
  const used = new Set(segments.map((segment) => segment.rotationId))
  return {
    name: `${person.displayName} on rotation`,
    rotations: rotationRows.filter((row) => used.has(row.id)),
    segments,
    names: { [person.id]: person.displayName },
    personId: person.id,
    generatedAt: now,
  }
}

export interface OnRotationNow {
  teamSlug: string
  rotationId: number
  onNow: OnRotation
  next: PersonRef | null
}

/** Who is on rotation for one team now, and who takes over next (for staff; the API's on-now). */
export async function getOnRotationNow(ctx: Ctx, teamSlug: string): Promise<OnRotationNow> {
  requireStaff(ctx, 'see rotations')
  const now = ctx.now()
  const onNow = await whoIsOnRotation(ctx.db, teamSlug, now)
  if (!onNow) throw new NotFoundError('A rotation for that team')
  const nextId = await nextOnRotation(ctx.db, onNow.rotationId, onNow.until ?? now, onNow.userId)
  const [next] = nextId ? await ctx.db.select({ id: users.id, displayName: users.displayName }).from(users).where(eq(users.id, nextId)) : []
  return { teamSlug, rotationId: onNow.rotationId, onNow, next: next ?? null }
}

/** The longest range one shifts request may cover: a quarter, as the rotation's page shows. */
export const SHIFT_RANGE_MAX_DAYS = 92

export interface RotationShifts {
  teamSlug: string
  rotationId: number
  timezone: string
  /** Who is on when in [from, to): planned shifts with overrides cut in, in order. */
  segments: (Segment & { displayName: string | null })[]
}

/**
 * A team's rotation over a range, as it will be worked (overrides cut into the planned shifts),
 * for staff (the API's shifts). Ranges over a quarter are refused rather than cut short silently.
 */
export async function getRotationShifts(ctx: Ctx, teamSlug: string, range: { from: Date; to: Date }): Promise<RotationShifts> {
  requireStaff(ctx, 'see rotations')
  if (range.to <= range.from) throw new ValidationError({ to: 'to must be later than from.' })
  if (range.to.getTime() - range.from.getTime() > SHIFT_RANGE_MAX_DAYS * DAY_MS) throw new ValidationError({ to: `Ask for at most ${SHIFT_RANGE_MAX_DAYS} days at a time.` })
  const [rotation] = await ctx.db.select({ id: rotations.id, timezone: rotations.timezone }).from(rotations).where(eq(rotations.teamSlug, teamSlug))
  if (!rotation) throw new NotFoundError('A rotation for that team')
  const [shiftRows, overrideRows] = await Promise.all([shiftsBetween(ctx.db, range.from, range.to, [rotation.id]), overridesBetween(ctx.db, range.from, range.to, [rotation.id])])
  const names: Record<number, string> = {}
  for (const row of shiftRows) if (row.shift.userId !== null && row.displayName) names[row.shift.userId] = row.displayName
  for (const row of overrideRows) names[row.override.userId] = row.displayName
  const segments = applyOverrides(shiftRows.map(timelineShift), overrideRows.map(timelineOverride)).filter(
    (segment) => segment.endsAt > range.from && segment.startsAt < range.to,
  )
  return {
    teamSlug,
    rotationId: rotation.id,
    timezone: rotation.timezone,
    segments: segments.map((segment) => ({ ...segment, displayName: segment.userId === null ? null : (names[segment.userId] ?? null) })),
  }
}
