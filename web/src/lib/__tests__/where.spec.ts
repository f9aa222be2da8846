import { describe, expect, it } from 'vitest'
import { buildWhere, filterToCondition, whereToFilters, type Filter } from '../where'

const columns = [
  { name: 'id', kind: 'integer' as const },
  { name: 'name', kind: 'text' as const },
  { name: 'email', kind: 'text' as const },
  { name: 'total', kind: 'decimal' as const },
  { name: 'active', kind: 'boolean' as const },
  { name: 'secret', kind: 'text' as const, hidden: true },
]

describe('buildWhere', () => {
  it('returns null with nothing to filter', () => {
    expect(buildWhere([], columns)).toBeNull()
    expect(buildWhere([], columns, '   ')).toBeNull()
  })

  it('builds one condition without _and', () => {
    expect(buildWhere([{ column: 'name', op: '_ilike', value: '%ann%' }], columns)).toEqual({
      name: { _ilike: '%ann%' },
    })
  })

  it('ANDs several filters and types values by column kind', () => {
    const filters: Filter[] = [
      { column: 'name', op: '_ilike', value: '%ann%' },
      { column: 'id', op: '_gt', value: '100' },
      { column: 'active', op: '_eq', value: 'true' },
      { column: 'total', op: '_gte', value: '10.50' },
    ]
    expect(buildWhere(filters, columns)).toEqual({
      _and: [
        { name: { _ilike: '%ann%' } },
        { id: { _gt: 100 } },
        { active: { _eq: true } },
        { total: { _gte: '10.50' } },
      ],
    })
  })

  it('handles _in lists and null checks', () => {
    expect(filterToCondition({ column: 'id', op: '_in', value: '1, 2,,3' }, columns)).toEqual({
      id: { _in: [1, 2, 3] },
    })
    expect(filterToCondition({ column: 'name', op: '_nin', value: 'a,b' }, columns)).toEqual({
      name: { _nin: ['a', 'b'] },
    })
    expect(filterToCondition({ column: 'email', op: '_is_null', value: 'ignored' }, columns)).toEqual({
      email: { _is_null: true },
    })
    expect(filterToCondition({ column: 'email', op: '_is_not_null', value: '' }, columns)).toEqual({
      email: { _is_null: false },
    })
  })

  it('keeps a non-numeric value for a number column as text (the API reports it)', () => {
    expect(filterToCondition({ column: 'id', op: '_eq', value: 'abc' }, columns)).toEqual({ id: { _eq: 'abc' } })
  })

  it('ORs the quick search across visible text columns', () => {
    expect(buildWhere([{ column: 'id', op: '_lt', value: '5' }], columns, 'ann')).toEqual({
      _and: [{ id: { _lt: 5 } }, { _or: [{ name: { _ilike: '%ann%' } }, { email: { _ilike: '%ann%' } }] }],
    })
  })

  it('round-trips through whereToFilters', () => {
    const filters: Filter[] = [
      { column: 'name', op: '_ilike', value: '%a%' },
      { column: 'id', op: '_in', value: '1, 2' },
      { column: 'email', op: '_is_not_null', value: '' },
    ]
    const where = buildWhere(filters, columns)
    expect(whereToFilters(JSON.parse(JSON.stringify(where)))).toEqual(filters)
  })

  it('whereToFilters gives up on shapes the filter box cannot show', () => {
    expect(whereToFilters({ _or: [{ id: { _eq: 1 } }] })).toBeNull()
    expect(whereToFilters({ customer: { email: { _eq: 'x' } } })).toBeNull()
    expect(whereToFilters('nope')).toBeNull()
  })
})
