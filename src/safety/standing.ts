import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import { ForbiddenError } from '../errors'
import { isStaff } from '../policy'
import type { Actor } from '../ctx'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { trustLevels, type SanctionKind, type TrustLevelName } from '../db/schema'

/** Staff stand above every trust level: no trust limit applies to them. */
export const STAFF_TRUST = 4
export const TRUST = { new: 0, basic: 1, member: 2, regular: 3 } as const satisfies Record<TrustLevelName, number>

/** Members of an organisation on a paid plan start as members (level 2), whatever their history. */
export const PAYING_CUSTOMER_TRUST = TRUST.member

export interface ActiveSanction {
  id: number
  kind: SanctionKind
  /** What the person is told. */
  message: string
  endsAt: Date | null
}

/** Where a person stands when they act: their effective trust and any suspension or silence in force. */
export interface Standing {
  userId: number
  /** 0-3, or STAFF_TRUST for staff. */
  trust: number
  /** The stored level (before a paying organisation raises it). */
  storedTrust: number
  createdAt: Date
  suspension: ActiveSanction | null
  silence: ActiveSanction | null
}

export function trustName(level: number): string {
  return level >= STAFF_TRUST ? 'staff' : (trustLevels[level] ?? 'new')
}

/** One round trip: the person's level, their organisation's plan and the sanctions in force now. */
export async function loadStanding(db: Db, actor: Pick<Actor, 'id' | 'role'>, now: Date): Promise<Standing> {
  const at = now.toISOString()
  const [row] = await queryRows<{
    trust_level: number
    created_at: Date | string
    paying: boolean
    sanctions: { id: number; kind: SanctionKind; message: string; ends_at: string | null }[] | null
  }>(
    db,
    sql`select u.trust_level, u.created_at,
               coalesce(o.plan <> 'free', false) as paying,
               (select json_agg(json_build_object('id', s.id, 'kind', s.kind, 'message', s.message, 'ends_at', s.ends_at) order by s.ends_at desc nulls first)
                  from account_sanctions s
                 where s.user_id = u.id and s.lifted_at is null and s.starts_at <= ${at}::timestamptz
                   and (s.ends_at is null or s.ends_at > ${at}::timestamptz)) as sanctions
          from users u left join organisations o on o.id = u.organisation_id
         where u.id = ${actor.id}`,
  )
  const stored = row?.trust_level ?? 0
  const sanctions = (row?.sanctions ?? []).map((s) => ({ id: s.id, kind: s.kind, message: s.message, endsAt: s.ends_at ? new Date(s.ends_at) : null }))
  return {
    userId: actor.id,
    trust: isStaff(actor) ? STAFF_TRUST : Math.max(stored, row?.paying ? PAYING_CUSTOMER_TRUST : 0),
    storedTrust: stored,
    createdAt: row ? new Date(row.created_at) : now,
    suspension: sanctions.find((s) => s.kind === 'suspend') ?? null,
    silence: sanctions.find((s) => s.kind === 'silence') ?? null,
  }
}

/** The words a suspended or silenced person reads: what staff wrote, and until when. */
export function describeSanction(sanction: ActiveSanction, what: 'suspended' | 'silenced'): string {
  const until = sanction.endsAt ? `until ${sanction.endsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'until staff lift it'
  const doing = what === 'suspended' ? 'Your account is suspended' : 'Your account is silenced: you can read, but not post, reply, vote or flag,'
  return `${doing} ${until}. ${sanction.message}`.trim()
}

/** A sanction as the in-force SQL below returns it (json). */
export interface SanctionJson {
  id: number
  kind: SanctionKind
  message: string
  ends_at: string | null
}

/**
 * SQL: the sanction of `kind` in force at `at` for the user in `userId`, as json (SanctionJson) or
 * null; the one that lasts longest when there are several. Other domains' hot reads (the session
 * lookup, the API token lookup) embed it to learn a person's standing in their own round trip.
 * Served by account_sanctions_user_idx.
 */
export function sanctionInForceSql(userId: SQLWrapper, kind: SanctionKind, at: SQL | Date): SQL<SanctionJson | null> {
  const instant = at instanceof Date ? sql`${at.toISOString()}::timestamptz` : at
  return sql<SanctionJson | null>`(select json_build_object('id', s.id, 'kind', s.kind, 'message', s.message, 'ends_at', s.ends_at)
      from account_sanctions s
     where s.user_id = ${userId} and s.kind = ${kind} and s.lifted_at is null and s.starts_at <= ${instant}
       and (s.ends_at is null or s.ends_at > ${instant})
     order by s.ends_at desc nulls first limit 1)`
}

export function sanctionFromJson(json: SanctionJson | null | undefined): ActiveSanction | null {
  return json ? { id: json.id, kind: json.kind, message: json.message, endsAt: json.ends_at ? new Date(json.ends_at) : null } : null
}

/** What a suspended person is told at every door (sign-in, API, mail): the sanction's words. */
export function suspendedMessage(sanction: ActiveSanction): string {
  return describeSanction(sanction, 'suspended')
}

/** What anyone using a removed account's credentials is told. */
export const REMOVED_ACCOUNT_MESSAGE = 'This account was removed by the moderators and cannot be used any more.'

/**
 * Refuses to open a door (a session, by any way of signing in) for an account that is removed or
 * suspended now, with the words the person should read. Every session is created through this.
 */
export async function requireAccountOpen(db: Db, userId: number, now: Date): Promise<void> {
  const [row] = await queryRows<{ deleted: boolean; suspension: SanctionJson | null }>(
    db,
    sql`select u.deleted_at is not null as deleted, ${sanctionInForceSql(sql`u.id`, 'suspend', now)} as suspension from users u where u.id = ${userId}`,
  )
  if (!row) return
  if (row.deleted) throw new ForbiddenError(REMOVED_ACCOUNT_MESSAGE)
  const suspension = sanctionFromJson(row.suspension)
  if (suspension) throw new ForbiddenError(suspendedMessage(suspension))
}
