import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'

export interface OutboxMessage {
  topic: string
  /** Idempotency key: while a row with this key is pending, enqueuing again updates it. */
  key: string
  payload: unknown
  dueAt: Date
  /**
   * What a second enqueue of a pending key does to its due time: 'earliest' keeps the sooner
   * one (events: "something changed, deliver soon"); 'replace' moves it (timers, schedules).
   */
  onConflict?: 'earliest' | 'replace'
}

/**
 * Writes side effects in the caller's transaction, so they happen if and only if the change
 * that caused them commits. Delivery is at-least-once; handlers must be idempotent.
 */
export async function enqueue(db: Db, ...messages: OutboxMessage[]): Promise<void> {
  for (const message of messages) {
    const dueAt = message.dueAt.toISOString()
    const payload = JSON.stringify(message.payload ?? {})
    const due =
      message.onConflict === 'replace' ? sql`excluded.due_at` : sql`least(outbox.due_at, excluded.due_at)`
    await db.execute(sql`
      insert into outbox (topic, key, payload, due_at, created_at)
      values (${message.topic}, ${message.key}, ${payload}::jsonb, ${dueAt}::timestamptz, ${dueAt}::timestamptz)
      on conflict (key) do update set
        topic = excluded.topic,
        payload = excluded.payload,
        due_at = ${due},
        revision = outbox.revision + 1,
        attempts = 0,
        parked_at = null`)
  }
}
