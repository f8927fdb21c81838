import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BlockedAddressError, guardedFetch, isPublicAddress, resolveChecked } from '../../src/webhooks'

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '::ffff:10.1.2.3',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'ff02::1',
    '64:ff9b::a00:1',
    '2002:7f00:1::',
    '2001:db8::1',
    'not an address',
  ])('refuses %s', (address) => expect(isPublicAddress(address)).toBe(false))

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '2606:4700:4700::1111', '2a00:1450:4001:81b::200e', '::ffff:8.8.8.8'])('allows %s', (address) =>
    expect(isPublicAddress(address)).toBe(true),
  )
})

describe('resolveChecked', () => {
  it('refuses a name that resolves to loopback, and other schemes, unless allowed', async () => {
    await expect(resolveChecked(new URL('http://localhost:8080/hook'), false)).rejects.toThrow(/private or reserved address/)
    await expect(resolveChecked(new URL('http://[::1]/hook'), false)).rejects.toThrow(/private or reserved/)
    await expect(resolveChecked(new URL('file:///etc/passwd'), true)).rejects.toThrow(/Only http and https/)
    expect((await resolveChecked(new URL('http://localhost:8080/hook'), true)).length).toBeGreaterThan(0)
  })
})

describe('guardedFetch (OpenID discovery, keys and tokens)', () => {
  let server: Server
  let base: string
  const bodies: string[] = []
  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk) => (body += chunk))
      request.on('end', () => {
        bodies.push(`${request.method} ${request.headers['content-type'] ?? ''} ${body}`)
        if (request.url === '/moved') return response.writeHead(302, { location: 'http://169.254.169.254/' }).end()
        if (request.url === '/big') return response.end('x'.repeat(2048))
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: base }))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('refuses a loopback address by default, before any request is made', async () => {
    await expect(guardedFetch(`${base}/.well-known/openid-configuration`, {}, { allowPrivateNetwork: false })).rejects.toBeInstanceOf(BlockedAddressError)
    expect(bodies).toEqual([])
  })

  it('when allowed, answers a standard Response, posts form bodies, never follows a redirect and caps the read', async () => {
    const answer = await guardedFetch(`${base}/.well-known/openid-configuration`, { headers: { accept: 'application/json' } }, { allowPrivateNetwork: true })
    expect(answer.status).toBe(200)
    expect(await answer.json()).toEqual({ issuer: base })
    await guardedFetch(`${base}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code' }) }, { allowPrivateNetwork: true })
    expect(bodies.at(-1)).toBe('POST application/x-www-form-urlencoded;charset=UTF-8 grant_type=authorization_code')
    const moved = await guardedFetch(`${base}/moved`, {}, { allowPrivateNetwork: true })
    expect(moved.status).toBe(302)
    expect(moved.headers.get('location')).toBe('http://169.254.169.254/')
    await expect(guardedFetch(`${base}/big`, {}, { allowPrivateNetwork: true, maxBytes: 1024 })).rejects.toThrow(/larger than 1 KB/)
  })
})
