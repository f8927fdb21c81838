import { sql } from 'drizzle-orm'
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
