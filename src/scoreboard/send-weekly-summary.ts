import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { queueMail, renderMail, type MailSettings } from '../mail'
import { digestPeriod, mailFooterLinks } from '../mail-preferences'
import { buildScoreboard, type Figure } from './get-scoreboard'
import { runScoreboardRollup } from './rollup'

// The weekly scoreboard summary: the same numbers both teams see on /scoreboard, for the last
// seven days, mailed to every support and engineering staff member who has not turned it off.
// Once per person per week: the mail's key names the week, so a rerun (a retry, a restart that
// catches up) sends nobody a second one.

export const WEEKLY_KIND = 'scoreboard_weekly'
const DAY_MS = 86_400_000

/** When the next weekly summary is due: next Monday at the digests' hour (UTC). */
export function nextWeeklyRun(now: Date): Date {
  return new Date(digestPeriod('weekly', now).start.getTime() + 7 * DAY_MS)
}

function rowsOf(figure: Figure | undefined): string[][] {
  return figure ? figure.table.rows.map((row) => row.map((cell) => cell.text)) : []
}

/** The summary's paragraphs and sections (plain facts; the mail template escapes them). */
export function weeklyContent(figures: Figure[], publicUrl: string) {
  const byKey = new Map(figures.map((figure) => [figure.key, figure]))
  const column = (figure: Figure | undefined, name: string) => figure?.table.columns.indexOf(name) ?? -1
  const top = byKey.get('top-issues')
  const weeks = rowsOf(byKey.get('escalations'))
  const escalations = weeks.reduce((sum, row) => sum + Number(row[3] ?? 0), 0)
  const times = (key: 'first-response' | 'resolution') => {
    const figure = byKey.get(key)
    const median = column(figure, 'Median (min)')
    return rowsOf(figure).map((row) => `${row[0]} ${row[1]}s ${row[median]} min`)
  }
  const sla = rowsOf(byKey.get('sla'))
  const met = sla.reduce((sum, row) => sum + Number(row[2] ?? 0), 0)
  const missed = sla.reduce((sum, row) => sum + Number(row[3] ?? 0), 0)
  const backlog = rowsOf(byKey.get('backlog'))
  const csat = rowsOf(byKey.get('csat')).filter((row) => row[0] === 'team')
  return {
    paragraphs: [
      `Escalations to engineering: ${escalations}.`,
      `Median first response (business minutes): ${times('first-response').join('; ') || 'no bugs or questions filed'}.`,
      `Median time to resolution (business minutes): ${times('resolution').join('; ') || 'none resolved'}.`,
      `SLA targets met: ${met} of ${met + missed}${met + missed ? ` (${((100 * met) / (met + missed)).toFixed(1)}%)` : ''}.`,
      `Unanswered backlog now: ${backlog.at(-1)?.[1] ?? '0'} items.`,
      ...(csat.length ? [`CSAT (average of 1–5): ${csat.map((row) => `${row[1]} ${row[3]} from ${row[2]}`).join('; ')}.`] : []),
    ],
    sections: top?.table.rows.length
      ? [
          {
            title: 'Top issues by support load',
            items: top.table.rows.map((row) => ({
              label: `${row[0]!.text} ${row[1]!.text}: ${row[4]!.text} customers, ${row[3]!.text} items, ${row[7]!.text} open escalations, ${row[10]!.text}; owner ${row[11]!.text}`,
              url: `${publicUrl}${row[0]!.href ?? '/scoreboard'}`,
            })),
          },
        ]
      : [],
  }
}

/** Sends this week's summary to each staff member who has not had it; returns how many were queued. */
export async function sendWeeklyScoreboard(db: Db, settings: MailSettings, now: Date): Promise<number> {
  await runScoreboardRollup(db, now)
  const week = digestPeriod('weekly', now)
  const recipients = await queryRows<{ id: number; email: string; display_name: string }>(
    db,
    sql`
      select u.id, u.email, u.display_name from users u
      where u.role in ('support', 'engineer', 'admin')
        and not exists (select 1 from mail_preferences p where p.user_id = u.id and p.kind = ${WEEKLY_KIND} and p.mode = 'never')
      order by u.id`,
  )
  if (recipients.length === 0) return 0
  const scoreboard = await buildScoreboard(db, { period: '7' }, now)
  const content = weeklyContent(scoreboard.figures, settings.publicUrl)
  const weekOf = week.start.toISOString().slice(0, 10)
  let sent = 0
  for (const person of recipients) {
    const queued = await db.transaction(async (tx) => {
      const txDb = tx as unknown as Db
      const footer = await mailFooterLinks(txDb, { userId: person.id, kind: WEEKLY_KIND, now }, settings)
      const rendered = renderMail(
        {
          heading: `The scoreboard for the week to ${now.toISOString().slice(0, 10)}`,
          paragraphs: content.paragraphs,
          sections: content.sections,
          actions: [{ label: 'Open the scoreboard', url: `${settings.publicUrl}/scoreboard?period=7` }],
          footer: { reason: 'You get this weekly summary because you are on the support or engineering staff.', ...footer },
        },
        settings,
      )
      return queueMail(
        txDb,
        {
          kind: WEEKLY_KIND,
          eventKey: `scoreboard-weekly:${person.id}:${weekOf}`,
          to: { address: person.email, userId: person.id, name: person.display_name },
          subject: `Scoreboard: week of ${weekOf}`,
          text: rendered.text,
          html: rendered.html,
          unsubscribeUrl: footer.unsubscribeUrl,
        },
        settings,
        now,
      )
    })
    if (queued !== null) sent++
  }
  return sent
}
