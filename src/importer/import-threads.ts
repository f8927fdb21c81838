import type { Db } from '../db/client'
import { parseImportLine, type ImportThread, type LineProblem } from './format'
import { importBatch } from './import-batch'

export interface ImportSummary {
  threads: number
  replies: number
  lines: number
  problems: LineProblem[]
}

/**
 * Imports JSON Lines (one thread per line) in batches, each in its own transaction. A bad line
 * is reported with its number and skipped; the lines around it still import.
 */
export async function importThreads(options: {
  db: Db
  lines: AsyncIterable<string>
  now: () => Date
  batchSize?: number
  onProgress?: (summary: ImportSummary) => void
}): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 200
  const summary: ImportSummary = { threads: 0, replies: 0, lines: 0, problems: [] }
  let batch: ImportThread[] = []
  const flush = async () => {
    if (batch.length === 0) return
    const ids = await importBatch(options.db, batch, options.now())
    summary.threads += ids.length
    summary.replies += batch.reduce((sum, thread) => sum + thread.replies.length, 0)
    batch = []
    options.onProgress?.(summary)
  }
  for await (const text of options.lines) {
    summary.lines++
    if (!text.trim()) continue
    const parsed = parseImportLine(text, summary.lines)
    if ('problem' in parsed) summary.problems.push(parsed.problem)
    else batch.push(parsed.thread)
    if (batch.length >= batchSize) await flush()
  }
  await flush()
  return summary
}
