import { Hono } from 'hono'
import { AuditLogPage } from '../../../views/admin/audit'
import { auditCursorParam, getAuditFilterChoices, listAuditEntries, parseAuditCursor } from '../../audit'
import { chrome } from '../chrome'
import { submitForm } from '../forms'
import type { AppEnv } from '../types'

// /admin/audit: the staff audit log, admins only (the queries check), filtered by who, what and when.

export const adminAuditRoutes = new Hono<AppEnv>()

adminAuditRoutes.get('/audit', async (c) => {
  const values = {
    actor: (c.req.query('actor') ?? '').slice(0, 20),
    action: (c.req.query('action') ?? '').slice(0, 100),
    from: (c.req.query('from') ?? '').slice(0, 20),
    to: (c.req.query('to') ?? '').slice(0, 20),
  }
  const before = parseAuditCursor(c.req.query('before'))
  const choices = await getAuditFilterChoices(c.var.ctx)
  const filter = { actorId: values.actor, action: values.action, from: values.from, to: values.to }
  return submitForm(
    c,
    values,
    () => listAuditEntries(c.var.ctx, { filter, before }),
    (page) => {
      const params = new URLSearchParams(Object.entries(values).filter(([, value]) => value !== ''))
      if (page.next) params.set('before', auditCursorParam(page.next))
      const nextHref = page.next ? `/admin/audit?${params}` : null
      return c.html(<AuditLogPage chrome={chrome(c)} entries={page.entries} choices={choices} form={{ values, errors: {} }} nextHref={nextHref} firstPage={!before} />)
    },
    (failure) => c.html(<AuditLogPage chrome={chrome(c)} entries={[]} choices={choices} form={failure.state} nextHref={null} firstPage />, failure.status),
  )
})
