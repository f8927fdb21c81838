import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { watchedWords, type ReviewReason } from '../db/schema'
import { RateLimitedError, ValidationError } from '../errors'
import { getSafetySettings } from './settings'
import { STAFF_TRUST, TRUST, type Standing } from './standing'
import { findWatchedWord } from './watched-words'

export interface PostDraft {
  /** A new question, a new reply, or an edit of either. */
  kind: 'question' | 'reply' | 'edit'
  title?: string
  markdown: string
  /** The sanitised HTML the forum will store (links and images are counted from it). */
  html: string
  /** The form field the body came from, for messages. */
  bodyField?: string
}

export interface Screening {
  /** Held for review before anyone sees it. */
  hold: { reason: Exclude<ReviewReason, 'flagged'>; detail: string } | null
  /** Published, but put in front of staff (a watched word whose action is "flag"). */
  flag: { detail: string } | null
}

/** What one post of a new (0) or basic (1) account may carry; members and above are not limited. */
export const CONTENT_LIMITS = {
  links: [5, 20],
  images: [1, 10],
  mentions: [2, 10],
} as const

/** Posts in any 24 hours, for new (0) and basic (1) accounts. */
export const DAILY_LIMITS = {
  question: [3, 10],
  reply: [10, 50],
} as const

const DAY_MS = 24 * 60 * 60 * 1000
const MENTION = /(?:^|[^\w@./-])@[A-Za-z0-9_][\w.-]{0,49}/g

/**
 * Judges a post before it is written: refuses what is never allowed (a blocked word, more links,
 * images or mentions than a new account may post, more posts today than its level allows) with a
 * message by the field, and says whether it must wait for staff (a watched word asking for
 * approval, links to many domains from a new account, the first posts of new accounts when the
 * admin asks for approval). Staff are never screened.
 */
export async function screenPost(db: Db, standing: Standing, draft: PostDraft, now: Date, siteUrl?: string): Promise<Screening> {
  const clean: Screening = { hold: null, flag: null }
  if (standing.trust >= STAFF_TRUST) return clean
  const bodyField = draft.bodyField ?? 'body'

  const rules = await db.select({ word: watchedWords.word, action: watchedWords.action }).from(watchedWords)
  const inTitle = draft.title ? findWatchedWord(rules, draft.title) : null
  const inBody = findWatchedWord(rules, draft.markdown)
  const watched = [inTitle, inBody].sort((a, b) => severity(b) - severity(a))[0] ?? null
  if (watched?.action === 'block') {
    const field = inTitle?.action === 'block' ? 'title' : bodyField
    throw new ValidationError({ [field]: `“${watched.word}” is not allowed in posts here. Please rephrase and post again.` })
  }

  const level = Math.min(standing.trust, 2)
  const links = linkTargets(draft.html)
  if (level < TRUST.member) {
    const images = (draft.html.match(/<img\b/gi) ?? []).length
    const mentions = (draft.markdown.match(MENTION) ?? []).length
    const name = level === TRUST.new ? 'New accounts' : 'Accounts at the basic trust level'
    const refuse = (what: string, limit: number) =>
      new ValidationError({ [bodyField]: `${name} may post at most ${limit} ${what} in one post. Remove some and post again; the limit rises as you take part.` })
    if (links.length > CONTENT_LIMITS.links[level]!) throw refuse('links', CONTENT_LIMITS.links[level]!)
    if (images > CONTENT_LIMITS.images[level]!) throw refuse(CONTENT_LIMITS.images[level] === 1 ? 'image' : 'images', CONTENT_LIMITS.images[level]!)
    if (mentions > CONTENT_LIMITS.mentions[level]!) throw refuse('mentions', CONTENT_LIMITS.mentions[level]!)
    if (draft.kind !== 'edit') await refuseOverDailyLimit(db, standing, draft.kind, level, now)
  }

  if (watched?.action === 'require_approval') return { hold: { reason: 'watched_word', detail: `Contains the watched word “${watched.word}”.` }, flag: null }
  if (standing.trust === TRUST.new) {
    const settings = await getSafetySettings(db)
    const siteHost = siteUrl ? hostOf(siteUrl) : null
    const domains = [...new Set(links.map(hostOf).filter((host): host is string => !!host && host !== siteHost))]
    if (domains.length > settings.newAccountMaxLinkDomains)
      return { hold: { reason: 'link_domains', detail: `A new account linking to ${domains.length} sites: ${domains.join(', ')}.` }, flag: null }
    if (draft.kind !== 'edit' && settings.approveNewAccountPosts && (await acceptedPostCount(db, standing.userId)) < settings.approveNewAccountPostCount)
      return { hold: { reason: 'first_post', detail: 'One of the first posts of a new account (approval of new accounts is on).' }, flag: null }
  }
  if (watched?.action === 'flag') return { hold: null, flag: { detail: `Contains the watched word “${watched.word}”.` } }
  return clean
}

function severity(hit: { action: string } | null): number {
  return hit ? { block: 3, require_approval: 2, flag: 1 }[hit.action as 'block'] : 0
}

function linkTargets(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/gi)].map((match) => match[1]!.replaceAll('&amp;', '&'))
}

function hostOf(url: string): string | null {
  if (!URL.canParse(url)) return null
  const host = new URL(url).hostname.toLowerCase()
  return host.startsWith('www.') ? host.slice(4) : host
}

async function refuseOverDailyLimit(db: Db, standing: Standing, kind: 'question' | 'reply', level: number, now: Date): Promise<void> {
  const limit = DAILY_LIMITS[kind][level]!
  const since = new Date(now.getTime() - DAY_MS).toISOString()
  const table = kind === 'question' ? sql`threads` : sql`replies`
  const [row] = await queryRows<{ count: number; oldest: string | Date | null }>(
    db,
    sql`select count(*)::int as count, min(created_at) as oldest from (
          select created_at from ${table} where author_id = ${standing.userId} and created_at > ${since}::timestamptz
          order by created_at desc limit ${limit}) recent`,
  )
  if (!row || row.count < limit || !row.oldest) return
  const retryAfter = Math.max(1, Math.ceil((new Date(row.oldest).getTime() + DAY_MS - now.getTime()) / 1000))
  const what = kind === 'question' ? `ask ${limit} questions` : `post ${limit} replies`
  const name = level === TRUST.new ? 'New accounts' : 'Accounts at the basic trust level'
  throw new RateLimitedError(
    retryAfter,
    `${name} may ${what} a day. You can post again in about ${Math.ceil(retryAfter / 3600)} hours; what you wrote is kept below. The limit rises as you take part.`,
  )
}

/** Posts of this person that are public or were once approved (neither held nor refused). */
async function acceptedPostCount(db: Db, userId: number): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    db,
    sql`select ((select count(*) from threads where author_id = ${userId} and coalesce(hidden_reason, '') not in ('held', 'rejected'))
              + (select count(*) from replies where author_id = ${userId} and coalesce(hidden_reason, '') not in ('held', 'rejected')))::int as count`,
  )
  return row?.count ?? 0
}
