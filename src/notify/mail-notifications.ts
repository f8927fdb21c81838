import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { queueMail, renderMail, type MailContent, type MailSettings } from '../mail'

// The mail channel of in-app notifications: each notice becomes one mail to its person (one per
// notice, however often its outbox row is delivered). Customers' mails carry only what is public
// on the thread (never an internal note or a staff-only field); staff mails point at the item.

interface NoticeRow {
  id: number
  kind: string
  message: string
  event_key: string | null
  user_id: number
  email: string
  display_name: string
  role: string
  thread_id: number | null
  thread_slug: string | null
  thread_title: string | null
  item_id: number | null
  item_title: string | null
}

interface PostRow {
  id: number
  author_name: string
  body_html: string
  body_text: string
}

/** Subjects of customers' mails, by notice kind. */
const CUSTOMER_SUBJECTS: Record<string, (title: string) => string> = {
  reply: (title) => `New reply: ${title}`,
  support_reply: (title) => `Support replied: ${title}`,
  accepted: (title) => `Solved: ${title}`,
  loop_fixed: (title) => `Fixed: ${title}`,
  loop_workaround: (title) => `A workaround: ${title}`,
  loop_wont_fix: (title) => `Our answer: ${title}`,
}

export async function mailNotifications(db: Db, notificationIds: number[], settings: MailSettings, now: Date): Promise<number> {
  if (notificationIds.length === 0) return 0
  const notices = await queryRows<NoticeRow>(
    db,
    sql`
      select n.id::int as id, n.kind, n.message, n.event_key, u.id as user_id, u.email, u.display_name, u.role,
        t.id as thread_id, t.slug as thread_slug, t.title as thread_title, i.id as item_id, i.title as item_title
      from notifications n
      join users u on u.id = n.user_id
      left join threads t on t.id = n.thread_id and t.hidden_at is null
      left join queue_items i on i.id = n.item_id
      where n.id in (${sql.join(notificationIds.map((id) => sql`${id}`), sql`, `)})
      order by n.id`,
  )
  let queued = 0
  for (const notice of notices) {
    const content =
      notice.role !== 'member' && notice.item_id ? staffMail(notice, settings) : notice.thread_id ? await customerMail(db, notice, settings) : notice.role !== 'member' ? staffNoticeMail(notice, settings) : null
    if (!content) continue
    const rendered = renderMail(content.body, settings)
    const id = await queueMail(
      db,
      {
        kind: notice.kind,
        eventKey: `notification:${notice.id}`,
        to: { address: notice.email, userId: notice.user_id, name: notice.display_name },
        subject: content.subject,
        text: rendered.text,
        html: rendered.html,
        threadId: notice.thread_id,
      },
      settings,
      now,
    )
    if (id) queued++
  }
  return queued
}

function threadUrl(notice: NoticeRow, settings: MailSettings, anchor = ''): string {
  return `${settings.publicUrl}/t/${notice.thread_id}/${notice.thread_slug}${anchor}`
}

/** The public post a customer's notice is about (a reply, an accepted answer, a loop-closing reply), if still visible. */
async function postOf(db: Db, notice: NoticeRow): Promise<PostRow | null> {
  const key = notice.event_key ?? ''
  const replyId = /^reply:(\d+)$/.exec(key)?.[1] ?? /^accepted:\d+:(\d+)$/.exec(key)?.[1]
  const where = replyId
    ? sql`r.id = ${Number(replyId)}`
    : key.startsWith('loop:') && notice.thread_id
      ? sql`r.id = (select l.reply_id from loop_replies l where l.thread_id = ${notice.thread_id} and l.reply_id is not null order by l.sent_at desc nulls last, l.id desc limit 1)`
      : null
  if (!where) return null
  const [post] = await queryRows<PostRow>(
    db,
    sql`select r.id, u.display_name as author_name, r.body_html, r.body_text from replies r join users u on u.id = r.author_id
        where ${where} and r.hidden_at is null and r.thread_id = ${notice.thread_id}`,
  )
  return post ?? null
}

async function customerMail(db: Db, notice: NoticeRow, settings: MailSettings): Promise<{ subject: string; body: MailContent } | null> {
  // A notice about a thread that is gone or hidden has nothing public left to say.
  if (!notice.thread_id || !notice.thread_title) return null
  const post = await postOf(db, notice)
  const subject = (CUSTOMER_SUBJECTS[notice.kind] ?? ((title: string) => title))(notice.thread_title)
  const actions = [{ label: 'View the thread', url: threadUrl(notice, settings, post ? `#reply-${post.id}` : '') }]
  if (notice.kind === 'loop_fixed') actions.unshift({ label: 'Tell us if it solved it', url: threadUrl(notice, settings, '#fix-confirmation') })
  return {
    subject,
    body: {
      heading: notice.message,
      paragraphs: [],
      ...(post ? { post: { authorName: post.author_name, html: post.body_html, text: post.body_text } } : {}),
      actions,
      footer: { reason: `You get this because you asked or follow “${notice.thread_title}”.` },
    },
  }
}

/** A staff notice about neither an item nor a thread (a handoff to write, say). */
function staffNoticeMail(notice: NoticeRow, settings: MailSettings): { subject: string; body: MailContent } {
  return {
    subject: notice.message.length > 120 ? `${notice.message.slice(0, 117)}…` : notice.message,
    body: {
      heading: notice.message,
      paragraphs: [],
      actions: [{ label: 'Open your notifications', url: `${settings.publicUrl}/notifications` }],
      footer: { reason: 'You get this because you are on the support or engineering staff.' },
    },
  }
}

function staffMail(notice: NoticeRow, settings: MailSettings): { subject: string; body: MailContent } {
  const title = notice.item_title ?? notice.thread_title ?? 'an item'
  return {
    subject: `[#${notice.item_id}] ${title}`,
    body: {
      heading: notice.message,
      paragraphs: [],
      actions: [{ label: `Open item #${notice.item_id}`, url: `${settings.publicUrl}/queue/items/${notice.item_id}` }],
      footer: { reason: 'You get this because you work this queue.' },
    },
  }
}
