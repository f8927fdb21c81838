import { z } from 'zod'
import { flagReasons, sanctionKinds, watchedWordActions } from '../db/schema'
import { flag, id, optionalText, text } from '../validation'

const count = (label: string, min: number, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*\d{1,6}\s*$/.test(value) ? Number(value) : value),
    z.number({ error: `${label} must be a whole number from ${min} to ${max}.` }).int().min(min, { error: `${label} must be at least ${min}.` }).max(max, { error: `${label} must be at most ${max}.` }),
  )

export const SafetySettingsInput = z.object({
  approveNewAccountPosts: flag,
  approveNewAccountPostCount: count('Posts to approve', 1, 20),
  blockDisposableEmail: flag,
  flagsToHide: count('Flags that hide a post', 1, 50),
  newAccountMaxLinkDomains: count('Sites a new account may link to', 0, 20),
})
export type SafetySettingsInput = z.input<typeof SafetySettingsInput>

export const WatchedWordInput = z.object({
  word: text('Word', { min: 2, max: 100, singleLine: true }).transform((value) => value.toLowerCase()).refine((value) => value.replaceAll('*', '').trim().length >= 2, {
    error: 'A watched word needs at least two letters besides the *.',
  }),
  action: z.string().pipe(z.enum(watchedWordActions, { error: 'Choose what happens to a post with this word.' })),
})
export type WatchedWordInput = z.input<typeof WatchedWordInput>

export const WatchedWordIdInput = z.object({ watchedWordId: id('watched word') })
export type WatchedWordIdInput = z.input<typeof WatchedWordIdInput>

/** How long a suspension or silence lasts: a number of days, or "forever" (until lifted). */
export const SanctionDuration = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim() : value),
  z.union([z.literal('forever'), z.string().regex(/^\d{1,4}$/, { error: 'Give a number of days (1 to 3650) or choose “until lifted”.' })]).transform((value, ctx) => {
    if (value === 'forever') return null
    const days = Number(value)
    if (days < 1 || days > 3650) {
      ctx.addIssue({ code: 'custom', message: 'Give a number of days from 1 to 3650.' })
      return z.NEVER
    }
    return days
  }),
)

export const SanctionInput = z.object({
  userId: id('person'),
  kind: z.string().pipe(z.enum(sanctionKinds, { error: 'Choose suspend or silence.' })),
  reason: text('Reason', { min: 3, max: 500 }),
  message: text('Message to the person', { min: 3, max: 1000 }),
  duration: SanctionDuration,
})
export type SanctionInput = z.input<typeof SanctionInput>

export const LiftSanctionInput = z.object({ sanctionId: id('suspension') })
export type LiftSanctionInput = z.input<typeof LiftSanctionInput>

export const TrustLevelInput = z.object({
  userId: id('person'),
  /** 0-3 sets and locks the level; "auto" unlocks it and lets behaviour decide again. */
  trustLevel: z.string().pipe(z.enum(['0', '1', '2', '3', 'auto'], { error: 'Choose a trust level.' })),
})
export type TrustLevelInput = z.input<typeof TrustLevelInput>

export const FlagPostInput = z
  .object({
    threadId: id('thread'),
    replyId: z.preprocess((value) => (value === '' || value === undefined ? null : value), id('reply').nullable()),
    reason: z.string({ error: 'Choose why you are flagging this post.' }).pipe(z.enum(flagReasons, { error: 'Choose why you are flagging this post.' })),
    note: optionalText('Note', { max: 500 }),
  })
  .superRefine((value, ctx) => {
    if (value.reason === 'other' && !value.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'Tell the moderators what is wrong with this post.' })
  })
export type FlagPostInput = z.input<typeof FlagPostInput>
