import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// Domains (folders of src/ with an index.ts) meet only through their index.ts, and no two of
// them import each other, directly or round a longer loop: queue must not import escalations
// while escalations moves queue items, and rotation (scheduling) depends on neither.

const SRC = join(import.meta.dirname, '../../src')
const domains = readdirSync(SRC).filter((name) => existsSync(join(SRC, name, 'index.ts')))

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesOf(path) : /\.tsx?$/.test(name) ? [path] : []
  })
}

interface Import {
  from: string
  file: string
  to: string
  /** The path inside the other domain, '' for its index. */
  inner: string
}

function domainImports(): Import[] {
  return domains.flatMap((domain) =>
    filesOf(join(SRC, domain)).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].flatMap(([, spec]) => {
        const target = relative(SRC, resolve(dirname(file), spec!))
        const [to, ...rest] = target.split('/')
        if (!to || to === domain || !domains.includes(to)) return []
        return [{ from: domain, file: relative(SRC, file), to, inner: rest.join('/') }]
      }),
    ),
  )
}

describe('domain boundaries', () => {
  it('knows the domains', () => {
    expect(domains).toEqual(expect.arrayContaining(['queue', 'escalations', 'rotation', 'notify', 'forum', 'teams']))
  })

  it('reaches another domain only through its index.ts', () => {
    const deep = domainImports().filter((entry) => entry.inner !== '' && entry.inner !== 'index')
    expect(deep.map((entry) => `${entry.file} -> ${entry.to}/${entry.inner}`)).toEqual([])
  })

  it('has no import cycle between domains', () => {
    const edges = new Map<string, Set<string>>()
    for (const entry of domainImports()) edges.set(entry.from, (edges.get(entry.from) ?? new Set()).add(entry.to))
    const cycles: string[] = []
    const visit = (node: string, path: string[]) => {
      if (path.includes(node)) return cycles.push([...path.slice(path.indexOf(node)), node].join(' -> '))
      for (const next of edges.get(node) ?? []) visit(next, [...path, node])
    }
    for (const domain of domains) visit(domain, [])
    expect(cycles).toEqual([])
    // The direction the design asks for, spelled out.
    expect([...(edges.get('queue') ?? [])]).not.toContain('escalations')
    expect([...(edges.get('rotation') ?? [])]).not.toContain('queue')
    expect([...(edges.get('rotation') ?? [])]).not.toContain('escalations')
  })
})
