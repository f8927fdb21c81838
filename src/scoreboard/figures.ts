import { sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import type { SlaSnapshot } from '../db/schema'
import { businessMinutesBetween } from '../queue'
import { countPersonWork } from './person-work'
import type { ScoreboardWindow } from './window'

// The scoreboard's figures, one query each, over the event log's rollup (scoreboard_item_facts),
// the escalations, the forum's threads, rotation shifts and CSAT ratings. Each number links to the
// board with the filter that selects the same rows (src/queue/board-filters.ts), so no figure
// carries item numbers.

const iso = (at: Date) => at.toISOString()
const ids = (value: unknown): number[] => (Array.isArray(value) ? value.map(Number) : [])
const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))

function teamOf(window: ScoreboardWindow, column: SQL): SQL {
  return window.team ? sql`and ${column} = ${window.team}` : sql``
}

// --- Top issues -------------------------------------------------------------------------

export interface TopIssueRow {
  id: number
  title: string
  teamSlug: string
  state: string
  createdAt: Date
  memberIds: number[]
  duplicateIds: number[]
  customers: number
  openEscalations: number
  /** New affected customers and new duplicates, in the period and in the one before. */
  newLoad: number
  previousLoad: number
  owner: { id: number; displayName: string } | null
  /** Business minutes its items have been open, less waits on the customer. */
  minutesOpen: number
}

/**
 * The open issues (items not closed into another) with the most support load now: distinct
 * affected customers across the item and its linked duplicates (closed into it by an engineer,
 * or threads marked duplicates of its thread), then items, then open escalations.
 */
