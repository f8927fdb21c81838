import { describe, expect, it } from 'vitest'
import { groupThreads, sharedTagLinks } from '../../src/bug-bash'

describe('bug-bash clustering', () => {
  it('links threads sharing two tags, not one', () => {
    const links = sharedTagLinks(
      [
        { id: 1, tags: ['dark-mode', 'appearance'] },
        { id: 2, tags: ['appearance', 'dark-mode', 'mobile'] },
        { id: 3, tags: ['appearance'] },
      ],
      2,
    )
    expect(links).toEqual([{ a: 1, b: 2, reason: 'tags', detail: 'appearance, dark-mode' }])
  })

  it('groups connected threads (chains too), keeps singles out, ignores links to unknown threads, and says why', () => {
    const groups = groupThreads(
      [1, 2, 3, 4, 5, 6],
      [
        { a: 2, b: 1, reason: 'duplicate' },
        { a: 3, b: 2, reason: 'similar' },
        { a: 5, b: 4, reason: 'tags', detail: 'csv, export' },
        { a: 6, b: 99, reason: 'duplicate' },
        { a: 6, b: 6, reason: 'similar' },
      ],
    )
    expect(groups).toEqual([
      { threadIds: [1, 2, 3], reasons: ['marked duplicates', 'similar titles'] },
      { threadIds: [4, 5], reasons: ['tags csv, export'] },
    ])
  })
})
