// Row virtualisation with a fixed row height: which rows to render for a scroll position.

export interface RowRange {
  /** First rendered row. */
  start: number
  /** One past the last rendered row. */
  end: number
}

/**
 * The rows inside the viewport plus `overscan` rows on each side, so a fast scroll does not show
 * blank space before the next render.
 */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan: number,
): RowRange {
  if (count <= 0) return { start: 0, end: 0 }
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight)
  const last = Math.ceil((Math.max(0, scrollTop) + viewportHeight) / rowHeight)
  return {
    start: Math.max(0, Math.min(first - overscan, count - 1)),
    end: Math.min(count, Math.max(last + overscan, 1)),
  }
}

/**
 * The scrollTop that brings row `index` fully into view below a sticky header of `headerHeight`
 * (null when it is already visible). Rows start right under the header in the scrolled content.
 */
export function scrollToReveal(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  headerHeight: number,
): number | null {
  const top = index * rowHeight // row top, relative to the first row
  const visibleRows = viewportHeight - headerHeight
  if (top < scrollTop) return top
  if (top + rowHeight > scrollTop + visibleRows) return Math.max(0, top + rowHeight - visibleRows)
  return null
}
