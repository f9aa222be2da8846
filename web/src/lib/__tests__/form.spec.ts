import { describe, expect, it } from 'vitest'
import { collectChanges, fromDraft, toDraft } from '../form'

describe('form drafts', () => {
  it('round-trips values by kind', () => {
    expect(toDraft(12, { name: 'a', kind: 'integer', nullable: false })).toEqual({ text: '12', isNull: false })
    expect(toDraft(null, { name: 'a', kind: 'text', nullable: true })).toEqual({ text: '', isNull: true })
    expect(toDraft({ a: 1 }, { name: 'a', kind: 'json', nullable: false }).text).toBe('{\n  "a": 1\n}')
    expect(toDraft('2024-05-01T10:20:30.123Z', { name: 'a', kind: 'datetime', nullable: false }).text).toBe(
      '2024-05-01T10:20:30',
    )
    expect(toDraft('2024-05-01 10:20:30', { name: 'a', kind: 'datetime', nullable: false }).text).toBe(
      '2024-05-01T10:20:30',
    )
  })

  it('parses and validates', () => {
    const col = (kind: 'integer' | 'decimal' | 'json' | 'boolean' | 'datetime', nullable = false) => ({ name: 'x', kind, nullable })
    expect(fromDraft({ text: '5', isNull: false }, col('integer'))).toEqual({ ok: true, value: 5 })
    expect(fromDraft({ text: '5.5', isNull: false }, col('integer'))).toMatchObject({ ok: false })
    expect(fromDraft({ text: '10.50', isNull: false }, col('decimal'))).toEqual({ ok: true, value: '10.50' })
    expect(fromDraft({ text: '1x', isNull: false }, col('decimal'))).toMatchObject({ ok: false })
    expect(fromDraft({ text: '{"a":', isNull: false }, col('json'))).toMatchObject({ ok: false })
    expect(fromDraft({ text: '[1]', isNull: false }, col('json'))).toEqual({ ok: true, value: [1] })
    expect(fromDraft({ text: 'true', isNull: false }, col('boolean'))).toEqual({ ok: true, value: true })
    expect(fromDraft({ text: '', isNull: true }, col('integer', true))).toEqual({ ok: true, value: null })
    expect(fromDraft({ text: '', isNull: true }, col('integer'))).toMatchObject({ ok: false })
    expect(fromDraft({ text: '2024-05-01T10:20', isNull: false }, col('datetime'), '2024-01-01T00:00:00Z')).toEqual({
      ok: true,
      value: '2024-05-01T10:20:00Z',
    })
  })

  it('collects only changed columns', () => {
    const columns = [
      { name: 'id', kind: 'integer' as const, nullable: false },
      { name: 'name', kind: 'text' as const, nullable: false },
      { name: 'note', kind: 'text' as const, nullable: true },
    ]
    const row = { id: 1, name: 'Ann', note: 'x' }
    const initial = Object.fromEntries(columns.map((c) => [c.name, toDraft(row[c.name as keyof typeof row], c)]))
    const drafts = { ...initial, note: { text: 'x', isNull: true } }
    expect(collectChanges(columns, drafts, initial, row)).toEqual({ changes: { note: null }, errors: {} })
  })

  it('also sends the columns it must, changed or not (a duplicated row)', () => {
    const columns = [
      { name: 'name', kind: 'text' as const, nullable: false },
      { name: 'active', kind: 'boolean' as const, nullable: false },
    ]
    const initial = { name: { text: 'Ann', isNull: false }, active: { text: 'false', isNull: false } }
    expect(collectChanges(columns, { ...initial }, initial, null, new Set(['active']))).toEqual({
      changes: { active: false },
      errors: {},
    })
  })
})
