import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { queueMail, renderMail, replyToOf, type MailContent, type MailSettings } from '../mail'
import { issueCsatLink, mailFooterLinks, mailModesOf } from '../mail-preferences'
import { sanctionInForceSql } from '../safety'
import { escalationFacts, fixConfirmationActions, fixOfThread, replyPost, staffNoticeLink } from './mail-details'

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
  is_asker: boolean
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
  needs_info: (title) => `Support needs more information: ${title}`,
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
        t.id as thread_id, t.slug as thread_slug, t.title as thread_title, i.id as item_id, i.title as item_title,
        t.author_id is not distinct from u.id as is_asker
      from notifications n
      join users u on u.id = n.user_id
      left join threads t on t.id = n.thread_id and t.hidden_at is null
      left join queue_items i on i.id = n.item_id
      where n.id in (${sql.join(notificationIds.map((id) => sql`${id}`), sql`, `)})
        -- A removed or suspended account gets no mail (its in-app notices wait for its return).
        and u.deleted_at is null and ${sanctionInForceSql(sql`u.id`, 'suspend', now)} is null
      order by n.id`,
  )
  // Each person's choice for the notice's kind: "never" and "in a digest" write no mail here (the
  // in-app notice stays; the digest run lists the held ones).
  const modeOf = await mailModesOf(db, notices.map((notice) => notice.user_id))
  // A fan-out (a fix announced to thousands) is one event: its post and its fix are read once.
  const shared = new Map<string, Promise<unknown>>()
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    if (!shared.has(key)) shared.set(key, read())
    return shared.get(key) as Promise<T>
  }
  let queued = 0
  for (const notice of notices) {
    if (modeOf(notice.user_id, notice.kind) !== 'immediately') continue
    const content =
      notice.kind === 'csat_request'
        ? await csatMail(db, notice, settings, now)
        : notice.role !== 'member' && notice.item_id
          ? await staffMail(db, notice, settings)
          : notice.thread_id
            ? await customerMail(db, notice, settings, now, once)
            : notice.role !== 'member'
              ? staffNoticeMail(notice, settings)
              : null
    if (!content) continue
    // Reply by mail: a Reply-To for this person and thread (or item), explained in the footer.
    const reply = await replyToOf(db, { userId: notice.user_id, threadId: notice.thread_id, itemId: notice.role !== 'member' ? notice.item_id : null }, settings, now)
    if (reply) content.body.footer.reason = `${content.body.footer.reason} ${reply.hint}`
    const links = await mailFooterLinks(db, { userId: notice.user_id, kind: notice.kind, now }, settings)
    const rendered = renderMail({ ...content.body, footer: { ...content.body.footer, ...links } }, settings)
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
        ...(reply ? { replyTo: reply.replyTo } : {}),
        unsubscribeUrl: links.unsubscribeUrl,
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

type Once = <T>(key: string, read: () => Promise<T>) => Promise<T>

async function customerMail(db: Db, notice: NoticeRow, settings: MailSettings, now: Date, once: Once): Promise<{ subject: string; body: MailContent } | null> {
  // A notice about a thread that is gone or hidden has nothing public left to say.
  if (!notice.thread_id || !notice.thread_title) return null
  const threadId = notice.thread_id
  const post = await once(`post:${notice.event_key}:${threadId}`, () => postOf(db, notice))
  const fix = notice.kind === 'loop_fixed' ? await once(`fix:${threadId}`, () => fixOfThread(db, threadId)) : null
  const subject = fix?.release ? `Fixed in ${fix.release}: ${notice.thread_title}` : (CUSTOMER_SUBJECTS[notice.kind] ?? ((title: string) => title))(notice.thread_title)
  const actions = [{ label: 'View the thread', url: threadUrl(notice, settings, post ? `#reply-${post.id}` : '') }]
  const paragraphs: string[] = []
  if (fix) {
    paragraphs.push(fix.release ? `The fix ships in release ${fix.release}.` : 'The fix is out.')
    // Only the asker confirms (confirmFix); followers just read the reply.
    if (notice.is_asker) {
      paragraphs.push('Did it solve it for you? One click tells the team: “This solved it” closes the question; “Still broken” reopens it.')
      actions.unshift(...(await fixConfirmationActions(db, { userId: notice.user_id, loopReplyId: fix.loopReplyId, now }, settings)))
    }
  }
  if (notice.kind === 'needs_info') paragraphs.push('Reply on the thread with what they asked for; your question waits for your answer.')
  return {
    subject,
    body: {
      heading: notice.message,
      paragraphs,
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
      actions: [staffNoticeLink(notice.kind, settings)],
      footer: { reason: 'You get this because you are on the support or engineering staff.' },
    },
  }
}

