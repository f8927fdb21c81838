import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import type { TestProject } from 'vitest/node'
import { openPglite, pgliteExtensions } from '../../src/db/client'

// PGlite's first open runs initdb (seconds). Do it and the migrations once, dump the data
// directory, and let every test file load its own copy from the dump.

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string
  }
}

export default async function setup(project: TestProject) {
  const client = await PGlite.create({ extensions: pgliteExtensions })
  const database = await openPglite(client)
  await database.migrate()
  const dump = await client.dumpDataDir('none')
  await database.close()
  const dir = mkdtempSync(join(tmpdir(), 'wire-pglite-'))
  const file = join(dir, 'template.tar')
  writeFileSync(file, new Uint8Array(await dump.arrayBuffer()))
  project.provide('pgliteTemplate', file)
  return () => rmSync(dir, { recursive: true, force: true })
}
