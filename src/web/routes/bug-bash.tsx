import { Hono, type Context } from 'hono'
import { BugBashPage, type BugBashForms } from '../../../views/bug-bash/list'
import { fixCluster, getBugBashList, pickCluster, unpickCluster } from '../../bug-bash'
import { chrome } from '../chrome'
import { readForm, submitForm, type FormStatus } from '../forms'
import { idParam } from '../params'
import type { AppEnv } from '../types'

// The bug-bash list (staff): the clusters, picking one for a bug-bash day, marking it fixed.

export const bugBashRoutes = new Hono<AppEnv>()

async function listPage(c: Context<AppEnv>, forms: BugBashForms = {}, status: FormStatus = 200) {
  return c.html(<BugBashPage chrome={chrome(c)} list={await getBugBashList(c.var.ctx)} forms={forms} />, status)
}

bugBashRoutes.get('/bug-bash', (c) => listPage(c))

bugBashRoutes.post('/bug-bash/pick', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => pickCluster({ ctx: c.var.ctx, input: { threadId: values.threadId, day: values.day } }),
    (cluster) => c.redirect(`/bug-bash#cluster-${cluster.id}`, 303),
    (failure) => listPage(c, { [`pick-${values.threadId}`]: failure.state }, failure.status),
  )
})

bugBashRoutes.post('/bug-bash/:id/unpick', async (c) => {
  const clusterId = idParam(c, 'id', 'That cluster')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => unpickCluster({ ctx: c.var.ctx, input: { clusterId } }),
    (cluster) => c.redirect(`/bug-bash#cluster-${cluster.id}`, 303),
    (failure) => listPage(c, { [`unpick-${clusterId}`]: failure.state }, failure.status),
  )
})

bugBashRoutes.post('/bug-bash/:id/fix', async (c) => {
  const clusterId = idParam(c, 'id', 'That cluster')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => fixCluster({ ctx: c.var.ctx, input: { clusterId, note: values.note, release: values.release } }),
    ({ cluster }) => c.redirect(`/bug-bash#cluster-${cluster.id}`, 303),
    (failure) => listPage(c, { [`fix-${clusterId}`]: failure.state }, failure.status),
  )
})
