// The synthetic support forum of the search latency benchmark: its vocabulary, the SQL that
// writes threads and replies straight from generate_series, and the held-out questions.
//
// Every value is a pure function of a row's id (hashint8extended), never of random() or of the
// order rows are written in. So the first 10,000 threads are the same whether the database
// holds 10k, 100k or 1M, two connections can write disjoint ranges at once, and PostgreSQL and
// PGlite hold the same rows.

import { mulberry32 } from '../../src/demo/seed-demo'

/** mulberry32 (the demo's generator): the same sequence on every machine (used for the vocabulary and shuffles). */
export const random = mulberry32

export const USERS = 5_000
export const CATEGORIES = ['Getting started', 'Desktop client', 'Mobile app', 'Sync and storage', 'Accounts and sign-in', 'Billing', 'Integrations and API', 'Administration']
/** Held-out questions (for similar()) are generated for ids from here: never inserted. */
export const HELD_OUT_FIRST_ID = 900_000_000
/** Reply ids are thread id × 8 + k (k = 1..5), so a thread's replies are known without a lookup. */
const REPLY_ID_FACTOR = 8

const dedupe = (items: string[], without: Set<string> = new Set()) => [...new Set(items)].filter((item) => !without.has(item))

// English stop words: to_tsvector drops them, but they take their share of every text.
const STOP_WORD_LIST = `the to i a and it is in of my on for this with but not when be can have that after from at as we an or so if do all are was there then any no just me our your what how which again only very been has had does did same other some now out up into about than too more you they them its here would should could will`.split(' ')
const STOP_WORDS = dedupe(STOP_WORD_LIST)

// Real words of a software support forum, roughly most frequent first.
const CONTENT_WORDS = `error app update file account server sync version issue problem working user data install login settings page new work help using get try tried set time message access open connection support team password email client files upload download backup restore folder device phone browser desktop mobile web api token key license plan billing invoice payment subscription workspace project dashboard report export import csv pdf image video notification calendar contact share link permission role admin group integration webhook plugin extension database network proxy firewall certificate ssl domain dns port timeout crash slow fails failed failing stuck missing wrong broken blank empty loading freezes hangs disconnect reconnect restart reinstall uninstall upgrade downgrade release beta feature request bug fix workaround solution log logs console screen window button menu option tab field form search filter sort list table column row record entry item document attachment storage quota limit space memory cpu disk drive cache cookie session profile avatar name address language region timezone date format encoding character text font theme mode color size layout view preview print printer camera microphone audio sound headset bluetooth wifi router vpn schedule meeting invite guest member owner organization company customer agent ticket queue status priority assign comment reply thread post category tag label archive delete remove rename move copy paste edit save load refresh reload clear reset change enable disable configure setup config environment variable command script terminal shell path directory repository branch commit build deploy pipeline container cluster node service endpoint response header json xml yaml parameter query payload schema migration index transaction lock worker job task cron trigger event callback redirect url http https shows showing appears says keeps seems happens happened started stopped running installed updated connected logged signed synced uploaded downloaded opened closed saved deleted created changed added removed selected clicked expected actual correct incorrect latest previous current old different multiple several every each first last second another whole entire large small huge quick fast slowly suddenly randomly sometimes always never often today yesterday morning week month year minutes hours seconds days anyone someone everyone nothing something everything thanks thank please hello regards appreciate idea know think need want like see look find found make made take give going come let able unable cannot without because since while until though however instead maybe probably already even back well really good great fine okay sure right left top bottom side next free paid pro enterprise trial staff duplicate conflict offline online local remote shared private public default custom manual automatic sudden original copy version2 reinstalled restarted cleared checked verified confirmed reported noticed followed guide documentation article tutorial steps instructions example screenshot attached below above details information output result results value values number count total limit rate usage speed performance latency bandwidth traffic load peak spike drop loss retry retries attempt attempts succeed success warning info debug trace stack exception null undefined invalid valid unknown unexpected unsupported supported compatible incompatible requirement requirements dependency dependencies package library module component framework runtime sdk cli tool tools plugin2 addon widget embed iframe popup modal dialog toast banner sidebar header2 footer navbar dropdown checkbox toggle slider picker upload2 drag drop click scroll zoom resize rotate crop filter2 merge split combine convert compress extract encrypt decrypt sign verify authenticate authorize grant revoke expire renew refresh2 rotate2 generate regenerate`
  .split(' ')
  .filter((word) => !/\d/.test(word))

