import { serve, type ServerType } from '@hono/node-server'
import { chromium, type Browser as PlaywrightBrowser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll } from 'vitest'
import { createTestApp, type TestApp } from './app'

// Browser tests drive Debian's Chromium through playwright-core against the real app served
// on a local port. Playwright cannot download browsers here, so the executable is given.

export interface Browser {
  context: BrowserContext
  page: Page
  close(): Promise<void>
}

// Chromium itself is started once per test file and shared by the file's tests; each
// launchBrowser() is a fresh context (its own cookies, storage, viewport and JavaScript
// setting), which costs a fraction of a browser start. Two dozen starts were a fifth of the
// browser suite's time.
let shared: Promise<PlaywrightBrowser> | null = null

function sharedChromium(): Promise<PlaywrightBrowser> {
  shared ??= chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  })
  return shared
}

afterAll(async () => {
  const running = shared
  shared = null
  if (running) await (await running).close()
})

export async function launchBrowser(options: { javaScript?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const context = await (await sharedChromium()).newContext({
    javaScriptEnabled: options.javaScript ?? true,
    viewport: options.viewport ?? { width: 1280, height: 900 },
  })
  const page = await context.newPage()
  return {
    context,
    page,
    async close() {
      await context.close()
    },
  }
}

export interface ServedApp extends TestApp {
  baseUrl: string
}

/** The real app on a fresh database, listening on a free local port (`env`: e.g. SMTP_URL of a sink the test runs). */
export async function serveTestApp(options: { env?: Record<string, string> } = {}): Promise<ServedApp> {
  // A real browser drops cookies that expire in its past, so this clock starts at today.
  const t = await createTestApp({ start: new Date(), env: options.env })
  const server = await new Promise<ServerType>((resolve) => {
    const running = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(running))
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    ...t,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      if ('closeAllConnections' in server) server.closeAllConnections()
      await closed
      await t.close()
    },
  }
}

export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`)
  await page.getByLabel('Email', { exact: true }).fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
}
