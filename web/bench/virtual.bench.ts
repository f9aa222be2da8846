// The grid's virtual rows (`src/lib/virtual.ts`, fixed row height) against @tanstack/virtual-core,
// the engine under @tanstack/vue-virtual: the work per scroll position over 10,000 loaded rows,
// 1,000 positions from top to bottom. Both render the same rows (viewport + overscan), so the DOM
// work is the same; this is what each adds on top. Run with `scripts/bench-web.sh`.
import { Virtualizer, type VirtualizerOptions } from '@tanstack/virtual-core'
import { bench, describe } from 'vitest'
import { visibleRange } from '../src/lib/virtual'

const COUNT = 10_000
const ROW = 32
const VIEWPORT = 600
const OVERSCAN = 10
const positions = Array.from({ length: 1000 }, (_, i) => Math.round((i / 999) * (COUNT * ROW - VIEWPORT)))

function tanstack() {
  let report: (offset: number, isScrolling: boolean) => void = () => {}
  // Node has no DOM: a stand-in scroll element, whose size and offset are reported by hand.
  const scroller = {} as Element
  const options: VirtualizerOptions<Element, Element> = {
    count: COUNT,
    getScrollElement: () => scroller,
    estimateSize: () => ROW,
    overscan: OVERSCAN,
    scrollToFn: () => {},
    observeElementRect: (_, cb) => {
      cb({ width: 1200, height: VIEWPORT })
      return () => {}
    },
    observeElementOffset: (_, cb) => {
      report = cb
      return () => {}
    },
  }
  const v = new Virtualizer(options)
  v._didMount()
  v._willUpdate()
  return { v, scrollTo: (offset: number) => report(offset, true) }
}

describe('1,000 scroll positions over 10,000 rows', () => {
  bench('rubbie visibleRange', () => {
    let rendered = 0
    for (const top of positions) {
      const r = visibleRange(top, VIEWPORT, ROW, COUNT, OVERSCAN)
      rendered += r.end - r.start
    }
    if (rendered === 0) throw new Error('nothing rendered')
  })
  const t = tanstack()
  bench('@tanstack/virtual-core', () => {
    let rendered = 0
    for (const top of positions) {
      t.scrollTo(top)
      rendered += t.v.getVirtualItems().length
    }
    if (rendered === 0) throw new Error('nothing rendered')
  })
})
