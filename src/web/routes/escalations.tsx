import { Hono, type Context } from 'hono'
import { emptyForm, type FormState } from '../../../views/components'
import { InboxPage } from '../../../views/escalations/inbox'
import { FairnessPage, HandoffPage, HandoffsPage, SyncPage } from '../../../views/escalations/team'
import { threadPath } from '../../../views/format'
import { answerEscalation, confirmFix, draftHandoff, getFairness, getHandoff, getHandoffs, getMyEscalations, getSyncView, INBOX_PAGE_SIZE, markSync, publishHandoff } from '../../escalations'
import { chrome } from '../chrome'
import { readForm, submitForm, type FormStatus } from '../forms'
import { idParam } from '../params'
import { parseId } from '../../validation'
import { keptStaffPage } from '../staff-pages'
import type { AppEnv } from '../types'

// The engineer's side of the loop: their escalations, handoffs, the daily sync, the load view;
// and the two things every signed-in person has: confirming a fix, and notifications.
export const engineeringRoutes = new Hono<AppEnv>()

/** The inbox page starting at escalation `from` (the first page without it), 20 escalations a page. */
async function inboxPage(c: Context<AppEnv>, from: number | null, forms: Record<number, FormState> = {}, status: FormStatus = 200) {
  return c.html(<InboxPage chrome={chrome(c)} inbox={await getMyEscalations(c.var.ctx, { from, size: INBOX_PAGE_SIZE })} forms={forms} />, status)
}

engineeringRoutes.get('/escalations/mine', (c) => keptStaffPage(c, 'see escalations', () => inboxPage(c, parseId(c.req.query('from')))))

engineeringRoutes.post('/escalations/:id/answer', async (c) => {
  const escalationId = idParam(c, 'id', 'That escalation')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => answerEscalation({ ctx: c.var.ctx, input: { ...values, escalationId } }),
    (answered) => c.redirect(`/queue/items/${answered.itemId}#engineering`, 303),
    // The page that starts at this escalation, so its form shows the message and what was typed.
    (failure) => inboxPage(c, escalationId, { [escalationId]: failure.state }, failure.status),
  )
})

async function handoffsPage(c: Context<AppEnv>, teamSlug: string | undefined, form: FormState = emptyForm(), status: FormStatus = 200) {
  return c.html(<HandoffsPage chrome={chrome(c)} list={await getHandoffs(c.var.ctx, teamSlug)} form={form} />, status)
}

engineeringRoutes.get('/handoffs', (c) => handoffsPage(c, c.req.query('team')))

/** "Draft my handoff now": the shift in progress is handed off before it ends. */
engineeringRoutes.post('/handoffs', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => draftHandoff({ ctx: c.var.ctx, input: { teamSlug: values.teamSlug } }),
    (handoff) => c.redirect(`/handoffs/${handoff.id}#handoff-form`, 303),
    (failure) => handoffsPage(c, values.teamSlug, failure.state, failure.status),
  )
})

async function handoffPage(c: Context<AppEnv>, handoffId: number, form?: FormState, status: FormStatus = 200) {
  const handoff = await getHandoff(c.var.ctx, handoffId)
  return c.html(<HandoffPage chrome={chrome(c)} handoff={handoff} form={form ?? emptyForm({ priorities: handoff.priorities })} />, status)
}

engineeringRoutes.get('/handoffs/:id', (c) => handoffPage(c, idParam(c, 'id', 'That handoff')))

engineeringRoutes.post('/handoffs/:id', async (c) => {
  const handoffId = idParam(c, 'id', 'That handoff')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => publishHandoff({ ctx: c.var.ctx, input: { ...values, handoffId } }),
    (handoff) => c.redirect(handoff.publishedAt ? `/handoffs/${handoff.id}` : `/handoffs/${handoff.id}#handoff-form`, 303),
    (failure) => handoffPage(c, handoffId, failure.state, failure.status),
  )
})

async function syncPage(c: Context<AppEnv>, teamSlug: string | undefined, form: FormState = emptyForm(), status: FormStatus = 200) {
  return c.html(<SyncPage chrome={chrome(c)} sync={await getSyncView(c.var.ctx, teamSlug)} form={form} />, status)
}

engineeringRoutes.get('/sync', (c) => syncPage(c, c.req.query('team')))

engineeringRoutes.post('/sync', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => markSync({ ctx: c.var.ctx, input: values }),
    () => c.redirect(`/sync?team=${encodeURIComponent(values.teamSlug ?? '')}`, 303),
    (failure) => syncPage(c, values.teamSlug, failure.state, failure.status),
  )
})

engineeringRoutes.get('/fairness', async (c) => c.html(<FairnessPage chrome={chrome(c)} view={await getFairness(c.var.ctx, c.req.query('team'))} />))

/** The asker's answer to a "fixed" reply on their thread: it solved it, or it is still broken. */
engineeringRoutes.post('/fixes/:id', async (c) => {
  const loopReplyId = idParam(c, 'id', 'That fix')
  const values = await readForm(c)
  const { thread } = await confirmFix({ ctx: c.var.ctx, input: { loopReplyId, solved: values.solved } })
  return c.redirect(`${threadPath(thread)}#support-status`, 303)
})
