import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { queueMail, renderMail, type MailSettings } from '../mail'
import { mailFooterLinks } from './mail-choices'

// The staff's daily summary: their open items, the SLA breaches they answer for (their own items;
// a lead's whole team), and their teams' unanswered questions. Sent to staff who have open items
// or breaches and have not turned it off; once per person per day (keyed by the date).

const LIMIT = 25

interface SummaryRow {
  user_id: number
  email: string
  display_name: string
  open_items: { id: number; title: string; state: string }[]
  open_count: number
  breaches: { id: number; title: string; breached: string[] }[]
  unanswered: { id: number; slug: string; title: string }[]
}

export async function sendStaffSummaries(db: Db, settings: MailSettings, now: Date): Promise<number> {
  const day = now.toISOString().slice(0, 10)
  // One round trip: each person's three lists as JSON, only for those with something open.
  const rows = await queryRows<SummaryRow>(
    db,
    sql`
      with staff as (
        select u.id, u.email, u.display_name from users u
        where u.role <> 'member'
          and not exists (select 1 from mail_preferences p where p.user_id = u.id and p.kind = 'staff_summary' and p.mode = 'never')
      ), summary as (
        select s.id as user_id, s.email, s.display_name,
          (select coalesce(json_agg(x order by x.id), '[]') from (
             select i.id, i.title, i.state from queue_items i
             where i.assignee_id = s.id and i.state not in ('resolved', 'wont_fix') order by i.id limit ${LIMIT}) x) as open_items,
          (select count(*)::int from queue_items i where i.assignee_id = s.id and i.state not in ('resolved', 'wont_fix')) as open_count,
          (select coalesce(json_agg(x order by x.id), '[]') from (
             select i.id, i.title, i.breached from queue_items i left join teams tm on tm.slug = i.team_slug
             where i.state not in ('resolved', 'wont_fix') and cardinality(i.breached) > 0
               and (i.assignee_id = s.id or tm.lead_id = s.id) order by i.id limit ${LIMIT}) x) as breaches,
          (select coalesce(json_agg(x order by x.id), '[]') from (
             select t.id, t.slug, t.title from threads t join categories c on c.id = t.category_id
             where t.hidden_at is null and t.answered_at is null
               and c.team in (select m.team_slug from team_members m where m.user_id = s.id union select tm.slug from teams tm where tm.lead_id = s.id)
             order by t.created_at, t.id limit ${LIMIT}) x) as unanswered
        from staff s
      )
      select * from summary where open_count > 0 or json_array_length(breaches) > 0
      order by user_id`,
  )
  let sent = 0
  for (const row of rows) if (await db.transaction((tx) => sendSummary(tx as unknown as Db, row, day, settings, now))) sent++
  return sent
}

/** One person's summary, in its own transaction (the mail and its delivery row commit together). */
async function sendSummary(db: Db, row: SummaryRow, day: string, settings: MailSettings, now: Date): Promise<boolean> {
  const footer = await mailFooterLinks(db, { userId: row.user_id, kind: 'staff_summary', now }, settings)
  const item = (entry: { id: number; title: string }) => ({ url: `${settings.publicUrl}/queue/items/${entry.id}`, label: `#${entry.id} ${entry.title}` })
  const sections = [
    {
      title: `Your open items (${row.open_count})`,
      items: row.open_items.map((entry) => ({ ...item(entry), label: `#${entry.id} ${entry.title} (${entry.state.replace(/_/g, ' ')})` })),
    },
    { title: `SLA breaches (${row.breaches.length})`, items: row.breaches.map((entry) => ({ ...item(entry), label: `#${entry.id} ${entry.title} (missed: ${entry.breached.join(', ').replace(/_/g, ' ')})` })) },
    {
      title: `Your teams’ unanswered questions (${row.unanswered.length})`,
      items: row.unanswered.map((thread) => ({ label: thread.title, url: `${settings.publicUrl}/t/${thread.id}/${thread.slug}` })),
    },
  ].filter((section) => section.items.length > 0)
  const rendered = renderMail(
    {
      heading: `Your day: ${row.open_count} open ${row.open_count === 1 ? 'item' : 'items'}, ${row.breaches.length} SLA ${row.breaches.length === 1 ? 'breach' : 'breaches'}`,
      paragraphs: [],
      sections,
      actions: [{ label: 'Open the queue', url: `${settings.publicUrl}/queue` }],
      footer: { reason: 'You get this daily summary because you are on the support or engineering staff.', ...footer },
    },
    settings,
  )
  const id = await queueMail(
    db,
    {
      kind: 'staff_summary',
      eventKey: `staff-summary:${row.user_id}:${day}`,
      to: { address: row.email, userId: row.user_id, name: row.display_name },
      subject: `Your daily summary for ${day}`,
      text: rendered.text,
      html: rendered.html,
      unsubscribeUrl: footer.unsubscribeUrl,
    },
    settings,
    now,
  )
  return id !== null
}
