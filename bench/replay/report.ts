import { renderBarChart, type BarDatum } from '../../src/charts'
import { judgeGoals, type ReplayFigures } from './measure'

// The replay's report: the goals judged, the figures behind them as tables, and charts drawn by
// the scoreboard's charting module (SVG files beside the report, so they show on any Markdown
// viewer; each chart's numbers are in the table under it).

interface Meta {
  week?: boolean
  seed: number
  cores: number
  loadAverage: number
}

const hours = (value: number) => `${value.toFixed(2)} h`
const pct = (part: number, whole: number) => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)} %`)
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`
const table = (head: string[], rows: (string | number)[][]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n')

export function renderReport(results: ReplayFigures[], meta: Meta): { markdown: string; charts: Map<string, string> } {
  const charts = new Map<string, string>()
  const out: string[] = []
  out.push(`# Replay: ${meta.week ? 'a week' : 'a month'} of support`, '')
  out.push(
    `Written by \`npm run bench:replay${meta.week ? ' -- --week' : ''}\` (bench/replay/). Seed ${meta.seed}; ${meta.cores} cores; load average ${meta.loadAverage.toFixed(1)} at the end of the run ` +
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
    const id = `${meta.week ? 'week' : 'month'}-${figures.database.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
    out.push(`## ${figures.database}`, '')
    out.push(`Period ${figures.period.start.slice(0, 10)} to ${figures.period.trafficEnd.slice(0, 10)} (${figures.period.days} days); checks taken at ${figures.period.checkedAt.slice(0, 16)} UTC (an hour into the next business day).`, '')
    out.push('### Goals', '', table(['goal', 'value', 'met'], judgeGoals(figures, meta.week ? null : 600).map((goal) => [goal.goal, goal.value, goal.met ? 'yes' : '**no**'])), '')

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
        'Askers not told (an asker who joined after the announcement is one whose report engineering closed into the item as a duplicate once the fix had gone out: the product tells nobody then):',
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
        ['wall time', 'simulated minutes', 'outbox runs', 'statements', 'peak RSS', 'people / support / engineers / outbox'],
        [[`${(c.wallSeconds / 60).toFixed(1)} min`, c.minutes, c.outboxRuns, c.statements ?? 'not counted', `${c.peakRssMb.toFixed(0)} MB`, Object.values(c.timings).map((s) => `${s.toFixed(0)} s`).join(' / ')]],
      ),
      '',
    )
    out.push(table(['outbox topic', 'runs', 'seconds (concurrent deliveries overlap)'], c.handlers.map((h) => [h.topic, h.runs, h.seconds.toFixed(1)])), '')
    if (Object.keys(figures.refused).length) out.push('Refusals people met (domain errors shown to them, e.g. a state that moved meanwhile):', '', table(['action: error', 'times'], Object.entries(figures.refused)), '')
    if (figures.failures.length) out.push('**Failures** (not domain errors):', '', '```', ...figures.failures.slice(0, 20), '```', '')
  }
  out.push('## Not measured', '')
  out.push(
    '- The soak (ten times the traffic, two app instances, one killed and restarted mid-month, PostgreSQL restarted once) is not built: ' +
      '`npm run bench:replay -- --soak` says so and exits. What it needs: a clock shared between processes (the instances read the injected clock; ' +
      'a child process cannot share the in-process manual clock), the people driving the instances over HTTP only, and the per-minute outbox ' +
      'runs replaced by the instances\' own workers.',
    '- The outbox runs at minutes where work is due, not at every minute (due-work.ts): the skipped runs would only have recomputed priority scores as time passed.',
    '',
  )
  return { markdown: out.join('\n'), charts }
}

export function resultsSection(results: ReplayFigures[], meta: Meta): string {
  const lines = [meta.week ? '## Replay: a week of support' : '## Replay: a month of support', '']
  lines.push(
    `\`npm run bench:replay${meta.week ? ' -- --week' : ''}\` (bench/replay/): one ${meta.week ? 'week' : 'month'} of customers, support and a five-engineer rotation replayed against the real application on an injected clock, ` +
      `mail to a real SMTP sink, webhooks to a receiver verifying signatures. Seed ${meta.seed}, ${meta.cores} cores, load average ${meta.loadAverage.toFixed(1)} at the end. ` +
      `Full report with charts: bench/replay/${meta.week ? 'REPORT-week.md' : 'REPORT.md'}.`,
    '',
  )
  const limit = meta.week ? null : 600
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
        `(${r.cost.outboxRuns} outbox runs), ${r.cost.statements ?? 'uncounted'} statements, peak RSS ${r.cost.peakRssMb.toFixed(0)} MB.`,
    )
  lines.push('')
  return lines.join('\n')
}
