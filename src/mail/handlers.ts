import { eq, sql } from 'drizzle-orm'
import { mailMessages } from '../db/schema'
import { DEFAULT_MAX_ATTEMPTS, MAIL_DELIVER, type MailPayload, type OutboxHandlers } from '../outbox'
import type { Mailer } from './mailer'

export function mailHandlers(mailer: Mailer): OutboxHandlers {
  return {
    // At least once: a mail already sent or kept is not sent again when its row is delivered twice.
    [MAIL_DELIVER]: async (payload, { db, now, attempt }) => {
      const { mailId } = payload as MailPayload
      const [mail] = await db.select().from(mailMessages).where(eq(mailMessages.id, mailId))
      if (!mail || mail.status === 'sent' || mail.status === 'kept') return
      try {
        const outcome = await mailer.deliver(mail)
        await db
          .update(mailMessages)
          .set({ status: outcome, sentAt: now, attempts: sql`${mailMessages.attempts} + 1`, lastError: null })
          .where(eq(mailMessages.id, mail.id))
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        // The outbox parks the row after its last attempt; the mail says so too.
        await db
          .update(mailMessages)
          .set({ attempts: sql`${mailMessages.attempts} + 1`, lastError: message.slice(0, 1000), ...(attempt >= DEFAULT_MAX_ATTEMPTS ? { status: 'failed' as const } : {}) })
          .where(eq(mailMessages.id, mail.id))
        throw error
      }
    },
  }
}
