import type { Column, Row } from '@/api/types'
import { formatValue } from '@/lib/format'

// Fixed geometry of the data grid. Virtualised rows come and go as the grid scrolls, so column
// widths cannot follow the rows on screen (the columns would jump): they are estimated once from
// the header and the first rows instead.

/** Height of a grid row in px (CSS `.data-grid` matches it). */
export const ROW_HEIGHT = 32

/** Widths of the selection column and the row actions column. */
export const SELECT_COLUMN_PX = 34
export const ACTIONS_COLUMN_PX = 60

const CHAR_PX = 7 // one character of the grid's 12–12.5px text
const CELL_PAD_PX = 26 // cell padding and border
export const MIN_COLUMN_PX = 64
export const MAX_COLUMN_PX = 360

/** Widths in px for the columns: the longest shown text among the first `sample` rows, or the header's. */
export function columnWidths(
  columns: readonly Column[],
  rows: readonly Row[],
  sample = 100,
): number[] {
  const some = rows.slice(0, sample)
  return columns.map((c) => {
    // the name, a short type label and the sort marks; a long type is cut with an ellipsis
    const header = c.name.length + Math.min(c.type.length, 7) + (c.primary_key ? 4 : 0) + 3
    let longest = 0
    for (const r of some) longest = Math.max(longest, formatValue(r[c.name], c).text.length)
    const px = Math.max(header, longest) * CHAR_PX + CELL_PAD_PX
    return Math.round(Math.min(MAX_COLUMN_PX, Math.max(MIN_COLUMN_PX, px)))
  })
}
