import postgres from 'postgres'

// A live forum while the pages are measured: BENCH_WRITER=<posts per second> commits that many
// forum replies a second, each in its own transaction, from a connection of its own, for as long
// as a page is loaded. wrk alone writes nothing, so anything kept "until the data changes" is
// never re-rendered in a quiet run and its figure flatters; with the writer, a page kept under a
// key that moves on every commit (the database snapshot) renders afresh ~20 times a second.
//
// A post lands on a random thread of the forum, as a reply does: the reply row and the thread's
// counters, last activity and revision, like postReply (src/forum/post-reply.ts) writes them. It
// does not go through the queue's rules (the app's outbox is not drained by the bench server), so a
// post on a thread with a queue item moves no queue state: what it measures is "a forum post
// elsewhere", not a customer answering the item on the page.

export interface BackgroundWriter {
  /** Commits made since start. */
  readonly commits: number
  stop(): Promise<void>
}

/** `avoidThreadId`: the anonymous pages' measured thread keeps its 10 replies. */
export function startWriter(url: string, postsPerSecond: number, threads: number, avoidThreadId: number): BackgroundWriter {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  let commits = 0
  let stopped = false
  let inFlight: Promise<unknown> = Promise.resolve()
  const post = async () => {
    let threadId = 1 + Math.floor(Math.random() * threads)
    if (threadId === avoidThreadId) threadId = threadId === threads ? 1 : threadId + 1
    await sql.begin(async (tx) => {
      await tx`insert into replies (thread_id, author_id, body_markdown, body_html, body_text, created_at)
        select id, author_id, 'A background post.', '<p>A background post.</p>', 'A background post.', now() from threads where id = ${threadId}`
      await tx`update threads set reply_count = reply_count + 1, last_activity_at = now(), revision = revision + 1 where id = ${threadId}`
    })
    commits++
  }
  const timer = setInterval(() => {
    if (stopped) return
    inFlight = inFlight.then(post).catch((error: unknown) => console.error('background writer:', error instanceof Error ? error.message : error))
  }, 1000 / postsPerSecond)
  return {
    get commits() {
      return commits
    },
    async stop() {
      stopped = true
      clearInterval(timer)
      await inFlight
      await sql.end({ timeout: 5 })
    },
  }
}
