import { z } from 'zod'
import { id, instantParam, optionalText, text, toggle } from '../validation'

export const TITLE_LIMITS = { min: 15, max: 150 }
export const BODY_LIMITS = { min: 20, max: 20_000 }
export const REPLY_LIMITS = { min: 10, max: 20_000 }
export const MAX_TAGS = 5

const TAG_PATTERN = /^[a-z0-9][a-z0-9-]{0,29}$/

/** "Billing, SSO login" -> ["billing", "sso-login"], or a field error naming the bad tag. */
export const TagList = z.preprocess(
  (value) => (typeof value === 'string' ? value : ''),
  z.string().transform((value, ctx) => {
    const tags = [
      ...new Set(
        value
          .split(',')
          .map((tag) => tag.trim().toLowerCase().replace(/[\s_]+/g, '-'))
          .filter(Boolean),
      ),
    ]
    const bad = tags.find((tag) => !TAG_PATTERN.test(tag))
    if (bad !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `Tags use letters, digits and hyphens, at most 30 characters ("single-sign-on"); "${bad.slice(0, 40)}" does not.`,
      })
      return z.NEVER
    }
    if (tags.length > MAX_TAGS) {
      ctx.addIssue({ code: 'custom', message: `Use at most ${MAX_TAGS} tags (you gave ${tags.length}).` })
      return z.NEVER
    }
    return tags
  }),
)

export const Title = text('Title', { ...TITLE_LIMITS, singleLine: true })
export const QuestionBody = text('Question', BODY_LIMITS)
export const ReplyBody = text('Reply', REPLY_LIMITS)

const QuestionFields = z.object({
  title: Title,
  body: QuestionBody,
  categoryId: id('category'),
  tags: TagList,
})

export const AskQuestionInput = QuestionFields.extend({
  // Hash of the asker's browser token, for search analytics (did a search end in a question?).
  visitorKey: z.string().max(64).optional(),
})
export type AskQuestionInput = z.infer<typeof AskQuestionInput>

export const EditThreadInput = QuestionFields.extend({ threadId: id('thread') })

export const PostReplyInput = z.object({ threadId: id('thread'), body: ReplyBody })
export const EditReplyInput = z.object({ replyId: id('reply'), body: ReplyBody })

export const ThreadToggleInput = z.object({ threadId: id('thread'), on: toggle })
export const ReplyToggleInput = z.object({ replyId: id('reply'), on: toggle })

/** Business hours, as the form shows them; at most two decimals, so 1.25 h is 75 minutes. */
export const UNANSWERED_WINDOW_HOURS = { min: 0.25, max: 720 }

const windowMessage = `Unanswered window: give business hours, like 8 or 1.5 (from ${UNANSWERED_WINDOW_HOURS.min} to ${UNANSWERED_WINDOW_HOURS.max}), or leave it empty for the default.`

/** Hours in the form, business minutes in the database; empty means the queue's default. */
const UnansweredWindowHours = z.preprocess(
  (value) => {
    if (value === undefined || value === null) return null
    if (typeof value !== 'string') return value
    const trimmed = value.trim().replace(',', '.')
    if (trimmed === '') return null
    return /^\d{1,4}(\.\d{1,2})?$|^\.\d{1,2}$/.test(trimmed) ? Number(trimmed) : Number.NaN
  },
  z
    .number({ error: windowMessage })
    .min(UNANSWERED_WINDOW_HOURS.min, { error: windowMessage })
    .max(UNANSWERED_WINDOW_HOURS.max, { error: windowMessage })
    .nullable(),
)

const CategoryFields = z.object({
  name: text('Name', { min: 2, max: 60, singleLine: true }),
  slug: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'Slug uses lowercase letters, digits and hyphens (at most 40), like "billing".' }),
  ),
  description: optionalText('Description', { max: 300 }),
  team: text('Team', { min: 2, max: 40, singleLine: true }),
  position: z.preprocess(
    (value) => (value === '' || value === undefined ? 0 : typeof value === 'string' ? Number(value) : value),
    z.number({ error: 'Position must be a whole number.' }).int({ error: 'Position must be a whole number.' }).min(0).max(10_000),
  ),
  unansweredWindowHours: UnansweredWindowHours,
})

/** The form's hours become the column's business minutes. */
function toCategoryRow<T extends { unansweredWindowHours: number | null }>({ unansweredWindowHours, ...rest }: T) {
  return { ...rest, unansweredWindowMinutes: unansweredWindowHours === null ? null : Math.round(unansweredWindowHours * 60) }
}

export const CategoryInput = CategoryFields.transform(toCategoryRow)
export type CategoryInput = z.infer<typeof CategoryInput>
export const UpdateCategoryInput = CategoryFields.extend({ categoryId: id('category') }).transform(toCategoryRow)
export type UpdateCategoryInput = z.infer<typeof UpdateCategoryInput>

export const PreviewInput = z.object({ body: z.string().max(BODY_LIMITS.max * 2).catch('') })

export const CategoryIdInput = z.object({ categoryId: id('category') })

export const DuplicateInput = z.object({
  threadId: id('thread'),
  // Empty unmarks; accepts "123" or a thread URL like /t/123/slug.
  duplicateOfId: z.preprocess((value) => {
    if (value === '' || value === undefined || value === null) return null
    const match = typeof value === 'string' ? /(?:^|\/t\/)(\d{1,10})(?:\/|$|\?|#)/.exec(value.trim()) ?? /^(\d{1,10})$/.exec(value.trim()) : null
    return match ? Number(match[1]) : value
  }, z.number({ error: 'Give the number or the address of the thread to keep.' }).int().min(1).max(2_147_483_647).nullable()),
})

/** The questions behind the scoreboard's accepted-solution figure (/staff/questions). */
export const QuestionFigureQuery = z
  .object({
    team: z.string().trim().min(1).max(40, { error: 'Team is a team’s slug.' }).optional(),
    from: instantParam('The start'),
    to: instantParam('The end'),
    outcome: z.enum(['answered', 'accepted'], { error: 'Outcome is answered or accepted.' }).optional(),
    before: z.string().max(200).optional(),
  })
  .refine((value) => value.to > value.from, { path: ['to'], message: 'The end must be after the start.' })
export type QuestionFigureQuery = z.infer<typeof QuestionFigureQuery>
