import { ForbiddenError, RateLimitedError } from '../errors'
import type { Ctx } from '../ctx'
import { hitRateLimits, type RateRule } from '../rate-limits'
import { describeSanction, loadStanding, STAFF_TRUST, type Standing } from './standing'

export const writeActions = ['ask', 'reply', 'edit', 'vote', 'me_too', 'flag', 'search', 'similar'] as const
export type WriteAction = (typeof writeActions)[number]

const MINUTE = 60 * 1000

interface WriteRule {
  /** Per account and minute, by trust level new, basic, member, regular (staff: none). */
  perAccount: readonly [number, number, number, number]
  /** Per client address and minute, whoever is behind it: an office shares one address. */
  perAddress: number
  what: string
}

// Tuned so a person using the forum never meets them (a careful answer takes minutes to write),
// while a script posting as fast as it can is stopped within the first minute.
export const WRITE_RULES: Record<WriteAction, WriteRule> = {
  ask: { perAccount: [1, 2, 3, 6], perAddress: 12, what: 'asking questions' },
  reply: { perAccount: [2, 4, 8, 15], perAddress: 40, what: 'posting replies' },
  edit: { perAccount: [4, 8, 15, 30], perAddress: 60, what: 'editing posts' },
  vote: { perAccount: [10, 20, 40, 60], perAddress: 120, what: 'voting' },
  me_too: { perAccount: [6, 12, 20, 30], perAddress: 60, what: 'saying "me too"' },
  flag: { perAccount: [3, 5, 10, 15], perAddress: 30, what: 'flagging posts' },
  search: { perAccount: [20, 30, 60, 90], perAddress: 120, what: 'searching' },
  similar: { perAccount: [40, 60, 90, 120], perAddress: 240, what: 'looking up similar questions' },
}

/** Actions whose form has a body the person wrote. */
const WRITTEN: readonly WriteAction[] = ['ask', 'reply', 'edit']

/** Reads: a silenced person may still search. */
const READS: readonly WriteAction[] = ['search', 'similar']

export function writeRuleFor(action: WriteAction, trust: number): { account: RateRule | null; address: RateRule } {
  const rule = WRITE_RULES[action]
  return {
    account: trust >= STAFF_TRUST ? null : { limit: rule.perAccount[Math.min(3, Math.max(0, trust))]!, windowMs: MINUTE },
    address: { limit: rule.perAddress, windowMs: MINUTE },
  }
}

/**
 * The gate in front of every write (and of search): refuses a suspended or silenced person with
 * what staff told them, then counts the attempt against the account's and the address's
 * per-minute buckets in PostgreSQL (shared by every instance). Returns the actor's standing for
 * the content checks that follow. Runs before the verb's transaction, so a refused write still counts.
 */
export async function checkWriteAllowed(ctx: Ctx, action: WriteAction): Promise<Standing | null> {
  const now = ctx.now()
  const standing = ctx.actor ? await loadStanding(ctx.db, ctx.actor, now) : null
  // Said by the text the person wrote (kept in the form), not only above the form.
  const field = WRITTEN.includes(action) ? 'body' : undefined
  if (standing?.suspension) throw new ForbiddenError(describeSanction(standing.suspension, 'suspended'), field)
  if (standing?.silence && !READS.includes(action)) throw new ForbiddenError(describeSanction(standing.silence, 'silenced'), field)
  if (!ctx.writeLimits) return standing
  const rules = writeRuleFor(action, standing?.trust ?? 0)
  if (standing && !rules.account) return standing
  const buckets = [
    ...(standing && rules.account ? [{ key: `write:${action}:user:${standing.userId}`, rule: rules.account }] : []),
    ...(ctx.clientIp ? [{ key: `write:${action}:ip:${ctx.clientIp}`, rule: rules.address }] : []),
  ]
  if (buckets.length === 0) return standing
  const decision = await hitRateLimits(ctx.db, buckets, now)
  if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds, limitMessage(action, standing, decision.retryAfterSeconds))
  return standing
}

function limitMessage(action: WriteAction, standing: Standing | null, seconds: number): string {
  const wait = seconds < 90 ? `${Math.max(1, seconds)} seconds` : `${Math.ceil(seconds / 60)} minutes`
  const growth = standing && standing.trust < 3 ? ' Limits grow as you take part in the forum.' : ''
  const kept = (['ask', 'reply', 'edit', 'flag'] as WriteAction[]).includes(action) ? ' What you wrote is kept below.' : ''
  return `You are ${WRITE_RULES[action].what} faster than this forum allows. Please wait ${wait} and try again.${kept}${growth}`
}
