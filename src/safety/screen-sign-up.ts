import { eq } from 'drizzle-orm'
import { isDisposableEmailDomain } from 'disposable-email-domains-js'
import type { Db } from '../db/client'
import { removedAccounts } from '../db/schema'
import { ValidationError } from '../errors'
import { getSafetySettings } from './settings'

/** The domain and every parent of it (mail.spam.example -> spam.example), since lists name the registered one. */
function domainsOf(email: string): string[] {
  const labels = email.slice(email.lastIndexOf('@') + 1).toLowerCase().split('.')
  return labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'))
}

export function isDisposableAddress(email: string): boolean {
  return domainsOf(email).some((domain) => isDisposableEmailDomain(domain))
}

/**
 * Refuses a sign-up from a throwaway-mail domain (when the admin turned that on) and from the
 * address of a spammer staff removed. Runs in the sign-up's transaction.
 */
export async function screenSignUp(db: Db, email: string): Promise<void> {
  const settings = await getSafetySettings(db)
  if (settings.blockDisposableEmail && isDisposableAddress(email))
    throw new ValidationError({ email: 'This forum does not accept addresses from disposable-mail services. Please use an address you keep.' })
  const [removed] = await db.select({ id: removedAccounts.id }).from(removedAccounts).where(eq(removedAccounts.email, email)).limit(1)
  if (removed) throw new ValidationError({ email: 'This address cannot be used to sign up here.' })
}
