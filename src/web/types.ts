import type { Logger } from 'pino'
import type { Clock } from '../clock'
import type { Actor, Ctx } from '../ctx'
import type { Database } from '../db/client'
import type { Env } from '../env'
import type { ActiveSanction } from '../safety'
import type { SearchIndex } from '../search/types'
import type { Assets } from './assets'
import type { AnonymousPageCache } from './page-cache'

/** A demo account's sign-in of this start (the passwords are new at every start). */
export interface DemoAccount {
  email: string
  password: string
  name: string
  /** What the account shows off ("support engineer", "customer at ... (Enterprise)"). */
  label: string
}

/** Present only when the forum runs as `npm run demo`. */
export interface DemoMode {
  accounts(): readonly DemoAccount[]
}

export interface AppDeps {
  database: Database
  env: Env
  logger: Logger
  clock: Clock
  assets: Assets
  /** Defaults to the engine the environment configures. */
  search?: SearchIndex
  /** The process's outbox worker, woken after each change so side effects follow promptly. */
  outbox?: { nudge(): void }
  /** Reused renderings of anonymous thread pages; defaults to a fresh one per app. */
  pageCache?: AnonymousPageCache
  /** Demo mode: /demo lists the demo accounts, and every page says it is a demo. Never set in production. */
  demo?: DemoMode
}

export interface AppEnv {
  Variables: {
    deps: AppDeps & { pageCache: AnonymousPageCache }
    actor: Actor | null
    sessionToken: string | undefined
    unreadNotifications: number
    /** The signed-in person's silence in force, for the banner on every page. */
    silence: { message: string; endsAt: Date | null } | null
    /** The session this request came with was ended by its owner's suspension: explain, once. */
    endedBySuspension: ActiveSanction | null
    /** Posts waiting in /review (staff only; 0 otherwise). */
    pendingReviews: number
    csrfToken: string
    /** What a session companion read in the session's statement for this request's page (src/web/session.ts). */
    prefetched: { key: string; value: unknown } | undefined
    ctx: Ctx
    requestId: string
  }
}
