import { stringify } from 'csv-stringify/sync'
import type { Figure } from './get-scoreboard'

/** A figure's table as CSV (RFC 4180, header row first): the same text the page's table shows. */
export function figureCsv(figure: Figure): string {
  return stringify([figure.table.columns, ...figure.table.rows.map((row) => row.map((cell) => cell.text))], { record_delimiter: 'windows' })
}