export async function topIssues(db: Db, window: ScoreboardWindow, now: Date, limit = 5): Promise<TopIssueRow[]> {
  const rows = await queryRows<{
    id: number
    title: string
    team_slug: string
    state: string
    created_at: string
    member_ids: number[]
    duplicate_ids: number[]
    customers: number
    open_escalations: number
    new_load: number
    previous_load: number
    owner_id: number | null
    owner_name: string | null
  }>(
    db,
    sql`
      -- Materialized, and the customers and escalations read per member through their indexes: the
      -- planner, guessing 200 rows for each CTE, hashed all 160k customer rows and sorted every
      -- thread for their duplicates (135 ms at 100k items; 15 ms this way).
      with open_items as materialized (
        select i.id, i.title, i.team_slug, i.state, i.thread_id, i.created_at from queue_items i
        where i.state not in ('resolved', 'wont_fix') and i.merged_into_item_id is null ${teamOf(window, sql`i.team_slug`)}
      ), duplicates as materialized (
        select d.merged_into_item_id as item_id, d.id as duplicate_id, d.created_at from open_items o
        join queue_items d on d.merged_into_item_id = o.id
        union
        select o.id, d.id, d.created_at from open_items o
        join threads t on t.duplicate_of_id = o.thread_id
        join queue_items d on d.thread_id = t.id
        where o.thread_id is not null and d.id <> o.id
      ), members as materialized (
        select id as item_id, id as member_id from open_items
        union select item_id, duplicate_id from duplicates
      ), customers as (
        select m.item_id, count(distinct c.user_id)::int as customers,
          count(distinct c.user_id) filter (where c.added_at >= ${iso(window.from)}::timestamptz and c.added_at < ${iso(window.to)}::timestamptz)::int as new_customers,
          count(distinct c.user_id) filter (where c.added_at >= ${iso(window.previousFrom)}::timestamptz and c.added_at < ${iso(window.previousTo)}::timestamptz)::int as previous_customers
        from members m cross join lateral (select c.user_id, c.added_at from queue_item_customers c where c.item_id = m.member_id offset 0) c
        group by m.item_id
      ), duplicate_counts as (
        select item_id, array_agg(duplicate_id order by duplicate_id) as duplicate_ids,
          count(*) filter (where created_at >= ${iso(window.from)}::timestamptz and created_at < ${iso(window.to)}::timestamptz)::int as new_duplicates,
          count(*) filter (where created_at >= ${iso(window.previousFrom)}::timestamptz and created_at < ${iso(window.previousTo)}::timestamptz)::int as previous_duplicates
        from duplicates group by item_id
      ), escalation_counts as (
        select m.item_id, count(*)::int as open_escalations
        from members m cross join lateral (select e.item_id from escalations e where e.item_id = m.member_id and e.answered_at is null offset 0) e
        group by m.item_id
      ), ranked as (
        select o.*, coalesce(c.customers, 0) as customers, coalesce(cardinality(d.duplicate_ids), 0) + 1 as items,
          coalesce(e.open_escalations, 0) as open_escalations,
          coalesce(d.duplicate_ids, '{}') as duplicate_ids,
          coalesce(c.new_customers, 0) + coalesce(d.new_duplicates, 0) as new_load,
          coalesce(c.previous_customers, 0) + coalesce(d.previous_duplicates, 0) as previous_load
        from open_items o
        left join customers c on c.item_id = o.id
        left join duplicate_counts d on d.item_id = o.id
        left join escalation_counts e on e.item_id = o.id
        order by customers desc, items desc, open_escalations desc, o.id
        limit ${limit}
      )
      select r.id, r.title, r.team_slug, r.state, r.created_at::text as created_at,
        array_prepend(r.id, r.duplicate_ids) as member_ids, r.duplicate_ids, r.customers, r.open_escalations,
        r.new_load, r.previous_load, so.owner_id, u.display_name as owner_name
      from ranked r
      left join scoreboard_owners so on so.item_id = r.id
      left join users u on u.id = so.owner_id
      order by r.customers desc, r.items desc, r.open_escalations desc, r.id`,
  )
  const memberIds = rows.flatMap((row) => ids(row.member_ids))
  const open = memberIds.length
    ? await queryRows<{ id: number; created_at: string; resolved_at: string | null; paused_at: string | null; sla: SlaSnapshot; paused_minutes: number | null }>(
        db,
        sql`
          select i.id, i.created_at::text, i.resolved_at::text, i.paused_at::text, i.sla, f.paused_minutes
          from queue_items i left join scoreboard_item_facts f on f.item_id = i.id
          where i.id in ${memberIds}`,
      )
    : []
  const minutesOf = new Map(
    open.map((item) => {
      const calendar = item.sla.calendar
      const end = item.resolved_at ? new Date(item.resolved_at) : now
      const waiting = item.paused_at ? businessMinutesBetween(new Date(item.paused_at), now, calendar) : 0
      return [item.id, Math.max(0, businessMinutesBetween(new Date(item.created_at), end, calendar) - (item.paused_minutes ?? 0) - waiting)]
    }),
  )
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    teamSlug: row.team_slug,
    state: row.state,
    createdAt: new Date(row.created_at),
    memberIds: ids(row.member_ids),
    duplicateIds: ids(row.duplicate_ids),
    customers: row.customers,
    openEscalations: row.open_escalations,
    newLoad: row.new_load,
    previousLoad: row.previous_load,
    owner: row.owner_id ? { id: row.owner_id, displayName: row.owner_name ?? '' } : null,
    minutesOpen: ids(row.member_ids).reduce((sum, id) => sum + (minutesOf.get(id) ?? 0), 0),
  }))
}

// --- Escalations per week -----------------------------------------------------------------

export interface WeekRow {
  weekStart: Date
  from: Date
  to: Date
  escalations: number
  outOfHours: number
  /** Distinct items escalated. */
  items: number
}

