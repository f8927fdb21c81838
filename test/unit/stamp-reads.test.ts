import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { StampReads } from '../../src/web/page-cache'

// Requests for the same stamp share one statement only if it is issued after they all arrived,
// so a shared answer is never older than any request it serves (src/web/page-cache.ts).
describe('StampReads', () => {
  it('gives the requests of one turn one read, issued after the last of them asked', async () => {
    const reads = new StampReads()
    const issued: number[] = []
    let asked = 0
    const read = async () => {
      issued.push(asked)
      return `stamp ${issued.length}`
    }
    const together = [1, 2, 3].map(() => (asked++, reads.read('home', read)))
    expect(issued).toEqual([]) // not issued while requests may still arrive
    expect(await Promise.all(together)).toEqual(['stamp 1', 'stamp 1', 'stamp 1'])
    expect(issued).toEqual([3]) // issued once all three had asked
  })

  it('never lets a request join a read already issued, nor another key’s', async () => {
    const reads = new StampReads()
    let calls = 0
    let release!: () => void
    const slow = () => new Promise<number>((resolve) => (release = () => resolve(++calls)))
    const first = reads.read('home', slow)
    await nextTurn() // the first read is issued and still running
    const other = reads.read('tag', async () => -1)
    const later = reads.read('home', async () => ++calls)
    expect(await later).toBe(1) // its own read, not the one in flight
    release()
    expect(await first).toBe(2)
    expect(await other).toBe(-1)
  })

  it('gives every request of a failed read the failure, and the next request a fresh read', async () => {
    const reads = new StampReads()
    const failing = [reads.read('home', () => Promise.reject(new Error('gone'))), reads.read('home', async () => 'unused')]
    for (const each of failing) await expect(each).rejects.toThrow('gone')
    expect(await reads.read('home', async () => 'back')).toBe('back')
  })
})
