import { describe, expect, it } from 'vitest'
import { parseCsv } from '../csv'

const fields = (text: string) => parseCsv(text).records.map((r) => r.fields)

describe('parseCsv (RFC 4180)', () => {
  it('reads plain records with LF or CRLF line ends, with or without a last line end', () => {
    expect(fields('a,b\n1,2\n')).toEqual([['a', 'b'], ['1', '2']])
    expect(fields('a,b\r\n1,2\r\n3,4')).toEqual([['a', 'b'], ['1', '2'], ['3', '4']])
    expect(fields('a,b\r1,2')).toEqual([['a', 'b'], ['1', '2']])
  })

  it('keeps empty fields, also at the ends of a record', () => {
    expect(fields('a,,c\n,,\nx,')).toEqual([['a', '', 'c'], ['', '', ''], ['x', '']])
  })

  it('reads quoted fields with commas, escaped quotes and line breaks inside', () => {
    const text = 'name,note\r\n"Smith, Jo","said ""hi"""\r\n"two\r\nlines",x\r\n"",""\r\n'
    expect(fields(text)).toEqual([
      ['name', 'note'],
      ['Smith, Jo', 'said "hi"'],
      ['two\r\nlines', 'x'],
      ['', ''],
    ])
  })

  it('numbers each record by the file line it starts on', () => {
    const r = parseCsv('h\n"a\nb"\n\nc\r\n"d"\n')
    expect(r.records.map((x) => [x.fields[0], x.line])).toEqual([
      ['h', 1],
      ['a\nb', 2],
      ['c', 5],
      ['d', 6],
    ])
  })

  it('drops a byte-order mark and skips blank lines, but keeps a quoted empty line', () => {
    expect(fields('\uFEFFid,name\n\n1,a\n\n')).toEqual([['id', 'name'], ['1', 'a']])
    expect(fields('x\n""\n')).toEqual([['x'], ['']])
  })

  it('keeps a stray quote inside an unquoted field as text', () => {
    expect(fields('a"b,c\n')).toEqual([['a"b', 'c']])
  })

  it('stops after maxRecords and says it did not read everything', () => {
    const r = parseCsv('h\n1\n2\n3\n', 2)
    expect(r.records.map((x) => x.fields)).toEqual([['h'], ['1']])
    expect(r.complete).toBe(false)
    expect(parseCsv('h\n1\n').complete).toBe(true)
  })

  it('reports a quoted field that is never closed, with the line it opened on', () => {
    const r = parseCsv('a,b\n1,"open\nstill\n')
    expect(r.unterminatedAt).toBe(2)
    expect(r.records.at(-1)?.fields).toEqual(['1', 'open\nstill\n'])
    expect(parseCsv('a\n"ok"\n').unterminatedAt).toBeNull()
  })

  it('reads an empty text as no records', () => {
    expect(parseCsv('').records).toEqual([])
    expect(parseCsv('\uFEFF').records).toEqual([])
  })
})
