import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { queueMail, renderMail, type MailSettings } from '../mail'
import { digestPeriod, type DigestPeriod } from './digest-periods'
import { DIGEST_KIND, topicKeyOf, topicOf } from './kinds'
import { mailFooterLinks } from './mail-choices'

// The digest: for each person who chose "in a digest" for some topic, one mail per period (daily,
// or weekly) listing the notices held for it since, which are then marked digested. Safe to run
// again, and from two instances at once: the person's digest row is locked, the mail is keyed by
// person and period, and digested notices are not listed twice.

interface DigestPerson {
  user_id: number
  email: string
  display_name: string
  role: string
  frequency: 'daily' | 'weekly'
}

interface HeldNotice {
  id: number
  kind: string
  message: string
  created_at: Date
  thread_id: number | null
  thread_slug: string | null
  thread_gone: boolean
  item_id: number | null
}

/** Sends every digest due at `now`; returns how many mails were queued. */
export async function sendDigests(db: Db, settings: MailSettings, now: Date): Promise<number> {
  const people = await queryRows<DigestPerson>(
    db,
    sql`
      select u.id as user_id, u.email, u.display_name, u.role, coalesce(d.frequency, 'daily') as frequency
      from users u left join mail_digests d on d.user_id = u.id
      where exists (select 1 from mail_preferences p where p.user_id = u.id and p.mode = 'digest')
      order by u.id`,
  )
  let sent = 0
  for (const person of people) {
    const period = digestPeriod(person.frequency, now)
    // One transaction per person: a failure delays one digest, not everyone's.
    if (await db.transaction((tx) => sendDigest(tx as unknown as Db, person, period, settings, now))) sent++
  }
  return sent
}

async function sendDigest(db: Db, person: DigestPerson, period: DigestPeriod, settings: MailSettings, now: Date): Promise<boolean> {
  await db.execute(sql`insert into mail_digests (user_id) values (${person.user_id}) on conflict do nothing`)
  const [digest] = await queryRows<{ last_sent_at: Date | null }>(db, sql`select last_sent_at from mail_digests where user_id = ${person.user_id} for update`)
  if (digest?.last_sent_at && new Date(digest.last_sent_at).getTime() >= period.start.getTime()) return false

  const held = await queryRows<{ kind: string; since: Date }>(
    db,
    sql`select kind, updated_at as since from mail_preferences where user_id = ${person.user_id} and mode = 'digest'`,
  )
  if (held.length === 0) return false
  const since = new Map(held.map((row) => [row.kind, new Date(row.since).getTime()]))
  const candidates = await queryRows<HeldNotice>(
    db,
    sql`
      select n.id::int as id, n.kind, n.message, n.created_at, n.thread_id, t.slug as thread_slug,
        n.thread_id is not null and t.id is null as thread_gone, n.item_id
      from notifications n left join threads t on t.id = n.thread_id and t.hidden_at is null
      where n.user_id = ${person.user_id} and n.digested_at is null
        and n.created_at < ${period.start.toISOString()}::timestamptz
        and n.created_at >= ${new Date(Math.min(...since.values())).toISOString()}::timestamptz
      order by n.id`,
  )
  // Held: of a topic in digest mode, written after the person chose the digest for it (earlier
  // notices went out, or not, by the mode of their time).
  const notices = candidates.filter((notice) => {
    const from = since.get(topicKeyOf(notice.kind))
    return from !== undefined && new Date(notice.created_at).getTime() >= from
  })
  if (notices.length === 0) return false

  // A notice about a thread hidden since has nothing public left to say: digested, not listed.
  const listed = notices.filter((notice) => !notice.thread_gone)
  if (listed.length > 0) {
    const staff = person.role !== 'member'
    const groups = new Map<string, { label: string; url: string }[]>()
    for (const notice of listed) {
      const topic = topicKeyOf(notice.kind)
      const url =
        staff && notice.item_id
          ? `${settings.publicUrl}/queue/items/${notice.item_id}`
          : notice.thread_id
            ? `${settings.publicUrl}/t/${notice.thread_id}/${notice.thread_slug}`
            : `${settings.publicUrl}/notifications`
      const items = groups.get(topic) ?? []
      items.push({ label: notice.message, url })
      groups.set(topic, items)
    }
    const footer = await mailFooterLinks(db, { userId: person.user_id, kind: DIGEST_KIND, now }, settings)
    const what = person.frequency === 'weekly' ? 'weekly' : 'daily'
    const rendered = renderMail(
      {
        heading: `Your ${what} digest: ${listed.length} ${listed.length === 1 ? 'notice' : 'notices'}`,
        paragraphs: [],
        sections: [...groups].map(([topic, items]) => ({ title: topicOf(topic)?.label ?? topic, items })),
        actions: [{ label: 'Open your notifications', url: `${settings.publicUrl}/notifications` }],
        footer: { reason: `You get this because you chose a ${what} digest instead of single mails.`, ...footer },
      },
      settings,
    )
    await queueMail(
      db,
      {
        kind: DIGEST_KIND,
        eventKey: `digest:${person.user_id}:${period.label}`,
        to: { address: person.email, userId: person.user_id, name: person.display_name },
        subject: `Your ${what} digest from ${settings.siteName}`,
        text: rendered.text,
        html: rendered.html,
        unsubscribeUrl: footer.unsubscribeUrl,
      },
      settings,
      now,
    )
  }
  await db.execute(
    sql`update notifications set digested_at = ${now.toISOString()}::timestamptz where id in (${sql.join(
      notices.map((notice) => sql`${notice.id}`),
      sql`, `,
    )})`,
  )
  await db.execute(sql`update mail_digests set last_sent_at = ${now.toISOString()}::timestamptz where user_id = ${person.user_id}`)
  return listed.length > 0
}
