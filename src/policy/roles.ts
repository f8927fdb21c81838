import type { Actor, Ctx } from '../ctx'
import type { Role } from '../db/schema'
import { ForbiddenError, UnauthenticatedError } from '../errors'

export const staffRoles: readonly Role[] = ['support', 'engineer', 'admin']

export function isStaff(actor: Pick<Actor, 'role'> | null | undefined): boolean {
  return !!actor && staffRoles.includes(actor.role)
}

/** Engineers answer escalations (admins and team leads may too, but it is not their daily work). */
export function isEngineer(actor: Pick<Actor, 'role'> | null | undefined): boolean {
  return actor?.role === 'engineer'
}

export function isAdmin(actor: Pick<Actor, 'role'> | null | undefined): boolean {
  return actor?.role === 'admin'
}

/** The signed-in actor, or an error that sends the visitor to sign in first. */
export function requireSignedIn(ctx: Ctx, action: string): Actor {
  if (!ctx.actor) throw new UnauthenticatedError(action)
  return ctx.actor
}

export function requireStaff(ctx: Ctx, action: string): Actor {
  const actor = requireSignedIn(ctx, action)
  if (!isStaff(actor)) throw new ForbiddenError(`Only support staff, engineers and admins can ${action}.`)
  return actor
}

export function requireAdmin(ctx: Ctx, action: string): Actor {
  const actor = requireSignedIn(ctx, action)
  if (!isAdmin(actor)) throw new ForbiddenError(`Only admins can ${action}.`)
  return actor
}
