// Opaque cursors: base64url of the domain's keyset ("<epoch ms>.<id>"). Clients must not build
// them; a cursor this API did not give out is a 422, not a silent first page.

export function encodeApiCursor(keyset: string): string {
  return Buffer.from(keyset, 'utf8').toString('base64url')
}

/** The keyset, null for no cursor, undefined for a cursor this API never gave out. */
export function decodeApiCursor(cursor: string | undefined): string | null | undefined {
  if (cursor === undefined || cursor === '') return null
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined
  const keyset = Buffer.from(cursor, 'base64url').toString('utf8')
  return /^\d{1,15}\.\d{1,10}$/.test(keyset) ? keyset : undefined
}

/** RFC 8288 Link to the next page: this request's URL on the public origin, with the new cursor. */
export function linkNext(requestUrl: string, publicUrl: string, param: string, cursor: string): string {
  const url = new URL(requestUrl)
  const next = new URL(url.pathname + url.search, publicUrl)
  next.searchParams.set(param, cursor)
  return `<${next.toString()}>; rel="next"`
}

/** The board's own keyset cursor (base64url of four numbers), passed through as it is opaque already. */
export function isBoardCursor(cursor: string): boolean {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return false
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    return Array.isArray(value) && value.length === 4 && value.every((part) => typeof part === 'number' && Number.isFinite(part))
  } catch {
    return false
  }
}

/** An id keyset (lists ordered by id) as an opaque cursor. */
export function encodeIdCursor(id: number): string {
  return Buffer.from(`id:${id}`, 'utf8').toString('base64url')
}

/** The id, 0 for no cursor, undefined for a cursor this API never gave out. */
export function decodeIdCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined || cursor === '') return 0
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor)) return undefined
  const match = /^id:(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  return match ? Number(match[1]) : undefined
}
