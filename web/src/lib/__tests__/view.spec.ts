import { describe, expect, it } from 'vitest'
import type { LocationQuery } from 'vue-router'
import { formatCount, nextSort, parseOrder, parseView, selectionKey, sortOf, sortRank, viewQuery, type ViewState } from '../view'

/** The query as the router hands it back after a navigation (strings only). */
const asRouted = (q: ReturnType<typeof viewQuery>) => q as LocationQuery

describe('view URL state', () => {
  it('round-trips filter, search, multi-sort, columns, paging, cursor and exact count', () => {
    const v: ViewState = {
      where: '{"status":{"_in":["paid","shipped"]}}',
      search: 'anna',
      orderBy: 'country,-name',
      columns: ['name', 'id', 'email'],
      offset: 100,
      limit: 25,
      after: 'WzEwMF0',
      exact: true,
    }
    const q = viewQuery(v)
    expect(q).toEqual({
      where: v.where,
      search: 'anna',
      order_by: 'country,-name',
      columns: 'name,id,email',
      offset: '100',
      limit: '25',
      after: 'WzEwMF0',
      count: 'exact',
    })
    expect(parseView(asRouted(q))).toEqual(v)
  })

  it('leaves defaults out of the URL', () => {
    const empty = parseView({})
    expect(empty).toEqual({ where: '', search: '', orderBy: '', columns: [], offset: 0, limit: 50, after: '', exact: false })
    expect(viewQuery(empty)).toEqual({})
  })

  it('ignores junk', () => {
    const v = parseView({ offset: '-3', limit: 'x', columns: ',a,,b,', count: 'estimated' })
    expect(v.offset).toBe(0)
    expect(v.limit).toBe(50)
    expect(v.columns).toEqual(['a', 'b'])
    expect(v.exact).toBe(false)
  })

  it('keys the selection on what selects rows, not on the page', () => {
    const a = parseView({ where: '{}', search: 'x', order_by: 'id' })
    expect(selectionKey({ ...a, offset: 50, after: 'c', exact: true, columns: ['id'] })).toBe(selectionKey(a))
    expect(selectionKey({ ...a, search: 'y' })).not.toBe(selectionKey(a))
  })
})

describe('multi-column sort', () => {
  it('parses order_by', () => {
    expect(parseOrder('a,-b, c,')).toEqual([
      { column: 'a', dir: 'asc' },
      { column: 'b', dir: 'desc' },
      { column: 'c', dir: 'asc' },
    ])
    expect(sortOf('a,-b', 'b')).toBe('desc')
    expect(sortOf('a,-b', 'c')).toBeNull()
  })

  it('a click sorts by that column only: asc → desc → none', () => {
    expect(nextSort('', 'name')).toBe('name')
    expect(nextSort('name', 'name')).toBe('-name')
    expect(nextSort('-name', 'name')).toBe('')
    expect(nextSort('country,name', 'email')).toBe('email')
    expect(nextSort('country,name', 'name')).toBe('-name')
  })

  it('a shift-click adds a key or cycles it in place', () => {
    expect(nextSort('country', 'name', true)).toBe('country,name')
    expect(nextSort('country,name', 'name', true)).toBe('country,-name')
    expect(nextSort('country,-name', 'name', true)).toBe('country')
    expect(nextSort('country,-name', 'country', true)).toBe('-country,-name')
    expect(nextSort('', 'id', true)).toBe('id')
  })

  it('ranks keys only when there are several', () => {
    expect(sortRank('country', 'country')).toBeNull()
    expect(sortRank('country,-name,id', 'name')).toBe(2)
    expect(sortRank('country,-name,id', 'id')).toBe(3)
    expect(sortRank('country,-name', 'email')).toBeNull()
  })
})

describe('formatCount', () => {
  it('marks estimates and shortens big ones', () => {
    expect(formatCount(20000, false)).toBe('20,000')
    expect(formatCount(2000, true)).toBe('≈ 2,000')
    expect(formatCount(1_234_567, true)).toBe('≈ 1.2M')
  })
})
