import { pino } from 'pino'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '../../src/auth'
import { apiTokens } from '../../src/db/schema'
import { loadEnv } from '../../src/env'
import { newApiToken } from '../../src/queue/api-tokens'
import { createApp } from '../../src/web/app'
import { loadAssets } from '../../src/web/assets'
import { createTestApp, type TestApp } from '../support/app'
import { createUser } from '../support/factories'

// The API's per-token budget is counted on several rows per token (so concurrent requests do not
// queue on one row lock) and must still be one budget for every app instance on the database.

const ENV = { API_RATE_LIMIT_PER_MINUTE: '5' }
let t: TestApp
let second: ReturnType<typeof createApp>

beforeAll(async () => {
  t = await createTestApp({ env: ENV })
  const env = loadEnv({ PUBLIC_URL: 'http://localhost', SITE_NAME: 'Test Community', FORM_BOT_CHECKS: 'false', ...ENV })
  second = createApp({ database: t.database, env, logger: pino({ level: 'silent' }), clock: t.clock, assets: loadAssets() })
})

afterAll(async () => {
  await t?.close()
})

async function newToken(name: string): Promise<string> {
  const owner = await createUser(t.db, { displayName: name })
  const token = newApiToken()
  await t.db.insert(apiTokens).values({ name, tokenHash: hashToken(token), scopes: ['threads:read'], createdById: owner.id, createdAt: t.clock.now() })
  return token
}

function get(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, token: string): Promise<Response> {
  return Promise.resolve(app.request('/api/v1/categories', { headers: { authorization: `Bearer ${token}` } }))
}

describe('API rate limit across two app instances on one database', () => {
  it('counts hits through either instance against one budget, window after window', async () => {
    const token = await newToken('Two Doors Api')
    const instances = [t.app, second]
    for (let window = 0; window < 2; window++) {
      const remaining: string[] = []
      for (let n = 0; n < 5; n++) {
        const ok = await get(instances[n % 2]!, token)
        expect(ok.status).toBe(200)
        remaining.push(ok.headers.get('ratelimit-remaining')!)
      }
      expect(remaining).toEqual(['4', '3', '2', '1', '0'])
      t.clock.advance(15_000)
      for (const app of instances) {
        const refused = await get(app, token)
        expect(refused.status).toBe(429)
        expect(refused.headers.get('retry-after')).toBe('45')
        expect(refused.headers.get('ratelimit-reset')).toBe('45')
      }
      // The window ends 60 s after its first hit; the next one starts afresh on both instances,
      // though hits of the last window are still on their rows.
      t.clock.advance(45_000)
    }
    // Another token has a budget of its own.
    expect((await get(second, await newToken('Other Api'))).status).toBe(200)
  })

  it('admits a concurrent burst through both instances only up to the limit (plus at most the hits in flight)', async () => {
    const token = await newToken('Burst Api')
    const burst = await Promise.all(Array.from({ length: 20 }, (_, n) => get(n % 2 ? second : t.app, token)))
    const admitted = burst.filter((response) => response.status === 200).length
    expect(burst.every((response) => response.status === 200 || response.status === 429)).toBe(true)
    expect(admitted).toBeGreaterThanOrEqual(5)
    // The sum is read in each statement's snapshot: hits made at the same moment on other rows
    // can be missed, at most one per other statement in flight. PGlite runs one at a time
    // (exact); both instances here share one PostgreSQL pool of 5 (at most 4 over).
    if (process.env.TEST_DB === 'postgres') expect(admitted).toBeLessThanOrEqual(5 + 4)
    else expect(admitted).toBe(5)
    // Once the burst has settled, the budget is spent for everyone.
    expect((await get(t.app, token)).status).toBe(429)
    expect((await get(second, token)).status).toBe(429)
  })
})

describe('a token used through the API', () => {
  it('is marked used at its first request, then at most once a minute, in the statement that resolves it', async () => {
    const token = await newToken('Last Used Api')
    const used = async () => (await t.db.select({ at: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.tokenHash, hashToken(token))))[0]!.at
    expect(await used()).toBeNull()
    const first = t.clock.now()
    expect((await get(t.app, token)).status).toBe(200)
    expect(await used()).toEqual(first)
    t.clock.advance(30_000)
    expect((await get(second, token)).status).toBe(200)
    expect(await used()).toEqual(first)
    t.clock.advance(31_000)
    expect((await get(t.app, token)).status).toBe(200)
    expect(await used()).toEqual(t.clock.now())
  })
})
