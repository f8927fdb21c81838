import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../src/db/client'
import { businessMinutesBetween, type BusinessCalendar } from '../../src/queue/business-hours'
import type { ReplayRun } from './simulate'
import { ZONE } from './traffic'

// The replay's figures, read from the database the application wrote (its item event log, its
// escalations, its notices) and from what reached the SMTP sink and the webhook receiver. Nothing
// here trusts the simulation's own bookkeeping for a goal; the log only explains.

const OFFICE: BusinessCalendar = { timezone: ZONE, windows: [1, 2, 3, 4, 5].map((day) => ({ day, start: 540, end: 1020 })), holidays: [] }

export interface Distribution {
  count: number
  median: number
  p90: number
  max: number
}

export interface ReplayFigures {
  database: string
  period: { start: string; trafficEnd: string; checkedAt: string; days: number }
  traffic: { questions: number; bugReports: number; incidents: number; customers: number; organisations: Record<string, number>; postedThroughApi: number }
  items: { total: number; byKind: Record<string, number>; openAtEnd: number }
  /** Business hours from the item's creation to its first owner. */
  timeToOwner: Distribution & { closedBeforeOwner: number; unownedAtEnd: { id: number; title: string; state: string; createdAt: string }[] }
  sla: { plan: string; items: number; firstResponseMet: number; firstResponseMeasured: number; resolutionBreached: number }[]
  escalations: {
    total: number
    withoutReproduction: number
    escalatedWithoutEscalation: number
    answered: number
    answeredInTime: number
    outcomes: Record<string, number>
    perShift: { engineer: string; shiftStart: string; escalations: number; answered: number; inTime: number; medianHours: number; maxHours: number }[]
  }
  fixes: {
    announcements: number
    askers: number
    toldInApp: number
    toldByMail: number
    /** Askers whose own thread got no public fix reply (and so no "This solved it" links): told, but on the kept thread only. */
    withoutReplyOnOwnThread: number
    missing: { itemId: number; userId: number; inApp: boolean; byMail: boolean; joinedAfterAnnouncement: boolean }[]
  }
  reopened: { total: number; byReason: Record<string, number> }
  load: {
    shiftsPerEngineer: { engineer: string; shifts: number; escalations: number; outOfHours: number }[]
    shiftSpread: number
    itemsPerSupport: { person: string; items: number; replies: number }[]
  }
  deflection: { searchedBeforeAsking: number; deflected: number; threadsWithoutItem: number; communitySolved: number }
  csat: { asked: number; rated: number; average: number | null; byRating: Record<string, number> }
  mail: { total: number; duplicates: number; failedInDatabase: number; queuedInDatabase: number }
  webhooks: { total: number; verified: number; badSignatures: number; duplicates: number; byType: Record<string, number> }
  cost: { wallSeconds: number; cpuSeconds: number; serverCpuSeconds: number | null; minutes: number; outboxRuns: number; statements: number | null; peakRssMb: number; timings: Record<string, number>; handlers: { topic: string; runs: number; seconds: number }[] }
  refused: Record<string, number>
  failures: string[]
}

export function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : 0)
  return { count: sorted.length, median: at(0.5), p90: at(0.9), max: sorted.at(-1) ?? 0 }
}

