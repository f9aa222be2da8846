import { describe, expect, it } from 'vitest'
import { formatValue, MAX_CELL_CHARS, relativeTime } from '../format'

describe('formatValue', () => {
  it('shows null as NULL', () => {
    expect(formatValue(null, { kind: 'text' })).toEqual({ text: 'NULL', cls: 'v-null', title: '' })
    expect(formatValue(undefined)).toMatchObject({ text: 'NULL', cls: 'v-null' })
  })

  it('shows booleans as ✓ / ✗', () => {
    expect(formatValue(true, { kind: 'boolean' })).toMatchObject({ text: '✓', cls: 'v-true' })
    expect(formatValue(false, { kind: 'boolean' })).toMatchObject({ text: '✗', cls: 'v-false' })
  })

  it('shows numbers and decimal strings as they are', () => {
    expect(formatValue(42, { kind: 'integer' })).toMatchObject({ text: '42', cls: 'v-num' })
    expect(formatValue('12.50', { kind: 'decimal' })).toMatchObject({ text: '12.50', cls: 'v-num' })
    expect(formatValue(0.1, { kind: 'float' })).toMatchObject({ text: '0.1' })
  })

  it('abbreviates JSON', () => {
    expect(formatValue({ a: 1, b: [1, 2] }, { kind: 'json' })).toEqual({
      text: '{"a":1,"b":[1,2]}',
      cls: 'v-json',
      title: '',
    })
    const big = { items: Array.from({ length: 50 }, (_, i) => i) }
    const f = formatValue(big, { kind: 'json' })
    expect(f.text.length).toBe(MAX_CELL_CHARS)
    expect(f.text.endsWith('…')).toBe(true)
    expect(f.title).toBe(JSON.stringify(big))
  })

  it('truncates long text and keeps the full text in the title', () => {
    const long = 'x'.repeat(200)
    const f = formatValue(long, { kind: 'text' })
    expect(f.text).toHaveLength(MAX_CELL_CHARS)
    expect(f.title).toBe(long)
    expect(formatValue('short', { kind: 'text' })).toEqual({ text: 'short', cls: '', title: '' })
  })

  it('shows dates and uuids as given', () => {
    expect(formatValue('2024-05-01T10:00:00Z', { kind: 'datetime' }).text).toBe('2024-05-01T10:00:00Z')
    expect(formatValue('4f1c0b9e-0000-4000-8000-000000000000', { kind: 'uuid' }).text).toBe(
      '4f1c0b9e-0000-4000-8000-000000000000',
    )
  })

  it('puts multi-line text on one line', () => {
    expect(formatValue('a\nb', { kind: 'text' })).toEqual({ text: 'a b', cls: '', title: 'a\nb' })
  })
})

describe('relativeTime', () => {
  const now = 1_700_000_000_000
  const at = (secondsAgo: number) => relativeTime(now / 1000 - secondsAgo, now)

  it('says just now, then the largest whole unit', () => {
    expect(at(5)).toBe('just now')
    expect(at(50)).toBe('1 minute ago')
    expect(at(5 * 60)).toBe('5 minutes ago')
    expect(at(2 * 3600 + 50)).toBe('2 hours ago')
    expect(at(86400 + 60)).toBe('yesterday')
    expect(at(15 * 86400)).toBe('2 weeks ago')
    expect(at(400 * 86400)).toBe('last year')
  })

  it('handles times ahead of the clock (skew)', () => {
    expect(at(-3600)).toBe('in 1 hour')
  })
})