// Product names, platforms and third parties that support questions name.
export const PRODUCT_TERMS = `syncbox vaultdrive teamdesk flowboard pixelcast notedeck mailroom shipyard android iphone ipad windows macos linux ubuntu chrome firefox safari edge docker kubernetes postgres mysql nginx outlook gmail slack zapier okta jira github gitlab salesforce hubspot stripe paypal dropbox onedrive sharepoint zoom`.split(
  ' ',
)

// Phrases that recur as a whole, so that "quoted" searches find real phrase matches.
export const PHRASES = [
  'reset my password', 'cannot connect to the server', 'keeps crashing on startup', 'after the latest update', 'sync is stuck',
  'two factor authentication', 'out of memory', 'permission denied', 'connection timed out', 'license key', 'dark mode',
  'single sign on', 'rate limit exceeded', 'push notifications', 'export to csv', 'custom domain', 'api token', 'webhook signature',
  'invalid credentials', 'session expired', 'file not found', 'access denied', 'something went wrong', 'page not loading',
  'white screen', 'stuck on loading', 'upload failed', 'storage quota', 'payment method', 'credit card', 'billing cycle',
  'free trial', 'offline mode', 'sync conflict', 'duplicate files', 'missing attachments', 'slow performance', 'high cpu usage',
  'memory leak', 'database migration', 'backup and restore', 'import from excel', 'time zone', 'date format',
  'email notifications', 'spam folder', 'verification code', 'account locked', 'delete my account', 'change my email',
  'user roles', 'admin panel', 'audit log', 'ssl certificate', 'proxy settings', 'firewall rules', 'command line',
  'release notes', 'known issue', 'feature request', 'any workaround', 'same problem here', 'thanks in advance',
  'does anyone know', 'is there a way', 'works fine on', 'tried reinstalling', 'clear the cache', 'restart the app',
  'log out and back in', 'on the desktop client', 'in the mobile app', 'on windows 11', 'on macos sonoma',
]

const VOCABULARY_SIZE = 5_000

/** Made-up words for the long tail: pronounceable, unique, never a real word of the lists above. */
function pseudoWords(count: number, taken: Set<string>): string[] {
  const next = random(424242)
  const onsets = ['b', 'br', 'c', 'cl', 'd', 'dr', 'f', 'fl', 'g', 'gr', 'h', 'j', 'k', 'kr', 'l', 'm', 'n', 'p', 'pl', 'qu', 'r', 's', 'st', 'sk', 't', 'tr', 'v', 'w', 'z']
  const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ea']
  const codas = ['', '', 'n', 'r', 'l', 'x', 'm', 'k', 'nd', 'st']
  const out: string[] = []
  while (out.length < count) {
    const syllables = 2 + Math.floor(next() * 2)
    let word = ''
    for (let i = 0; i < syllables; i++)
      word += onsets[Math.floor(next() * onsets.length)]! + vowels[Math.floor(next() * vowels.length)]! + (i === syllables - 1 ? codas[Math.floor(next() * codas.length)]! : '')
    if (word.length < 5 || word.length > 11 || taken.has(word)) continue
    taken.add(word)
    out.push(word)
  }
  return out
}

/**
 * The vocabulary in rank order: rank r is drawn with probability ∝ 1/r (Zipf, s = 1). Stop
 * words crowd the head, then real support words with phrases and product terms woven in, then
 * made-up words for the tail.
 */
