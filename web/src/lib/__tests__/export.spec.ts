import { afterEach, describe, expect, it, vi } from 'vitest'
import { RowCounter, downloadExport, exportUrl, filenameFrom, formatBytes, type ExportProgress } from '../export'

function counted(format: 'csv' | 'ndjson', chunks: string[]): number {
  const c = new RowCounter(format)
  for (const ch of chunks) c.push(ch)
  return c.rows(true)
}

describe('RowCounter', () => {
  it('counts CSV rows without the header, across chunk boundaries and CRLF', () => {
    expect(counted('csv', ['id,name\r\n1,a\r', '\n2,b\r\n'])).toBe(2)
    expect(counted('csv', ['id,na', 'me\n1,a\n2,', 'b'])).toBe(2)
    expect(counted('csv', ['id\n'])).toBe(0)
    expect(counted('csv', [''])).toBe(0)
  })

  it('does not count newlines inside quoted CSV fields', () => {
    expect(counted('csv', ['id,notes\n1,"line one\nline ', 'two"\n2,"say ""hi""\n', '"\n'])).toBe(2)
  })

  it('counts NDJSON lines', () => {
    expect(counted('ndjson', ['{"id":1}\n{"id"', ':2}\n{"id":3}'])).toBe(3)
  })

  it('reports progress mid-stream without the unfinished line', () => {
    const c = new RowCounter('ndjson')
    c.push('{"a":1}\n{"a"')
    expect(c.rows()).toBe(1)
  })
})

describe('export helpers', () => {
  it('builds the export URL of the view', () => {
    expect(exportUrl('http://h/admin', 'order items', 'csv', { where: '{"a":1}', search: 'x', orderBy: 'a,-b', columns: ['a', 'b'] })).toBe(
      'http://h/admin/api/v1/tables/order%20items/export?format=csv&where=%7B%22a%22%3A1%7D&search=x&order_by=a%2C-b&columns=a%2Cb',
    )
    expect(exportUrl('http://h', 't', 'json', {})).toBe('http://h/api/v1/tables/t/export?format=json')
  })

  it('reads the file name from Content-Disposition', () => {
    expect(filenameFrom('attachment; filename="orders.csv"', 'x')).toBe('orders.csv')
    expect(filenameFrom("attachment; filename=a.csv; filename*=UTF-8''b%C3%A4.csv", 'x')).toBe('bä.csv')
    expect(filenameFrom('attachment; filename=plain.ndjson', 'x')).toBe('plain.ndjson')
    expect(filenameFrom(null, 'fallback.json')).toBe('fallback.json')
  })

  it('formats bytes', () => {
    expect(formatBytes(12)).toBe('12 B')
    expect(formatBytes(3400)).toBe('3.4 kB')
    expect(formatBytes(2_500_000)).toBe('2.5 MB')
  })
})

describe('downloadExport', () => {
  afterEach(() => vi.unstubAllGlobals())

  function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
    const enc = new TextEncoder()
    return new ReadableStream({
      start(controller) {
        for (const c of chunks) controller.enqueue(enc.encode(c))
        controller.close()
      },
    })
  }

  it('streams the body, counting rows per chunk, and names the file', async () => {
    const body = streamOf(['id,name\n1,a\n', '2,b\n3,', 'c\n'])
    vi.stubGlobal('fetch', vi.fn(async () => new Response(body, {
      headers: { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="customers.csv"' },
    })))
    const seen: ExportProgress[] = []
    const res = await downloadExport('http://h/x', 'csv', { fallbackName: 'f.csv', onProgress: (p) => seen.push(p) })
    expect(res.filename).toBe('customers.csv')
    expect(res.rows).toBe(3)
    expect(res.bytes).toBe(20)
    expect(seen.map((p) => p.rows)).toEqual([1, 2, 3, 3])
    expect(await res.blob.text()).toBe('id,name\n1,a\n2,b\n3,c\n')
  })

  it('counts JSON in bytes only', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(streamOf(['[{"a":1}', ']']), { headers: { 'content-type': 'application/json' } })))
    const seen: ExportProgress[] = []
    const res = await downloadExport('http://h/x', 'json', { fallbackName: 't.json', onProgress: (p) => seen.push(p) })
    expect(res.rows).toBeNull()
    expect(res.filename).toBe('t.json')
    expect(seen.at(-1)).toEqual({ bytes: 9, rows: null })
  })

  it("throws the API's error message", async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: { code: 'bad_request', message: 'where: unknown column nope' } }), { status: 400 })))
    await expect(downloadExport('http://h/x', 'csv', { fallbackName: 'x' })).rejects.toThrow('unknown column nope')
  })

  it('passes the abort signal to fetch', async () => {
    const ctl = new AbortController()
    const fetchMock = vi.fn(async (_u: string, init?: RequestInit) => {
      expect(init?.signal).toBe(ctl.signal)
      throw new DOMException('aborted', 'AbortError')
    })
    vi.stubGlobal('fetch', fetchMock)
    ctl.abort()
    await expect(downloadExport('http://h/x', 'csv', { fallbackName: 'x', signal: ctl.signal })).rejects.toMatchObject({ name: 'AbortError' })
  })
})
