import type { VerbArgs } from '../ctx'
import { invalidateSession } from './sessions'

/** Deletes the session row, so the token is dead even if the cookie survives somewhere. */
export async function signOut({ ctx, input }: VerbArgs<{ token: string | undefined }>): Promise<void> {
  if (input.token) await invalidateSession(ctx.db, input.token)
}