function buildVocabulary(): { all: string[]; title: string[] } {
  const all: string[] = []
  const stops = [...STOP_WORDS]
  const words = dedupe(CONTENT_WORDS, new Set([...STOP_WORDS, ...PRODUCT_TERMS]))
  const phrases = [...PHRASES]
  const products = [...PRODUCT_TERMS]
  const taken = new Set([...STOP_WORDS, ...CONTENT_WORDS, ...PRODUCT_TERMS])
  // Ranks 1-10 are nearly all stop words; their share falls off until rank ~250.
  for (let rank = 1; all.length < VOCABULARY_SIZE; rank++) {
    const stopShare = rank <= 10 ? 0.8 : rank <= 60 ? 0.5 : rank <= 250 ? 0.15 : 0.05
    const slot = rank % 40
    if (stops.length && (rank * 0.618) % 1 < stopShare) all.push(stops.shift()!)
    else if (phrases.length && rank >= 60 && slot === 7) all.push(phrases.shift()!)
    else if (products.length && rank >= 20 && (slot === 3 || slot === 23)) all.push(products.shift()!)
    else if (words.length) all.push(words.shift()!)
    else all.push(...pseudoWords(1, taken))
  }
  const stopSet = new Set(STOP_WORDS)
  return { all, title: all.filter((token) => !stopSet.has(token)) }
}

export const VOCABULARY = buildVocabulary()

/** The Zipf rank of a token (1 = most frequent), for documenting the query set. */
export function rankOf(token: string): number {
  return VOCABULARY.all.indexOf(token) + 1
}

const sqlArray = (items: string[]) => `'{${items.map((item) => `"${item}"`).join(',')}}'::text[]`

// --- SQL fragments ------------------------------------------------------------------------
// Written inline rather than as SQL functions: a non-inlined SQL function starts an executor
// per call, which made the first version of this seed ten times slower.

/** A uniform number in [0, 1) from a hash of (id, salt). */
const u = (id: string, salt: string | number) => `((hashint8extended((${id})::bigint, (${salt})::bigint) & 4294967295)::float8 / 4294967296.0)`

let aliasCount = 0
/** n tokens drawn by Zipf rank: floor((N + 1)^u) has P(r) ∝ 1/r over 1..N. */
function words(id: string, saltBase: number, n: string, vocab: string): string {
  const k = `w${++aliasCount}`
  return `(select string_agg(${vocab}[floor(exp(${u(id, `${saltBase} + ${k}.n`)} * ln(cardinality(${vocab}) + 1)))::int], ' ') from generate_series(1, ${n}) ${k}(n))`
}

const code = (id: string) => `('E' || (10000 + floor(${u(id, 30)} * 20000)::int))`
const version = (id: string) => `concat(1 + floor(${u(id, 31)} * 6)::int, '.', floor(${u(id, 32)} * 25)::int, '.', floor(${u(id, 33)} * 10)::int)`
const author = (id: string) => `(1 + floor(${u(id, 5)} * ${USERS})::int)`
const created = (id: string) => `('2020-01-01T00:00:00Z'::timestamptz + make_interval(secs => (${id}) * 150 + floor(${u(id, 6)} * 100)))`
const votes = (id: string) => `least(30, floor(-ln(1 - ${u(id, 9)}) * 1.5))::int`
const replyCount = (id: string) => `floor(${u(id, 1)} * 6)::int`

/** Title: 6-14 words, half of them naming a product, some an error code; no stop words of its own. */
const title = (id: string) => `(select upper(left(t, 1)) || substr(t, 2) from (select concat_ws(' ',
    case when ${u(id, 20)} < 0.5 then v.products[1 + floor(${u(id, 21)} * cardinality(v.products))::int] end,
    ${words(id, 1_000_000, `5 + floor(${u(id, 22)} * 8)::int`, 'v.title')},
    case when ${u(id, 23)} < 0.12 then ${code(id)} end)) x(t))`

