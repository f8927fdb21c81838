import { createHash } from 'node:crypto'
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm'
import { hashPassword, generateToken } from '../auth'
import type { Db } from '../db/client'
import { categories, replies, tags, threads, threadTags, users } from '../db/schema'
import { renderMarkdown, slugify } from '../forum'
import { enqueue, SEARCH_INDEX_THREADS, type SearchIndexPayload } from '../outbox'
import type { ImportAuthor, ImportThread } from './format'

// Writes one batch of parsed import lines in one transaction, set-wise. Everything is keyed by
// external ids, so importing the same file again updates rather than duplicates.

let unusablePasswordHash: Promise<string> | undefined

const ROWS_PER_INSERT = 1_000

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

const authorKey = (author: ImportAuthor) => (author.external_id ? `id:${author.external_id}` : `email:${author.email}`)

function titleFromSlug(slug: string): string {
  const words = slug.replace(/-+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function displayName(author: ImportAuthor): string {
  const name = (author.name ?? '').replace(/\s+/g, ' ').trim()
  return (name || (author.email ? author.email.split('@')[0]! : `Member ${author.external_id}`)).slice(0, 50)
}

function placeholderEmail(author: ImportAuthor): string {
  // Imported people without an email still need a unique one; .invalid never delivers (RFC 2606).
  return `imported-${createHash('sha256').update(author.external_id!).digest('hex').slice(0, 24)}@imported.invalid`
}

async function resolveCategories(db: Db, slugs: string[], now: Date): Promise<Map<string, number>> {
  const unique = [...new Set(slugs)]
  await db
    .insert(categories)
    .values(unique.map((slug, position) => ({ slug, name: titleFromSlug(slug), team: 'support', position: 1_000 + position, createdAt: now })))
    .onConflictDoNothing()
  const rows = await db.select({ id: categories.id, slug: categories.slug }).from(categories).where(inArray(categories.slug, unique))
  return new Map(rows.map((row) => [row.slug, row.id]))
}

async function resolveAuthors(db: Db, authors: ImportAuthor[], now: Date): Promise<Map<string, number>> {
  const unique = [...new Map(authors.map((author) => [authorKey(author), author])).values()]
  const externalIds = unique.flatMap((author) => (author.external_id ? [author.external_id] : []))
  const emails = unique.flatMap((author) => (author.email ? [author.email] : []))
  const existing = await db
    .select({ id: users.id, externalId: users.externalId, email: users.email })
    .from(users)
    .where(or(externalIds.length ? inArray(users.externalId, externalIds) : sql`false`, emails.length ? inArray(users.email, emails) : sql`false`))
  const byExternal = new Map(existing.flatMap((row) => (row.externalId ? [[row.externalId, row.id] as const] : [])))
  const byEmail = new Map(existing.map((row) => [row.email, row.id] as const))

  const resolved = new Map<string, number>()
  const missing: ImportAuthor[] = []
  for (const author of unique) {
    const id = (author.external_id && byExternal.get(author.external_id)) || (author.email && byEmail.get(author.email))
    if (id) resolved.set(authorKey(author), id)
    else missing.push(author)
  }
  // Someone found by email gains their external id, so later lines match them by it.
  for (const author of unique) {
    const id = resolved.get(authorKey(author))
    if (id && author.external_id && !byExternal.has(author.external_id))
      await db.update(users).set({ externalId: author.external_id }).where(and(eq(users.id, id), isNull(users.externalId)))
  }
  // Two new people with one email are one person (emails are unique).
  const firstByEmail = new Map<string, ImportAuthor>()
  const aliases: [ImportAuthor, ImportAuthor][] = []
  const toCreate = missing.filter((author) => {
    if (!author.email) return true
    const first = firstByEmail.get(author.email)
    if (first) aliases.push([author, first])
    else firstByEmail.set(author.email, author)
    return !first
  })
  if (toCreate.length > 0) {
    unusablePasswordHash ??= hashPassword(generateToken())
    const passwordHash = await unusablePasswordHash
    for (const part of chunks(toCreate, ROWS_PER_INSERT)) {
      const inserted = await db
        .insert(users)
        .values(
          part.map((author) => ({
            email: author.email ?? placeholderEmail(author),
            displayName: displayName(author),
            externalId: author.external_id ?? null,
            passwordHash,
            role: 'member' as const,
            // People with a history in the old community arrive as members (trust level 2), not as new accounts.
            trustLevel: 2,
            createdAt: now,
          })),
        )
        .returning({ id: users.id, externalId: users.externalId, email: users.email })
      for (const [index, row] of inserted.entries()) resolved.set(authorKey(part[index]!), row.id)
    }
  }
  for (const [author, first] of aliases) resolved.set(authorKey(author), resolved.get(authorKey(first))!)
  return resolved
}

const rendered = (markdown: string) => (markdown.trim() ? renderMarkdown(markdown) : { html: '', text: '' })

/** Imports a batch of threads; returns the ids of the threads written. */
export async function importBatch(db: Db, lines: ImportThread[], now: Date): Promise<number[]> {
  // A thread (or reply) listed twice in one batch: the later line wins, as it would across batches.
  const batch = [...new Map(lines.map((thread) => [thread.external_id, thread])).values()]
  const seenReplies = new Set<string>()
  for (const thread of [...batch].reverse())
    thread.replies = thread.replies.filter((reply) => !seenReplies.has(reply.external_id) && seenReplies.add(reply.external_id))
  if (batch.length === 0) return []
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db
    const categoryIds = await resolveCategories(tx, batch.map((thread) => thread.category), now)
    const authorIds = await resolveAuthors(tx, batch.flatMap((thread) => [thread.author, ...thread.replies.map((reply) => reply.author)]), now)

    const threadRows = batch.map((thread) => {
      const body = rendered(thread.body)
      const createdAt = thread.created_at ?? now
      return {
        externalId: thread.external_id,
        categoryId: categoryIds.get(thread.category)!,
        authorId: authorIds.get(authorKey(thread.author))!,
        title: thread.title.replace(/\s+/g, ' ').trim(),
        slug: slugify(thread.title),
        bodyMarkdown: thread.body,
        bodyHtml: body.html,
        bodyText: body.text,
        createdAt,
        lastActivityAt: createdAt,
      }
    })
    const written = await tx
      .insert(threads)
      .values(threadRows)
      .onConflictDoUpdate({
        target: threads.externalId,
        set: {
          categoryId: sql`excluded.category_id`,
          authorId: sql`excluded.author_id`,
          title: sql`excluded.title`,
          slug: sql`excluded.slug`,
          bodyMarkdown: sql`excluded.body_markdown`,
          bodyHtml: sql`excluded.body_html`,
          bodyText: sql`excluded.body_text`,
          createdAt: sql`excluded.created_at`,
        },
      })
      .returning({ id: threads.id, externalId: threads.externalId })
    const threadIds = new Map(written.map((row) => [row.externalId!, row.id]))
    const ids = written.map((row) => row.id)

    const replyRows = batch.flatMap((thread) =>
      thread.replies.map((reply) => {
        const body = rendered(reply.body)
        return {
          externalId: reply.external_id,
          threadId: threadIds.get(thread.external_id)!,
          authorId: authorIds.get(authorKey(reply.author))!,
          bodyMarkdown: reply.body,
          bodyHtml: body.html,
          bodyText: body.text,
          createdAt: reply.created_at ?? thread.created_at ?? now,
        }
      }),
    )
    for (const part of chunks(replyRows, ROWS_PER_INSERT)) {
      await tx
        .insert(replies)
        .values(part)
        .onConflictDoUpdate({
          target: replies.externalId,
          set: {
            threadId: sql`excluded.thread_id`,
            authorId: sql`excluded.author_id`,
            bodyMarkdown: sql`excluded.body_markdown`,
            bodyHtml: sql`excluded.body_html`,
            bodyText: sql`excluded.body_text`,
            createdAt: sql`excluded.created_at`,
          },
        })
    }

    const idList = sql`array[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::int[]`
    // Accepted solutions, by the replies' external ids; a re-import without one clears it.
    const accepted = batch.flatMap((thread) => (thread.accepted_reply ? [sql`(${thread.external_id}, ${thread.accepted_reply})`] : []))
    await tx.execute(sql`update threads set accepted_reply_id = null, accepted_at = null, accepted_by_id = null where id = any(${idList})`)
    if (accepted.length > 0)
      await tx.execute(sql`
        update threads t set accepted_reply_id = r.id, accepted_at = r.created_at, accepted_by_id = t.author_id
        from (values ${sql.join(accepted, sql`, `)}) as a(thread_external_id, reply_external_id)
        join replies r on r.external_id = a.reply_external_id
        where t.external_id = a.thread_external_id and r.thread_id = t.id`)

    // Counters, first answer and last activity from the rows themselves, as the verbs keep them.
    await tx.execute(sql`
      update threads set
        reply_count = (select count(*)::int from replies r where r.thread_id = threads.id and r.hidden_at is null),
        answered_at = (select min(r.created_at) from replies r
                       where r.thread_id = threads.id and r.hidden_at is null and r.author_id <> threads.author_id),
        last_activity_at = greatest(threads.created_at,
                       (select max(r.created_at) from replies r where r.thread_id = threads.id and r.hidden_at is null)),
        revision = threads.revision + 1
      where threads.id = any(${idList})`)

    const tagNames = [...new Set(batch.flatMap((thread) => thread.tags))]
    await tx.delete(threadTags).where(inArray(threadTags.threadId, ids))
    if (tagNames.length > 0) {
      await tx
        .insert(tags)
        .values(tagNames.map((name) => ({ name })))
        .onConflictDoNothing()
      const tagIds = new Map((await tx.select().from(tags).where(inArray(tags.name, tagNames))).map((tag) => [tag.name, tag.id]))
      const links = batch.flatMap((thread) => [...new Set(thread.tags)].map((name) => ({ threadId: threadIds.get(thread.external_id)!, tagId: tagIds.get(name)! })))
      if (links.length > 0) await tx.insert(threadTags).values(links).onConflictDoNothing()
    }

    await enqueue(tx, {
      topic: SEARCH_INDEX_THREADS,
      key: `search:import:${ids[0]}:${ids.length}`,
      payload: { threadIds: ids } satisfies SearchIndexPayload,
      dueAt: now,
    })
    return ids
  })
}
