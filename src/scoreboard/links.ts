// Where a scoreboard number leads: the support board showing exactly the items behind it.

/** The board lists at most this many items by number (BOARD_IDS_MAX in src/queue). */
export const LINKABLE_IDS = 500

export interface BoardLinkFilters {
  team?: string | null
  state?: 'all' | 'open' | 'closed'
  ids?: readonly number[]
  kind?: string
  from?: Date
  to?: Date
  answered?: 'no'
  duplicates?: 'no'
  policy?: number | 'none' | null
}

export function boardLink(filters: BoardLinkFilters): string {
  const query = new URLSearchParams()
  if (filters.team) query.set('team', filters.team)
  if (filters.state && filters.state !== 'open') query.set('state', filters.state)
  if (filters.kind) query.set('kind', filters.kind)
  if (filters.from) query.set('from', filters.from.toISOString())
  if (filters.to) query.set('to', filters.to.toISOString())
  if (filters.answered) query.set('answered', filters.answered)
  if (filters.duplicates) query.set('duplicates', filters.duplicates)
  if (filters.policy !== undefined) query.set('policy', filters.policy === null ? 'none' : String(filters.policy))
  if (filters.ids) query.set('ids', [...filters.ids].sort((a, b) => a - b).join(','))
  return `/queue?${query.toString()}`
}

/** The board with these items (any state), or nothing when there are none or too many to list by number. */
export function itemsLink(ids: readonly number[]): string | undefined {
  if (ids.length === 0 || ids.length > LINKABLE_IDS) return undefined
  return boardLink({ state: 'all', ids })
}
