import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { Email, NewPassword } from '../../src/auth/schemas'
import { ValidationError } from '../../src/errors'
import { TagList } from '../../src/forum/schemas'
import { slugify } from '../../src/forum/slug'
import { characterCount, id, optionalText, parseId, parseInput, text } from '../../src/validation'

const fieldError = (schema: z.ZodType, value: unknown): string | undefined => {
  try {
    parseInput(z.object({ field: schema }), { field: value })
    return undefined
  } catch (error) {
    if (error instanceof ValidationError) return error.fields.field
    throw error
  }
}

describe('text fields', () => {
  const title = text('Title', { min: 5, max: 10, singleLine: true })

  it('trims, collapses whitespace on single lines and normalises to NFC', () => {
    expect(title.parse('  a   b\n c  ')).toBe('a b c')
    expect(title.parse('Cafe\u0301 ok')).toBe('Café ok')
  })

  it('counts characters as people do, not UTF-16 units', () => {
    expect(characterCount('👍🏽ok')).toBe(4)
    expect(fieldError(title, '😀😀😀😀😀')).toBeUndefined()
  })

  it('explains each way a value can be wrong', () => {
    expect(fieldError(title, '')).toBe('Title is required.')
    expect(fieldError(title, '   ')).toBe('Title is required.')
    expect(fieldError(title, undefined)).toBe('Title is required.')
    expect(fieldError(title, 'abc')).toBe('Title must be at least 5 characters (it has 3).')
    expect(fieldError(title, 'abcdefghijk')).toBe('Title must be at most 10 characters (it has 11).')
    expect(fieldError(title, 'ok \uFFFD typed')).toBeUndefined()
    expect(fieldError(title, 'nul \u0000 byte')).toMatch(/could not be read/)
    expect(fieldError(title, 42)).toBe('Title must be text.')
  })

  it('keeps newlines in multi-line text and normalises CRLF', () => {
    expect(text('Body', { max: 100 }).parse('a\r\nb\rc')).toBe('a\nb\nc')
  })

  it('allows an empty optional text but still checks its length', () => {
    const description = optionalText('Description', { max: 3 })
    expect(description.parse('  ')).toBe('')
    expect(fieldError(description, 'abcd')).toBe('Description must be at most 3 characters (it has 4).')
  })
})

describe('ids', () => {
  it('accepts positive 32-bit integers only', () => {
    expect(parseId('42')).toBe(42)
    for (const bad of ['0', '-1', 'abc', '1.5', '2147483648', '99999999999', '', undefined]) expect(parseId(bad)).toBeNull()
    expect(fieldError(id('category'), 'billing')).toBe('Choose a valid category.')
    expect(fieldError(id('category'), '7')).toBeUndefined()
  })
})

describe('emails and passwords', () => {
  it('normalises emails and explains bad ones', () => {
    expect(Email.parse('  Ada@Example.COM ')).toBe('ada@example.com')
    expect(fieldError(Email, '')).toBe('Email is required.')
    expect(fieldError(Email, 'ada@')).toMatch(/email address/)
  })

  it('wants passwords of 10 to 256 characters that are not only spaces', () => {
    expect(fieldError(NewPassword, 'short')).toMatch(/at least 10/)
    expect(fieldError(NewPassword, ' '.repeat(12))).toMatch(/only spaces/)
    expect(fieldError(NewPassword, 'x'.repeat(257))).toMatch(/at most 256/)
    expect(fieldError(NewPassword, 'a fine passphrase')).toBeUndefined()
  })
})

describe('tags', () => {
  it('normalises, de-duplicates and validates', () => {
    expect(TagList.parse(' Billing, SSO login,billing ,, ')).toEqual(['billing', 'sso-login'])
    expect(TagList.parse('')).toEqual([])
    expect(fieldError(TagList, 'ok, <b>')).toMatch(/"<b>" does not/)
    expect(fieldError(TagList, 'a,b,c,d,e,f')).toMatch(/at most 5 tags \(you gave 6\)/)
    expect(fieldError(TagList, 'x'.repeat(31))).toMatch(/at most 30 characters/)
  })
})

describe('slugify', () => {
  it.each([
    ["Can't log in after 2.4 upgrade!", 'cant-log-in-after-2-4-upgrade'],
    ['Crème brûlée — über straße', 'creme-brulee-uber-strasse'],
    ['日本語のタイトル', 'thread'],
    ['   ---   ', 'thread'],
  ])('%s -> %s', (title, slug) => {
    expect(slugify(title)).toBe(slug)
  })

  it('cuts long titles at a word boundary', () => {
    const slug = slugify('word '.repeat(40))
    expect(slug.length).toBeLessThanOrEqual(80)
    expect(slug.endsWith('-')).toBe(false)
    expect(slug.endsWith('word')).toBe(true)
  })
})