/** Escalations per week (weeks start on Monday, UTC; the first and last are clipped to the period). */
export async function escalationsPerWeek(db: Db, window: ScoreboardWindow): Promise<WeekRow[]> {
  const rows = await queryRows<{ week_start: string; week_from: string; week_to: string; escalations: number; out_of_hours: number; items: number }>(
    db,
    sql`
      with weeks as (
        select (gs at time zone 'UTC') as week_start,
          greatest(gs at time zone 'UTC', ${iso(window.from)}::timestamptz) as week_from,
          least((gs + interval '1 week') at time zone 'UTC', ${iso(window.to)}::timestamptz) as week_to
        from generate_series(
          date_trunc('week', ${iso(window.from)}::timestamptz at time zone 'UTC'),
          (${iso(window.to)}::timestamptz - interval '1 millisecond') at time zone 'UTC',
          interval '1 week') gs
      )
      select w.week_start::text, w.week_from::text, w.week_to::text, count(e.id)::int as escalations,
        count(e.id) filter (where e.out_of_hours)::int as out_of_hours,
        count(distinct e.item_id)::int as items
      from weeks w
      left join (
        select e.* from escalations e join queue_items i on i.id = e.item_id
        where e.created_at >= ${iso(window.from)}::timestamptz and e.created_at < ${iso(window.to)}::timestamptz ${teamOf(window, sql`i.team_slug`)}
      ) e on e.created_at >= w.week_from and e.created_at < w.week_to
      group by w.week_start, w.week_from, w.week_to
      order by w.week_start`,
  )
  return rows.map((row) => ({
    weekStart: new Date(row.week_start),
    from: new Date(row.week_from),
    to: new Date(row.week_to),
    escalations: row.escalations,
    outOfHours: row.out_of_hours,
    items: row.items,
  }))
}

// --- Response and resolution times --------------------------------------------------------

export interface TimingRow {
  teamSlug: string
  kind: string
  items: number
  responded: number
  firstResponseMedian: number | null
  firstResponseP90: number | null
  resolved: number
  resolutionMedian: number | null
  resolutionP90: number | null
  reopenings: number
}

export const TIMED_KINDS = ['bug', 'question'] as const

/**
 * First-response time and time to resolution (business minutes, less waits on the customer)
 * of bugs and questions created in the period, per team: median and 90th percentile
 * (interpolated, as PostgreSQL's percentile_cont). Items closed as duplicates are left out.
 */
export async function responseTimes(db: Db, window: ScoreboardWindow): Promise<TimingRow[]> {
  const rows = await queryRows<{
    team_slug: string
    kind: string
    items: number
    responded: number
    fr_p50: number | null
    fr_p90: number | null
    resolved: number
    res_p50: number | null
    res_p90: number | null
    reopenings: number
  }>(
    db,
    sql`
      select team_slug, kind, count(*)::int as items,
        count(first_response_minutes)::int as responded,
        percentile_cont(0.5) within group (order by first_response_minutes) as fr_p50,
        percentile_cont(0.9) within group (order by first_response_minutes) as fr_p90,
        count(resolution_minutes)::int as resolved,
        percentile_cont(0.5) within group (order by resolution_minutes) as res_p50,
        percentile_cont(0.9) within group (order by resolution_minutes) as res_p90,
        coalesce(sum(reopenings), 0)::int as reopenings
      from scoreboard_item_facts
      where created_at >= ${iso(window.from)}::timestamptz and created_at < ${iso(window.to)}::timestamptz
        and not duplicate and kind in ${[...TIMED_KINDS]} ${teamOf(window, sql`team_slug`)}
      group by team_slug, kind
      order by team_slug, kind`,
  )
  return rows.map((row) => ({
    teamSlug: row.team_slug,
    kind: row.kind,
    items: row.items,
    responded: row.responded,
    firstResponseMedian: num(row.fr_p50),
    firstResponseP90: num(row.fr_p90),
    resolved: row.resolved,
    resolutionMedian: num(row.res_p50),
    resolutionP90: num(row.res_p90),
    reopenings: row.reopenings,
  }))
}

// --- SLA compliance -----------------------------------------------------------------------

export interface SlaRow {
  policyId: number | null
  policyName: string
  target: 'first_response' | 'next_response' | 'resolution'
  met: number
  missed: number
  pending: number
}

/**
 * Per policy and target, over items created in the period (duplicates left out): met, missed,
 * and still running. First response and resolution count items; next response counts each
 * customer message that started one (an item can have several).
 */
