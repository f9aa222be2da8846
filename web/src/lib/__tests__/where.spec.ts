import { describe, expect, it } from 'vitest'
import {
  buildWhere,
  emptyGroup,
  filterToCondition,
  nodeToWhere,
  whereToFilters,
  whereToNode,
  type CondNode,
  type Filter,
  type GroupNode,
} from '../where'

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

describe('filter builder tree ↔ where JSON', () => {
  const cols = [
    { name: 'id', kind: 'integer' as const },
    { name: 'country', kind: 'text' as const },
    { name: 'total', kind: 'float' as const },
    { name: 'owner_id', kind: 'integer' as const },
  ]

  it('an empty tree is no condition, and null/{} give an empty tree', () => {
    expect(nodeToWhere(emptyGroup(), cols)).toBeNull()
    expect(whereToNode(null)).toEqual(emptyGroup())
    expect(whereToNode({})).toEqual(emptyGroup())
  })

  it('builds AND/OR groups with typed values and session variables', () => {
    const tree: GroupNode = {
      type: 'group',
      mode: '_and',
      children: [
        { type: 'cond', column: 'country', op: '_eq', value: 'DE', session: null },
        {
          type: 'group',
          mode: '_or',
          children: [
            { type: 'cond', column: 'total', op: '_gt', value: '100', session: null },
            { type: 'cond', column: 'owner_id', op: '_eq', value: '', session: 'X-Rubbie-User-Id' },
          ],
        },
        { type: 'cond', column: 'id', op: '_in', value: '1, 2', session: null },
      ],
    }
    const where = {
      _and: [
        { country: { _eq: 'DE' } },
        { _or: [{ total: { _gt: 100 } }, { owner_id: { _eq: 'X-Rubbie-User-Id' } }] },
        { id: { _in: [1, 2] } },
      ],
    }
    expect(nodeToWhere(tree, cols)).toEqual(where)
    // and back: the same tree (session variable recognised), the same JSON again
    const back = whereToNode(where)!
    expect(back.children[1]).toMatchObject({ type: 'group', mode: '_or' })
    expect((back.children[1] as GroupNode).children[1]).toEqual({
      type: 'cond', column: 'owner_id', op: '_eq', value: 'X-Rubbie-User-Id', session: 'X-Rubbie-User-Id',
    })
    expect(nodeToWhere(back, cols)).toEqual(where)
  })

  it('a single condition is a one-condition AND group; groups of one collapse', () => {
    const node = whereToNode({ country: { _eq: 'DE' } })!
    expect(node.mode).toBe('_and')
    expect(node.children).toHaveLength(1)
    expect(nodeToWhere({ type: 'group', mode: '_or', children: [node] }, cols)).toEqual({ country: { _eq: 'DE' } })
  })

  it('reads several columns or operators in one object as AND', () => {
    const node = whereToNode({ total: { _gt: 1, _lt: 9 }, country: { _is_null: false } })!
    expect(nodeToWhere(node, cols)).toEqual({
      _and: [{ total: { _gt: 1 } }, { total: { _lt: 9 } }, { country: { _is_null: false } }],
    })
  })

  it('a session variable only replaces a scalar comparison', () => {
    const c: CondNode = { type: 'cond', column: 'country', op: '_in', value: 'DE, FR', session: 'X-Rubbie-Role' }
    expect(nodeToWhere(c, cols)).toEqual({ country: { _in: ['DE', 'FR'] } })
  })

  it('leaves what the builder cannot show to JSON mode', () => {
    expect(whereToNode({ _not: { id: { _eq: 1 } } })).toBeNull()
    expect(whereToNode({ customer: { email: { _ilike: '%x%' } } })).toBeNull()
    expect(whereToNode({ _and: [{ id: { _eq: 1 } }, { _not: {} }] })).toBeNull()
    expect(whereToNode([1])).toBeNull()
  })
})
