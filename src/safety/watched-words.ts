import type { WatchedWordAction } from '../db/schema'

export interface WatchedWordRule {
  word: string
  action: WatchedWordAction
}

export interface WatchedWordHit {
  word: string
  action: WatchedWordAction
}

const SEVERITY: Record<WatchedWordAction, number> = { block: 3, require_approval: 2, flag: 1 }

/**
 * A watched word as a whole-word, case-insensitive pattern: `*` stands for any letters, so
 * `casino*` catches "casinos" and "casino-bonus" but "cat" does not catch "category".
 */
export function watchedWordPattern(word: string): RegExp {
  const body = word
    .trim()
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'))
    .join('[\\p{L}\\p{N}_-]*')
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, 'iu')
}

/** The most severe watched word in `text` (block over approval over flag), or null. */
export function findWatchedWord(rules: readonly WatchedWordRule[], text: string): WatchedWordHit | null {
  let found: WatchedWordHit | null = null
  const normalised = text.normalize('NFKC')
  for (const rule of rules) {
    if (found && SEVERITY[found.action] >= SEVERITY[rule.action]) continue
    if (watchedWordPattern(rule.word).test(normalised)) found = { word: rule.word, action: rule.action }
  }
  return found
}