export async function slaCompliance(db: Db, window: ScoreboardWindow): Promise<SlaRow[]> {
  const rows = await queryRows<{
    policy_id: number | null
    policy_name: string
    fr_met: number
    fr_missed: number
    fr_pending: number
    res_met: number
    res_missed: number
    res_pending: number
    nr_met: number
    nr_missed: number
  }>(
    db,
    sql`
      select policy_id, policy_name,
        count(*) filter (where first_response_met)::int as fr_met,
        count(*) filter (where not first_response_met)::int as fr_missed,
        count(*) filter (where first_response_met is null)::int as fr_pending,
        count(*) filter (where resolution_met)::int as res_met,
        count(*) filter (where not resolution_met)::int as res_missed,
        count(*) filter (where resolution_met is null)::int as res_pending,
        coalesce(sum(next_responses_met), 0)::int as nr_met,
        coalesce(sum(next_responses_missed), 0)::int as nr_missed
      from scoreboard_item_facts
      where created_at >= ${iso(window.from)}::timestamptz and created_at < ${iso(window.to)}::timestamptz
        and not duplicate ${teamOf(window, sql`team_slug`)}
      group by policy_id, policy_name
      order by policy_name, policy_id`,
  )
  return rows.flatMap((row) => [
    { policyId: row.policy_id, policyName: row.policy_name, target: 'first_response' as const, met: row.fr_met, missed: row.fr_missed, pending: row.fr_pending },
    { policyId: row.policy_id, policyName: row.policy_name, target: 'next_response' as const, met: row.nr_met, missed: row.nr_missed, pending: 0 },
    { policyId: row.policy_id, policyName: row.policy_name, target: 'resolution' as const, met: row.res_met, missed: row.res_missed, pending: row.res_pending },
  ])
}

// --- Unanswered backlog -------------------------------------------------------------------

/** Age bands of the backlog, in hours: [from, to). */
export const BACKLOG_BANDS: readonly { label: string; fromHours: number; toHours: number | null }[] = [
  { label: 'under 4 hours', fromHours: 0, toHours: 4 },
  { label: '4 to 24 hours', fromHours: 4, toHours: 24 },
  { label: '1 to 3 days', fromHours: 24, toHours: 72 },
  { label: '3 to 7 days', fromHours: 72, toHours: 168 },
  { label: 'over 7 days', fromHours: 168, toHours: null },
]

export interface BacklogBand {
  label: string
  items: number
  /** Created in [createdFrom, createdTo): the band as a creation window, for the board's filter. */
  createdFrom: Date | null
  createdTo: Date
}

export interface Backlog {
  bands: BacklogBand[]
  total: number
  oldestAt: Date | null
  medianAgeMinutes: number | null
}

/** Open items with no first response yet, now, by age (wall-clock time since they were filed). */
export async function unansweredBacklog(db: Db, window: ScoreboardWindow, now: Date): Promise<Backlog> {
  const at = (hours: number) => new Date(now.getTime() - hours * 3_600_000)
  const [row] = await queryRows<{ counts: number[]; total: number; oldest: string | null; median_minutes: number | null }>(
    db,
    sql`
      select array[${sql.join(
        BACKLOG_BANDS.map(
          (band) =>
            sql`count(*) filter (where i.created_at <= ${iso(at(band.fromHours))}::timestamptz ${band.toHours === null ? sql`` : sql`and i.created_at > ${iso(at(band.toHours))}::timestamptz`})::int`,
        ),
        sql`, `,
      )}] as counts,
        count(*)::int as total, min(i.created_at)::text as oldest,
        percentile_cont(0.5) within group (order by extract(epoch from (${iso(now)}::timestamptz - i.created_at)) / 60) as median_minutes
      from queue_items i
      where i.state not in ('resolved', 'wont_fix') and i.first_response_at is null and i.created_at <= ${iso(now)}::timestamptz
        ${teamOf(window, sql`i.team_slug`)}`,
  )
  const counts = (row?.counts ?? []).map(Number)
  return {
    // Oldest first reads as a queue; the board's window is (created_from, created_to].
    bands: BACKLOG_BANDS.map((band, index) => ({
      label: band.label,
      items: counts[index] ?? 0,
      createdFrom: band.toHours === null ? null : new Date(at(band.toHours).getTime() + 1),
      createdTo: new Date(at(band.fromHours).getTime() + 1),
    })),
    total: row?.total ?? 0,
    oldestAt: row?.oldest ? new Date(row.oldest) : null,
    medianAgeMinutes: num(row?.median_minutes),
  }
}

// --- Accepted solutions -------------------------------------------------------------------

