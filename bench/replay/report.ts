import { renderBarChart, type BarDatum } from '../../src/charts'
import { judgeGoals, type ReplayFigures } from './measure'
import type { SoakFigures } from './soak'

// The replay's report: the goals judged, the figures behind them as tables, and charts drawn by
// the scoreboard's charting module (SVG files beside the report, so they show on any Markdown
// viewer; each chart's numbers are in the table under it).

interface Meta {
  week?: boolean
  seed: number
  cores: number
  loadAverage: number
  /** The soak's own figures (run.ts --soak), with its period and traffic factor. */
  soak?: SoakFigures
  days?: number
  factor?: number
}

const command = (meta: Meta) => (meta.soak ? `npm run bench:replay -- --soak --scale=${meta.factor} --days=${meta.days}` : `npm run bench:replay${meta.week ? ' -- --week' : ''}`)
const wallLimit = (meta: Meta) => (meta.week || meta.soak ? null : 600)

function soakSection(soak: SoakFigures): string[] {
  const yes = (ok: boolean) => (ok ? 'yes' : '**no**')
  return [
    '### The soak: nothing lost, nothing doubled',
    '',
    table(
      ['check', 'value', 'holds'],
      [
        ['Questions acknowledged = customer threads in the database', `${soak.questionsAcknowledged} / ${soak.threadsInDatabase}`, yes(soak.questionsAcknowledged === soak.threadsInDatabase)],
        ['Mails written = mails sent; none missing at the sink', `${soak.mailsInDatabase} written, ${soak.mailsSent} sent, ${soak.mailsMissingAtSink} missing at the sink`, yes(soak.mailsNotSent === 0 && soak.mailsMissingAtSink === 0)],
        ['Mails delivered twice (same Message-ID at the sink)', `${soak.mailsDeliveredTwice}`, yes(soak.mailsDeliveredTwice === 0)],
        ['Webhook deliveries done; each at the receiver', `${soak.webhookDeliveriesDone} of ${soak.webhookDeliveries} done, ${soak.distinctWebhooksAtReceiver} distinct ids received`, yes(soak.webhookDeliveriesDone === soak.webhookDeliveries && soak.distinctWebhooksAtReceiver === soak.webhookDeliveries)],
        ['Webhooks delivered twice (same webhook-id)', `${soak.webhooksDeliveredTwice}`, yes(soak.webhooksDeliveredTwice === 0)],
        ['Repeated deliveries that were not the redelivery of a killed instance’s in-flight work', `${soak.repeatsOtherwise} (after the SIGKILL: ${soak.repeatsAfterKill})`, yes(soak.repeatsOtherwise === 0)],
        ['Outbox empty at the end (nothing due left, nothing parked)', `${soak.outboxLeft} due, ${soak.outboxParked} parked`, yes(soak.outboxLeft === 0 && soak.outboxParked === 0)],
      ],
    ),
    '',
    'A delivery repeated under the same Message-ID or webhook-id is the outbox’s at-least-once promise at work: the killed instance had sent it and died before recording so, and the survivor sent it again when the lease ran out; receivers drop it by that id. A doubled *event* would be two messages with different ids for one event: the database holds one mail per recipient and event and one delivery per endpoint and event, so none exists.',
    '',
    `API requests that found their instance down and went to the other one: ${soak.failedOver}.`,
    '',
    table(['simulated time', 'wall clock into the run', 'what happened'], soak.events.map((event) => [event.at.slice(0, 16), `${(event.wallMs / 1000).toFixed(0)} s`, event.what])),
    '',
  ]
}