/** Question: 40-200 words, a third quoting an error code, some a version number. */
const body = (id: string) => `concat_ws(' ',
    ${words(id, 2_000_000, `20 + floor(${u(id, 3)} * 80)::int`, 'v.words')},
    case when ${u(id, 12)} < 0.35 then 'error ' || ${code(id)} end,
    case when ${u(id, 13)} < 0.30 then 'on version ' || ${version(id)} end,
    ${words(id, 3_000_000, `20 + floor(${u(id, 14)} * 81)::int`, 'v.words')})`

const replyText = (rid: string) => `concat_ws(' ',
    ${words(rid, 4_000_000, `20 + floor(${u(rid, 40)} * 61)::int`, 'v.words')},
    case when ${u(rid, 45)} < 0.1 then 'fixed in version ' || ${version(rid)} end)`

/**
 * A thread's replies without their text: 0-5, by other people than the author, 3 % hidden.
 * Reply k of thread t has id t × 8 + k. Used by both the thread and the reply statements.
 */
const repliesOf = (tid: string) => `(select k, (${tid}) * ${REPLY_ID_FACTOR} + k as id,
    1 + (${author(tid)} + floor(${u(`(${tid}) * ${REPLY_ID_FACTOR} + k`, 41)} * ${USERS - 1})::int) % ${USERS} as author_id,
    ${created(tid)} + make_interval(secs => k * 5400 + floor(${u(`(${tid}) * ${REPLY_ID_FACTOR} + k`, 42)} * 5000)) as created_at,
    ${u(`(${tid}) * ${REPLY_ID_FACTOR} + k`, 43)} < 0.03 as hidden
  from generate_series(1, ${replyCount(tid)}) k)`

const vocabCte = `with v as (select ${sqlArray(VOCABULARY.all)} as words, ${sqlArray(VOCABULARY.title)} as title, ${sqlArray(PRODUCT_TERMS)} as products)`

/** Users and categories: written once, before the first threads. */
export function baseRowsSql(): string {
  const categoryValues = CATEGORIES.map(
    (name, i) => `(${i + 1}, '${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}', '${name}', 'support', ${i}, '2020-01-01T00:00:00Z')`,
  ).join(', ')
  return `
insert into users (id, email, display_name, password_hash, role, created_at)
select n, 'member' || n || '@bench.invalid', 'Member ' || n, 'not-a-password-hash', case when n = 1 then 'admin' else 'member' end, '2019-12-01T00:00:00Z'
from generate_series(1, ${USERS}) n;
insert into categories (id, slug, name, team, position, created_at) values ${categoryValues};
select setval(pg_get_serial_sequence('users', 'id'), ${USERS});
select setval(pg_get_serial_sequence('categories', 'id'), ${CATEGORIES.length});
`
}

/**
 * Threads [from, to] with their counters as the verbs keep them: reply count, first answer and
 * last activity from the visible replies, ~40 % with an accepted (visible) reply, 1 % hidden.
 */
export function insertThreadsSql(from: number, to: number): string {
  return `${vocabCte}
insert into threads (id, category_id, author_id, title, slug, body_markdown, body_html, body_text, created_at, last_activity_at,
  reply_count, upvote_count, answered_at, accepted_reply_id, accepted_at, accepted_by_id, hidden_at, hidden_by_id)
select g.id, 1 + floor(${u('g.id', 4)} * ${CATEGORIES.length})::int, ${author('g.id')}, x.title,
  coalesce(nullif(left(trim(both '-' from regexp_replace(lower(x.title), '[^a-z0-9]+', '-', 'g')), 80), ''), 'thread'),
  x.body, '<p>' || x.body || '</p>', x.body, x.created, greatest(x.created, r.last_reply),
  r.visible, ${votes('g.id')}, r.first_reply, r.accepted_id, r.accepted_created + interval '1 hour',
  case when r.accepted_id is not null then ${author('g.id')} end,
  case when ${u('g.id', 8)} < 0.01 then x.created + interval '1 day' end,
  case when ${u('g.id', 8)} < 0.01 then 1 end
from v, generate_series(${from}, ${to}) g(id)
-- offset 0 keeps the subquery whole: flattened, its text would be generated once per use.
cross join lateral (select ${title('g.id')} as title, ${body('g.id')} as body, ${created('g.id')} as created offset 0) x
cross join lateral (
  select count(*) filter (where not b.hidden)::int as visible, min(b.created_at) filter (where not b.hidden) as first_reply,
    max(b.created_at) filter (where not b.hidden) as last_reply,
    -- The accepted reply: the visible one with the highest hash, in 48 % of threads that have one.
    (array_agg(b.id order by ${u('b.id', 44)} desc) filter (where not b.hidden and ${u('g.id', 7)} < 0.48))[1] as accepted_id,
    (array_agg(b.created_at order by ${u('b.id', 44)} desc) filter (where not b.hidden and ${u('g.id', 7)} < 0.48))[1] as accepted_created
  from ${repliesOf('g.id')} b) r`
}

