import { describe, expect, it } from 'vitest'
import { blendedShare, loosenPhrases, matchingPath, walkBudget } from '../../src/search/postgres-index'

describe('how the PostgreSQL engine finds the newest matches', () => {
  it('walks newest first when most documents match, and reads every match when few do', () => {
    const documents = 100_000
    expect(matchingPath({ wordShare: 0.9, filterShare: 1, documents, wanted: 500 })).toBe('walk')
    expect(matchingPath({ wordShare: 0.01, filterShare: 1, documents, wanted: 500 })).toBe('sorted')
    // Rarer still, or a word nobody used: nothing to walk for.
    expect(matchingPath({ wordShare: 0, filterShare: 1, documents, wanted: 500 })).toBe('sorted')
    expect(matchingPath({ wordShare: 0.5, filterShare: 1, documents: 0, wanted: 500 })).toBe('sorted')
  })

  it('walks further the larger the forum, relative to the matches it must sort', () => {
    const share = 0.05
    expect(matchingPath({ wordShare: share, filterShare: 1, documents: 10_000, wanted: 500 })).toBe('sorted')
    expect(matchingPath({ wordShare: share, filterShare: 1, documents: 10_000_000, wanted: 500 })).toBe('walk')
  })

  it('counts filters as cheap to test on the rows walked', () => {
    // A broad word in one category of eight: walking tests the category on every row but reads
    // only the documents in it, so it still beats sorting half the forum.
    expect(matchingPath({ wordShare: 0.5, filterShare: 1 / 8, documents: 100_000, wanted: 500 })).toBe('walk')
  })

  it('estimates the share holding every word between independent words and words always together', () => {
    // Independent: 0.5 × 0.2 = 0.1; always together: 0.2; the estimate lies between.
    expect(blendedShare([50, 20], 100)).toBeCloseTo(Math.sqrt(0.1 * 0.2))
    expect(blendedShare([50, 0], 100)).toBe(0)
    expect(blendedShare([], 100)).toBe(0)
    expect(blendedShare([150], 100)).toBe(1)
    expect(blendedShare([30], 100)).toBeCloseTo(0.3)
  })

  it('gives up walking once it has cost twice what reading every match was expected to', () => {
    const base = { filterShare: 1, documents: 1_000_000, wanted: 501 }
    // 90 % match: sorting would read ~900,000 rows, so the walk may go far before giving up.
    expect(walkBudget({ ...base, wordShare: 0.9 })).toBe(Math.floor((2 * 900_000) / 2.25))
    // 0.1 % match: sorting reads 1,000 rows; walking would need 500,000. No walk.
    expect(walkBudget({ ...base, wordShare: 0.001 })).toBeNull()
    // A filter makes most walked rows cheap to pass, so more of them fit the budget.
    expect(walkBudget({ ...base, wordShare: 0.9, filterShare: 0.1 })!).toBeGreaterThan(walkBudget({ ...base, wordShare: 0.9 })!)
  })

  it('loosens phrases into their words, except a negated phrase', () => {
    expect(loosenPhrases('"update failed" windows')).toBe(' update failed  windows')
    expect(loosenPhrases('update failed')).toBeNull()
    expect(loosenPhrases('windows -"update failed"')).toBeNull()
    expect(loosenPhrases('windows - "update failed"')).toBeNull()
  })
})
