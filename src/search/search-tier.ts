import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'

// The PostgreSQL engine's tier: GIN indexes (words and word pairs) over the newest documents
// only. A search looks for its newest matches in a window of the newest documents; in a large
// forum the full index hands over every posting of the words and the row of every match, most of
// them years old, to keep the few in the window. With the window inside the tier, PostgreSQL's
// planner reads the tier's indexes instead (the window's `created_at >= edge` implies the
// indexes' predicate), whose postings are the newest documents' only. The tier changes how fast
// a search is, never what it finds: the same query finds the same rows with or without it.

/** A tier covers at least this many of the newest documents, and at most twice as many. */
export const TIER_DOCUMENTS = 2 ** 18

export interface SearchTier {
  name: string
  /** The tier's indexes hold the documents created at or after this instant. */
  edge: Date
  /** Documents at or after the edge, and in the whole index, when it was built. */
  documents: number
  forumDocuments: number
}

/** The newest tier, if any (its indexes are valid: the row is written once they are built). */
export async function readSearchTier(db: Db): Promise<SearchTier | null> {
  const [row] = await queryRows<{ name: string; edge: Date | string; documents: number; forum_documents: number }>(
    db,
    sql`select name, edge, documents, forum_documents from search_tiers order by edge desc limit 1`,
  )
  return row ? { name: row.name, edge: new Date(row.edge), documents: row.documents, forumDocuments: row.forum_documents } : null
}

export interface TierMaintenance {
  built: SearchTier | null
  dropped: string[]
}

/**
 * Keeps one tier of `size` to 2 × `size` of the newest documents while the forum holds more than
 * twice `size` (a smaller forum's index is its tier already). When the newest tier has grown past
 * twice its size, a new one is built beside it (CONCURRENTLY: searches and indexing go on) and
 * recorded; tiers that are no longer the newest are dropped at the next run, once every engine
 * has stopped sizing windows by them (they remember a tier for a minute). Indexes left invalid
 * by an interrupted build are dropped first.
 */
export async function maintainSearchTier(db: Db, now: Date, size: number = TIER_DOCUMENTS): Promise<TierMaintenance> {
  const dropped: string[] = []
  const dropIndexes = async (name: string) => {
    for (const suffix of ['document', 'pairs']) await db.execute(sql.raw(`drop index concurrently if exists ${indexName(name, suffix)}`))
    await db.execute(sql`delete from search_tiers where name = ${name}`)
    dropped.push(name)
  }

  const tiers = await queryRows<{ name: string; edge: Date | string }>(db, sql`select name, edge from search_tiers order by edge desc`)
  const recorded = new Set(tiers.map((tier) => tier.name))
  const indexes = await queryRows<{ index: string; valid: boolean }>(
    db,
    sql`select c.relname as index, i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
        where c.relname ~ '^search_tier_[0-9]+_(document|pairs)$' and c.relnamespace = current_schema()::regnamespace`,
  )
  for (const { index, valid } of indexes) {
    const name = index.replace(/_(document|pairs)$/, '')
    if ((!recorded.has(name) || !valid) && !dropped.includes(name)) await dropIndexes(name)
  }
  // The tiers before the newest were replaced at least one run ago.
  for (const tier of tiers.slice(1)) if (!dropped.includes(tier.name)) await dropIndexes(tier.name)

  const [counts] = await queryRows<{ forum: number; newest_edge: Date | string | null }>(
    db,
    // The forum's size as search_lexemes counts it (its '' row), rather than counting every document.
    sql`select coalesce((select doc_count from search_lexemes where lexeme = ''), 0) as forum,
          (select created_at from search_documents order by created_at desc, thread_id desc offset ${size - 1} limit 1) as newest_edge`,
  )
  const forum = counts?.forum ?? 0
  const current = tiers.find((tier) => !dropped.includes(tier.name))
  if (forum <= 2 * size || !counts?.newest_edge) {
    if (current) await dropIndexes(current.name)
    return { built: null, dropped }
  }
  if (current) {
    const [row] = await queryRows<{ documents: number }>(
      db,
      sql`select count(*)::int as documents from search_documents where created_at >= ${new Date(current.edge).toISOString()}::timestamptz`,
    )
    if ((row?.documents ?? 0) <= 2 * size) return { built: null, dropped }
  }

  // A Date holds milliseconds: an edge cut to them only widens the tier by the documents of that millisecond.
  const edge = new Date(counts.newest_edge)
  const name = `search_tier_${edge.getTime()}`
  const predicate = `created_at >= '${edge.toISOString()}'::timestamptz`
  await db.execute(sql.raw(`create index concurrently if not exists ${indexName(name, 'document')} on search_documents using gin (document) where ${predicate}`))
  await db.execute(sql.raw(`create index concurrently if not exists ${indexName(name, 'pairs')} on search_documents using gin (phrase_pairs) where ${predicate}`))
  const [inTier] = await queryRows<{ documents: number }>(
    db,
    sql`select count(*)::int as documents from search_documents where created_at >= ${edge.toISOString()}::timestamptz`,
  )
  const built = { name, edge, documents: inTier?.documents ?? size, forumDocuments: forum }
  await db.execute(sql`
    insert into search_tiers (name, edge, documents, forum_documents, built_at)
    values (${name}, ${edge.toISOString()}::timestamptz, ${built.documents}, ${forum}, ${now.toISOString()}::timestamptz)
    on conflict (name) do nothing`)
  return { built, dropped }
}

function indexName(tier: string, suffix: string): string {
  // Names are made here from a number only; the check keeps raw SQL honest.
  if (!/^search_tier_\d+$/.test(tier)) throw new Error(`Not a tier name: ${tier}`)
  return `${tier}_${suffix}`
}
