import { Hono } from 'hono'
import { NotificationsPage } from '../../../views/notify/notifications'
import { listNotifications, markNotificationsRead } from '../../notify'
import { chrome } from '../chrome'
import type { AppEnv } from '../types'

export const notificationRoutes = new Hono<AppEnv>()

notificationRoutes.get('/notifications', async (c) => c.html(<NotificationsPage chrome={chrome(c)} notifications={await listNotifications(c.var.ctx)} />))

notificationRoutes.post('/notifications/read', async (c) => {
  await markNotificationsRead({ ctx: c.var.ctx, input: {} })
  return c.redirect('/notifications', 303)
})
