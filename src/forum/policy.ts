import { isStaff } from '../policy'
import type { Actor } from '../ctx'
import { ConflictError, ForbiddenError } from '../errors'

// Each rule returns the error that refuses the action, or null when it is allowed, so the
// verbs (which throw it) and the pages (which hide the button) share one definition.

type Refusal = ForbiddenError | ConflictError | null

interface Post {
  authorId: number
}

interface ThreadState extends Post {
  lockedAt: Date | null
}

/** Authors edit their own posts; staff may edit any post (to redact a pasted secret, say). */
export function refuseEdit(actor: Actor, post: Post, thread: ThreadState): Refusal {
  if (isStaff(actor)) return null
  if (post.authorId !== actor.id) return new ForbiddenError('You can only edit your own posts.')
  if (thread.lockedAt) return new ConflictError('This thread is locked, so its posts can no longer be edited.')
  return null
}

/** Locked threads take no new replies, except from staff who explain why. */
export function refuseReply(actor: Actor, thread: ThreadState): Refusal {
  if (thread.lockedAt && !isStaff(actor)) return new ConflictError('This thread is locked and takes no new replies.', 'body')
  return null
}

/** The asker or staff choose the accepted solution. */
export function refuseAccept(actor: Actor, thread: Post): Refusal {
  if (thread.authorId !== actor.id && !isStaff(actor))
    return new ForbiddenError('Only the person who asked (or staff) can mark the solution.')
  return null
}

/** Votes and "me too" are for other people's posts. */
export function refuseOwnPost(actor: Actor, post: Post, what: string): Refusal {
  return post.authorId === actor.id ? new ForbiddenError(`You can't ${what} your own post.`) : null
}

export function allowed(refusal: Refusal): void {
  if (refusal) throw refusal
}
