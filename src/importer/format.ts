import { z } from 'zod'

// The documented JSON Lines import format (README, "Importing"): one thread per line.

// Imported history may hold characters people could not type into our forms: control
// characters are dropped, NUL included (PostgreSQL text cannot hold it).
const cleaned = (value: string) => value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').normalize('NFC')

const Text = (label: string, min: number, max: number) =>
  z
    .string({ error: `${label} must be a string.` })
    .transform(cleaned)
    .pipe(
      z
        .string()
        .refine((value) => value.trim().length >= min, { error: `${label} is empty.` })
        .refine((value) => value.length <= max, { error: `${label} is longer than ${max} characters.` }),
    )

const ExternalId = z
  .union([z.string(), z.number()], { error: 'external_id must be a string or a number.' })
  .transform((value) => String(value).trim())
  .pipe(z.string().min(1, { error: 'external_id is empty.' }).max(200, { error: 'external_id is longer than 200 characters.' }))

const Timestamp = z
  .string({ error: 'created_at must be an ISO 8601 date, like 2024-03-01T09:30:00Z.' })
  .transform((value, ctx) => {
    const date = new Date(value.includes('T') || value.length <= 10 ? value : value.replace(' ', 'T') + 'Z')
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: `created_at "${value.slice(0, 40)}" is not a date.` })
      return z.NEVER
    }
    return date
  })

export const ImportAuthor = z
  .object({
    external_id: ExternalId.optional(),
    name: Text('author.name', 1, 200).optional(),
    email: z.string().trim().toLowerCase().pipe(z.email({ error: 'author.email is not an email address.' })).optional(),
  })
  .refine((author) => author.external_id !== undefined || author.email !== undefined, {
    error: 'author needs an external_id or an email.',
  })
export type ImportAuthor = z.infer<typeof ImportAuthor>

export const ImportReply = z.object({
  external_id: ExternalId,
  body: Text('reply body', 1, 100_000),
  author: ImportAuthor,
  created_at: Timestamp.optional(),
})

export const ImportThread = z.object({
  external_id: ExternalId,
  title: Text('title', 1, 300),
  body: z.string().transform(cleaned).pipe(z.string().max(100_000, { error: 'body is longer than 100000 characters.' })).default(''),
  author: ImportAuthor,
  created_at: Timestamp.optional(),
  category: z
    .string({ error: 'category must be a category slug, like "billing".' })
    .trim()
    .toLowerCase()
    .pipe(z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'category must be a slug: lowercase letters, digits and hyphens.' })),
  tags: z
    .array(
      z
        .string()
        .transform((tag) => tag.trim().toLowerCase().replace(/[\s_]+/g, '-'))
        .pipe(z.string().regex(/^[a-z0-9][a-z0-9-]{0,29}$/, { error: 'a tag uses letters, digits and hyphens (at most 30).' })),
    )
    .max(5, { error: 'at most 5 tags.' })
    .default([]),
  replies: z.array(ImportReply).max(5_000).default([]),
  accepted_reply: ExternalId.optional(),
})
export type ImportThread = z.infer<typeof ImportThread>

export interface LineProblem {
  line: number
  message: string
}

/** Parses one line; a problem names the line and says what is wrong, in the format's own terms. */
export function parseImportLine(text: string, line: number): { thread: ImportThread } | { problem: LineProblem } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { problem: { line, message: 'not valid JSON.' } }
  }
  const parsed = ImportThread.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const where = issue.path.length ? `${issue.path.join('.')}: ` : ''
    return { problem: { line, message: `${where}${issue.message}` } }
  }
  const thread = parsed.data
  if (thread.accepted_reply && !thread.replies.some((reply) => reply.external_id === thread.accepted_reply))
    return { problem: { line, message: `accepted_reply "${thread.accepted_reply}" is not one of this thread's replies.` } }
  const ids = new Set(thread.replies.map((reply) => reply.external_id))
  if (ids.size !== thread.replies.length) return { problem: { line, message: 'two replies share an external_id.' } }
  return { thread }
}
