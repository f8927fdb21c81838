import type { ParsedMail } from 'mailparser'
import type { TestApp } from './app'
import type { SmtpSink } from './smtp-sink'

/** Delivers every due outbox row, round after round, until nothing is due. */
export async function deliverAll(t: TestApp): Promise<void> {
  for (let round = 0; round < 6 && (await t.drain()) > 0; round++);
}

/** The mails the sink received for `address` (by envelope recipient), oldest first. */
export function mailsTo(sink: SmtpSink, address: string): ParsedMail[] {
  return sink.received.filter((_, index) => sink.envelopes[index]?.includes(address))
}

/** The path of the first link in a mail's text part that starts with `prefix` (e.g. '/password/reset/'). */
export function linkIn(mail: ParsedMail | undefined, prefix: string): string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  const match = new RegExp(`https?://[^/\\s]+(${escaped}[A-Za-z0-9]+)`).exec(mail?.text ?? '')
  if (!match) throw new Error(`no link starting ${prefix} in the mail: ${mail?.text ?? '(no mail)'}`)
  return match[1]!
}
