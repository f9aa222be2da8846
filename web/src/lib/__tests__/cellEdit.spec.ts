import { describe, expect, it } from 'vitest'
import {
  LONG_TEXT, cellAction, cellDraft, duplicateValues, isWritable, opensInViewer, parseCellDraft,
  parseViewerText, viewerEditable, viewerText,
} from '../cellEdit'
import { column } from '@/__tests__/columns'

const id = column('id', 'integer', { primary_key: true, auto_increment: true })
const name = column('name', 'text')
const price = column('price', 'decimal', { nullable: true })
const doc = column('doc', 'json', { nullable: true })

describe('which cells the grid edits, and how', () => {
  it('writes only non-key, writable columns of tables with a key', () => {
    expect(isWritable(name, true)).toBe(true)
    expect(isWritable(name, false)).toBe(false)
    expect(isWritable(id, true)).toBe(false)
    expect(isWritable(column('code', 'text', { primary_key: true }), true)).toBe(false)
    expect(isWritable(column('at', 'datetime', { readonly: true }), true)).toBe(false)
    expect(isWritable(column('n', 'integer', { auto_increment: true }), true)).toBe(false)
  })

  it('edits simple kinds in place, opens large values, else opens the row', () => {
    expect(cellAction(name, 'Lamp', true)).toBe('edit')
    expect(cellAction(price, null, true)).toBe('edit')
    expect(cellAction(column('s', 'enum', { enum_values: ['a'] }), 'a', true)).toBe('edit')
    expect(cellAction(name, 'Lamp', false)).toBe('open')
    expect(cellAction(id, 1, false)).toBe('open')
    expect(cellAction(doc, { a: 1 }, true)).toBe('view')
    expect(cellAction(doc, null, false)).toBe('view')
    expect(cellAction(name, 'x'.repeat(LONG_TEXT + 1), true)).toBe('view')
    expect(cellAction(name, 'two\nlines', true)).toBe('view')
    expect(cellAction(column('b', 'bytes'), 'AAEC', true)).toBe('view')
    expect(cellAction(column('o', 'other'), 'x', true)).toBe('open')
    expect(opensInViewer(column('o', 'other'), [1, 2])).toBe(true)
  })

  it('starts a NULL input empty, and an empty number or date back to NULL', () => {
    expect(cellDraft(null, price)).toEqual({ text: '', isNull: false })
    expect(cellDraft(null, column('b', 'boolean', { nullable: true }))).toEqual({ text: '', isNull: true })
    expect(cellDraft(12.5, price)).toEqual({ text: '12.5', isNull: false })
    expect(parseCellDraft({ text: ' ', isNull: false }, price, 1)).toEqual({ ok: true, value: null })
    expect(parseCellDraft({ text: '', isNull: false }, column('n', 'integer'), 1)).toMatchObject({ ok: false })
    expect(parseCellDraft({ text: '', isNull: false }, column('t', 'text', { nullable: true }), 'a')).toEqual({ ok: true, value: '' })
    expect(parseCellDraft({ text: '-5', isNull: false }, price, 1)).toEqual({ ok: true, value: '-5' })
    expect(parseCellDraft({ text: 'x', isNull: false }, column('n', 'integer'), 1)).toEqual({ ok: false, error: 'must be an integer' })
  })

  it('shows JSON pretty-printed and validates it before saving', () => {
    expect(viewerText(doc, { a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}')
    expect(viewerText(name, 'plain')).toBe('plain')
    expect(parseViewerText(doc, '{"a": 2}')).toEqual({ ok: true, value: { a: 2 } })
    expect(parseViewerText(doc, 'null')).toEqual({ ok: true, value: null })
    expect(parseViewerText({ ...doc, nullable: false }, 'null')).toMatchObject({ ok: false })
    const bad = parseViewerText(doc, '{"a": ')
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.error).toMatch(/^Invalid JSON: /)
    expect(parseViewerText(name, '{ not json')).toEqual({ ok: true, value: '{ not json' })
    expect(viewerEditable(doc, true)).toBe(true)
    expect(viewerEditable(column('b', 'bytes'), true)).toBe(false)
    expect(viewerEditable(doc, false)).toBe(false)
  })

  it('duplicates a row without what the database fills in', () => {
    const columns = [
      id,
      column('uuid', 'uuid', { primary_key: true, default: 'gen_random_uuid()' }),
      column('order_id', 'integer', { primary_key: true }),
      name,
      column('created', 'datetime', { readonly: true }),
      doc,
    ]
    const row = { id: 7, uuid: 'u-1', order_id: 3, name: 'Lamp', created: '2024-01-01T00:00:00Z', doc: null }
    expect(duplicateValues(row, columns)).toEqual({ order_id: 3, name: 'Lamp', doc: null })
  })
})
