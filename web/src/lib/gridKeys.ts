// The data grid's keyboard model, as a pure function of the key and the active cell.

/** A cell of the grid: row index among the loaded rows, column index among the shown columns. */
export interface CellPos {
  row: number
  col: number
}

export interface GridSize {
  rows: number
  cols: number
  /** Rows that fit in the viewport (PageUp / PageDown step). */
  page: number
}

export type GridAction =
  | { type: 'move'; to: CellPos }
  /** Enter / F2: edit the cell, open its value, or open the row (whichever the cell allows). */
  | { type: 'activate' }
  | { type: 'open' }
  | { type: 'duplicate' }
  | { type: 'toggle' }
  | { type: 'leave' }

type Keys = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>

const clamp = (n: number, max: number) => Math.max(0, Math.min(n, max))

/**
 * What a key pressed on the active cell does (null: not the grid's key, let the browser have it).
 * Arrows move, Home/End go to the row's start/end (with Ctrl: the grid's), PageUp/PageDown move a
 * viewport, Enter/F2 activate, Space toggles the row's selection, `o` opens the row, `d`
 * duplicates it, Escape leaves the grid.
 */
export function gridKeyAction(e: Keys, at: CellPos, size: GridSize): GridAction | null {
  if (e.altKey || size.rows === 0 || size.cols === 0) return null
  const lastRow = size.rows - 1
  const lastCol = size.cols - 1
  const move = (row: number, col: number): GridAction => ({
    type: 'move',
    to: { row: clamp(row, lastRow), col: clamp(col, lastCol) },
  })
  const ctrl = e.ctrlKey || e.metaKey
  switch (e.key) {
    case 'ArrowUp':
      return move(ctrl ? 0 : at.row - 1, at.col)
    case 'ArrowDown':
      return move(ctrl ? lastRow : at.row + 1, at.col)
    case 'ArrowLeft':
      return move(at.row, ctrl ? 0 : at.col - 1)
    case 'ArrowRight':
      return move(at.row, ctrl ? lastCol : at.col + 1)
    case 'Home':
      return move(ctrl ? 0 : at.row, 0)
    case 'End':
      return move(ctrl ? lastRow : at.row, lastCol)
    case 'PageUp':
      return move(at.row - Math.max(1, size.page), at.col)
    case 'PageDown':
      return move(at.row + Math.max(1, size.page), at.col)
    case 'Escape':
      return { type: 'leave' }
  }
  // The remaining keys are plain presses: leave Ctrl/Cmd combinations (copy, find...) to the browser.
  if (ctrl) return null
  switch (e.key) {
    case 'Enter':
    case 'F2':
      return { type: 'activate' }
    case ' ':
      return { type: 'toggle' }
    case 'o':
    case 'O':
      return { type: 'open' }
    case 'd':
    case 'D':
      return { type: 'duplicate' }
  }
  return null
}

/** Whether keys pressed here are typing (so page shortcuts such as `/` must not fire). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
}
