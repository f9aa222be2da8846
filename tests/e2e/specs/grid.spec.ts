import { password, serialPage, submitSignIn, username } from './support'
import { expect, test, type Page } from '@playwright/test'

// The table page's grid as an editor, in its own browser context (serial, one worker): in-place
// cell edits (saved, refused by the database, cancelled), keyboard navigation, `/` to search, the
// JSON value viewer, duplicating a row, and "Load more" into a virtualised grid.
// Edits only the orders it creates (city `e2e-grid-<timestamp>`), deleted again in `afterAll`;
// the refused edit of a product's price changes nothing.

const PREFIX = `e2e-grid-${Date.now().toString(36)}`

let page: Page
let base = ''
let csrf = ''
/** Orders this run created (the seed order and its duplicates). */
const created: number[] = []

serialPage({
  ready: (p, mount) => {
    page = p
    base = mount
  },
  cleanUp: async () => {
    for (const id of created) {
      await page.request.delete(apiUrl(`api/v1/tables/orders/rows/${id}`), { headers: { 'X-CSRF-Token': csrf } })
    }
  },
})

function apiUrl(path: string): string {
  return new URL(path, base).href
}

const rows = () => page.getByTestId('grid-row')
const cell = (i: number, column: string) => rows().nth(i).getByTestId(`cell-${column}`)

async function gridSettled() {
  await expect(page.getByTestId('grid')).toBeVisible()
  await expect(page.getByTestId('grid-loading')).toHaveCount(0)
}

/** One stored row, straight from the API. */
async function apiRow(table: string, pk: number | string): Promise<Record<string, unknown>> {
  const res = await page.request.get(apiUrl(`api/v1/tables/${table}/rows/${pk}`))
  expect(res.ok()).toBeTruthy()
  return (await res.json()) as Record<string, unknown>
}

/** The grid filtered to one row by id. */
function oneRow(table: string, id: number): string {
  return `tables/${table}?where=${encodeURIComponent(JSON.stringify({ id: { _eq: id } }))}`
}

/** `data-testid` and row index of the focused element. */
function focused(): Promise<{ testid: string | null; row: string | null }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    return { testid: el?.dataset.testid ?? null, row: el?.dataset.row ?? null }
  })
}

let orderId = 0

test('signs in and creates an order to edit', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  const me = await page.request.get(apiUrl('api/v1/auth/me'))
  csrf = ((await me.json()) as { csrf_token: string }).csrf_token
  const res = await page.request.post(apiUrl('api/v1/tables/orders/rows'), {
    headers: { 'X-CSRF-Token': csrf },
    data: {
      customer_id: 1,
      status: 'new',
      total: '12.50',
      placed_at: '2024-05-01T10:00:00Z',
      shipping_address: { street: '1 Test Lane', city: PREFIX },
    },
  })
  expect(res.status()).toBe(201)
  orderId = ((await res.json()) as { id: number }).id
  created.push(orderId)
})

test('edits cells in place: Enter saves, the stored value shows, Esc cancels', async () => {
  await page.goto(oneRow('orders', orderId))
  await gridSettled()
  await expect(rows()).toHaveCount(1)

  // a decimal: double-click, type, Enter
  await cell(0, 'total').dblclick()
  const input = page.getByTestId('cell-input')
  await expect(input).toBeFocused()
  await input.fill('99.5')
  await input.press('Enter')
  await expect(page.getByTestId('cell-editor')).toHaveCount(0)
  await expect(cell(0, 'total')).toHaveText('99.5')
  await expect(cell(0, 'total')).toBeFocused()
  expect(Number((await apiRow('orders', orderId)).total)).toBe(99.5)

  // an enum, from the keyboard: Enter opens a select, Enter saves
  await cell(0, 'total').press('ArrowRight')
  await page.keyboard.press('ArrowLeft')
  await page.keyboard.press('ArrowLeft')
  await expect(cell(0, 'status')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(input).toHaveJSProperty('tagName', 'SELECT')
  await input.selectOption('paid')
  await input.press('Enter')
  await expect(cell(0, 'status')).toHaveText('paid')
  expect((await apiRow('orders', orderId)).status).toBe('paid')

  // Esc leaves the value as it was
  // Near the cell's left edge: on the customer's name, not on the id (a link to the customer).
  await cell(0, 'customer_id').dblclick({ position: { x: 6, y: 6 } })
  await page.getByTestId('cell-input').fill('2')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('cell-editor')).toHaveCount(0)
  await expect(cell(0, 'customer_id').getByTestId('fk-id')).toHaveText('1')
  await expect(cell(0, 'customer_id')).toBeFocused()
  expect((await apiRow('orders', orderId)).customer_id).toBe(1)

  // the key is not editable: Enter on it opens the row
  await cell(0, 'id').click()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(new RegExp(`/tables/orders/rows/${orderId}$`))
})