export async function measureReplay(run: ReplayRun, options: { database: string; statements: number | null; serverCpuSeconds?: number | null }): Promise<ReplayFigures> {
  const db = run.world.database.db
  const start = run.plan.start.toISOString()
  const end = run.trafficEnd.toISOString()
  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(db, query)

  const items = await rows<{ id: number; title: string; kind: string; state: string; created_at: string; assignee_id: number | null; first_owner_at: string | null }>(sql`
    select i.id, i.title, i.kind, i.state, i.created_at::text, i.assignee_id,
      (select min(e.created_at) from queue_item_events e where e.item_id = i.id and e.kind = 'assigned')::text as first_owner_at
    from queue_items i where i.created_at >= ${start}::timestamptz and i.created_at < ${end}::timestamptz order by i.id`)
  const owned = items.filter((item) => item.first_owner_at)
  const hours = owned.map((item) => businessMinutesBetween(new Date(item.created_at), new Date(item.first_owner_at!), OFFICE) / 60)
  const allOpen = await rows<{ id: number; title: string; state: string; created_at: string; assignee_id: number | null }>(sql`
    select id, title, state, created_at::text, assignee_id from queue_items where state not in ('resolved', 'wont_fix')`)
  const unowned = allOpen.filter((item) => item.assignee_id === null)
  const byKind: Record<string, number> = {}
  for (const item of items) byKind[item.kind] = (byKind[item.kind] ?? 0) + 1

  const sla = await rows<{ plan: string; items: number; first_met: number; first_measured: number; resolution_breached: number }>(sql`
    select coalesce(o.plan, 'community') as plan, count(*)::int as items,
      count(*) filter (where i.first_response_due_at is not null and not ('first_response' = any(i.breached)))::int as first_met,
      count(*) filter (where i.first_response_due_at is not null)::int as first_measured,
      count(*) filter (where 'resolution' = any(i.breached))::int as resolution_breached
    from queue_items i left join organisations o on o.id = i.organisation_id
    where i.created_at >= ${start}::timestamptz and i.created_at < ${end}::timestamptz
    group by 1 order by 1`)

  const [reproduction] = await rows<{ total: number; missing: number; answered: number; in_time: number }>(sql`
    select count(*)::int as total,
      count(*) filter (where length(trim(customer_did)) < 10 or length(trim(what_happened)) < 10 or length(trim(expected)) < 5 or length(trim(logs)) < 5
        or length(trim(account)) < 2 or length(trim(frequency)) < 2 or length(trim(customers_affected)) < 1)::int as missing,
      count(*) filter (where answered_at is not null)::int as answered,
      count(*) filter (where answered_at is not null and answered_at <= response_due_at)::int as in_time
    from escalations`)
  const [bypass] = await rows<{ n: number }>(sql`
    select count(*)::int as n from queue_item_events e
    where e.kind = 'state_changed' and e.data->>'to' = 'escalated' and (e.data->>'escalationId') is null`)
  const outcomeRows = await rows<{ outcome: string | null; n: number }>(sql`select coalesce(outcome, 'unanswered') as outcome, count(*)::int as n from escalations group by 1`)
  const perShift = await rows<{ engineer: string; starts_at: string; escalations: number; answered: number; in_time: number; hours: string }>(sql`
    select u.display_name as engineer, s.starts_at::text, count(e.id)::int as escalations,
      count(e.answered_at)::int as answered,
      count(*) filter (where e.answered_at <= e.response_due_at)::int as in_time,
      coalesce(json_agg(extract(epoch from (e.answered_at - e.created_at)) / 3600.0) filter (where e.answered_at is not null), '[]')::text as hours
    from rotation_shifts s
    join users u on u.id = s.user_id
    join escalations e on e.rotation_id = s.rotation_id and e.created_at >= s.starts_at and e.created_at < s.ends_at
    group by u.display_name, s.starts_at order by s.starts_at`)

  // Every fix announced: the askers of the item's thread, of its duplicate threads and of items
  // closed into it. Each must have the fix notice in the app and a fix mail at the sink.
  const announcements = await rows<{ item_id: number; escalation_id: number; sent_at: string }>(sql`
    select item_id, escalation_id, min(sent_at)::text as sent_at from loop_replies
    where kind = 'fixed' and sent_at is not null group by item_id, escalation_id order by 3`)
  const askersOf = await rows<{ item_id: number; user_id: number; email: string; replied: boolean; joined_late: boolean }>(sql`
    with kept as (select i.id as item_id, i.thread_id from queue_items i where i.id in (select item_id from loop_replies where kind = 'fixed' and sent_at is not null)),
    threads_of as (
      select k.item_id, k.thread_id from kept k
      union select k.item_id, t.id from kept k join threads t on t.duplicate_of_id = k.thread_id
      union select k.item_id, m.thread_id from kept k join queue_items m on m.merged_into_item_id = k.item_id where m.thread_id is not null
      union select k.item_id, t.id from kept k join queue_items m on m.merged_into_item_id = k.item_id join threads t on t.duplicate_of_id = m.thread_id)
    select distinct x.item_id, t.author_id as user_id, u.email,
      exists (select 1 from loop_replies l where l.thread_id = x.thread_id and l.kind = 'fixed' and l.sent_at is not null) as replied,
      -- closed into the item (as a duplicate) only after its fix was announced
      coalesce((select min(e.created_at) from queue_items q join queue_item_events e on e.item_id = q.id and e.kind = 'merged' where q.thread_id = x.thread_id), '-infinity')
        > (select min(l.sent_at) from loop_replies l where l.item_id = x.item_id and l.kind = 'fixed' and l.sent_at is not null) as joined_late
    from threads_of x join threads t on t.id = x.thread_id join users u on u.id = t.author_id and u.role = 'member'`)
  {
    // One row per asker and item: someone who asked twice (their thread and a duplicate) is one asker.
    const byKey = new Map<string, (typeof askersOf)[number]>()
    for (const asker of askersOf) {
      const key = `${asker.item_id}:${asker.user_id}`
      const seen = byKey.get(key)
      byKey.set(key, seen ? { ...seen, replied: seen.replied && asker.replied, joined_late: seen.joined_late && asker.joined_late } : asker)
    }
    askersOf.splice(0, askersOf.length, ...byKey.values())
  }
  const inApp = await rows<{ user_id: number; item_id: number | null; thread_id: number | null; created_at: string }>(sql`
    select user_id, item_id, thread_id, created_at::text from notifications where kind = 'loop_fixed'`)
  const announcementsByItem = new Map<number, number>()
  for (const announcement of announcements) announcementsByItem.set(announcement.item_id, (announcementsByItem.get(announcement.item_id) ?? 0) + 1)
  const expectedMails = new Map<string, number>()
  for (const asker of askersOf) expectedMails.set(asker.email, (expectedMails.get(asker.email) ?? 0) + (announcementsByItem.get(asker.item_id) ?? 0))
  const noticesByUser = new Map<number, number>()
  for (const notice of inApp) noticesByUser.set(notice.user_id, (noticesByUser.get(notice.user_id) ?? 0) + 1)
  const expectedNotices = new Map<number, number>()
  for (const asker of askersOf) expectedNotices.set(asker.user_id, (expectedNotices.get(asker.user_id) ?? 0) + (announcementsByItem.get(asker.item_id) ?? 0))
  const missing: ReplayFigures['fixes']['missing'] = []
  let toldInApp = 0
  let toldByMail = 0
  for (const asker of askersOf) {
    const app = (noticesByUser.get(asker.user_id) ?? 0) >= (expectedNotices.get(asker.user_id) ?? 0)
    const mail = (run.mail.fixSubjects.get(asker.email.toLowerCase())?.length ?? 0) >= (expectedMails.get(asker.email) ?? 0)
    if (app) toldInApp++
    if (mail) toldByMail++
    if (!app || !mail) missing.push({ itemId: asker.item_id, userId: asker.user_id, inApp: app, byMail: mail, joinedAfterAnnouncement: asker.joined_late })
  }

  const reopenRows = await rows<{ reason: string; n: number }>(sql`
    select coalesce(e.data->>'reason', 'unknown') as reason, count(*)::int as n from queue_item_events e
    where e.kind = 'state_changed' and e.data->>'from' in ('resolved', 'wont_fix', 'fixed_pending_confirmation') and e.data->>'to' = 'in_progress'
    group by 1 order by 2 desc`)

  const shifts = await rows<{ engineer: string; shifts: number; escalations: number; out_of_hours: number }>(sql`
    select u.display_name as engineer,
      (select count(*)::int from rotation_shifts s where s.user_id = u.id and s.starts_at >= ${start}::timestamptz and s.starts_at < ${end}::timestamptz) as shifts,
      (select count(*)::int from escalations e where e.engineer_id = u.id) as escalations,
      (select count(*)::int from escalations e where e.engineer_id = u.id and e.out_of_hours) as out_of_hours
    from users u where u.role = 'engineer' order by u.display_name`)
  const supportLoad = await rows<{ person: string; items: number; replies: number }>(sql`
    select u.display_name as person,
      (select count(distinct e.item_id)::int from queue_item_events e where e.kind = 'assigned' and (e.data->>'assigneeId')::int = u.id) as items,
      (select count(*)::int from replies r where r.author_id = u.id) as replies
    from users u where u.role = 'support' order by u.display_name`)

  const [threadFacts] = await rows<{ without_item: number; community_solved: number }>(sql`
    select count(*) filter (where not exists (select 1 from queue_items i where i.thread_id = t.id))::int as without_item,
      count(*) filter (where t.accepted_reply_id is not null and exists (
        select 1 from replies r join users u on u.id = r.author_id where r.id = t.accepted_reply_id and u.role = 'member'))::int as community_solved
    from threads t where t.created_at >= ${start}::timestamptz and t.created_at < ${end}::timestamptz`)

  const [csat] = await rows<{ asked: number; rated: number; average: number | null }>(sql`
    select (select count(*)::int from csat_requests) as asked, (select count(*)::int from csat_ratings) as rated,
      (select avg(rating)::float from csat_ratings) as average`)
  const ratingRows = await rows<{ rating: number; n: number }>(sql`select rating, count(*)::int as n from csat_ratings group by 1 order by 1`)
  const [mailRows] = await rows<{ failed: number; queued: number }>(sql`
    select count(*) filter (where status = 'failed')::int as failed, count(*) filter (where status = 'queued')::int as queued from mail_messages`)

  const organisations: Record<string, number> = {}
  for (const org of run.plan.organisations) organisations[org.plan] = (organisations[org.plan] ?? 0) + 1
  const shiftCounts = shifts.map((row) => row.shifts)
  return {
    database: options.database,
    period: { start, trafficEnd: end, checkedAt: run.checkedAt.toISOString(), days: Math.round((run.trafficEnd.getTime() - run.plan.start.getTime()) / 86_400_000) },
    traffic: {
      questions: run.log.questionsPosted,
      bugReports: run.plan.questions.filter((question) => question.kind === 'bug').length,
      incidents: run.plan.bugs.filter((bug) => bug.incident).length,
      customers: run.plan.customers.length,
      organisations,
      postedThroughApi: run.log.postedThroughApi,
    },
    items: { total: items.length, byKind, openAtEnd: allOpen.length },
    timeToOwner: {
      ...distribution(hours),
      closedBeforeOwner: items.filter((item) => !item.first_owner_at && (item.state === 'resolved' || item.state === 'wont_fix')).length,
      unownedAtEnd: unowned.map((item) => ({ id: item.id, title: item.title, state: item.state, createdAt: item.created_at })),
    },
    sla: sla.map((row) => ({ plan: row.plan, items: row.items, firstResponseMet: row.first_met, firstResponseMeasured: row.first_measured, resolutionBreached: row.resolution_breached })),
    escalations: {
      total: reproduction?.total ?? 0,
      withoutReproduction: reproduction?.missing ?? 0,
      escalatedWithoutEscalation: bypass?.n ?? 0,
      answered: reproduction?.answered ?? 0,
      answeredInTime: reproduction?.in_time ?? 0,
      outcomes: Object.fromEntries(outcomeRows.map((row) => [row.outcome, row.n])),
      perShift: perShift.map((row) => {
        const spread = distribution((JSON.parse(row.hours) as number[]).map(Number))
        return { engineer: row.engineer, shiftStart: row.starts_at, escalations: row.escalations, answered: row.answered, inTime: row.in_time, medianHours: spread.median, maxHours: spread.max }
      }),
    },
    fixes: {
      announcements: announcements.length,
      askers: askersOf.length,
      toldInApp,
      toldByMail,
      withoutReplyOnOwnThread: askersOf.filter((asker) => !asker.replied).length,
      missing,
    },
    reopened: { total: reopenRows.reduce((sum, row) => sum + row.n, 0), byReason: Object.fromEntries(reopenRows.map((row) => [row.reason, row.n])) },
    load: {
      shiftsPerEngineer: shifts.map((row) => ({ engineer: row.engineer, shifts: row.shifts, escalations: row.escalations, outOfHours: row.out_of_hours })),
      shiftSpread: shiftCounts.length ? Math.max(...shiftCounts) - Math.min(...shiftCounts) : 0,
      itemsPerSupport: supportLoad,
    },
    deflection: {
      searchedBeforeAsking: run.log.searchedBeforeAsking,
      deflected: run.log.deflected,
      threadsWithoutItem: threadFacts?.without_item ?? 0,
      communitySolved: threadFacts?.community_solved ?? 0,
    },
    csat: { asked: csat?.asked ?? 0, rated: csat?.rated ?? 0, average: csat?.average ?? null, byRating: Object.fromEntries(ratingRows.map((row) => [String(row.rating), row.n])) },
    mail: {
      total: run.mail.total,
      duplicates: [...run.mail.byMessageId.values()].filter((count) => count > 1).length,
      failedInDatabase: mailRows?.failed ?? 0,
      queuedInDatabase: mailRows?.queued ?? 0,
    },
    webhooks: {
      total: run.webhooks.total,
      verified: run.webhooks.verified,
      badSignatures: run.webhooks.badSignatures,
      duplicates: [...run.webhooks.byId.values()].filter((count) => count > 1).length,
      byType: Object.fromEntries(run.webhooks.byType),
    },
    cost: {
      wallSeconds: run.wallMs / 1000,
      cpuSeconds: run.cpuMs / 1000,
      serverCpuSeconds: options.serverCpuSeconds ?? null,
      minutes: run.minutes,
      outboxRuns: run.drains,
      statements: options.statements,
      peakRssMb: run.peakRssBytes / 1024 / 1024,
      timings: Object.fromEntries(Object.entries(run.timings).map(([key, ms]) => [key, ms / 1000])),
      handlers: [...run.world.handlerTimings].map(([topic, entry]) => ({ topic, runs: entry.runs, seconds: entry.ms / 1000 })).sort((a, b) => b.seconds - a.seconds),
    },
    refused: run.log.refused,
    failures: run.log.failures,
  }
}

