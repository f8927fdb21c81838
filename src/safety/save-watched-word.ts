import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { watchedWords } from '../db/schema'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { WatchedWordInput } from './schemas'

/** Adds a watched word, or changes the action of one already watched. */
export async function saveWatchedWord({ ctx, input }: VerbArgs<WatchedWordInput>): Promise<{ id: number; word: string }> {
  const actor = requireAdmin(ctx, 'manage watched words')
  const data = parseInput(WatchedWordInput, input)
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(watchedWords)
      .values({ word: data.word, action: data.action, createdAt: ctx.now(), createdById: actor.id })
      .onConflictDoUpdate({ target: watchedWords.word, set: { action: data.action } })
      .returning({ id: watchedWords.id, word: watchedWords.word })
    await recordStaffAction({ ctx: tx, input: { action: 'safety.watched_word_saved', subjectType: 'watched_word', subjectId: row!.id, subjectLabel: data.word, details: { action: data.action } } })
    return row!
  })
}
