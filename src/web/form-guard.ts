import type { Context } from 'hono'
import { checkFormStamp, HONEYPOT_FIELD, issueFormStamp, STAMP_FIELD, type GuardedForm } from '../safety'
import type { FormGuard } from '../../views/safety/form-guard'
import type { AppEnv } from './types'

/** The hidden fields a guarded form carries, or null when FORM_BOT_CHECKS is off. */
export async function formGuard(c: Context<AppEnv>, form: GuardedForm): Promise<FormGuard | null> {
  if (!c.var.deps.env.formBotChecks) return null
  return { stamp: await issueFormStamp(c.var.ctx.db, form, c.var.ctx.now()), honeypot: HONEYPOT_FIELD, stampField: STAMP_FIELD }
}

/** Refuses a scripted submission (a ValidationError the form shows, with the input kept). */
export async function checkFormGuard(c: Context<AppEnv>, form: GuardedForm, values: Record<string, string>): Promise<void> {
  if (!c.var.deps.env.formBotChecks) return
  await checkFormStamp(c.var.ctx.db, form, values, c.var.ctx.now())
}
