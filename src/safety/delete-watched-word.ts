import { eq } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { watchedWords } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { WatchedWordIdInput } from './schemas'

export async function deleteWatchedWord({ ctx, input }: VerbArgs<WatchedWordIdInput>): Promise<void> {
  requireAdmin(ctx, 'manage watched words')
  const data = parseInput(WatchedWordIdInput, input)
  await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db.delete(watchedWords).where(eq(watchedWords.id, data.watchedWordId)).returning()
    if (!row) throw new NotFoundError('That watched word')
    await recordStaffAction({ ctx: tx, input: { action: 'safety.watched_word_deleted', subjectType: 'watched_word', subjectId: row.id, subjectLabel: row.word, details: { action: row.action } } })
  })
}
