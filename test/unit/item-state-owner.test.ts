import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

// One owner for a queue item's state: src/queue/move-item.ts. Every other file may create items
// (they start "new") and write other columns, but never the state.

const ROOT = join(import.meta.dirname, '../..')
const OWNER = 'src/queue/move-item.ts'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(name) ? [path] : []
  })
}

/** Places in `source` that write queue_items.state: drizzle's update(queueItems).set({ state… }) or SQL's update queue_items set … state =. */
export function stateWrites(source: string): string[] {
  const found: string[] = []
  for (const match of source.matchAll(/\.update\(queueItems\)\s*\.set\(\{([\s\S]*?)\}\)/g)) if (/(^|[\s,{])state\s*:/.test(match[1]!)) found.push(match[0])
  for (const match of source.matchAll(/update\s+queue_items\s+set\s+([\s\S]*?)\s+where\b/gi)) if (/(^|[\s,])state\s*=/.test(match[1]!)) found.push(match[0])
  return found
}

describe('the state of a queue item has one writer', () => {
  it('finds the writes it looks for (so the check below can fail)', () => {
    expect(stateWrites(`await db.update(queueItems).set({ state: 'resolved', resolvedAt: now }).where(eq(queueItems.id, id))`)).toHaveLength(1)
    expect(stateWrites(`await db.update(queueItems).set({\n  tier: 3,\n  state: 'escalated',\n}).where(x)`)).toHaveLength(1)
    expect(stateWrites("sql`update queue_items set updated_at = now(), state = 'resolved' where id = 1`")).toHaveLength(1)
    expect(stateWrites(`await db.update(queueItems).set({ tier: 2, updatedAt: now }).where(eq(queueItems.id, id))`)).toHaveLength(0)
    expect(stateWrites("sql`update queue_items set affected_customers = 3 where id = 1`")).toHaveLength(0)
  })

  it('no file but src/queue/move-item.ts writes it', () => {
    const writers = sourceFiles(join(ROOT, 'src'))
      .map((path) => ({ file: relative(ROOT, path), writes: stateWrites(readFileSync(path, 'utf8')) }))
      .filter((entry) => entry.writes.length > 0)
    expect(writers.map((entry) => entry.file)).toEqual([OWNER])
  })
})