test('a value the database refuses shows on the cell and in a toast, and stays in the editor', async () => {
  const before = await apiRow('products', 1)
  await page.goto(oneRow('products', 1))
  await gridSettled()
  await cell(0, 'price').dblclick()
  const input = page.getByTestId('cell-input')
  await input.fill('-5')
  await input.press('Enter')
  await expect(page.getByTestId('cell-error')).toContainText('check constraint')
  await expect(page.getByTestId('toast-error')).toContainText('price')
  await expect(cell(0, 'price')).toHaveClass(/cell-invalid/)
  await expect(input).toHaveValue('-5')
  await input.press('Escape')
  await expect(page.getByTestId('cell-error')).toHaveCount(0)
  await expect(cell(0, 'price')).toHaveText(String(before.price))
  expect((await apiRow('products', 1)).price).toEqual(before.price)
})

test('moves with the keyboard; Space selects, Esc leaves the grid, / searches', async () => {
  await page.goto('tables/orders?order_by=id')
  await gridSettled()
  await cell(0, 'customer_id').click({ position: { x: 6, y: 6 } })
  await expect(cell(0, 'customer_id')).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowRight')
  expect(await focused()).toEqual({ testid: 'cell-status', row: '2' })
  await page.keyboard.press('Home')
  expect(await focused()).toEqual({ testid: 'cell-id', row: '2' })
  await page.keyboard.press('End')
  expect(await focused()).toEqual({ testid: 'cell-shipping_address', row: '2' })
  await page.keyboard.press('ArrowUp')
  expect(await focused()).toEqual({ testid: 'cell-shipping_address', row: '1' })

  // PageDown scrolls the active cell into view, under the sticky header
  const headerBox = await page.getByTestId('grid-header-id').boundingBox()
  await page.keyboard.press('Home')
  await page.keyboard.press('PageDown')
  await page.keyboard.press('PageDown')
  const at = await focused()
  expect(at.testid).toBe('cell-id')
  expect(Number(at.row)).toBeGreaterThan(15)
  const active = page.locator(`td[data-row="${at.row}"][data-col="0"]`)
  await expect(active).toBeInViewport()
  expect((await active.boundingBox())!.y).toBeGreaterThanOrEqual(headerBox!.y + headerBox!.height - 1)
  expect((await page.getByTestId('grid-header-id').boundingBox())!.y).toBe(headerBox!.y)

  // Space toggles the row's checkbox
  const box = page.locator(`tr[aria-rowindex="${Number(at.row) + 2}"]`).getByTestId('select-row')
  await page.keyboard.press(' ')
  await expect(box).toBeChecked()
  await expect(page.getByTestId('bulk-selected')).toContainText('1 selected')
  await page.keyboard.press(' ')
  await expect(box).not.toBeChecked()

  // Enter edits, Esc cancels the edit, Esc again leaves the grid
  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('cell-input')).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('cell-editor')).toHaveCount(0)
  expect((await focused()).testid).toBe('cell-status')
  await page.keyboard.press('Escape')
  expect((await focused()).testid).toBeNull()

  // `/` goes to the quick search (and types nothing)
  await page.keyboard.press('/')
  await expect(page.getByTestId('quick-search')).toBeFocused()
  await expect(page.getByTestId('quick-search')).toHaveValue('')
  // ...but is typed where the user types
  await page.keyboard.type('a/b')
  await expect(page.getByTestId('quick-search')).toHaveValue('a/b')
  await page.getByTestId('quick-search').fill('')

  // `o` opens the active row
  await cell(0, 'status').click()
  await page.keyboard.press('o')
  await expect(page).toHaveURL(/\/tables\/orders\/rows\/\d+$/)
})

test('opens a JSON value in the viewer, checks it, saves it', async () => {
  await page.goto(oneRow('orders', orderId))
  await gridSettled()
  await cell(0, 'shipping_address').getByTestId('cell-preview').click()
  const viewer = page.getByTestId('value-viewer')
  await expect(viewer).toBeVisible()
  await expect(page.getByTestId('value-viewer-title')).toContainText('shipping_address')
  const editor = viewer.locator('.cm-content')
  await expect(editor).toContainText(`"city": "${PREFIX}"`)
  // pretty-printed: one line per key and the braces
  await expect(viewer.locator('.cm-line')).toHaveCount(4)

  // invalid JSON is refused before anything is sent
  await editor.click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.insertText('{"street": ')
  await page.getByTestId('value-viewer-save').click()
  await expect(page.getByTestId('value-viewer-error')).toContainText('Invalid JSON')
  expect(((await apiRow('orders', orderId)).shipping_address as { city: string }).city).toBe(PREFIX)

  await editor.click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.insertText(`{"street": "2 Test Lane", "city": "${PREFIX}"}`)
  await page.getByTestId('value-viewer-save').click()
  await expect(viewer).toHaveCount(0)
  await expect(cell(0, 'shipping_address')).toContainText('2 Test Lane')
  expect(((await apiRow('orders', orderId)).shipping_address as { street: string }).street).toBe('2 Test Lane')
  // back on the cell it came from
  await expect(cell(0, 'shipping_address')).toBeFocused()
})

