import type { Logger } from 'pino'
import type { Clock } from '../clock'
import type { Actor, Ctx } from '../ctx'
import type { Database } from '../db/client'
import type { Env } from '../env'
import type { Assets } from './assets'

export interface AppDeps {
  database: Database
  env: Env
  logger: Logger
  clock: Clock
  assets: Assets
}

export interface AppEnv {
  Variables: {
    deps: AppDeps
    actor: Actor | null
    sessionToken: string | undefined
    csrfToken: string
    ctx: Ctx
    requestId: string
  }
}
