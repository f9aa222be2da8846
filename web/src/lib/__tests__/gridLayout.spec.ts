import { describe, expect, it } from 'vitest'
import { MAX_COLUMN_PX, MIN_COLUMN_PX, columnWidths } from '../gridLayout'
import { column } from '@/__tests__/columns'

describe('grid column widths', () => {
  it('fit the longest value or the header, within bounds', () => {
    const cols = [column('id', 'integer'), column('note', 'text'), column('doc', 'json')]
    const rows = [
      { id: 1, note: 'short', doc: { a: 'x'.repeat(500) } },
      { id: 2, note: 'a somewhat longer note than the other', doc: null },
    ]
    const [id, note, doc] = columnWidths(cols, rows)
    expect(id).toBeGreaterThanOrEqual(MIN_COLUMN_PX)
    expect(note).toBeGreaterThan(id!)
    expect(doc).toBe(MAX_COLUMN_PX)
    // only the first rows count (later ones would make the columns jump as they load)
    const [later] = columnWidths([cols[1]!], [...Array(3).fill({ note: 'x' }), { note: 'y'.repeat(40) }], 3)
    expect(later).toBeLessThan(note!)
  })
})
