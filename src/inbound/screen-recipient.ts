import type { VerbArgs } from '../ctx'
import { inboundMails } from '../db/schema'
import { findReplyAddress, parseReplyAddress } from '../mail'

export interface RecipientInput {
  /** RCPT TO. */
  address: string
  /** MAIL FROM; '' for the null sender, which only bounces use. */
  mailFrom: string
}

export type Screening = { accept: true } | { accept: false; reason: string }

/**
 * Whether the SMTP listener takes mail for this recipient: a valid reply address of ours, or our
 * own From address when the mail is a bounce (the null sender: a bounce goes to the sender of the
 * mail it returns). A reply address that is forged, unknown or expired is refused here, before any
 * data, and recorded; an address that is none of ours is refused without a record (spam).
 */
export async function screenRecipient({ ctx, input }: VerbArgs<RecipientInput>): Promise<Screening> {
  const settings = ctx.mail
  if (!settings) throw new Error('screenRecipient needs ctx.mail (the mail settings).')
  const address = input.address.trim().toLowerCase()
  if (!parseReplyAddress(address, settings)) {
    const bounceAddress = (/<([^>]+)>/.exec(settings.from)?.[1] ?? settings.from).trim().toLowerCase()
    if (input.mailFrom === '' && address === bounceAddress) return { accept: true }
    return { accept: false, reason: 'No such recipient here.' }
  }
  const found = await findReplyAddress(ctx.db, address, settings, ctx.now())
  if (found.ok) return { accept: true }
  await ctx.db.insert(inboundMails).values({
    via: 'smtp',
    fromAddress: input.mailFrom.toLowerCase(),
    toAddress: address,
    subject: '',
    status: 'refused',
    reason: found.reason,
    receivedAt: ctx.now(),
  })
  return { accept: false, reason: found.reason }
}
