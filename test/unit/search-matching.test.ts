import { describe, expect, it } from 'vitest'
import { blendedShare, everyWordRequired, isOnePhrase, loosenPhrases, planMatching, requiredPhrases, togetherShare, windowSizeFor } from '../../src/search/postgres-index'

// A query's estimate as the engine makes it: shares of the forum, the postings GIN would read.
const estimate = (wordShare: number, documents: number, more: { filterShare?: number; walkShare?: number; wanted?: number; postings?: number } = {}) => ({
  wordShare,
  filterShare: more.filterShare ?? 1,
  walkShare: more.walkShare,
  documents,
  wanted: more.wanted ?? 501,
  postings: more.postings ?? wordShare * documents,
})

describe('how the PostgreSQL engine finds the newest matches', () => {
  it('walks newest first when most documents match', () => {
    // 90 % match: ~560 documents walked find 501 matches, where GIN would hand over 90,000.
    expect(planMatching(estimate(0.9, 100_000)).path).toBe('walk')
    expect(planMatching(estimate(0.9, 10_000_000)).path).toBe('walk')
  })

  it('reads every match when few documents match', () => {
    expect(planMatching(estimate(0.002, 100_000)).path).toBe('sorted')
    // Rarer still, a word nobody used, an empty forum, a filter nothing passes: nothing to walk for.
    expect(planMatching(estimate(0, 100_000)).path).toBe('sorted')
    expect(planMatching(estimate(0.5, 0)).path).toBe('sorted')
    expect(planMatching(estimate(0.5, 100_000, { filterShare: 0 })).path).toBe('sorted')
  })

  it('looks in a window of the newest documents in between, where walking would read too many documents', () => {
    // 5 % match: walking reads ~10,000 documents; sorting fetches 50,000 matches at 1M threads;
    // the newest ~20,000 documents hold ~1,000 matches, intersected in the index.
    const plan = planMatching(estimate(0.05, 1_000_000))
    expect(plan).toMatchObject({ path: 'window', window: Math.ceil((2 * 501) / 0.05) })
  })

  it('says what the way it chose is expected to cost (similar() spends a budget of it)', () => {
    // 200 matches read and fetched: about a microsecond each.
    expect(planMatching(estimate(0.002, 100_000)).cost).toBeCloseTo(200 * 0.99, 6)
    // The 5 % window at 1M: more than fetching its ~1,000 matches (it reads 50,000 postings and
    // 20,000 rows of the date index too), far less than fetching all 50,000 matches to sort them.
    const window = planMatching(estimate(0.05, 1_000_000), { walk: false })
    expect(window.path).toBe('window')
    expect(window.cost).toBeGreaterThan(3 * 1002 * 0.9)
    expect(window.cost).toBeLessThan(50_000 * 0.9 / 4)
  })

  it('looks in a window inside the tier where the full index would hand over too many postings', () => {
    // Words each common, rarely together (0.4 %): their 200,000 postings cost more to intersect
    // with a window of 750,000 than to sort every match, but the tier of the newest 800,000
    // documents holds the window, and its postings are four fifths of the words'.
    const words = estimate(0.004, 1_000_000, { wanted: 1500, postings: 200_000 })
    expect(planMatching(words).path).toBe('sorted')
    expect(planMatching({ ...words, tierDocuments: 800_000 })).toMatchObject({ path: 'window', window: 750_000 })
    // A tier smaller than the window cannot hold it.
    expect(planMatching({ ...words, tierDocuments: 500_000 }).path).toBe('sorted')
  })

  it('walks for a phrase\'s own matches, fewer than the candidates the index must hand over', () => {
    // A phrase in 5 % of documents: the index hands over 1,002 candidates by its word pairs; a walk
    // tests the phrase itself on each vector and needs only the ranked set's 501.
    const phrase = estimate(0.05, 1_000_000, { wanted: 1002, postings: 600_000 })
    expect(planMatching(phrase).path).toBe('window')
    expect(planMatching({ ...phrase, walkWanted: 501 }).path).toBe('walk')
  })

  it('walks the vectors themselves further without filters, and counts a gapped phrase\'s pairs', () => {
    // 8 % match at 1M: a walk of ~6,300 rows that looks each vector up by key costs more than a
    // window; walking the vectors in date order costs about half, and wins.
    const words = estimate(0.08, 1_000_000)
    expect(planMatching(words).path).toBe('window')
    expect(planMatching({ ...words, unfiltered: true }).path).toBe('walk')
    // The pairs of a phrase with a gap ("reset my password") are read for each match a walk finds.
    expect(planMatching({ ...words, unfiltered: true, walkTestsPairs: true }).path).toBe('window')
  })

  it('does not open a window as large as the forum', () => {
    // A small forum: twice the documents expected to hold enough matches is more than there are.
    expect(planMatching(estimate(0.05, 15_000)).path).not.toBe('window')
  })

  it('counts filters as cheap to test on the rows walked', () => {
    // A broad word in one category of eight: walking tests the category on every row but reads
    // only the documents in it, so it still beats reading half the forum's matches.
    expect(planMatching(estimate(0.5, 100_000, { filterShare: 1 / 8 })).path).toBe('walk')
  })

  it('walks a category through its own rows, so a narrower category is no costlier to walk', () => {
    // A word in 10 % of threads, in a category of 1 %: walking the whole forum passes 99 rows of
    // other categories for each of the category's (~500,000 in all); walking the category's own
    // rows does not (~5,000), and beats reading the word's 100,000 matches.
    const forum = planMatching(estimate(0.1, 1_000_000, { filterShare: 0.01 }))
    const category = planMatching(estimate(0.1, 1_000_000, { filterShare: 0.01, walkShare: 0.01 }))
    expect(forum.path).toBe('sorted')
    expect(category.path).toBe('walk')
    // Its budget counts the category's rows: more than it expects to walk, fewer than the forum's.
    const budget = category.path === 'walk' ? category.budget : 0
    expect(budget).toBeGreaterThan(5_010)
    expect(budget).toBeLessThan(100_000)
  })

  it('gives up walking once it has cost twice what the next best way was expected to', () => {
    const plan = planMatching(estimate(0.9, 1_000_000))
    expect(plan.path).toBe('walk')
    // Enough rows to find the matches it expects (~560) and many more, but not the forum.
    const budget = plan.path === 'walk' ? plan.budget : 0
    expect(budget).toBeGreaterThan(560 * 4)
    expect(budget).toBeLessThan(1_000_000)
    // A filter makes most walked rows cheap to pass, so more of them fit the budget.
    const filtered = planMatching(estimate(0.9, 1_000_000, { filterShare: 0.1 }))
    expect(filtered.path === 'walk' && filtered.budget).toBeGreaterThan(budget)
  })

  it('estimates the share holding every word between independent words and words always together', () => {
    // Independent: 0.5 × 0.2 = 0.1; always together: 0.2; the estimate lies between.
    expect(blendedShare([50, 20], 100)).toBeCloseTo(Math.sqrt(0.1 * 0.2))
    expect(blendedShare([50, 0], 100)).toBe(0)
    expect(blendedShare([], 100)).toBe(0)
    expect(blendedShare([150], 100)).toBe(1)
    expect(blendedShare([30], 100)).toBeCloseTo(0.3)
  })

  it('takes the words of a phrase as coming together: the rarest word sets the share', () => {
    expect(togetherShare([50, 20], 100)).toBeCloseTo(0.2)
    expect(togetherShare([50, 0], 100)).toBe(0)
    expect(togetherShare([], 100)).toBe(0)
    expect(togetherShare([150], 100)).toBe(1)
    expect(isOnePhrase('"reset my password"')).toBe(true)
    expect(isOnePhrase(' "reset my password" ')).toBe(true)
    expect(isOnePhrase('"permission denied" docker')).toBe(false)
    expect(isOnePhrase('"a b" "c d"')).toBe(false)
    expect(isOnePhrase('reset password')).toBe(false)
  })

  it('loosens phrases into their words, except a negated phrase', () => {
    expect(loosenPhrases('"update failed" windows')).toBe(' update failed  windows')
    expect(loosenPhrases('update failed')).toBeNull()
    expect(loosenPhrases('windows -"update failed"')).toBeNull()
    expect(loosenPhrases('windows - "update failed"')).toBeNull()
  })

  it('knows which phrases every match must hold, so their word pairs may narrow the candidates', () => {
    expect(requiredPhrases('"update failed" windows "error 502"')).toEqual(['update failed', 'error 502'])
    expect(requiredPhrases('"update failed" -windows')).toEqual(['update failed'])
    expect(requiredPhrases('update failed')).toEqual([])
    // With OR a phrase may be one alternative; a negated phrase must not be held.
    expect(requiredPhrases('"update failed" or crash')).toEqual([])
    expect(requiredPhrases('windows -"update failed"')).toEqual([])
    // An unclosed quote and an empty one narrow nothing.
    expect(requiredPhrases('"update failed')).toEqual([])
    expect(requiredPhrases('"" windows')).toEqual([])
  })

  it('knows when every word of a query must be in a match', () => {
    expect(everyWordRequired('update failed')).toBe(true)
    expect(everyWordRequired('"update failed" windows')).toBe(true)
    expect(everyWordRequired('wi-fi drops')).toBe(true)
    expect(everyWordRequired('update or upgrade')).toBe(false)
    expect(everyWordRequired('update OR upgrade')).toBe(false)
    expect(everyWordRequired('update -windows')).toBe(false)
    expect(everyWordRequired('-windows')).toBe(false)
  })
})

describe('window sizes', () => {
  it('round up to powers of √2, exactly to a power of two', () => {
    // The tier holds 2^18 documents: a window of that size must not come out one document wider.
    expect(windowSizeFor(2 ** 18)).toBe(2 ** 18)
    expect(windowSizeFor(242_000)).toBe(2 ** 18)
    expect(windowSizeFor(185_000)).toBe(185_364)
    expect(windowSizeFor(2 ** 18 + 1)).toBe(370_728)
    for (let size = 1; size < 5_000_000; size = Math.ceil(size * 1.37)) {
      const rounded = windowSizeFor(size)
      expect(rounded, String(size)).toBeGreaterThanOrEqual(size)
      expect(rounded, String(size)).toBeLessThanOrEqual(Math.ceil(size * Math.SQRT2))
    }
  })
})
