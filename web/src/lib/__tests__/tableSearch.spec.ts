import { describe, expect, it } from 'vitest'
import { searchTables } from '../tableSearch'

describe('searchTables', () => {
  const tables = [{ name: 'order_items', label: 'Order item' }, { name: 'customers', label: 'Client' }]

  it('matches the name or the label, ignoring case and spaces around', () => {
    expect(searchTables(tables, ' ORDER ').map((t) => t.name)).toEqual(['order_items'])
    expect(searchTables(tables, 'client').map((t) => t.name)).toEqual(['customers'])
    expect(searchTables(tables, '')).toBe(tables)
  })
})
