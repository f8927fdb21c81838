import { Hono, type Context } from 'hono'
import { emptyForm, type FormState } from '../../../views/components'
import { SafetyAdminPage } from '../../../views/safety/admin-safety'
import { FlagPage } from '../../../views/safety/flag'
import { PersonModerationPage, type PersonModerationForms } from '../../../views/safety/person'
import { ReviewPage } from '../../../views/safety/review'
import { flagPost, getFlagTarget, getReviewQueue, liftSanction, removeSpammer, reviewPost, sanctionAccount } from '../../moderation'
import { isAdmin } from '../../policy'
import { deleteWatchedWord, getPersonSafety, getSafetyAdminPage, saveSafetySettings, saveWatchedWord, setTrustLevel } from '../../safety'
import { NotFoundError } from '../../errors'
import { chrome } from '../chrome'
import { readForm, submitForm, type FormStatus } from '../forms'
import { idParam } from '../params'
import type { AppEnv } from '../types'

/** Trust and safety pages: flagging (members), /review and person moderation (staff), /admin/safety (admins). Roles are checked by the verbs and queries. */
export const moderationRoutes = new Hono<AppEnv>()

// --- Flags ---------------------------------------------------------------------

async function flagPage(c: Context<AppEnv>, post: { threadId?: number; replyId?: number }, form: FormState, status: FormStatus = 200) {
  const target = await getFlagTarget(c.var.ctx, post)
  return c.html(<FlagPage chrome={chrome(c)} target={target} form={form} />, status)
}

async function submitFlag(c: Context<AppEnv>, post: { threadId?: number; replyId?: number }) {
  const values = await readForm(c)
  const target = await getFlagTarget(c.var.ctx, post)
  return submitForm(
    c,
    values,
    () => flagPost({ ctx: c.var.ctx, input: { threadId: target.threadId, replyId: target.replyId ?? '', reason: values.reason ?? '', note: values.note ?? '' } }),
    (done) => c.html(<FlagPage chrome={chrome(c)} target={target} form={emptyForm()} done={done} />),
    (failure) => c.html(<FlagPage chrome={chrome(c)} target={target} form={failure.state} />, failure.status),
  )
}

moderationRoutes.get('/t/:id/flag', (c) => flagPage(c, { threadId: idParam(c, 'id', 'That thread') }, emptyForm()))
moderationRoutes.post('/t/:id/flag', (c) => submitFlag(c, { threadId: idParam(c, 'id', 'That thread') }))
moderationRoutes.get('/r/:id/flag', (c) => flagPage(c, { replyId: idParam(c, 'id', 'That reply') }, emptyForm()))
moderationRoutes.post('/r/:id/flag', (c) => submitFlag(c, { replyId: idParam(c, 'id', 'That reply') }))

// --- The review queue ------------------------------------------------------------

const REVIEW_NOTICES: Record<string, string> = {
  approved: 'Approved: the post is public.',
  rejected: 'Rejected: the post stays out of sight.',
  hidden: 'Hidden: only staff and its author see it.',
  suspended: 'Rejected, and its author is suspended.',
}

moderationRoutes.get('/review', async (c) => {
  const queue = await getReviewQueue(c.var.ctx)
  return c.html(<ReviewPage chrome={chrome(c)} queue={queue} notice={REVIEW_NOTICES[c.req.query('done') ?? ''] ?? null} />)
})

moderationRoutes.post('/review/:id', async (c) => {
  const reviewItemId = idParam(c, 'id', 'That review entry')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => reviewPost({ ctx: c.var.ctx, input: { reviewItemId, decision: values.decision ?? '', reason: values.reason, message: values.message, duration: values.duration } }),
    () => c.redirect(`/review?done=${values.decision === 'suspend' ? 'suspended' : values.decision === 'approve' ? 'approved' : values.decision === 'reject' ? 'rejected' : 'hidden'}`, 303),
    async (failure) => {
      const queue = await getReviewQueue(c.var.ctx)
      return c.html(<ReviewPage chrome={chrome(c)} queue={queue} failed={{ id: reviewItemId, form: failure.state }} />, failure.status)
    },
  )
})

// --- One person ------------------------------------------------------------------

async function personPage(c: Context<AppEnv>, userId: number, forms: PersonModerationForms = {}, status: FormStatus = 200, notice?: string) {
  const safety = await getPersonSafety(c.var.ctx, userId)
  if (!safety) throw new NotFoundError('That person')
  return c.html(<PersonModerationPage chrome={chrome(c)} safety={safety} isAdmin={isAdmin(c.var.actor)} forms={forms} notice={notice ?? null} />, status)
}

