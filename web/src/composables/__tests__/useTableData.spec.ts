import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { configureApi } from '@/api/client'
import { ApiError } from '@/api/errors'
import type { RowsQuery } from '@/api/types'
import { mockFetch, type Call } from '@/__tests__/fetch-mock'
import { column } from '@/__tests__/columns'
import { LOAD_MORE_ROWS, MAX_LOADED_ROWS, useTableData } from '../useTableData'

const schema = {
  name: 'orders', label: 'Order', primary_key: ['id'], source: 'model',
  columns: [column('id', 'integer', { primary_key: true, auto_increment: true }), column('total', 'decimal')],
  foreign_keys: [], referenced_by: [], indexes: [],
}
const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: from + i, total: 1 }))

/** A rows endpoint over `total` orders: keyset cursors unless `cursors` is false. */
function rowsApi(total: number, cursors = true) {
  return (call: Call) => {
    const limit = Number(call.search.get('limit'))
    const after = call.search.get('after')
    const start = after ? Number(after) : Number(call.search.get('offset') ?? 0)
    const n = Math.max(0, Math.min(limit, total - start))
    const end = start + n
    return {
      status: 200,
      body: {
        rows: ids(start + 1, n),
        count: call.search.get('count') === 'none' ? null : total,
        count_kind: call.search.get('count') === 'exact' ? 'exact' : 'estimated',
        next_cursor: cursors && end < total ? String(end) : null,
      },
    }
  }
}

const first: RowsQuery = { limit: 50, count: 'estimated', offset: 0 }

describe('useTableData', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    configureApi({ csrfToken: () => 'csrf', onUnauthorized: () => {}, viewAs: () => null })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('loads the page, then appends the next rows by cursor', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/tables/orders': { status: 200, body: schema },
      'GET /api/v1/tables/orders/rows': rowsApi(2000),
    })
    const data = useTableData(() => 'orders')
    expect(await data.load(() => first, 0)).toBe(true)
    expect(data.rows.value).toHaveLength(50)
    expect(data.appended.value).toBe(false)
    expect(data.canLoadMore.value).toBe(true)

    await data.loadMore()
    expect(data.rows.value).toHaveLength(50 + LOAD_MORE_ROWS)
    expect(data.rows.value[50]).toMatchObject({ id: 51 })
    expect(data.appended.value).toBe(true)
    const more = calls.at(-1)!
    expect(Object.fromEntries(more.search)).toEqual({ limit: String(LOAD_MORE_ROWS), count: 'none', after: '50' })
    expect(data.endOffset.value).toBe(550)
    expect(data.endCursor.value).toBe('550')

    // a new load starts over
    await data.load(() => first, 0)
    expect(data.rows.value).toHaveLength(50)
  })

  it('falls back to offsets without a cursor and stops at the last row', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/tables/orders': { status: 200, body: schema },
      'GET /api/v1/tables/orders/rows': rowsApi(590, false),
    })
    const data = useTableData(() => 'orders')
    await data.load(() => ({ ...first, offset: 50 }), 50)
    await data.loadMore()
    expect(calls.at(-1)!.search.get('offset')).toBe('100')
    expect(calls.at(-1)!.search.has('after')).toBe(false)
    expect(data.rows.value.map((r) => r.id)).toEqual(ids(51, 540).map((r) => r.id))
    expect(data.canLoadMore.value).toBe(false)
  })

  it('knows the end from an exact count', async () => {
    mockFetch({
      'GET /api/v1/tables/orders': { status: 200, body: schema },
      'GET /api/v1/tables/orders/rows': rowsApi(50),
    })
    const data = useTableData(() => 'orders')
    await data.load(() => ({ ...first, count: 'exact' }), 0)
    expect(data.canLoadMore.value).toBe(false)
  })

  it(`holds at most ${MAX_LOADED_ROWS} rows`, async () => {
    const { calls } = mockFetch({
      'GET /api/v1/tables/orders': { status: 200, body: schema },
      'GET /api/v1/tables/orders/rows': rowsApi(50_000),
    })
    const data = useTableData(() => 'orders')
    await data.load(() => ({ ...first, limit: 100 }), 0)
    while (data.canLoadMore.value) await data.loadMore()
    expect(data.rows.value).toHaveLength(MAX_LOADED_ROWS)
    expect(calls.at(-1)!.search.get('limit')).toBe('400')
  })

  it('drops a page that arrives after a newer load', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const api = rowsApi(2000)
    mockFetch({
      'GET /api/v1/tables/orders': { status: 200, body: schema },
      'GET /api/v1/tables/orders/rows': async (call) => {
        if (call.search.get('after')) await gate
        return api(call)
      },
    })
    const data = useTableData(() => 'orders')
    await data.load(() => first, 0)
    const more = data.loadMore()
    await data.load(() => ({ ...first, limit: 25 }), 0)
    release()
    await more
    expect(data.rows.value).toHaveLength(25)
    expect(data.loadingMore.value).toBe(false)
  })

  it('patches one row by key and puts the stored row in its place', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/tables/orders': { status: 200, body: schema },
      'GET /api/v1/tables/orders/rows': rowsApi(3),
      'PATCH /api/v1/tables/orders/rows/2': { status: 200, body: { id: 2, total: 9.5 } },
      'PATCH /api/v1/tables/orders/rows/3': {
        status: 422,
        body: { error: { code: 'validation', message: 'total: must be >= 0', fields: { total: ['must be >= 0'] } } },
      },
    })
    const data = useTableData(() => 'orders')
    await data.load(() => first, 0)
    const before = data.rows.value
    await data.patchRow(1, { total: '9.5' })
    expect(calls.at(-1)).toMatchObject({ method: 'PATCH', body: { total: '9.5' } })
    expect(data.rows.value[1]).toEqual({ id: 2, total: 9.5 })
    expect(data.rows.value).not.toBe(before)
    await expect(data.patchRow(2, { total: '-1' })).rejects.toBeInstanceOf(ApiError)
    expect(data.rows.value[2]).toEqual({ id: 3, total: 1 })
  })

  it('tells a missing table from other errors', async () => {
    mockFetch({
      'GET /api/v1/tables/nope': { status: 404, body: { error: { code: 'not_found', message: 'no table nope' } } },
    })
    const data = useTableData(() => 'nope')
    expect(await data.load(() => first, 0)).toBe(false)
    expect(data.notFound.value).toBe('no table nope')
    expect(data.error.value).toBeNull()
  })
})
