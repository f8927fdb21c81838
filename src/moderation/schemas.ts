import { z } from 'zod'
import { SanctionDuration } from '../safety'
import { id, optionalText, text } from '../validation'

export const reviewDecisions = ['approve', 'reject', 'hide', 'suspend'] as const
export type ReviewDecision = (typeof reviewDecisions)[number]

export const ReviewPostInput = z
  .object({
    reviewItemId: id('review entry'),
    decision: z.string().pipe(z.enum(reviewDecisions, { error: 'Choose approve, reject, hide or suspend.' })),
    // Suspending the author also needs what a suspension needs.
    reason: optionalText('Reason', { max: 500 }),
    message: optionalText('Message to the person', { max: 1000 }),
    duration: z.preprocess((value) => (value === undefined || value === '' ? '7' : value), SanctionDuration),
  })
  .superRefine((value, ctx) => {
    if (value.decision !== 'suspend') return
    if (value.reason.length < 3) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Give a reason for the suspension (for staff), at least 3 characters.' })
    if (value.message.length < 3) ctx.addIssue({ code: 'custom', path: ['message'], message: 'Tell the person why, at least 3 characters: they see this message.' })
  })
export type ReviewPostInput = z.input<typeof ReviewPostInput>

export const RemoveSpammerInput = z.object({
  userId: id('person'),
  reason: optionalText('Reason', { max: 500 }).transform((value) => value || 'Spam'),
  /** The person's name typed again, so a slip of the mouse removes nobody. */
  confirmName: text('Name', { max: 100, singleLine: true }),
})
export type RemoveSpammerInput = z.input<typeof RemoveSpammerInput>
