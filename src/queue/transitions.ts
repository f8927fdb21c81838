import type { ItemState } from '../db/schema'
import { ConflictError } from '../errors'

/** Every allowed change of state, in one table. Anything else is refused. */
export const TRANSITIONS: Record<ItemState, readonly ItemState[]> = {
  new: ['triaged', 'in_progress', 'waiting_on_customer', 'escalated', 'resolved', 'wont_fix'],
  triaged: ['in_progress', 'waiting_on_customer', 'escalated', 'resolved', 'wont_fix'],
  in_progress: ['triaged', 'waiting_on_customer', 'escalated', 'fixed_pending_confirmation', 'resolved', 'wont_fix'],
  waiting_on_customer: ['in_progress', 'resolved', 'wont_fix'],
  // Resolved: the engineer found it a duplicate of another item, into which it closes.
  escalated: ['in_progress', 'waiting_on_customer', 'fixed_pending_confirmation', 'resolved', 'wont_fix'],
  fixed_pending_confirmation: ['resolved', 'in_progress'],
  resolved: ['in_progress'],
  wont_fix: ['in_progress'],
}

export const STATE_LABELS: Record<ItemState, string> = {
  new: 'New',
  triaged: 'Triaged',
  in_progress: 'In progress',
  waiting_on_customer: 'Waiting on customer',
  escalated: 'Escalated',
  fixed_pending_confirmation: 'Fixed, pending confirmation',
  resolved: 'Resolved',
  wont_fix: 'Heard – won’t fix now',
}

export function isOpen(state: ItemState): boolean {
  return state !== 'resolved' && state !== 'wont_fix'
}

export function canTransition(from: ItemState, to: ItemState): boolean {
  return TRANSITIONS[from].includes(to)
}

export function assertTransition(from: ItemState, to: ItemState): void {
  if (from === to) throw new ConflictError(`The item is already “${STATE_LABELS[to]}”.`, 'state')
  if (!canTransition(from, to))
    throw new ConflictError(
      `An item that is “${STATE_LABELS[from]}” cannot become “${STATE_LABELS[to]}”. From here it can become: ${TRANSITIONS[from]
        .map((state) => `“${STATE_LABELS[state]}”`)
        .join(', ')}.`,
      'state',
    )
}

/** What the asker sees on their thread, in their words rather than ours. */
export type PublicStatus = 'received' | 'being looked at' | 'waiting for you' | 'fixed' | 'answered'

export function publicStatusOf(state: ItemState): PublicStatus {
  switch (state) {
    case 'new':
    case 'triaged':
      return 'received'
    case 'in_progress':
    case 'escalated':
      return 'being looked at'
    case 'waiting_on_customer':
      return 'waiting for you'
    case 'fixed_pending_confirmation':
      return 'fixed'
    case 'resolved':
    case 'wont_fix':
      return 'answered'
  }
}
