import { describe, expect, it } from 'vitest'
import { earnedTrustLevel, findWatchedWord, isDisposableAddress, TRUST, writeRuleFor } from '../../src/safety'

const HOUR = 3600 * 1000
const DAY = 24 * HOUR

describe('earned trust levels', () => {
  const base = { readThreads: 0, visiblePosts: 0, acceptedAnswers: 0, accountAgeMs: 0, recentPenalties: 0 }
  it('starts new, becomes basic by reading after the first hour', () => {
    expect(earnedTrustLevel({ ...base, readThreads: 50, accountAgeMs: 30 * 60 * 1000 })).toBe(TRUST.new)
    expect(earnedTrustLevel({ ...base, readThreads: 5, accountAgeMs: HOUR })).toBe(TRUST.basic)
  })
  it('makes a member of a week of taking part, or at once of an accepted answer after a day', () => {
    expect(earnedTrustLevel({ ...base, readThreads: 20, visiblePosts: 3, accountAgeMs: 7 * DAY })).toBe(TRUST.member)
    expect(earnedTrustLevel({ ...base, readThreads: 5, acceptedAnswers: 1, accountAgeMs: DAY })).toBe(TRUST.member)
    expect(earnedTrustLevel({ ...base, readThreads: 19, visiblePosts: 3, accountAgeMs: 7 * DAY })).toBe(TRUST.basic)
  })
  it('makes a regular of a month of sustained accepted help, and holds back anyone staff refused lately', () => {
    const regular = { readThreads: 50, visiblePosts: 20, acceptedAnswers: 3, accountAgeMs: 30 * DAY, recentPenalties: 0 }
    expect(earnedTrustLevel(regular)).toBe(TRUST.regular)
    expect(earnedTrustLevel({ ...regular, recentPenalties: 1 })).toBe(TRUST.basic)
  })
})

describe('watched words', () => {
  const rules = [
    { word: 'casino*', action: 'block' as const },
    { word: 'free money', action: 'require_approval' as const },
    { word: 'crypto', action: 'flag' as const },
  ]
  it('match whole words in any case, with * for any letters and any spacing inside a phrase', () => {
    expect(findWatchedWord(rules, 'Visit our CASINOS tonight')?.action).toBe('block')
    expect(findWatchedWord(rules, 'oldcasino reunion')).toBeNull()
    expect(findWatchedWord(rules, 'get FREE\n money here')?.action).toBe('require_approval')
    expect(findWatchedWord(rules, 'cryptography lecture')).toBeNull()
  })
  it('report the most severe word found', () => {
    expect(findWatchedWord(rules, 'crypto and casino')?.action).toBe('block')
    expect(findWatchedWord(rules, 'crypto and free money')?.action).toBe('require_approval')
  })
  it('treat regex characters as text', () => {
    expect(findWatchedWord([{ word: 'c++ (cheap)', action: 'flag' }], 'buy c++ (cheap) now')?.word).toBe('c++ (cheap)')
  })
})

describe('write limits and disposable mail', () => {
  it('grow with trust and leave staff alone', () => {
    const limits = [0, 1, 2, 3].map((level) => writeRuleFor('reply', level).account!.limit)
    expect(limits).toEqual([...limits].sort((a, b) => a - b))
    expect(limits[0]).toBeLessThan(limits[3]!)
    expect(writeRuleFor('reply', 4).account).toBeNull()
  })
  it('recognise throwaway domains and their subdomains, not ordinary ones', () => {
    expect(isDisposableAddress('x@mailinator.com')).toBe(true)
    expect(isDisposableAddress('x@eu.mailinator.com')).toBe(true)
    expect(isDisposableAddress('x@gmail.com')).toBe(false)
  })
})
