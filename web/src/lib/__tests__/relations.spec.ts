import { describe, expect, it } from 'vitest'
import { labelFor, mergeLabels, pageLabels, referencedRowRoute, relationWhere } from '../relations'

describe('relations', () => {
  it('filters the referencing rows by the referenced values (an _and for composite keys)', () => {
    const row = { id: 7, a: 1, b: 'x' }
    expect(relationWhere({ columns: ['customer_id'], references_columns: ['id'] }, row)).toEqual({ customer_id: { _eq: 7 } })
    expect(relationWhere({ columns: ['p', 'q'], references_columns: ['a', 'b'] }, row)).toEqual({
      _and: [{ p: { _eq: 1 } }, { q: { _eq: 'x' } }],
    })
    expect(relationWhere({ columns: ['p'], references_columns: ['missing'] }, row)).toBeNull()
    expect(relationWhere({ columns: ['p'], references_columns: ['n'] }, { n: null })).toBeNull()
  })

  it('links a foreign-key value to the referenced row page', () => {
    expect(referencedRowRoute({ table: 'customers', column: 'id' }, 469)).toEqual({
      name: 'row',
      params: { table: 'customers', pk: '469' },
    })
    expect(referencedRowRoute({ table: 'customers', column: 'id' }, null)).toBeNull()
  })

  it('reads, looks up and merges labels', () => {
    const labels = pageLabels({ labels: { customer_id: { '1': 'Ann' } } })
    expect(labels).toEqual({ customer_id: { '1': 'Ann' } })
    expect(labelFor(labels, 'customer_id', 1)).toBe('Ann')
    expect(labelFor(labels, 'customer_id', 9)).toBeUndefined()
    expect(labelFor(labels, 'customer_id', null)).toBeUndefined()
    expect(pageLabels({})).toEqual({})
    const merged = mergeLabels(labels, { customer_id: { '9': 'Zoe' }, other: { a: 'b' } })
    expect(merged).toEqual({ customer_id: { '1': 'Ann', '9': 'Zoe' }, other: { a: 'b' } })
    expect(labels).toEqual({ customer_id: { '1': 'Ann' } })
  })
})
