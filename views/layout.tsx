import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import { isAdmin, isEngineer, isStaff } from '../src/policy'
import type { Role } from '../src/db/schema'
import { formatDateTime } from './format'

export interface Viewer {
  id: number
  displayName: string
  role: Role
}

/** What every page needs besides its own data: who is looking, the CSRF token, the time. */
export interface Chrome {
  siteName: string
  viewer: Viewer | null
  csrfToken: string
  now: Date
  path: string
  publicUrl: string
  assets: { css: string; pico: string; highlight: string; htmx: string; js: string }
  /** Unread in-app notifications of the viewer (0 when signed out). */
  unreadNotifications?: number
  /** The viewer's silence in force: every page says so, with staff's message and the end. */
  silence?: { message: string; endsAt: Date | null } | null
  /** Posts waiting in /review (staff only): the header shows the count. */
  pendingReviews?: number
  /** Running as `npm run demo`: every page says so and links to the demo's sign-ins. */
  demo?: boolean
}

export interface Meta {
  title: string
  description?: string
  canonical?: string
  /** Extra tags for <head>: OpenGraph, JSON-LD, feed links. */
  head?: Child
  noindex?: boolean
}

const HTMX_CONFIG = JSON.stringify({
  // 4xx bodies carry the form with its messages, so htmx swaps them like successes.
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '4..', swap: true, error: false },
    { code: '5..', swap: true, error: true },
  ],
  includeIndicatorStyles: false,
  allowEval: false,
  historyCacheSize: 0,
})

export function Layout(props: { chrome: Chrome; meta: Meta; children: Child; wide?: boolean }) {
  const { chrome, meta } = props
  const title = meta.title === chrome.siteName ? meta.title : `${meta.title} · ${chrome.siteName}`
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <title>{title}</title>
          {meta.description && <meta name="description" content={meta.description} />}
          {meta.canonical && <link rel="canonical" href={meta.canonical} />}
          {meta.noindex && <meta name="robots" content="noindex" />}
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href={chrome.assets.pico} />
          <link rel="stylesheet" href={chrome.assets.highlight} />
          <link rel="stylesheet" href={chrome.assets.css} />
          <link rel="alternate" type="application/atom+xml" title={`${chrome.siteName}: latest questions`} href="/feed.atom" />
          {meta.head}
          <script src={chrome.assets.htmx} defer></script>
          <script src={chrome.assets.js} defer></script>
        </head>
        {/* A visitor's list page carries no token (it has no form to post): the same bytes for everyone (src/web/page-cache.ts). */}
        <body hx-headers={chrome.csrfToken ? JSON.stringify({ 'X-CSRF-Token': chrome.csrfToken }) : undefined}>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          {chrome.demo && <DemoBanner />}
          <SiteHeader chrome={chrome} />
          {chrome.silence && <SilenceBanner silence={chrome.silence} />}
          <main id="main" class={props.wide ? 'container-fluid' : 'container'}>
            {props.children}
          </main>
          <footer class="site-footer container">
            <small>
              {chrome.siteName} · <a href="/feed.atom">Atom feed</a> · <a href="/tags">Tags</a> ·{' '}
              <a href="/categories">Categories</a>
            </small>
          </footer>
        </body>
      </html>
    </>
  )
}

