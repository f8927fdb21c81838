import { csatHandlers } from './csat'
import { escalationHandlers } from './escalations'
import { mailHandlers, type Mailer, type MailSettings } from './mail'
import { mailDigestHandlers } from './mail-preferences'
import { moderationHandlers } from './moderation'
import { notifyHandlers } from './notify'
import type { OutboxHandlers } from './outbox'
import { queueHandlers } from './queue'
import { rotationHandlers } from './rotation'
import { safetyHandlers } from './safety'
import { scoreboardHandlers } from './scoreboard'
import { searchHandlers } from './search/handlers'
import type { SearchIndex } from './search/types'
import { webhookHandlers } from './webhooks'

/** Every domain's outbox handlers, by topic: what the workers deliver. */
export function outboxHandlers(services: { search: SearchIndex; mail: { settings: MailSettings; mailer: Mailer } }): OutboxHandlers {
  return {
    ...searchHandlers(services.search),
    ...queueHandlers(),
    ...notifyHandlers(services.mail.settings),
    ...mailHandlers(services.mail.mailer),
    ...mailDigestHandlers(services.mail.settings),
    ...rotationHandlers(),
    ...safetyHandlers(),
    ...moderationHandlers(),
    ...escalationHandlers(),
    ...csatHandlers(),
    ...scoreboardHandlers(services.mail.settings),
    ...webhookHandlers({ publicUrl: services.mail.settings.publicUrl }),
  }
}
