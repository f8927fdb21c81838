import { requireSignedIn } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { parseInput } from '../validation'
import { ThreadToggleInput } from './schemas'
import { lockThread, setSubscribed } from './thread-state'

/** Follow or stop following a thread; the choice sticks even when the person posts again. */
export async function setSubscription({ ctx, input }: VerbArgs): Promise<{ subscribed: boolean }> {
  const actor = requireSignedIn(ctx, 'follow threads')
  const data = parseInput(ThreadToggleInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const thread = await lockThread(db, data.threadId, actor)
    await setSubscribed(db, thread.id, actor.id, data.on, ctx.now())
    return { subscribed: data.on }
  })
}
