import { describe, expect, it } from 'vitest'
import { isPublicAddress, resolveChecked } from '../../src/webhooks'

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
