import { z } from 'zod'
import { digestFrequencies } from '../db/schema'
import { MAIL_TOKEN_SHAPE } from './mail-tokens'

export const SaveMailPreferencesInput = z.object({
  /** Topic key -> mode, for the topics on the person's page; each is checked against its topic. */
  modes: z.record(z.string().max(60), z.string().max(20)),
  frequency: z.enum(digestFrequencies, { error: 'Choose a daily or a weekly digest.' }).default('daily'),
})
export type SaveMailPreferencesInput = z.input<typeof SaveMailPreferencesInput>

export const MailLinkInput = z.object({
  token: z.string().regex(MAIL_TOKEN_SHAPE, { error: 'This link is not valid. Check that you copied the whole link from the mail.' }),
})
export type MailLinkInput = z.input<typeof MailLinkInput>