function SiteHeader({ chrome }: { chrome: Chrome }) {
  const viewer = chrome.viewer
  return (
    <header class="site-header">
      <nav class="container" aria-label="Main">
        <ul>
          <li>
            <a href="/" class="brand">
              <strong>{chrome.siteName}</strong>
            </a>
          </li>
        </ul>
        <ul class="header-search">
          <li>
            <form role="search" method="get" action="/search" aria-label="Site search">
              <input type="search" name="q" placeholder="Search questions" aria-label="Search questions" autocomplete="off" />
            </form>
          </li>
        </ul>
        <ul>
          <li>
            <a href="/ask" role="button" class="ask-button">
              Ask a question
            </a>
          </li>
          {isStaff(viewer) && (
            <li>
              <a href="/queue" aria-current={chrome.path.startsWith('/queue') ? 'page' : undefined}>
                Queue
              </a>
            </li>
          )}
          {isStaff(viewer) && (
            <li>
              <a href="/scoreboard" aria-current={chrome.path.startsWith('/scoreboard') ? 'page' : undefined}>
                Scoreboard
              </a>
            </li>
          )}
          {isStaff(viewer) && (chrome.pendingReviews ?? 0) > 0 && (
            <li>
              <a
                href="/review"
                class="notifications-link"
                aria-current={chrome.path.startsWith('/review') ? 'page' : undefined}
                aria-label={`Review queue: ${chrome.pendingReviews} waiting`}
              >
                Review <span class="unread-count">{chrome.pendingReviews}</span>
              </a>
            </li>
          )}
          {isEngineer(viewer) && (
            <li>
              <a href="/escalations/mine" aria-current={chrome.path.startsWith('/escalations') ? 'page' : undefined}>
                Escalations
              </a>
            </li>
          )}
          {viewer && (
            <li>
              <a href="/notifications" class="notifications-link" aria-label={`Notifications: ${chrome.unreadNotifications ?? 0} unread`}>
                <svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                  <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
                  <path d="M13.7 21a2 2 0 0 1-3.4 0" />
                </svg>
                {(chrome.unreadNotifications ?? 0) > 0 && <span class="unread-count">{chrome.unreadNotifications}</span>}
              </a>
            </li>
          )}
          {viewer ? (
            <li>
              <details class="dropdown">
                <summary aria-label={`Account menu for ${viewer.displayName}`}>{viewer.displayName}</summary>
                <ul dir="rtl">
                  <li>
                    <a href={`/u/${viewer.id}`}>Your profile</a>
                  </li>
                  <li>
                    <a href="/account">Account and email</a>
                  </li>
                  <li>
                    <a href="/account/notifications">Email notifications</a>
                  </li>
                  <li>
                    <a href="/account/tokens">API tokens</a>
                  </li>
                  {isAdmin(viewer) && (
                    <li>
                      <a href="/admin">Admin</a>
                    </li>
                  )}
                  {isStaff(viewer) && (
                    <li>
                      <a href="/rotations">Rotations</a>
                    </li>
                  )}
                  {isStaff(viewer) && (
                    <li>
                      <a href="/bug-bash">Bug-bash list</a>
                    </li>
                  )}
                  {isStaff(viewer) && (
                    <li>
                      <a href="/review">Review queue</a>
                    </li>
                  )}
                  {isStaff(viewer) && (
                    <li>
                      <a href="/staff/search">Search analytics</a>
                    </li>
                  )}
                  {isAdmin(viewer) && (
                    <li>
                      <a href="/admin/outbox">Background jobs</a>
                    </li>
                  )}
                  <li>
                    <form method="post" action="/logout" class="inline-form">
                      <input type="hidden" name="_csrf" value={chrome.csrfToken} />
                      <button type="submit" class="link-button">
                        Sign out
                      </button>
                    </form>
                  </li>
                </ul>
              </details>
            </li>
          ) : (
            <>
              <li>
                <a href={`/login?next=${encodeURIComponent(chrome.path)}`}>Sign in</a>
              </li>
              <li>
                <a href="/signup">Sign up</a>
              </li>
            </>
          )}
        </ul>
      </nav>
    </header>
  )
}

/** What a posting form says by its text field while the viewer is silenced. */
export function silencedFieldNote(chrome: Pick<Chrome, 'silence'>): string | undefined {
  const silence = chrome.silence
  if (!silence) return undefined
  const until = silence.endsAt ? `until ${formatDateTime(silence.endsAt)}` : 'until the moderators lift it'
  return `Your account is silenced ${until}, so this cannot be posted. You can keep your text and post it when the silence ends.`
}

/** A silenced person's lasting notice: what they may not do, until when, and what staff told them. */
export function SilenceBanner({ silence }: { silence: { message: string; endsAt: Date | null } }) {
  return (
    <aside class="sanction-banner" role="note" aria-label="Your account is silenced">
      <p>
        <strong>Your account is silenced {silence.endsAt ? `until ${formatDateTime(silence.endsAt)}` : 'until the moderators lift it'}.</strong> You can read
        and search, but not ask, reply, edit, vote, say “me too” or flag.
      </p>
      {silence.message && (
        <p>
          From the moderators: <q>{silence.message}</q>
        </p>
      )}
    </aside>
  )
}

function DemoBanner() {
  return (
    <p class="demo-banner" role="note">
      This is the demo forum, with made-up data. <a href="/demo">Sign in as a demo account</a> (the passwords of this start).
    </p>
  )
}
