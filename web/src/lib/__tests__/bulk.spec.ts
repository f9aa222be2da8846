import { describe, expect, it } from 'vitest'
import { bulkBody, rowKeys, selectionSize } from '../bulk'

describe('bulk request bodies', () => {
  it('deletes rows by key, confirming their number', () => {
    expect(bulkBody('delete', { kind: 'keys', keys: ['1', '7'] })).toEqual({ action: 'delete', keys: ['1', '7'], expected: 2 })
  })

  it('updates rows by key with the new values', () => {
    expect(bulkBody('update', { kind: 'keys', keys: ['3'] }, { description: 'x' })).toEqual({
      action: 'update',
      keys: ['3'],
      set: { description: 'x' },
      expected: 1,
    })
  })

  it('acts on every matching row with the filter, search and the confirmed count', () => {
    const where = { status: { _eq: 'new' } }
    expect(bulkBody('update', { kind: 'matching', where, search: 'anna', count: 42 }, { status: 'paid' })).toEqual({
      action: 'update',
      where,
      search: 'anna',
      set: { status: 'paid' },
      expected: 42,
    })
    // no filter and no search: both left out (all rows), still confirmed
    expect(bulkBody('delete', { kind: 'matching', where: null, search: '  ', count: 5 })).toEqual({ action: 'delete', expected: 5 })
  })

  it('uses raw key segments (composite keys joined by commas, escaped, not URL-encoded)', () => {
    const rows = [
      { order_id: 3, product_id: 7 },
      { order_id: 'a,b', product_id: '~x' },
      { order_id: null, product_id: 1 },
    ]
    const keys = rowKeys(rows, ['order_id', 'product_id'])
    expect(keys).toEqual(['3,7', 'a~2Cb,~7Ex'])
    expect(bulkBody('delete', { kind: 'keys', keys }).keys).toEqual(['3,7', 'a~2Cb,~7Ex'])
    expect(rowKeys([{ code: 'a b/c' }], ['code'])).toEqual(['a b/c'])
  })

  it('counts a selection', () => {
    expect(selectionSize({ kind: 'keys', keys: ['1', '2'] })).toBe(2)
    expect(selectionSize({ kind: 'matching', where: null, search: '', count: 9 })).toBe(9)
  })
})
