import type { AuthorSummary, ReplyView, ThreadPageData } from '../../src/forum/queries'
import { replyPath, threadPath } from '../format'

// schema.org QAPage for the thread page. Every value mirrors what the page shows:
// the visible replies, their votes, the accepted one.

function person(author: AuthorSummary, origin: string) {
  return { '@type': 'Person', name: author.displayName, url: `${origin}/u/${author.id}` }
}

function answer(reply: ReplyView, data: ThreadPageData, origin: string) {
  return {
    '@type': 'Answer',
    text: reply.bodyText,
    dateCreated: reply.createdAt.toISOString(),
    ...(reply.editedAt ? { dateModified: reply.editedAt.toISOString() } : {}),
    upvoteCount: reply.upvoteCount,
    url: `${origin}${replyPath(data.thread, reply.id)}`,
    author: person(reply.author, origin),
  }
}

export function qaPageJsonLd(data: ThreadPageData, origin: string): object {
  const { thread } = data
  const visible = data.replies.filter((reply) => !reply.hidden)
  const accepted = data.accepted && !data.accepted.hidden ? data.accepted : null
  const suggested = visible.filter((reply) => reply.id !== accepted?.id)
  return {
    '@context': 'https://schema.org',
    '@type': 'QAPage',
    mainEntity: {
      '@type': 'Question',
      name: thread.title,
      text: thread.bodyText,
      answerCount: thread.replyCount,
      upvoteCount: thread.upvoteCount,
      dateCreated: thread.createdAt.toISOString(),
      ...(thread.editedAt ? { dateModified: thread.editedAt.toISOString() } : {}),
      url: `${origin}${threadPath(thread)}`,
      author: person(thread.author, origin),
      ...(accepted ? { acceptedAnswer: answer(accepted, data, origin) } : {}),
      ...(suggested.length > 0 ? { suggestedAnswer: suggested.map((reply) => answer(reply, data, origin)) } : {}),
    },
  }
}

/** JSON for a <script> block: "<" is escaped so no text can close the element early. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}
