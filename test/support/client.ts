import { parse, type HTMLElement } from 'node-html-parser'
import { createSession } from '../../src/auth/sessions'
import type { TestApp } from './app'

export interface RequestOptions {
  /** Send as htmx does (HX-Request), to get the fragment instead of the page. */
  htmx?: boolean
  headers?: Record<string, string>
}

export interface PostOptions extends RequestOptions {
  /** Leave out the CSRF token, as a forged cross-site form would. */
  withoutCsrf?: boolean
}

/** A browser-like client for app.request(): keeps cookies and fills in the CSRF token. */
export class TestClient {
  readonly cookies = new Map<string, string>()

  constructor(private readonly t: TestApp) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    const response = await this.t.app.request(path, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const [name, ...rest] = pair!.split('=')
      const value = rest.join('=')
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === ''
      if (expired) this.cookies.delete(name!.trim())
      else this.cookies.set(name!.trim(), value)
    }
    return response
  }

  get(path: string, options: RequestOptions = {}): Promise<Response> {
    return this.request(path, { method: 'GET', headers: this.headers(options) })
  }

  /** Posts a form; an array value repeats its field (a list, like checkboxes). */
  async post(path: string, fields: Record<string, string | number | (string | number)[]> = {}, options: PostOptions = {}): Promise<Response> {
    const body = new URLSearchParams()
    for (const [key, value] of Object.entries(fields)) for (const one of Array.isArray(value) ? value : [value]) body.append(key, String(one))
    if (!options.withoutCsrf) body.set('_csrf', await this.csrfToken())
    return this.request(path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.headers(options) },
    })
  }

  /** The CSRF token from the cookie, fetching a page first if the client has none yet. */
  async csrfToken(): Promise<string> {
    if (!this.cookies.has('csrf')) await this.get('/categories')
    const token = this.cookies.get('csrf')
    if (!token) throw new Error('no CSRF cookie was set')
    return token
  }

  /** Signs in without the form (the form itself is tested in the auth suite). */
  async signInAs(user: { id: number }): Promise<this> {
    const session = await createSession(this.t.db, user.id, this.t.clock.now())
    this.cookies.set('session', session.token)
    return this
  }

  private headers(options: RequestOptions): Record<string, string> {
    return { ...(options.htmx ? { 'hx-request': 'true' } : {}), ...options.headers }
  }
}

export async function html(response: Response): Promise<HTMLElement> {
  return parse(await response.text())
}

/** The text of every element matching `selector`, whitespace collapsed. */
export function texts(root: HTMLElement, selector: string): string[] {
  return root.querySelectorAll(selector).map((element) => element.text.replace(/\s+/g, ' ').trim())
}
