import { computed, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue'
import { scrollToReveal, visibleRange } from '@/lib/virtual'
import { PAGE_SIZES } from '@/lib/view'

/**
 * Up to this many rows (the largest page size) are all rendered: cheap, and the browser's
 * find-in-page and printing see every row of a page. Virtualisation is for rows loaded beyond.
 */
export const RENDER_ALL_ROWS = Math.max(...PAGE_SIZES)

/**
 * Virtual rows for a scroll container holding a table with a sticky header and rows of a fixed
 * height: the range to render, the spacer heights above and below it, and scrolling to a row.
 */
export function useVirtualRows(
  container: Ref<HTMLElement | null>,
  count: Ref<number>,
  rowHeight: number,
  overscan = 10,
) {
  const scrollTop = ref(0)
  /** Until measured (and in jsdom, which has no layout): a typical viewport. */
  const viewport = ref(600)

  const range = computed(() =>
    count.value <= RENDER_ALL_ROWS
      ? { start: 0, end: count.value }
      : visibleRange(scrollTop.value, viewport.value, rowHeight, count.value, overscan),
  )
  const padTop = computed(() => range.value.start * rowHeight)
  const padBottom = computed(() => Math.max(0, (count.value - range.value.end) * rowHeight))
  /** The first row at the top of the viewport. */
  const firstInView = computed(() => Math.max(0, Math.min(count.value - 1, Math.floor(scrollTop.value / rowHeight))))
  /** Rows per viewport (PageUp / PageDown). */
  const pageRows = computed(() => Math.max(1, Math.floor(viewport.value / rowHeight) - 1))

  function measure() {
    const el = container.value
    if (el && el.clientHeight > 0) viewport.value = el.clientHeight
  }

  let frame = 0
  function onScroll() {
    // one range update per frame, however many scroll events arrive
    if (frame) return
    frame = requestAnimationFrame(() => {
      frame = 0
      if (container.value) scrollTop.value = container.value.scrollTop
    })
  }

  /** Scroll (synchronously, so the row is rendered on the next tick) until row `index` is in view. */
  function reveal(index: number) {
    const el = container.value
    if (!el) return
    const header = el.querySelector('thead')?.getBoundingClientRect().height ?? 0
    const target = scrollToReveal(index, el.scrollTop, el.clientHeight || viewport.value, rowHeight, header)
    if (target === null) return
    el.scrollTop = target
    scrollTop.value = el.scrollTop
  }

  /** Back to the top (a new set of rows). */
  function reset() {
    if (container.value) container.value.scrollTop = 0
    scrollTop.value = 0
  }

  let observer: ResizeObserver | null = null
  onMounted(() => {
    measure()
    if (typeof ResizeObserver !== 'undefined' && container.value) {
      observer = new ResizeObserver(measure)
      observer.observe(container.value)
    }
  })
  // the container appears later when the grid is rendered conditionally
  watch(container, (el) => {
    if (el && observer) observer.observe(el)
    measure()
  })
  onBeforeUnmount(() => {
    observer?.disconnect()
    if (frame) cancelAnimationFrame(frame)
  })

  return { range, padTop, padBottom, firstInView, pageRows, onScroll, reveal, reset }
}
