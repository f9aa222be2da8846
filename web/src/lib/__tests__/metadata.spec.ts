import { describe, expect, it } from 'vitest'
import type { TableMetadata } from '@/api/types'
import { changeOf, columnOverridden, draftOf, isEmptyChange, tableOverridden } from '@/lib/metadata'

const defaults: TableMetadata = {
  label: 'Gadgets',
  display_column: 'name',
  hidden: false,
  columns: {
    name: { label: 'Name', hidden: false, readonly: false },
    price: { label: 'Price', description: 'Gross', hidden: false, readonly: false },
  },
}

describe('metadata drafts', () => {
  it('starts from the overrides over the defaults', () => {
    const d = draftOf({ label: 'Devices', columns: { price: { hidden: true } } }, defaults)
    expect(d.label).toBe('Devices')
    expect(d.display_column).toBe('name')
    expect(d.description).toBe('')
    expect(d.columns.price).toEqual({ label: 'Price', description: 'Gross', hidden: true, readonly: false })
  })

  it('sends only what changed, and an emptied text as null (the default again)', () => {
    const start = draftOf({ label: 'Devices', description: 'All' }, defaults)
    const draft = structuredClone(start)
    expect(isEmptyChange(changeOf(start, draft))).toBe(true)
    draft.description = '  '
    draft.hidden = true
    draft.default_sort = '-price'
    draft.columns.price!.readonly = true
    draft.columns.name!.label = 'Title'
    expect(changeOf(start, draft)).toEqual({
      description: null,
      hidden: true,
      default_sort: '-price',
      columns: { price: { readonly: true }, name: { label: 'Title' } },
    })
  })

  it('tells overridden fields from defaults', () => {
    const overrides: TableMetadata = { label: 'Devices', columns: { price: { readonly: true } } }
    expect(tableOverridden(overrides, 'label')).toBe(true)
    expect(tableOverridden(overrides, 'description')).toBe(false)
    expect(columnOverridden(overrides, 'price', 'readonly')).toBe(true)
    expect(columnOverridden(overrides, 'price', 'label')).toBe(false)
    expect(columnOverridden(overrides, 'name', 'hidden')).toBe(false)
  })
})
