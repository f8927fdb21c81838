import { sql } from 'drizzle-orm'
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from './accounts'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const mailStatuses = ['queued', 'sent', 'kept', 'failed'] as const
export type MailStatus = (typeof mailStatuses)[number]

/**
 * Every mail the forum sends, rendered, with its headers: written in the transaction of the change
 * that caused it (with an outbox row that delivers it), so a crash or an SMTP outage delays a mail
 * and never loses it. With no SMTP server configured, mail is kept here and shown at /admin/mail.
 */
export const mailMessages = pgTable(
  'mail_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The event kind (reply, loop_fixed, password_reset…): which template made it. */
    kind: text('kind').notNull(),
    /** One mail per recipient and event: the same event delivered twice mails nobody twice. */
    eventKey: text('event_key').notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    toAddress: text('to_address').notNull(),
    fromAddress: text('from_address').notNull(),
    replyTo: text('reply_to'),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    /** Message-ID, In-Reply-To, References, List-Unsubscribe…, exactly as sent. */
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    messageId: text('message_id').notNull().unique(),
    threadId: integer('thread_id'),
    status: text('status', { enum: mailStatuses }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamptz('created_at').notNull(),
    sentAt: timestamptz('sent_at'),
  },
  (t) => [
    // serves: the idempotency of queueMail (one mail per address and event)
    uniqueIndex('mail_messages_event_idx').on(t.toAddress, t.eventKey),
    // serves: /admin/mail, newest first
    index('mail_messages_created_idx').on(t.createdAt.desc(), t.id.desc()),
    // serves: a person's mails on their admin page
    index('mail_messages_user_idx').on(t.userId, t.createdAt.desc()).where(sql`${t.userId} is not null`),
  ],
)

export type MailMessage = typeof mailMessages.$inferSelect

export const actionTokenPurposes = ['password_reset', 'verify_email', 'change_email', 'fix_solved', 'fix_still_broken', 'unsubscribe', 'csat', 'sign_in_link'] as const
export type ActionTokenPurpose = (typeof actionTokenPurposes)[number]

/**
 * Tokens that travel in a link or a mail and act for a person: random, stored only as their
 * SHA-256, with a purpose, an expiry, and (for single-use ones) the moment they were used. The
 * link opens a confirm page; the action is a POST (mail scanners fetch links).
 */
export const actionTokens = pgTable(
  'action_tokens',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    purpose: text('purpose', { enum: actionTokenPurposes }).notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** What the token acts on: { loopReplyId }, { newEmail }, { kind } for unsubscribe… */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    expiresAt: timestamptz('expires_at').notNull(),
    usedAt: timestamptz('used_at'),
    createdAt: timestamptz('created_at').notNull(),
  },
  // serves: a person's live tokens of one purpose (a new reset link retires the older ones)
  (t) => [index('action_tokens_user_idx').on(t.userId, t.purpose)],
)

export const mailModes = ['immediately', 'digest', 'never'] as const
export type MailMode = (typeof mailModes)[number]

/** Per person and kind of event: mail at once, in the digest, or never (absent: the default). */
export const mailPreferences = pgTable(
  'mail_preferences',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    mode: text('mode', { enum: mailModes }).notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
)

export const digestFrequencies = ['daily', 'weekly'] as const

/** Per person: how often their digest goes out, and when it last did. */
export const mailDigests = pgTable('mail_digests', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  frequency: text('frequency', { enum: digestFrequencies }).notNull().default('daily'),
  lastSentAt: timestamptz('last_sent_at'),
})

/**
 * The address a notification's Reply-To carries: reply+<token>@domain, for one person and one
 * thread (or item, or item note). Only the token's hash is kept.
 */
export const replyAddresses = pgTable(
  'reply_addresses',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    threadId: integer('thread_id'),
    itemId: integer('item_id'),
    /** A reply to this address becomes an internal note on the item, not a public reply. */
    asNote: boolean('as_note').notNull().default(false),
    expiresAt: timestamptz('expires_at').notNull(),
    createdAt: timestamptz('created_at').notNull(),
  },
  // serves: reusing a person's address for a thread instead of minting one per mail
  (t) => [index('reply_addresses_user_idx').on(t.userId, t.threadId, t.itemId)],
)

export const inboundStatuses = ['posted', 'noted', 'refused', 'auto_reply', 'bounce'] as const

/** Every mail that came in (by the SMTP listener or the HTTP endpoint), and what became of it. */
export const inboundMails = pgTable(
  'inbound_mails',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    via: text('via', { enum: ['smtp', 'http'] }).notNull(),
    fromAddress: text('from_address').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    messageId: text('message_id'),
    status: text('status', { enum: inboundStatuses }).notNull(),
    /** Why it was refused or recorded without posting, in words an admin understands. */
    reason: text('reason'),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    replyId: integer('reply_id'),
    receivedAt: timestamptz('received_at').notNull(),
  },
  (t) => [
    // serves: a message delivered twice (provider retries) is handled once
    uniqueIndex('inbound_mails_message_idx').on(t.messageId).where(sql`${t.messageId} is not null`),
    index('inbound_mails_received_idx').on(t.receivedAt.desc()),
  ],
)