test('duplicates a row from the grid and from the row page', async () => {
  await page.goto(oneRow('orders', orderId))
  await gridSettled()
  await rows().first().getByTestId('row-duplicate').click()
  await expect(page).toHaveURL(new RegExp(`/tables/orders/new\\?copy=${orderId}$`))
  await expect(page.getByTestId('copy-of')).toContainText(String(orderId))
  // the key is the database's to fill; the other values are the row's
  await expect(page.getByTestId('field-id')).toHaveValue('(auto)')
  await expect(page.getByTestId('field-customer_id')).toHaveValue('1')
  await expect(page.getByTestId('field-status')).toHaveValue('paid')
  await expect(page.getByTestId('field-total')).toHaveValue('99.5')
  await expect(page.getByTestId('field-shipping_address')).toHaveValue(/2 Test Lane/)
  await page.getByTestId('save-row').click()
  await expect(page).toHaveURL(/\/tables\/orders\/rows\/\d+$/)
  const copyId = Number(page.url().split('/').pop())
  created.push(copyId)
  expect(copyId).not.toBe(orderId)
  const copy = await apiRow('orders', copyId)
  const original = await apiRow('orders', orderId)
  for (const k of ['customer_id', 'status', 'total', 'placed_at', 'shipping_address']) expect(copy[k]).toEqual(original[k])

  // the row page has the same action
  await page.getByTestId('duplicate-row').click()
  await expect(page).toHaveURL(new RegExp(`/tables/orders/new\\?copy=${copyId}$`))
  await expect(page.getByTestId('field-total')).toHaveValue('99.5')
  await expect(page.getByTestId('field-shipping_address')).toHaveValue(new RegExp(PREFIX))
})

test('loads more rows into a virtualised grid', async () => {
  await page.goto('tables/orders?order_by=id')
  await gridSettled()
  await expect(rows()).toHaveCount(50)
  await expect(page.getByTestId('loaded-count')).toHaveCount(0)
  const loaded = page.getByTestId('loaded-count')
  for (const n of ['550', '1,050', '1,550', '2,050']) {
    await page.getByTestId('load-more').click()
    await expect(loaded).toHaveText(`${n} rows loaded`)
  }
  await expect(page.getByTestId('page-info')).toContainText('rows 1–2,050')
  await expect(page).not.toHaveURL(/offset=|after=/)
  // the DOM holds the rows in view (and a few around them), not all 2,050
  expect(await rows().count()).toBeLessThan(100)
  expect(await page.getByTestId('grid').getAttribute('aria-rowcount')).toBe('2051')

  // the last loaded row is there when scrolled to: the API's 2,050th order
  const api = await page.request.get(apiUrl('api/v1/tables/orders/rows?order_by=id&offset=2049&limit=1&count=none'))
  const lastId = ((await api.json()) as { rows: { id: number }[] }).rows[0]!.id
  await cell(0, 'id').click()
  await page.keyboard.press('ControlOrMeta+End')
  await page.keyboard.press('Home')
  expect(await focused()).toEqual({ testid: 'cell-id', row: '2049' })
  await expect(page.locator('td[data-row="2049"][data-col="0"]')).toHaveText(String(lastId))
  await expect(page.locator('td[data-row="2049"][data-col="0"]')).toBeInViewport()
  // rows are one fixed height
  const heights = await rows().evaluateAll((trs) => [...new Set(trs.map((tr) => tr.getBoundingClientRect().height))])
  expect(heights).toEqual([32])

  // after a "Load more", reaching the end loads the next rows by itself
  await expect(loaded).toHaveText('2,550 rows loaded')
  expect(await rows().count()).toBeLessThan(100)

  // a new sort starts over from the first page
  await page.getByTestId('grid-header-id').click()
  await expect(page).toHaveURL(/order_by=-id/)
  await gridSettled()
  await expect(rows()).toHaveCount(50)
  await expect(loaded).toHaveCount(0)
})
