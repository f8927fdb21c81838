import type { SearchFilters } from '../../src/search'

// The fixed query set of the latency benchmark, chosen from the generated vocabulary
// (bench/search/latency-corpus.ts; "rank" is a token's Zipf rank there, 1 = most frequent).
// The report lists every query with its matches at each size, so a change here shows.

export const GROUPS = ['narrow', 'broad', 'phrase', 'typo', 'filtered'] as const
export type Group = (typeof GROUPS)[number] | 'similar'

export interface QueryDef {
  group: (typeof GROUPS)[number]
  text: string
  filters?: SearchFilters
  /** Why this query is in its group. */
  note: string
}

export const GROUP_NOTES: Record<Group, string> = {
  narrow: 'rare terms: error codes, tail words, a version number; tens of matches at 1M, often fewer than 3 at 10k (which then also tries a corrected query where a word missing from the vocabulary has a close known one, as the app does)',
  broad: 'one or two of the most frequent content words: a large share of all threads match, so the ranked set is always capped',
  phrase: '"quoted" phrases of 2-5 words: recurring phrases of the corpus from common to rare, and two pairs of common words that are adjacent only by chance',
  typo: 'a misspelt word (absent from the vocabulary) next to a correct one: the first try finds nothing, pg_trgm suggests the word, and the corrected query runs again',
  filtered: 'queries of the groups above with a category and/or the solved filter',
  similar: 'similar(): title and body of held-out generated questions (ids never inserted), limit 5',
}

/** Category ids follow CATEGORIES in latency-corpus.ts. */
const SYNC_AND_STORAGE = 4
const ACCOUNTS = 5
const DESKTOP = 2

export const QUERIES: QueryDef[] = [
  // Narrow. Error codes are drawn uniformly from 20,000 (a third of questions quote one, 12 % of
  // titles: ~25 threads per code at 1M); tail words sit at Zipf ranks ~4,500-5,000 (each in
  // ~0.6 % of threads, so two of them together in a few per 100,000); versions are 1 of 1,500.
  { group: 'narrow', text: 'E16734', note: 'error code' },
  { group: 'narrow', text: 'error E23118', note: 'error code with a common word' },
  { group: 'narrow', text: 'E11920 windows', note: 'error code and a product' },
  { group: 'narrow', text: 'E27001', note: 'error code' },
  { group: 'narrow', text: 'dreadogan kreamuk', note: 'two tail words (ranks 4,908 and 4,904)' },
  { group: 'narrow', text: 'quedrond flaposter', note: 'two tail words (ranks 4,916 and 4,923)' },
  { group: 'narrow', text: 'nourand beabrer', note: 'two tail words (ranks 4,924 and 4,990)' },
  { group: 'narrow', text: '5.12.3', note: 'a version number' },
  { group: 'narrow', text: '5.12.3 crash', note: 'a version number and a common word' },
  { group: 'narrow', text: 'plotrisker', note: 'one tail word (rank 4,500)' },
  // Broad: the head of the vocabulary.
  { group: 'broad', text: 'error', note: 'rank 3' },
  { group: 'broad', text: 'sync', note: 'rank 19' },
  { group: 'broad', text: 'update failed', note: 'two common words' },
  { group: 'broad', text: 'login', note: 'common word' },
  { group: 'broad', text: 'server connection', note: 'two common words' },
  { group: 'broad', text: 'install app', note: 'two common words' },
  { group: 'broad', text: 'password email', note: 'two common words' },
  { group: 'broad', text: 'settings page', note: 'two common words' },
  { group: 'broad', text: 'upload file', note: 'two common words' },
  { group: 'broad', text: 'account access problem', note: 'three common words' },
  // Phrases.
  { group: 'phrase', text: '"reset my password"', note: 'corpus phrase, rank 87' },
  { group: 'phrase', text: '"cannot connect to the server"', note: 'corpus phrase, rank 127' },
  { group: 'phrase', text: '"after the latest update"', note: 'corpus phrase, rank 207' },
  { group: 'phrase', text: '"permission denied" docker', note: 'corpus phrase (rank 367) and a product' },
  { group: 'phrase', text: '"connection timed out"', note: 'corpus phrase, rank 407' },
  { group: 'phrase', text: '"something went wrong"', note: 'corpus phrase, rank 967' },
  { group: 'phrase', text: '"high cpu usage"', note: 'corpus phrase, rank 1,567' },
  { group: 'phrase', text: '"log out and back in"', note: 'corpus phrase, rank 2,847' },
  { group: 'phrase', text: '"error sync"', note: 'two common words, adjacent only by chance' },
  { group: 'phrase', text: '"update server"', note: 'two common words, adjacent only by chance' },
  // Typos: each misspelling stems differently from the word (so the first try finds nothing) and
  // pg_trgm's nearest known word is the intended one at 10k. Not every misspelling qualifies:
  // "attachement" and "kubernets" stem like the real word, and "dashbord" is corrected to
  // "dashbo", a word cut in half at the 1,000th character (see the findings).
  { group: 'typo', text: 'pasword reset', note: 'password' },
  { group: 'typo', text: 'conection timeout', note: 'connection' },
  { group: 'typo', text: 'bluetoth headset', note: 'bluetooth' },
  { group: 'typo', text: 'certficate error', note: 'certificate' },
  { group: 'typo', text: 'invoce payment', note: 'invoice' },
  { group: 'typo', text: 'permision denied', note: 'permission' },
  { group: 'typo', text: 'databse migration', note: 'database' },
  { group: 'typo', text: 'calender sync', note: 'calendar' },
  { group: 'typo', text: 'notifcation settings', note: 'notification' },
  { group: 'typo', text: 'firwall proxy', note: 'firewall' },
  // Filters.
  { group: 'filtered', text: 'sync', filters: { categoryId: SYNC_AND_STORAGE }, note: 'broad, one category' },
  { group: 'filtered', text: 'error', filters: { state: 'solved' }, note: 'broad, solved only' },
  { group: 'filtered', text: 'login', filters: { categoryId: ACCOUNTS, state: 'solved' }, note: 'broad, category and solved' },
  { group: 'filtered', text: '"reset my password"', filters: { state: 'solved' }, note: 'phrase, solved only' },
  { group: 'filtered', text: 'upload file', filters: { categoryId: DESKTOP }, note: 'broad, one category' },
  { group: 'filtered', text: 'plotrisker', filters: { state: 'solved' }, note: 'tail word, solved only' },
]
