import { z } from 'zod'
import { escalationOutcomes } from '../db/schema'
import { flag, id, optionalId, optionalText, text } from '../validation'

export const EscalateInput = z.object({
  itemId: id('item'),
  customerDid: text('What the customer did', { min: 10, max: 5000 }),
  whatHappened: text('What happened', { min: 10, max: 5000 }),
  expected: text('What should have happened', { min: 5, max: 5000 }),
  logs: text('Logs or links', { min: 5, max: 20_000 }),
  account: text('Account / organisation', { min: 2, max: 500 }),
  frequency: text('How often', { min: 2, max: 500 }),
  customersAffected: text('How many customers', { min: 1, max: 500 }),
})

const url = optionalText('Link', { max: 500, singleLine: true }).refine((value) => value === '' || /^https?:\/\/\S+$/.test(value), {
  error: 'Give a full address starting with https://.',
})

export const AnswerInput = z
  .object({
    escalationId: id('escalation'),
    outcome: z.enum(escalationOutcomes, { error: 'Choose an outcome: fixed, workaround, needs info, duplicate or won’t fix.' }),
    answer: optionalText('Answer', { max: 20_000 }),
    trackerUrl: url,
    release: optionalText('Release', { max: 60, singleLine: true }),
    duplicateOfItemId: optionalId('item'),
  })
  .superRefine((value, ctx) => {
    const need = (field: 'answer' | 'release' | 'duplicateOfItemId', message: string) => ctx.addIssue({ code: 'custom', path: [field], message })
    if (value.outcome === 'fixed' && !value.release && !value.trackerUrl) need('release', 'Say which release ships the fix, or link the issue or commit.')
    if (value.outcome === 'workaround' && value.answer.length < 20) need('answer', 'Describe the workaround so support can pass it on (at least 20 characters).')
    if (value.outcome === 'needs_info' && value.answer.length < 10) need('answer', 'Ask support your question (at least 10 characters).')
    if (value.outcome === 'duplicate' && !value.duplicateOfItemId) need('duplicateOfItemId', 'Give the number of the item this duplicates.')
    if (value.outcome === 'wont_fix' && value.answer.length < 40)
      need('answer', 'Won’t fix needs a plain-language explanation for the customer (at least 40 characters): what we decided and why.')
  })

export const HandoffInput = z.object({ handoffId: id('handoff'), priorities: text('What the team should prioritise', { min: 10, max: 5000 }), publish: flag })

export const SyncInput = z.object({ teamSlug: text('Team', { min: 1, max: 40, singleLine: true }) })

export const SendLoopRepliesInput = z.object({
  itemId: id('item'),
  // The engineer's tracker link is internal unless support chooses to publish it with the replies.
  publishTrackerLink: flag,
  // The drafts as support edited them (id and Markdown); drafts left out are sent as drafted.
  drafts: z.array(z.object({ id: id('reply'), body: optionalText('Reply', { max: 20_000 }) })).max(200).default([]),
})

export const ConfirmFixInput = z.object({ loopReplyId: id('reply'), solved: flag })

/** Which team's shift in progress to hand off now (the engineer's own, or as its lead / an admin). */
export const DraftHandoffInput = z.object({ teamSlug: text('Team', { min: 1, max: 40, singleLine: true }) })