moderationRoutes.get('/moderation/users/:id', (c) => {
  const done = c.req.query('done')
  const notices: Record<string, string> = { trust: 'Trust level saved.', sanction: 'Saved: they see your message.', lifted: 'Lifted.', removed: 'Removed, with all their posts.' }
  return personPage(c, idParam(c, 'id', 'That person'), {}, 200, done ? notices[done] : undefined)
})

moderationRoutes.post('/moderation/users/:id/trust', async (c) => {
  const userId = idParam(c, 'id', 'That person')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => setTrustLevel({ ctx: c.var.ctx, input: { userId, trustLevel: values.trustLevel ?? '' } }),
    () => c.redirect(`/moderation/users/${userId}?done=trust`, 303),
    (failure) => personPage(c, userId, { trust: failure.state }, failure.status),
  )
})

moderationRoutes.post('/moderation/users/:id/sanctions', async (c) => {
  const userId = idParam(c, 'id', 'That person')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => sanctionAccount({ ctx: c.var.ctx, input: { userId, kind: values.kind ?? '', reason: values.reason, message: values.message, duration: values.duration } }),
    () => c.redirect(`/moderation/users/${userId}?done=sanction`, 303),
    (failure) => personPage(c, userId, { sanction: failure.state }, failure.status),
  )
})

moderationRoutes.post('/moderation/sanctions/:id/lift', async (c) => {
  const sanctionId = idParam(c, 'id', 'That suspension')
  await readForm(c)
  const { userId } = await liftSanction({ ctx: c.var.ctx, input: { sanctionId } })
  return c.redirect(`/moderation/users/${userId}?done=lifted`, 303)
})

moderationRoutes.post('/moderation/users/:id/remove', async (c) => {
  const userId = idParam(c, 'id', 'That person')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => removeSpammer({ ctx: c.var.ctx, input: { userId, reason: values.reason ?? '', confirmName: values.confirmName ?? '' } }),
    () => c.redirect(`/moderation/users/${userId}?done=removed`, 303),
    (failure) => personPage(c, userId, { remove: failure.state }, failure.status),
  )
})

// --- Admin settings and watched words --------------------------------------------------

async function safetyAdminPage(c: Context<AppEnv>, forms: { settings?: FormState; word?: FormState } = {}, status: FormStatus = 200, notice?: string) {
  const data = await getSafetyAdminPage(c.var.ctx)
  const s = data.settings
  const settingsForm =
    forms.settings ??
    emptyForm({
      approveNewAccountPosts: s.approveNewAccountPosts ? '1' : '0',
      approveNewAccountPostCount: String(s.approveNewAccountPostCount),
      blockDisposableEmail: s.blockDisposableEmail ? '1' : '0',
      flagsToHide: String(s.flagsToHide),
      newAccountMaxLinkDomains: String(s.newAccountMaxLinkDomains),
    })
  return c.html(
    <SafetyAdminPage chrome={chrome(c)} data={data} settingsForm={settingsForm} wordForm={forms.word ?? emptyForm({ action: 'require_approval' })} notice={notice ?? null} />,
    status,
  )
}

moderationRoutes.get('/admin/safety', (c) => safetyAdminPage(c, {}, 200, c.req.query('done') ? 'Saved.' : undefined))

moderationRoutes.post('/admin/safety', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () =>
      saveSafetySettings({
        ctx: c.var.ctx,
        input: {
          approveNewAccountPosts: values.approveNewAccountPosts,
          approveNewAccountPostCount: values.approveNewAccountPostCount,
          blockDisposableEmail: values.blockDisposableEmail,
          flagsToHide: values.flagsToHide,
          newAccountMaxLinkDomains: values.newAccountMaxLinkDomains,
        },
      }),
    () => c.redirect('/admin/safety?done=1', 303),
    (failure) => safetyAdminPage(c, { settings: failure.state }, failure.status),
  )
})

moderationRoutes.post('/admin/safety/words', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => saveWatchedWord({ ctx: c.var.ctx, input: { word: values.word ?? '', action: values.action ?? '' } }),
    () => c.redirect('/admin/safety?done=1', 303),
    (failure) => safetyAdminPage(c, { word: failure.state }, failure.status),
  )
})

moderationRoutes.post('/admin/safety/words/:id/delete', async (c) => {
  const watchedWordId = idParam(c, 'id', 'That watched word')
  await readForm(c)
  await deleteWatchedWord({ ctx: c.var.ctx, input: { watchedWordId } })
  return c.redirect('/admin/safety?done=1', 303)
})
