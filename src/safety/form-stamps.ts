import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db } from '../db/client'
import { siteSecrets } from '../db/schema'
import { ValidationError } from '../errors'

// Sign-up and ask forms carry a signed timestamp of when the page was served and a honeypot
// field people never see. A script that posts the form blind, or fills every field, or submits
// faster than anyone can type, is refused with a message a person can act on (send it again).

const SECRET_NAME = 'form-stamps'
const MAX_AGE_MS = 2 * 24 * 60 * 60 * 1000
const secrets = new WeakMap<object, Promise<Buffer>>()

/** The field a person never sees (hidden by CSS, skipped by keyboard and screen readers). */
export const HONEYPOT_FIELD = 'contact_me_by_fax_only'
export const STAMP_FIELD = 'form_stamp'
/** Seconds a person needs at least, from the page arriving to pressing the button. */
export const FORM_MIN_SECONDS = { sign_up: 3, ask: 5 } as const
export type GuardedForm = keyof typeof FORM_MIN_SECONDS

async function loadSecret(db: Db): Promise<Buffer> {
  const [existing] = await db.select({ secret: siteSecrets.secret }).from(siteSecrets).where(eq(siteSecrets.name, SECRET_NAME))
  if (existing) return Buffer.from(existing.secret, 'base64url')
  // Two instances may race to create it: the insert that loses does nothing, and both read the winner.
  await db
    .insert(siteSecrets)
    .values({ name: SECRET_NAME, secret: randomBytes(32).toString('base64url'), createdAt: new Date(0) })
    .onConflictDoNothing()
  const [created] = await db.select({ secret: siteSecrets.secret }).from(siteSecrets).where(eq(siteSecrets.name, SECRET_NAME))
  return Buffer.from(created!.secret, 'base64url')
}

function secretOf(db: Db): Promise<Buffer> {
  let secret = secrets.get(db)
  if (!secret) {
    secret = loadSecret(db)
    secret.catch(() => secrets.delete(db))
    secrets.set(db, secret)
  }
  return secret
}

function sign(secret: Buffer, form: GuardedForm, issuedMs: number): string {
  return createHmac('sha256', secret).update(`${form}.${issuedMs}`).digest('base64url')
}

/** The stamp a freshly served form carries. */
export async function issueFormStamp(db: Db, form: GuardedForm, now: Date): Promise<string> {
  const issued = now.getTime()
  return `${issued}.${sign(await secretOf(db), form, issued)}`
}

/** Refuses a submission whose honeypot is filled, whose stamp is forged or stale, or that came too fast. */
export async function checkFormStamp(db: Db, form: GuardedForm, values: Record<string, string | undefined>, now: Date): Promise<void> {
  if ((values[HONEYPOT_FIELD] ?? '') !== '')
    throw new ValidationError({}, 'This form looked automatically filled in, so it was not sent. If you are a person, please send it again.')
  const [issuedText = '', signature = ''] = (values[STAMP_FIELD] ?? '').split('.')
  const issued = /^\d{1,15}$/.test(issuedText) ? Number(issuedText) : NaN
  const expected = Number.isFinite(issued) ? Buffer.from(sign(await secretOf(db), form, issued)) : null
  const given = Buffer.from(signature)
  const genuine = !!expected && expected.length === given.length && timingSafeEqual(expected, given)
  if (!genuine || now.getTime() - issued > MAX_AGE_MS)
    throw new ValidationError({}, 'This form has expired or was not served by this site. Please check your entries and send it again.')
  if (now.getTime() - issued < FORM_MIN_SECONDS[form] * 1000)
    throw new ValidationError({}, 'That was quicker than anyone can fill in this form, so it was not sent. Please check your entries and send it again.')
}
