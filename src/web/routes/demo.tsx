import { Hono } from 'hono'
import { DemoPage } from '../../../views/demo/demo'
import { chrome } from '../chrome'
import type { AppEnv } from '../types'

// Mounted by createApp only in demo mode (`npm run demo`): the demo accounts' sign-ins of this
// start, so they stay findable once request logs have scrolled the console away.
export const demoRoutes = new Hono<AppEnv>()

demoRoutes.get('/demo', (c) => {
  const accounts = c.var.deps.demo?.accounts() ?? []
  return c.html(<DemoPage chrome={chrome(c)} accounts={accounts} />)
})