export function insertRepliesSql(from: number, to: number): string {
  return `${vocabCte}
insert into replies (id, thread_id, author_id, body_markdown, body_html, body_text, created_at, hidden_at, hidden_by_id)
select b.id, g.id, b.author_id, t.text, '<p>' || t.text || '</p>', t.text, b.created_at,
  case when b.hidden then b.created_at + interval '2 hours' end, case when b.hidden then 1 end
from v, generate_series(${from}, ${to}) g(id)
cross join lateral ${repliesOf('g.id')} b
cross join lateral (select ${replyText('b.id')} as text offset 0) t`
}

/** Votes behind threads.upvote_count: distinct voters, never the author. */
export function insertThreadVotesSql(from: number, to: number): string {
  return `
insert into thread_votes (thread_id, user_id, created_at)
select g.id, 1 + (${author('g.id')} - 1 + k * 7919) % ${USERS}, ${created('g.id')} + make_interval(hours => k)
from generate_series(${from}, ${to}) g(id)
cross join lateral generate_series(1, ${votes('g.id')}) k`
}

export const fixSequencesSql = `
select setval(pg_get_serial_sequence('threads', 'id'), (select max(id) from threads));
select setval(pg_get_serial_sequence('replies', 'id'), (select max(id) from replies));`

/** Counter mismatches in [from, to]; the seed fails unless every mismatch count is zero. */
export function consistencySql(from: number, to: number): string {
  return `
with visible as (
  select r.thread_id, count(*)::int as n, min(r.created_at) as first_at, max(r.created_at) as last_at
  from replies r where r.thread_id between ${from} and ${to} and r.hidden_at is null group by r.thread_id),
votes as (select thread_id, count(*)::int as n from thread_votes where thread_id between ${from} and ${to} group by thread_id)
select
  count(*) filter (where t.reply_count <> coalesce(v.n, 0))::int as reply_count,
  count(*) filter (where t.answered_at is distinct from v.first_at)::int as answered_at,
  count(*) filter (where t.last_activity_at <> greatest(t.created_at, v.last_at))::int as last_activity_at,
  count(*) filter (where t.upvote_count <> coalesce(vo.n, 0))::int as upvote_count,
  count(*) filter (where t.accepted_reply_id is not null and not exists (
    select 1 from replies a where a.id = t.accepted_reply_id and a.thread_id = t.id and a.hidden_at is null))::int as accepted_reply,
  count(*) filter (where t.body_html = '' or t.body_text = '' or t.title = '')::int as empty_text,
  count(*)::int as threads,
  count(*) filter (where t.accepted_reply_id is not null)::int as accepted,
  count(*) filter (where t.hidden_at is not null)::int as hidden
from threads t left join visible v on v.thread_id = t.id left join votes vo on vo.thread_id = t.id
where t.id between ${from} and ${to}`
}

/** Title and body of held-out questions: the same generator, for ids that are never inserted. */
export function heldOutQuestionsSql(count: number): string {
  return `${vocabCte}
select ${title('g.id')} as title, ${body('g.id')} as body
from v, generate_series(${HELD_OUT_FIRST_ID + 1}, ${HELD_OUT_FIRST_ID + count}) g(id) order by g.id`
}
