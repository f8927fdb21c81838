import { Hono } from 'hono'
import type { AppEnv } from '../types'

export const assetRoutes = new Hono<AppEnv>()

assetRoutes.get('/:name', (c) => {
  const asset = c.var.deps.assets.files.get(c.req.param('name'))
  if (!asset) return c.text('Not found', 404)
  const versioned = c.req.query('v') === asset.hash
  const etag = `"${asset.hash}"`
  c.header('ETag', etag)
  c.header('Cache-Control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
  if (c.req.header('if-none-match') === etag) return c.body(null, 304)
  c.header('Content-Type', asset.contentType)
  return c.body(asset.body as Uint8Array<ArrayBuffer>)
})