const hours = (value: number) => `${value.toFixed(2)} h`
const pct = (part: number, whole: number) => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)} %`)
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`
const table = (head: string[], rows: (string | number)[][]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n')

export function renderReport(results: ReplayFigures[], meta: Meta): { markdown: string; charts: Map<string, string> } {
  const charts = new Map<string, string>()
  const out: string[] = []
  out.push(meta.soak ? `# Replay: the soak (${meta.factor}x traffic, ${meta.days} days, two instances)` : `# Replay: ${meta.week ? 'a week' : 'a month'} of support`, '')
  out.push(
    `Written by \`${command(meta)}\` (bench/replay/). Seed ${meta.seed}; ${meta.cores} cores; load average ${meta.loadAverage.toFixed(1)} at the end of the run ` +
      '(other work shared the machine). Every figure is read from what the application recorded (item events, escalations, notices, ratings) ' +
      'and from what reached the SMTP sink and the webhook receiver; the simulation only explains.',
    '',
  )
  out.push(
    '**How it runs.** Customers of organisations on every plan ask questions on a weekday/hour curve (20 % bug reports, a third of those repeating a known bug; ' +
      'incidents of many customers in one hour), some through the HTTP API; community members answer free questions; support (four people, ' +
      'on duty 09:00–17:00 Berlin on weekdays) work the board through the HTTP API (`GET /api/v1/items`, `POST /items/{id}/assign`) and the queue verbs, ' +
      'mark duplicates, answer, and escalate bugs with a reproduction; five engineers on a two-day rotation answer from their inbox with outcomes ' +
      '(fixed, workaround, won’t fix, needs info, duplicate), one skips a shift, two swap, one is away four days; askers click the fix mail’s signed ' +
      '“This solved it” / “Still broken” links and the CSAT mail’s rating link as they arrive at the SMTP sink. The clock is injected; the outbox ' +
      '(with the queue, escalation and rotation ticks) runs at every minute where work is due (due-work.ts says what that means and what is skipped).',
    '',
  )
  for (const figures of results) {
    const id = `${meta.soak ? 'soak' : meta.week ? 'week' : 'month'}-${figures.database.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
    out.push(`## ${figures.database}`, '')
    out.push(`Period ${figures.period.start.slice(0, 10)} to ${figures.period.trafficEnd.slice(0, 10)} (${figures.period.days} days); checks taken at ${figures.period.checkedAt.slice(0, 16)} UTC (an hour into the next business day).`, '')
    out.push('### Goals', '', table(['goal', 'value', 'met'], judgeGoals(figures, wallLimit(meta)).map((goal) => [goal.goal, goal.value, goal.met ? 'yes' : '**no**'])), '')
    if (meta.soak) out.push(...soakSection(meta.soak))

    out.push('### Traffic', '')
    out.push(
      table(
        ['questions posted', 'through the API', 'bug reports planned', 'incidents', 'customers', 'organisations', 'items', 'items by kind'],
        [[figures.traffic.questions, figures.traffic.postedThroughApi, figures.traffic.bugReports, figures.traffic.incidents, figures.traffic.customers, Object.entries(figures.traffic.organisations).map(([plan, n]) => `${n} ${plan}`).join(', '), figures.items.total, Object.entries(figures.items.byKind).map(([kind, n]) => `${kind} ${n}`).join(', ')]],
      ),
      '',
    )

    out.push('### Time to owner (business hours, item created → first assignee)', '')
    const t = figures.timeToOwner
    out.push(table(['items owned', 'median', 'p90', 'max', 'closed before needing an owner', 'open and unowned at the end'], [[t.count, hours(t.median), hours(t.p90), hours(t.max), t.closedBeforeOwner, t.unownedAtEnd.length]]), '')
    if (t.unownedAtEnd.length) out.push(table(['item', 'state', 'created'], t.unownedAtEnd.map((item) => [`#${item.id} ${item.title}`, item.state, item.createdAt])), '')

    out.push('### SLA compliance per plan', '')
    const slaData: BarDatum[] = figures.sla.map((row) => ({ label: row.plan, value: row.firstResponseMeasured ? (100 * row.firstResponseMet) / row.firstResponseMeasured : 100 }))
    charts.set(`${id}-sla.svg`, renderBarChart({ id: `${id}-sla`, title: 'First response within target, per plan (%)', description: `Share of items whose first-response target was met, by plan, on ${figures.database}.`, yLabel: '%' }, slaData))
    out.push(`![SLA compliance per plan](charts/${id}-sla.svg)`, '')
    out.push(table(['plan', 'items', 'first response met', 'resolution target missed'], figures.sla.map((row) => [row.plan, row.items, `${row.firstResponseMet} of ${row.firstResponseMeasured} (${pct(row.firstResponseMet, row.firstResponseMeasured)})`, row.resolutionBreached])), '')

    out.push('### Escalations', '')
    const e = figures.escalations
    out.push(
      table(
        ['escalations', 'without a reproduction', 'moved to escalated without one', 'answered', 'answered in time', 'outcomes'],
        [[e.total, e.withoutReproduction, e.escalatedWithoutEscalation, e.answered, `${e.answeredInTime} (${pct(e.answeredInTime, e.answered)})`, Object.entries(e.outcomes).map(([o, n]) => `${o} ${n}`).join(', ')]],
      ),
      '',
    )
    out.push('Response time per shift (escalations created during the shift; hours from escalation to answer):', '')
    charts.set(
      `${id}-escalation-response.svg`,
      renderBarChart(
        { id: `${id}-escalation-response`, title: 'Median escalation response per shift (hours)', description: `Median hours from escalation to the engineer's answer, per rotation shift, on ${figures.database}.`, yLabel: 'hours' },
        e.perShift.map((shift) => ({ label: `${shift.shiftStart.slice(5, 10)} ${shift.engineer.split(' ')[0]}`, value: Number(shift.medianHours.toFixed(2)) })),
      ),
    )
    out.push(`![Escalation response per shift](charts/${id}-escalation-response.svg)`, '')
    out.push(table(['shift starts', 'engineer', 'escalations', 'answered', 'in time', 'median', 'max'], e.perShift.map((s) => [s.shiftStart.slice(0, 16), s.engineer, s.escalations, s.answered, s.inTime, hours(s.medianHours), hours(s.maxHours)])), '')

    out.push('### Fixes announced to every asker (the thread, its duplicates, items closed into it)', '')
    const f = figures.fixes
    out.push(
      table(
        ['fixes announced', 'askers', 'told in the app', 'told by mail', 'askers whose own thread got no public fix reply'],
        [[f.announcements, f.askers, `${f.toldInApp} (${pct(f.toldInApp, f.askers)})`, `${f.toldByMail} (${pct(f.toldByMail, f.askers)})`, f.withoutReplyOnOwnThread]],
      ),
      '',
    )
    if (f.missing.length)
      out.push(
        'Askers not told (joined after the announcement: their report was closed into the item once the fix had gone out):',
        '',
        table(['item', 'asker (user id)', 'in the app', 'by mail', 'joined after the announcement'], f.missing.map((m) => [`#${m.itemId}`, m.userId, m.inApp ? 'yes' : 'no', m.byMail ? 'yes' : 'no', m.joinedAfterAnnouncement ? 'yes' : 'no'])),
        '',
      )

    out.push('### Items reopened, and why', '')
    out.push(figures.reopened.total ? table(['reason', 'times'], Object.entries(figures.reopened.byReason)) : 'None.', '')

    out.push('### Load and fairness', '')
    charts.set(
      `${id}-load.svg`,
      renderBarChart(
        { id: `${id}-load`, title: 'Shifts and escalations per engineer', description: `Shifts started in the period and escalations received, per engineer, on ${figures.database}.` },
        figures.load.shiftsPerEngineer.flatMap((row) => [
          { label: row.engineer.split(' ')[0]!, value: row.shifts, series: 'shifts' },
          { label: row.engineer.split(' ')[0]!, value: row.escalations, series: 'escalations' },
        ]),
      ),
    )
    out.push(`![Load per engineer](charts/${id}-load.svg)`, '')
    out.push(table(['engineer', 'shifts', 'escalations', 'out of hours'], figures.load.shiftsPerEngineer.map((r) => [r.engineer, r.shifts, r.escalations, r.outOfHours])), '')
    out.push(table(['support', 'items owned', 'replies'], figures.load.itemsPerSupport.map((r) => [r.person, r.items, r.replies])), '')

    out.push('### Deflection and ratings', '')
    const d = figures.deflection
    out.push(
      table(
        ['asked again after searching', 'deflected (read the solved thread, did not post)', 'threads that never became an item', 'solved by the community', 'CSAT asked', 'rated', 'average', 'ratings 1–5'],
        [[d.searchedBeforeAsking, `${d.deflected} (${pct(d.deflected, d.searchedBeforeAsking)})`, d.threadsWithoutItem, d.communitySolved, figures.csat.asked, figures.csat.rated, figures.csat.average?.toFixed(2) ?? '–', [1, 2, 3, 4, 5].map((r) => figures.csat.byRating[String(r)] ?? 0).join(' / ')]],
      ),
      '',
    )

    out.push('### What the outside world received', '')
    out.push(
      table(
        ['mails at the sink', 'delivered twice', 'failed / still queued in the app', 'webhooks', 'signature verified', 'bad signatures', 'delivered twice'],
        [[figures.mail.total, figures.mail.duplicates, `${figures.mail.failedInDatabase} / ${figures.mail.queuedInDatabase}`, figures.webhooks.total, figures.webhooks.verified, figures.webhooks.badSignatures, figures.webhooks.duplicates]],
      ),
      '',
    )
    out.push(table(['webhook event', 'deliveries'], Object.entries(figures.webhooks.byType).sort((a, b) => b[1] - a[1])), '')

    out.push('### The run’s own cost', '')
    const c = figures.cost
    out.push(
      table(
        ['wall time', 'CPU: replay process + PostgreSQL', 'simulated minutes', 'outbox runs', 'statements', 'peak RSS', 'people / support / engineers / outbox'],
        [[`${(c.wallSeconds / 60).toFixed(1)} min`, `${c.cpuSeconds.toFixed(0)} s + ${c.serverCpuSeconds === null ? '–' : `${c.serverCpuSeconds.toFixed(0)} s`}`, c.minutes, c.outboxRuns, c.statements ?? 'not counted', `${c.peakRssMb.toFixed(0)} MB`, Object.values(c.timings).map((s) => `${s.toFixed(0)} s`).join(' / ')]],
      ),
      '',
    )
    out.push(table(['outbox topic', 'runs', 'seconds (concurrent deliveries overlap)'], c.handlers.map((h) => [h.topic, h.runs, h.seconds.toFixed(1)])), '')
    if (Object.keys(figures.refused).length) out.push('Refusals people met (domain errors shown to them, e.g. a state that moved meanwhile):', '', table(['action: error', 'times'], Object.entries(figures.refused)), '')
    if (figures.failures.length) out.push('**Failures** (not domain errors):', '', '```', ...figures.failures.slice(0, 20), '```', '')
  }
  out.push('## Not measured', '')
  out.push(
    meta.soak
      ? '- In the soak the people act from the driver: API requests go to the two instances over HTTP, the rest through the verbs on the driver\'s own connection to the same database (a third writer); support people due at the same minute work at once, each on a random stream of their own (so which of them acts first within a minute, and with it who ends up owning what, varies between runs; the customers\' traffic does not). Every side effect is delivered by the instances\' own workers. The outbox handlers\' times are not timed (they run in the instances).'
      : '- The soak: bench/replay/REPORT-soak.md (`npm run bench:replay -- --soak`).',
    '- The outbox runs at minutes where work is due, not at every minute (due-work.ts): the skipped runs would only have recomputed priority scores as time passed.',
    '',
  )
  return { markdown: out.join('\n'), charts }
}

export function resultsSection(results: ReplayFigures[], meta: Meta): string {
  const lines = [meta.soak ? '## Replay: the soak' : meta.week ? '## Replay: a week of support' : '## Replay: a month of support', '']
  if (meta.soak)
    lines.push(
      `\`${command(meta)}\`: the replay at ${meta.factor}x the traffic for ${meta.days} days, support scaled with it, on two app instances (own processes, own outbox workers) on one PostgreSQL, ` +
        'one instance killed with SIGKILL while delivering and started again an hour later, PostgreSQL restarted once (pg_ctl restart -m fast). Full report: bench/replay/REPORT-soak.md.',
      '',
    )
  else lines.push(
    `\`npm run bench:replay${meta.week ? ' -- --week' : ''}\` (bench/replay/): one ${meta.week ? 'week' : 'month'} of customers, support and a five-engineer rotation replayed against the real application on an injected clock, ` +
      `mail to a real SMTP sink, webhooks to a receiver verifying signatures. Seed ${meta.seed}, ${meta.cores} cores, load average ${meta.loadAverage.toFixed(1)} at the end. ` +
      `Full report with charts: bench/replay/${meta.week ? 'REPORT-week.md' : 'REPORT.md'}.`,
    '',
  )
  const limit = wallLimit(meta)
  const goalNames = judgeGoals(results[0]!, limit).map((goal) => goal.goal)
  lines.push(row(['goal', ...results.map((r) => r.database)]), row(['---', ...results.map(() => '---')]))
  for (const name of goalNames)
    lines.push(
      row([
        name,
        ...results.map((r) => {
          const goal = judgeGoals(r, limit).find((g) => g.goal === name)!
          return `${goal.met ? '' : '**missed:** '}${goal.value}`
        }),
      ]),
    )
  for (const r of results)
    lines.push(
      '',
      `${r.database}: ${r.traffic.questions} questions, ${r.items.total} items, ${r.escalations.total} escalations, ${r.fixes.announcements} fixes announced, ` +
        `${r.mail.total} mails, ${r.webhooks.total} webhooks; wall ${(r.cost.wallSeconds / 60).toFixed(1)} min for ${r.cost.minutes} simulated minutes ` +
        `(${r.cost.outboxRuns} outbox runs), CPU ${r.cost.cpuSeconds.toFixed(0)} s in the replay process${r.cost.serverCpuSeconds === null ? '' : ` and ${r.cost.serverCpuSeconds.toFixed(0)} s in PostgreSQL`}, ${r.cost.statements ?? 'uncounted'} statements, peak RSS ${r.cost.peakRssMb.toFixed(0)} MB.`,
    )
  if (meta.soak) {
    const k = meta.soak
    lines.push(
      '',
      `Soak: ${k.questionsAcknowledged} questions acknowledged, ${k.threadsInDatabase} in the database; ${k.mailsSent} of ${k.mailsInDatabase} mails sent, ${k.mailsMissingAtSink} missing at the sink, ${k.mailsDeliveredTwice} delivered twice; ` +
        `${k.webhookDeliveriesDone} of ${k.webhookDeliveries} webhooks delivered, ${k.webhooksDeliveredTwice} twice; outbox ${k.outboxLeft} due and ${k.outboxParked} parked at the end; ${k.failedOver} API requests failed over. ` +
        k.events.map((event) => `${event.what} at ${event.at.slice(0, 16)}`).join('; ') + '.',
    )
  }
  lines.push('')
  return lines.join('\n')
}
