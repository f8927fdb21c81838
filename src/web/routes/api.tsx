import { Hono, type Context } from 'hono'
import { authenticateApiToken, fileItem } from '../../queue'
import type { AppEnv } from '../types'

// The staff API. Requests authenticate with a bearer token only (never the session cookie), so
// they need no CSRF token; see src/web/csrf.ts.

export const apiRoutes = new Hono<AppEnv>()

function bearerToken(c: Context<AppEnv>): string | null {
  const header = c.req.header('authorization') ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  return match ? match[1]! : null
}

const str = (value: unknown) => (value === undefined || value === null ? undefined : typeof value === 'string' ? value : String(value))

/** POST /api/v1/items: files a queue item from another tool (email bridge, chat, CRM). */
apiRoutes.post('/items', async (c) => {
  const token = bearerToken(c)
  const actor = token ? await authenticateApiToken(c.var.ctx.db, token, 'items:write', c.var.ctx.now()) : null
  if (!actor) {
    c.header('WWW-Authenticate', 'Bearer')
    return c.json({ error: { status: 401, message: 'Send a valid, unrevoked staff API token with the items:write scope: Authorization: Bearer <token>.' } }, 401)
  }
  let body: Record<string, unknown>
  try {
    const parsed: unknown = await c.req.json()
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object')
    body = parsed as Record<string, unknown>
  } catch {
    return c.json({ error: { status: 400, message: 'The body must be a JSON object (Content-Type: application/json).' } }, 400)
  }
  const item = await fileItem({
    ctx: { ...c.var.ctx, actor },
    input: {
      source: str(body.source) ?? 'api',
      title: str(body.title),
      description: str(body.description),
      requesterEmail: str(body.requester_email) ?? '',
      organisationId: str(body.organisation_id) ?? '',
      kind: str(body.kind) ?? 'question',
      severity: str(body.severity) ?? 'normal',
      teamSlug: str(body.team),
    },
  })
  const origin = c.var.deps.env.publicUrl
  return c.json(
    {
      id: item.id,
      url: `${origin}/queue/items/${item.id}`,
      state: item.state,
      kind: item.kind,
      severity: item.severity,
      team: item.teamSlug,
      priority: `P${item.priorityClass}`,
      assignee_id: item.assigneeId,
      first_response_due_at: item.firstResponseDueAt?.toISOString() ?? null,
    },
    201,
  )
})
