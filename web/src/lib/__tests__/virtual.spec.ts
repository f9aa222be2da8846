import { describe, expect, it } from 'vitest'
import { scrollToReveal, visibleRange } from '../virtual'

describe('virtual rows', () => {
  it('renders the rows in view plus the overscan', () => {
    expect(visibleRange(0, 320, 32, 10_000, 5)).toEqual({ start: 0, end: 15 })
    expect(visibleRange(3200, 320, 32, 10_000, 5)).toEqual({ start: 95, end: 115 })
    // the end of the list
    expect(visibleRange(320_000, 320, 32, 10_000, 5)).toEqual({ start: 9995, end: 10_000 })
    expect(visibleRange(100, 320, 32, 3, 5)).toEqual({ start: 0, end: 3 })
    expect(visibleRange(0, 320, 32, 0, 5)).toEqual({ start: 0, end: 0 })
  })

  it('scrolls just enough to show a row under the sticky header', () => {
    // viewport 320px with a 32px header: rows 0..8 fit
    expect(scrollToReveal(3, 0, 320, 32, 32)).toBeNull()
    expect(scrollToReveal(8, 0, 320, 32, 32)).toBeNull()
    expect(scrollToReveal(9, 0, 320, 32, 32)).toBe(32)
    expect(scrollToReveal(100, 0, 320, 32, 32)).toBe(101 * 32 - 288)
    // above the viewport: the row goes to the top, right under the header
    expect(scrollToReveal(10, 1000, 320, 32, 32)).toBe(320)
  })
})
