import { existsSync, readFileSync, writeFileSync } from 'node:fs'

/** Replaces one benchmark's section (from its `## ` title to the next) of the results file, keeping every other section. */
export function writeSection(file: string, title: string, section: string): void {
  const existing = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmark results\n\nEach section is written by one benchmark; bench/README.md says how to run them.\n'
  const lines = existing.split('\n')
  const start = lines.findIndex((line) => line.trim() === title)
  let next: string
  if (start === -1) {
    next = `${existing.trimEnd()}\n\n${section}`
  } else {
    let end = lines.findIndex((line, i) => i > start && /^## /.test(line))
    if (end === -1) end = lines.length
    const before = lines.slice(0, start).join('\n').trimEnd()
    const after = lines.slice(end).join('\n').trim()
    next = `${before ? `${before}\n\n` : ''}${section}${after ? `\n${after}\n` : ''}`
  }
  writeFileSync(file, next)
}