async function staffMail(db: Db, notice: NoticeRow, settings: MailSettings): Promise<{ subject: string; body: MailContent }> {
  const title = notice.item_title ?? notice.thread_title ?? 'an item'
  // An escalation pages an engineer: the mail carries the reproduction and the target, so they can start from it.
  const escalation = notice.kind === 'escalated' || notice.kind === 'escalation_breached'
  const facts = escalation && notice.item_id ? await escalationFacts(db, notice.item_id) : []
  const replyId = /^customer_reply:(\d+)$/.exec(notice.event_key ?? '')?.[1]
  const post = replyId ? await replyPost(db, Number(replyId)) : null
  const actions = [{ label: `Open item #${notice.item_id}`, url: `${settings.publicUrl}/queue/items/${notice.item_id}` }]
  if (escalation) actions.push({ label: 'Your escalations', url: `${settings.publicUrl}/escalations/mine` })
  return {
    subject: `[#${notice.item_id}] ${title}`,
    body: {
      heading: notice.message,
      paragraphs: [],
      ...(facts.length ? { facts } : {}),
      ...(post ? { post } : {}),
      actions,
      footer: { reason: 'You get this because you work this queue.' },
    },
  }
}

/**
 * "Did this solve your problem?" (csat/ wrote the notice with the event key csat:<request id>):
 * one signed, single-use link to the rating page, and a link per rating that only preselects it
 * there. The asker's own question and nothing else: never a note, never someone's comment.
 */
async function csatMail(db: Db, notice: NoticeRow, settings: MailSettings, now: Date): Promise<{ subject: string; body: MailContent } | null> {
  const requestId = Number(/^csat:(\d+)$/.exec(notice.event_key ?? '')?.[1])
  if (!Number.isInteger(requestId) || notice.role !== 'member') return null
  const [request] = await queryRows<{ title: string }>(
    db,
    sql`select coalesce(t.title, i.title) as title from csat_requests q join queue_items i on i.id = q.item_id
        left join threads t on t.id = q.thread_id and t.hidden_at is null
        where q.id = ${requestId} and q.user_id = ${notice.user_id}
          and not exists (select 1 from csat_ratings r where r.request_id = q.id)`,
  )
  // Rated on the thread before the mail went out: nothing to ask.
  if (!request) return null
  const url = await issueCsatLink(db, { userId: notice.user_id, csatRequestId: requestId, now }, settings)
  const words = ['Not at all', 'Barely', 'Partly', 'Mostly', 'Completely']
  return {
    subject: `Did this solve your problem? ${request.title}`,
    body: {
      heading: `Did we solve your problem with “${request.title}”?`,
      paragraphs: [
        'Your question was resolved. One click tells the team how well: choose a rating from 1 (not at all) to 5 (completely), and add a comment if you like. Only the support team reads comments.',
      ],
      actions: [
        { label: 'Rate it', url },
        ...words.map((word, index) => ({ label: `${index + 1} – ${word}`, url: `${url}?rating=${index + 1}` })),
      ],
      footer: { reason: `You get this because you asked “${request.title}”. We ask once per question.` },
    },
  }
}
