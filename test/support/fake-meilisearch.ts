import { createServer, type IncomingMessage, type Server } from 'node:http'

// A stand-in for a Meilisearch server at the HTTP boundary, answering with the response shapes
// documented at https://www.meilisearch.com/docs/reference/api (tasks, documents, settings,
// search). It records every request so tests can check what the adapter sends. Used when no
// real server is configured (TEST_MEILI_URL); search is a naive word match, enough to check
// how the adapter maps responses, not Meilisearch's ranking.

export interface RecordedRequest {
  method: string
  path: string
  body: unknown
  authorization: string | undefined
}

type Doc = Record<string, unknown> & { id: number }

export interface FakeMeilisearch {
  url: string
  requests: RecordedRequest[]
  documents: Map<number, Doc>
  /** The next task finishes as failed with this error (as a full index, a bad key would). */
  failNextTask(error: { message: string; code: string; type: string }): void
  close(): Promise<void>
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text ? JSON.parse(text) : undefined
}

export async function startFakeMeilisearch(): Promise<FakeMeilisearch> {
  const requests: RecordedRequest[] = []
  const documents = new Map<number, Doc>()
  const tasks = new Map<number, Record<string, unknown>>()
  const indexes = new Set<string>()
  let nextUid = 0
  let failure: { message: string; code: string; type: string } | null = null

  const enqueue = (indexUid: string | null, type: string, error: { message: string; code: string; type: string } | null = null) => {
    const uid = nextUid++
    const at = new Date().toISOString()
    const fail = failure ?? error
    failure = null
    tasks.set(uid, {
      uid,
      batchUid: uid,
      indexUid,
      status: fail ? 'failed' : 'succeeded',
      type,
      canceledBy: null,
      details: {},
      error: fail ? { ...fail, link: `https://docs.meilisearch.com/errors#${fail.code}` } : null,
      duration: 'PT0.001S',
      enqueuedAt: at,
      startedAt: at,
      finishedAt: at,
    })
    return { taskUid: uid, indexUid, status: 'enqueued', type, enqueuedAt: at }
  }

  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake')
    const body = await readBody(request)
    requests.push({ method: request.method ?? 'GET', path: url.pathname, body, authorization: request.headers.authorization })
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' })
      response.end(JSON.stringify(payload))
    }
    const parts = url.pathname.split('/').filter(Boolean)
    if (request.method === 'GET' && parts[0] === 'tasks' && parts[1]) {
      const task = tasks.get(Number(parts[1]))
      return task ? send(200, task) : send(404, { message: 'Task not found.', code: 'task_not_found', type: 'invalid_request' })
    }
    if (request.method === 'POST' && url.pathname === '/indexes') {
      const uid = (body as { uid: string }).uid
      const exists = indexes.has(uid)
      indexes.add(uid)
      return send(
        202,
        enqueue(uid, 'indexCreation', exists ? { message: `Index \`${uid}\` already exists.`, code: 'index_already_exists', type: 'invalid_request' } : null),
      )
    }
    if (parts[0] === 'indexes' && parts[1]) {
      const uid = parts[1]
      const rest = parts.slice(2).join('/')
      if (request.method === 'PATCH' && rest === 'settings') return send(202, enqueue(uid, 'settingsUpdate'))
      if (request.method === 'POST' && rest === 'documents') {
        for (const document of body as Doc[]) documents.set(Number(document.id), document)
        return send(202, enqueue(uid, 'documentAdditionOrUpdate'))
      }
      if (request.method === 'POST' && rest === 'documents/delete-batch') {
        for (const id of body as number[]) documents.delete(Number(id))
        return send(202, enqueue(uid, 'documentDeletion'))
      }
      if (request.method === 'DELETE' && rest === 'documents') {
        documents.clear()
        return send(202, enqueue(uid, 'documentDeletion'))
      }
      if (request.method === 'POST' && rest === 'search') {
        const params = body as { q?: string; page?: number; hitsPerPage?: number; limit?: number; highlightPreTag?: string; highlightPostTag?: string }
        const words = (params.q ?? '').toLowerCase().split(/\s+/).filter(Boolean)
        const matches = [...documents.values()].filter((document) =>
          words.some((word) => `${document.title} ${document.body}`.toLowerCase().includes(word)),
        )
        const mark = (text: string) =>
          words.reduce(
            (marked, word) => marked.replace(new RegExp(`(${word})`, 'gi'), `${params.highlightPreTag ?? '<em>'}$1${params.highlightPostTag ?? '</em>'}`),
            text,
          )
        const hits = matches.map((document, index) => ({
          id: document.id,
          title: document.title,
          body: document.body,
          _formatted: { id: String(document.id), title: mark(String(document.title)), body: mark(String(document.body)) },
          _rankingScore: 1 - index / 100,
        }))
        if (params.page !== undefined) {
          const perPage = params.hitsPerPage ?? 20
          return send(200, {
            hits: hits.slice((params.page - 1) * perPage, params.page * perPage),
            query: params.q ?? '',
            processingTimeMs: 1,
            hitsPerPage: perPage,
            page: params.page,
            totalPages: Math.ceil(hits.length / perPage),
            totalHits: hits.length,
          })
        }
        return send(200, { hits: hits.slice(0, params.limit ?? 20), query: params.q ?? '', processingTimeMs: 1, limit: params.limit ?? 20, offset: 0, estimatedTotalHits: hits.length })
      }
    }
    send(404, { message: `Unknown route ${request.method} ${url.pathname}`, code: 'not_found', type: 'invalid_request' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    documents,
    failNextTask(error) {
      failure = error
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
