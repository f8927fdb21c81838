// Characters a browser drops or rewrites while following a Location header (tab, newline: the
// WHATWG parser strips them; backslash: read as "/"), so "/\t/evil.example" would leave the site.
// They are also what makes Hono refuse the header value, so accepting them would answer 500.
const UNSAFE = /[\u0000-\u001F\u007F\\]/

/**
 * The same-site path to send someone to after sign-in, from a user-supplied `next`, or "/".
 * The value is parsed against our own origin and must stay on it; anything a browser could
 * read differently (control characters, backslashes, a scheme-relative "//host") is refused
 * whole rather than cleaned up, since a cleaned-up value is one nobody asked for.
 */
export function safeNextPath(next: string | undefined | null, publicUrl: string): string {
  if (!next || UNSAFE.test(next) || next.startsWith('//')) return '/'
  const origin = new URL(publicUrl).origin
  let url: URL
  try {
    url = new URL(next, origin)
  } catch {
    return '/'
  }
  if (url.origin !== origin) return '/'
  const path = url.pathname + url.search + url.hash
  // Dot segments can collapse into a scheme-relative path: "/.//evil.example" becomes "//evil.example".
  return path.startsWith('//') ? '/' : path
}
