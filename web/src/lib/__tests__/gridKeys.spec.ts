import { describe, expect, it } from 'vitest'
import { gridKeyAction, isTypingTarget, type GridAction } from '../gridKeys'

const size = { rows: 100, cols: 5, page: 10 }
const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) => ({
  key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods,
})
const at = { row: 50, col: 2 }
const moveTo = (row: number, col: number): GridAction => ({ type: 'move', to: { row, col } })

describe('grid keys', () => {
  it('moves with arrows, Home/End, PageUp/PageDown, clamped to the grid', () => {
    expect(gridKeyAction(key('ArrowUp'), at, size)).toEqual(moveTo(49, 2))
    expect(gridKeyAction(key('ArrowDown'), at, size)).toEqual(moveTo(51, 2))
    expect(gridKeyAction(key('ArrowLeft'), at, size)).toEqual(moveTo(50, 1))
    expect(gridKeyAction(key('ArrowRight'), at, size)).toEqual(moveTo(50, 3))
    expect(gridKeyAction(key('Home'), at, size)).toEqual(moveTo(50, 0))
    expect(gridKeyAction(key('End'), at, size)).toEqual(moveTo(50, 4))
    expect(gridKeyAction(key('PageUp'), at, size)).toEqual(moveTo(40, 2))
    expect(gridKeyAction(key('PageDown'), at, size)).toEqual(moveTo(60, 2))
    expect(gridKeyAction(key('ArrowUp'), { row: 0, col: 0 }, size)).toEqual(moveTo(0, 0))
    expect(gridKeyAction(key('ArrowRight'), { row: 99, col: 4 }, size)).toEqual(moveTo(99, 4))
    expect(gridKeyAction(key('PageDown'), { row: 95, col: 0 }, size)).toEqual(moveTo(99, 0))
  })

  it('jumps to the grid corners with Ctrl/Cmd', () => {
    expect(gridKeyAction(key('Home', { ctrlKey: true }), at, size)).toEqual(moveTo(0, 0))
    expect(gridKeyAction(key('End', { metaKey: true }), at, size)).toEqual(moveTo(99, 4))
    expect(gridKeyAction(key('ArrowDown', { ctrlKey: true }), at, size)).toEqual(moveTo(99, 2))
  })

  it('maps Enter, F2, Space, o, d and Escape to actions', () => {
    expect(gridKeyAction(key('Enter'), at, size)).toEqual({ type: 'activate' })
    expect(gridKeyAction(key('F2'), at, size)).toEqual({ type: 'activate' })
    expect(gridKeyAction(key(' '), at, size)).toEqual({ type: 'toggle' })
    expect(gridKeyAction(key('o'), at, size)).toEqual({ type: 'open' })
    expect(gridKeyAction(key('D', { shiftKey: true }), at, size)).toEqual({ type: 'duplicate' })
    expect(gridKeyAction(key('Escape'), at, size)).toEqual({ type: 'leave' })
  })

  it('leaves other keys and browser shortcuts alone', () => {
    expect(gridKeyAction(key('x'), at, size)).toBeNull()
    expect(gridKeyAction(key('Tab'), at, size)).toBeNull()
    expect(gridKeyAction(key('d', { ctrlKey: true }), at, size)).toBeNull()
    expect(gridKeyAction(key('ArrowDown', { altKey: true }), at, size)).toBeNull()
    expect(gridKeyAction(key('ArrowDown'), at, { rows: 0, cols: 5, page: 10 })).toBeNull()
  })

  it('knows where the user types', () => {
    expect(isTypingTarget(document.createElement('input'))).toBe(true)
    expect(isTypingTarget(document.createElement('select'))).toBe(true)
    expect(isTypingTarget(document.createElement('textarea'))).toBe(true)
    expect(isTypingTarget(document.createElement('td'))).toBe(false)
    expect(isTypingTarget(null)).toBe(false)
  })
})