export interface AcceptedRow {
  teamSlug: string
  questions: number
  answered: number
  accepted: number
}

/** Forum questions asked in the period (visible ones), per team of their category: answered, with an accepted solution. */
export async function acceptedSolutions(db: Db, window: ScoreboardWindow): Promise<AcceptedRow[]> {
  const rows = await queryRows<{ team: string; questions: number; answered: number; accepted: number }>(
    db,
    sql`
      select c.team, count(*)::int as questions,
        count(*) filter (where t.answered_at is not null)::int as answered,
        count(*) filter (where t.accepted_reply_id is not null)::int as accepted
      from threads t join categories c on c.id = t.category_id
      where t.hidden_at is null and t.created_at >= ${iso(window.from)}::timestamptz and t.created_at < ${iso(window.to)}::timestamptz
        ${teamOf(window, sql`c.team`)}
      group by c.team order by c.team`,
  )
  return rows.map((row) => ({ teamSlug: row.team, questions: row.questions, answered: row.answered, accepted: row.accepted }))
}

// --- Load per rotation shift --------------------------------------------------------------

export interface ShiftRow {
  shiftId: number
  teamSlug: string
  engineer: string | null
  startsAt: Date
  endsAt: Date
  escalations: number
  outOfHours: number
  itemsFiled: number
}

/** The rotation shifts that overlap the period (newest first, at most 60): escalations they took and items filed for their team. */
export async function loadPerShift(db: Db, window: ScoreboardWindow): Promise<ShiftRow[]> {
  const rows = await queryRows<{
    id: number
    team_slug: string
    engineer: string | null
    starts_at: string
    ends_at: string
    escalations: number
    out_of_hours: number
    items_filed: number
  }>(
    db,
    sql`
      select s.id, r.team_slug, u.display_name as engineer, s.starts_at::text, s.ends_at::text,
        (select count(*)::int from escalations e where e.rotation_id = r.id and e.created_at >= s.starts_at and e.created_at < s.ends_at) as escalations,
        (select count(*)::int from escalations e where e.rotation_id = r.id and e.created_at >= s.starts_at and e.created_at < s.ends_at and e.out_of_hours) as out_of_hours,
        (select count(*)::int from scoreboard_item_facts f where f.team_slug = r.team_slug and f.created_at >= s.starts_at and f.created_at < s.ends_at) as items_filed
      from rotation_shifts s join rotations r on r.id = s.rotation_id left join users u on u.id = s.user_id
      where s.starts_at < ${iso(window.to)}::timestamptz and s.ends_at > ${iso(window.from)}::timestamptz ${teamOf(window, sql`r.team_slug`)}
      order by s.starts_at desc, r.team_slug
      limit 60`,
  )
  return rows.map((row) => ({
    shiftId: row.id,
    teamSlug: row.team_slug,
    engineer: row.engineer,
    startsAt: new Date(row.starts_at),
    endsAt: new Date(row.ends_at),
    escalations: row.escalations,
    outOfHours: row.out_of_hours,
    itemsFiled: row.items_filed,
  }))
}

// --- Load per person ------------------------------------------------------------------------

export interface PersonRow {
  userId: number
  displayName: string
  role: string
  /** Distinct items of each kind of work. */
  assigned: number
  replied: number
  closed: number
  escalationsReceived: number
  escalationsAnswered: number
}

const PERSON_COLUMNS = { assigned: 'assigned', replied: 'replied', closed: 'closed', received: 'escalationsReceived', answered: 'escalationsAnswered' } as const

/**
 * Per staff member, the distinct items of the period they were assigned, answered publicly,
 * closed (from the event log, through its rollup unless `direct`), and the escalations they
 * received and answered; most work first.
 */
