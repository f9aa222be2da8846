import { describe, expect, it } from 'vitest'
import { columnSpec, defaultOf, emptyColumn, migrationName } from '../schemaChanges'

describe('schema changes', () => {
  it('types defaults by the column type', () => {
    expect(defaultOf(emptyColumn({ type: 'integer', defaultKind: 'value', defaultValue: '0' }))).toBe(0)
    expect(defaultOf(emptyColumn({ type: 'boolean', defaultKind: 'value', defaultValue: 'true' }))).toBe(true)
    expect(defaultOf(emptyColumn({ type: 'text', defaultKind: 'value', defaultValue: '42' }))).toBe('42')
    expect(defaultOf(emptyColumn({ defaultKind: 'current_timestamp' }))).toEqual({ expression: 'current_timestamp' })
    expect(defaultOf(emptyColumn())).toBeNull()
    expect('default' in columnSpec(emptyColumn({ name: 'x', defaultKind: 'keep' }))).toBe(false)
  })

  it('makes primary key columns NOT NULL', () => {
    expect(columnSpec(emptyColumn({ name: ' id ', type: 'integer', primaryKey: true })).nullable).toBe(false)
    expect(columnSpec(emptyColumn({ name: ' id ' })).name).toBe('id')
  })

  it('names migrations after what they do', () => {
    expect(migrationName([{ op: 'create_table', table: 'Order Notes', columns: [] }])).toBe('create_table_order_notes')
    expect(migrationName([{ op: 'rename_column', table: 'books', from: 'title', to: 'headline' }])).toBe('rename_column_books_title')
    expect(migrationName([])).toBe('schema_change')
  })
})
