import { describe, expect, it } from 'vitest'
import type { LocationQuery } from 'vue-router'
import type { SavedView } from '@/api/types'
import { parseView } from '../view'
import { canDelete, savedViewQuery, showsView, viewInput, viewLinkId } from '../savedViews'

const saved = (over: Partial<SavedView> = {}): SavedView => ({
  id: 4,
  table: 'customers',
  name: 'German VIPs',
  where: { country: { _eq: 'DE' }, is_vip: { _eq: true } },
  search: null,
  order_by: '-id',
  columns: ['id', 'name'],
  shared: false,
  owner: 'ann',
  mine: true,
  created_at: 0,
  updated_at: 0,
  ...over,
})

describe('saved views', () => {
  it('puts a view in the URL with its id, and reads it back as the page state', () => {
    const q = savedViewQuery(saved())
    expect(q).toEqual({
      where: '{"country":{"_eq":"DE"},"is_vip":{"_eq":true}}',
      order_by: '-id',
      columns: 'id,name',
      view: '4',
    })
    const state = parseView(q as LocationQuery)
    expect(state.view).toBe('4')
    expect(showsView(state, saved())).toBe(true)
    expect(savedViewQuery(saved({ where: {}, order_by: null, columns: null }))).toEqual({ view: '4' })
  })

  it('knows when the page no longer shows the view as saved', () => {
    const state = parseView(savedViewQuery(saved()) as LocationQuery)
    expect(showsView({ ...state, orderBy: 'id' }, saved())).toBe(false)
    expect(showsView({ ...state, columns: ['name', 'id'] }, saved())).toBe(false)
    // the same filter with its keys in another order is the same view
    expect(showsView({ ...state, where: '{"is_vip":{"_eq":true},"country":{"_eq":"DE"}}' }, saved())).toBe(true)
  })

  it('asks for the saved definition only for a bare ?view=ID link', () => {
    expect(viewLinkId({ view: '12' })).toBe(12)
    expect(viewLinkId({ view: '12', offset: '50' })).toBe(12)
    expect(viewLinkId({ view: '12', order_by: 'id' })).toBeNull()
    expect(viewLinkId({ view: 'x' })).toBeNull()
    expect(viewLinkId({})).toBeNull()
  })

  it('turns the page state into a view body: new views leave empty parts out, an overwrite clears them', () => {
    const state = parseView({ where: '{"a":{"_eq":1}}', order_by: '-a' })
    expect(viewInput(state, false)).toEqual({ where: { a: { _eq: 1 } }, order_by: '-a' })
    expect(viewInput(state, true)).toEqual({ where: { a: { _eq: 1 } }, search: '', order_by: '-a', columns: [] })
    expect(viewInput(parseView({}), true)).toEqual({ where: {}, search: '', order_by: '', columns: [] })
    expect(() => viewInput(parseView({ where: '{nope' }), false)).toThrow(/not valid JSON/)
  })

  it('lets the owner delete a view, and an admin a shared one', () => {
    expect(canDelete(saved(), false)).toBe(true)
    expect(canDelete(saved({ mine: false, shared: true }), false)).toBe(false)
    expect(canDelete(saved({ mine: false, shared: true }), true)).toBe(true)
  })
})