export async function loadPerPerson(db: Db, window: ScoreboardWindow, options: { direct?: boolean } = {}): Promise<PersonRow[]> {
  const from = iso(window.from)
  const to = iso(window.to)
  const teamJoin = window.team ? sql`join queue_items i on i.id = e.item_id and i.team_slug = ${window.team}` : sql``
  const [work, escalations, staff] = await Promise.all([
    countPersonWork(db, window, options),
    queryRows<{ user_id: number; what: string; items: number }>(
      db,
      sql`
        select user_id, what, count(distinct item_id)::int as items from (
          select e.engineer_id as user_id, 'received' as what, e.item_id from escalations e ${teamJoin}
          where e.engineer_id is not null and e.created_at >= ${from}::timestamptz and e.created_at < ${to}::timestamptz
          union all
          select e.answered_by_id, 'answered', e.item_id from escalations e ${teamJoin}
          where e.answered_by_id is not null and e.answered_at >= ${from}::timestamptz and e.answered_at < ${to}::timestamptz) x
        group by user_id, what`,
    ),
    queryRows<{ id: number; display_name: string; role: string }>(db, sql`select id, display_name, role from users where role <> 'member'`),
  ])
  const people = new Map<number, PersonRow>()
  const add = (userId: number, what: string, items: number) => {
    const user = staff.find((row) => row.id === userId)
    if (!user) return
    const person = people.get(userId) ?? {
      userId,
      displayName: user.display_name,
      role: user.role,
      assigned: 0,
      replied: 0,
      closed: 0,
      escalationsReceived: 0,
      escalationsAnswered: 0,
    }
    person[PERSON_COLUMNS[what as keyof typeof PERSON_COLUMNS]] = items
    people.set(userId, person)
  }
  for (const row of work) add(row.userId, row.what, row.items)
  for (const row of escalations) add(row.user_id, row.what, row.items)
  const total = (person: PersonRow) => person.assigned + person.replied + person.closed + person.escalationsReceived + person.escalationsAnswered
  return [...people.values()].sort((a, b) => total(b) - total(a) || a.displayName.localeCompare(b.displayName) || a.userId - b.userId)
}

// --- CSAT -------------------------------------------------------------------------------------

export interface CsatRow {
  by: 'team' | 'kind' | 'engineer'
  key: string
  label: string
  ratings: number
  average: number
  satisfied: number
}

export interface Csat {
  asked: number
  rated: number
  rows: CsatRow[]
}

/** "Did this solve your problem?" ratings given in the period: per team, item kind and credited engineer. Satisfied = 4 or 5. */
export async function csatFigures(db: Db, window: ScoreboardWindow): Promise<Csat> {
  const from = iso(window.from)
  const to = iso(window.to)
  const [rows, [asked]] = await Promise.all([
    queryRows<{ team_slug: string | null; item_kind: string | null; engineer_id: number | null; engineer: string | null; by: string; ratings: number; average: number; satisfied: number }>(
      db,
      sql`
        select r.team_slug, r.item_kind, r.engineer_id, max(u.display_name) as engineer,
          case when grouping(r.team_slug) = 0 then 'team' when grouping(r.item_kind) = 0 then 'kind' else 'engineer' end as by,
          count(*)::int as ratings, avg(r.rating)::float8 as average,
          count(*) filter (where r.rating >= 4)::int as satisfied
        from csat_ratings r left join users u on u.id = r.engineer_id
        where r.rated_at >= ${from}::timestamptz and r.rated_at < ${to}::timestamptz ${teamOf(window, sql`r.team_slug`)}
        group by grouping sets ((r.team_slug), (r.item_kind), (r.engineer_id))
        order by by, 1, 2, 3`,
    ),
    queryRows<{ asked: number; rated: number }>(
      db,
      sql`
        select count(*)::int as asked, count(r.id)::int as rated
        from csat_requests q left join csat_ratings r on r.request_id = q.id
        where q.asked_at >= ${from}::timestamptz and q.asked_at < ${to}::timestamptz ${teamOf(window, sql`q.team_slug`)}`,
    ),
  ])
  return {
    asked: asked?.asked ?? 0,
    rated: asked?.rated ?? 0,
    rows: rows.map((row) => {
      const by = row.by as CsatRow['by']
      const key = by === 'team' ? row.team_slug! : by === 'kind' ? row.item_kind! : String(row.engineer_id ?? 'none')
      const label = by === 'engineer' ? (row.engineer ?? 'Nobody (resolved by the product)') : key.replace(/_/g, ' ')
      return { by, key, label, ratings: row.ratings, average: Number(row.average), satisfied: row.satisfied }
    }),
  }
}
