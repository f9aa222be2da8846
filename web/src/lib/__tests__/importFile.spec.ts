import { describe, expect, it } from 'vitest'
import type { Column } from '@/api/types'
import {
  CSV_PREVIEW_BYTES,
  defaultMapping,
  formatOfFile,
  importQuery,
  importableColumns,
  mappingConflicts,
  previewFile,
  readForPreview,
} from '../importFile'

const col = (name: string, readonly = false) => ({ name, readonly }) as Column

describe('import file', () => {
  it('tells the format from the extension, else the type', () => {
    expect(formatOfFile('people.CSV')).toBe('csv')
    expect(formatOfFile('dump.json')).toBe('json')
    expect(formatOfFile('events.ndjson')).toBe('ndjson')
    expect(formatOfFile('events.jsonl')).toBe('ndjson')
    expect(formatOfFile('blob', 'text/csv; charset=utf-8')).toBe('csv')
    expect(formatOfFile('notes.txt', 'text/plain')).toBeNull()
  })

  it('previews a CSV: header fields, the first rows with their lines, and the row count when read whole', () => {
    const p = previewFile('name,note\n"Ann","a\nb"\nBob,\n', 'csv')
    expect(p.fields).toEqual(['name', 'note'])
    expect(p.rows).toEqual([{ name: 'Ann', note: 'a\nb' }, { name: 'Bob', note: '' }])
    expect(p.lines).toEqual([2, 4])
    expect(p.total).toBe(2)
    expect(p.error).toBeNull()
    const big = previewFile(['n', ...Array.from({ length: 30 }, (_, i) => String(i))].join('\n'), 'csv', 20)
    expect(big.rows).toHaveLength(20)
    expect(big.total).toBeNull()
  })

  it('says what is wrong with a CSV the server would refuse', () => {
    expect(previewFile('', 'csv').error).toMatch(/header line/)
    expect(previewFile('a,a\n1,2\n', 'csv').error).toMatch(/"a" twice/)
    expect(previewFile('a,b\n1,2\n3\n', 'csv').error).toBe('Line 3: expected 2 fields, found 1.')
    expect(previewFile('a\n"open\n', 'csv').error).toMatch(/Line 2: a quoted field is never closed/)
  })

  it('previews JSON and NDJSON: every key in first-seen order, lines for NDJSON', () => {
    const j = previewFile('[{"a":1},{"b":{"x":true},"a":2}]', 'json')
    expect(j.fields).toEqual(['a', 'b'])
    expect(j.rows[1]).toEqual({ b: { x: true }, a: 2 })
    expect(j.lines).toEqual([null, null])
    expect(j.total).toBe(2)
    expect(previewFile('{"a":1}', 'json').error).toMatch(/array of objects/)
    expect(previewFile('[1]', 'json').error).toBe('Row 1 is not an object.')
    expect(previewFile('[', 'json').error).toMatch(/^Not valid JSON/)

    const n = previewFile('{"a":1}\n\n{"c":3}\r\nnope\n', 'ndjson')
    expect(n.fields).toEqual(['a', 'c'])
    expect(n.lines).toEqual([1, 3, 4])
    expect(n.error).toBe('Line 4: not valid JSON.')
  })

  it('maps fields to same-named columns (else ignoring case), else skips them', () => {
    const columns = [col('id'), col('name'), col('Email')]
    expect(defaultMapping(['name', 'email', 'EMAIL', 'extra'], columns)).toEqual({
      name: 'name',
      email: 'Email',
      EMAIL: null,
      extra: null,
    })
    expect(importableColumns([col('a'), col('b', true)]).map((c) => c.name)).toEqual(['a'])
  })

  it('flags two fields filling one column', () => {
    expect(mappingConflicts(['a', 'b', 'c'], { a: 'x', b: 'x', c: null })).toEqual({ b: 'column x is already filled by "a"' })
  })

  it('sends the whole mapping (skips as null), the format and dry_run', () => {
    const q = new URLSearchParams(importQuery('csv', ['a', 'b'], { a: 'name' }, true))
    expect(q.get('format')).toBe('csv')
    expect(q.get('dry_run')).toBe('true')
    expect(JSON.parse(q.get('mapping')!)).toEqual({ a: 'name', b: null })
  })

  it('reads only the head of a large CSV, and drops the record the head cuts', async () => {
    const big = 'id,note\n' + '1,"x"\n'.repeat(CSV_PREVIEW_BYTES / 6 + 10)
    const read = await readForPreview(new Blob([big]), 'csv')
    expect(read.truncated).toBe(true)
    expect(read.text.length).toBe(CSV_PREVIEW_BYTES)
    const whole = await readForPreview(new Blob([big]), 'json')
    expect([whole.truncated, whole.text.length]).toEqual([false, big.length])
    // a head ending inside a quoted field: no "never closed" error, no half record, no total
    const head = previewFile('a,b\n1,2\n3,"unfinish', 'csv', 20, true)
    expect(head.rows).toEqual([{ a: '1', b: '2' }])
    expect(head.error).toBeNull()
    expect(head.total).toBeNull()
    // the same text as a whole file is an error
    expect(previewFile('a,b\n1,2\n3,"unfinish', 'csv', 20, false).error).toMatch(/never closed/)
  })
})
