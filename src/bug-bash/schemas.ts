import { z } from 'zod'
import { id, optionalText, text } from '../validation'

/** A calendar date as a date input sends it (YYYY-MM-DD), checked to exist (no 31 February). */
const day = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim() : value),
  z
    .string({ error: 'Choose the bug-bash day.' })
    .min(1, { error: 'Choose the bug-bash day.' })
    .refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), {
      error: 'Give the day as a date, like 2026-03-12.',
    }),
)

/** Pick the cluster that holds this thread (its anchor, as the list shows it) for a bug-bash day. */
export const PickClusterInput = z.object({ threadId: id('cluster'), day })
export type PickClusterInput = z.input<typeof PickClusterInput>

export const UnpickClusterInput = z.object({ clusterId: id('cluster') })
export type UnpickClusterInput = z.input<typeof UnpickClusterInput>

/** Marking fixed tells every asker: what was fixed, in words for customers, and where it ships. */
export const FixClusterInput = z.object({
  clusterId: id('cluster'),
  note: text('What was fixed', { min: 10, max: 5000 }),
  release: optionalText('Release', { max: 60, singleLine: true }),
})
export type FixClusterInput = z.input<typeof FixClusterInput>