export interface Goal {
  goal: string
  value: string
  met: boolean
}

/** The goals, judged. `wallLimitSeconds` is the month's budget (the short version has none). */
export function judgeGoals(figures: ReplayFigures, wallLimitSeconds: number | null): Goal[] {
  const pct = (part: number, whole: number) => (whole === 0 ? 100 : (100 * part) / whole)
  const shifts = figures.load.shiftsPerEngineer.map((row) => row.shifts)
  const goals: Goal[] = [
    { goal: 'Items owned within 1 business hour (p90)', value: `p90 ${figures.timeToOwner.p90.toFixed(2)} h (median ${figures.timeToOwner.median.toFixed(2)}, max ${figures.timeToOwner.max.toFixed(2)})`, met: figures.timeToOwner.p90 <= 1 },
    { goal: 'No item unowned at the end', value: `${figures.timeToOwner.unownedAtEnd.length} unowned`, met: figures.timeToOwner.unownedAtEnd.length === 0 },
    {
      goal: 'Escalations without a reproduction',
      value: `${figures.escalations.withoutReproduction} of ${figures.escalations.total} (and ${figures.escalations.escalatedWithoutEscalation} items moved to escalated without one)`,
      met: figures.escalations.withoutReproduction === 0 && figures.escalations.escalatedWithoutEscalation === 0,
    },
    {
      goal: 'Askers told of their fix, by mail and in the app',
      value: `${pct(Math.min(figures.fixes.toldByMail, figures.fixes.toldInApp), figures.fixes.askers).toFixed(1)} % of ${figures.fixes.askers} (mail ${figures.fixes.toldByMail}, app ${figures.fixes.toldInApp}; ${figures.fixes.announcements} fixes)`,
      met: figures.fixes.missing.length === 0 && figures.fixes.askers > 0,
    },
    { goal: 'Fairness: shifts per engineer differ by at most one', value: `${shifts.join(' / ')} shifts (spread ${figures.load.shiftSpread})`, met: figures.load.shiftSpread <= 1 },
    { goal: 'No failures (500s, unexpected errors)', value: `${figures.failures.length}`, met: figures.failures.length === 0 },
    { goal: 'Nothing doubled: mails, webhooks', value: `${figures.mail.duplicates} mails, ${figures.webhooks.duplicates} webhooks twice; ${figures.webhooks.badSignatures} bad signatures`, met: figures.mail.duplicates === 0 && figures.webhooks.duplicates === 0 && figures.webhooks.badSignatures === 0 },
  ]
  if (wallLimitSeconds !== null)
    goals.push({ goal: `The period replayed in under ${Math.round(wallLimitSeconds / 60)} minutes`, value: `${(figures.cost.wallSeconds / 60).toFixed(1)} min`, met: figures.cost.wallSeconds <= wallLimitSeconds })
  return goals
}
