import fs from 'node:fs'
import { password, serialPage, submitSignIn, username } from './support'
import { expect, test, type Page } from '@playwright/test'

// The data browser's power tools, in its own browser context (serial, one worker): the filter
// builder, quick search, multi-column sort, keyset paging and estimated counts, the column chooser,
// CSV export of a filtered view, bulk update/delete (with the "selection changed" 409), dark mode.
// Needs a running test_project (see ../README.md). Leaves the database as it found it: the
// categories it creates (unique prefix) are deleted, also by `afterAll` after a failure.

const PREFIX = `e2e-bulk-${Date.now().toString(36)}`

let page: Page
let base = ''
let csrf = ''

serialPage({
  context: { acceptDownloads: true },
  ready: (p, mount) => {
    page = p
    base = mount
  },
  cleanUp: async () => {
    // a failed run still removes its categories
    if (csrf) {
      await page.request.post(apiUrl('api/v1/tables/categories/bulk'), {
        headers: { 'X-CSRF-Token': csrf },
        data: { action: 'delete', where: { name: { _like: `${PREFIX}%` } } },
      })
    }
  },
})

function apiUrl(path: string): string {
  return new URL(path, base).href
}

const rows = () => page.getByTestId('grid-row')
const column = (name: string) => rows().locator(`[data-testid="cell-${name}"]`)
const pageInfo = () => page.getByTestId('page-info')

async function gridSettled() {
  await expect(page.getByTestId('grid')).toBeVisible()
  await expect(page.getByTestId('grid-loading')).toHaveCount(0)
}

/** N from "rows X–Y of N" / "of ≈ N". */
async function totalRows(): Promise<number> {
  const text = (await pageInfo().textContent()) ?? ''
  const m = /of\s+[~≈]?\s*([\d,]+)/.exec(text)
  if (!m?.[1]) throw new Error(`no total in "${text}"`)
  return Number(m[1].replace(/,/g, ''))
}

/** The where JSON in the page URL. */
function urlWhere(): unknown {
  const w = new URL(page.url()).searchParams.get('where')
  return w ? JSON.parse(w) : null
}

/** Exact count of matching rows, straight from the API. */
async function apiCount(table: string, params: Record<string, string>): Promise<number> {
  const q = new URLSearchParams({ ...params, limit: '1', count: 'exact' })
  const res = await page.request.get(apiUrl(`api/v1/tables/${table}/rows?${q}`))
  expect(res.ok()).toBeTruthy()
  return ((await res.json()) as { count: number }).count
}

const ORDERS_WHERE = { _and: [{ status: { _in: ['paid', 'shipped'] } }, { total: { _gt: '500' } }] }

test('signs in', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  const me = await page.request.get(apiUrl('api/v1/auth/me'))
  csrf = ((await me.json()) as { csrf_token: string }).csrf_token
  expect(csrf).toBeTruthy()
})

test('builds a filter with AND and in, and the URL carries it', async () => {
  await page.goto('tables/orders')
  await gridSettled()
  await page.getByTestId('filter-add').click()
  await page.getByTestId('filter-column').selectOption('status')
  await page.getByTestId('filter-op').selectOption('_in')
  await page.getByTestId('filter-value').selectOption(['paid', 'shipped'])
  await page.getByTestId('filter-add').click()
  await page.getByTestId('filter-column').nth(1).selectOption('total')
  await page.getByTestId('filter-op').nth(1).selectOption('_gt')
  await expect(page.getByTestId('filter-value').nth(1)).toHaveAttribute('type', 'number')
  await page.getByTestId('filter-value').nth(1).fill('500')
  await page.getByTestId('filter-apply').click()
  await expect(page).toHaveURL(/where=/)
  await gridSettled()
  expect(urlWhere()).toEqual(ORDERS_WHERE)

  for (const s of await column('status').allTextContents()) expect(['paid', 'shipped']).toContain(s.trim())
  for (const t of await column('total').allTextContents()) expect(Number(t.replace(/,/g, ''))).toBeGreaterThan(500)
  expect(await totalRows()).toBe(await apiCount('orders', { where: JSON.stringify(ORDERS_WHERE) }))

  // a reload keeps the filter, in the builder
  await page.reload()
  await gridSettled()
  expect(urlWhere()).toEqual(ORDERS_WHERE)
  await expect(page.getByTestId('filter-cond')).toHaveCount(2)
  await expect(page.getByTestId('filter-value').nth(1)).toHaveValue('500')
})

test('raw JSON mode validates, and the API error shows inline', async () => {
  await page.getByTestId('filter-mode-json').click()
  const json = page.getByTestId('filter-json')
  await expect(json).toHaveValue(/"_in"/)
  await json.fill('{"status": ')
  await expect(page.getByTestId('filter-json-error')).toBeVisible()
  await expect(page.getByTestId('filter-apply')).toBeDisabled()
  await json.fill('{"no_such_column": {"_eq": 1}}')
  await expect(page.getByTestId('filter-json-error')).toHaveCount(0)
  await page.getByTestId('filter-apply').click()
  await expect(page.getByTestId('filter-error')).toContainText('no_such_column')
  await page.getByTestId('filter-clear').click()
  await expect(page).not.toHaveURL(/where=/)
  await gridSettled()
  await expect(page.getByTestId('grid-error')).toHaveCount(0)
})

test('estimated counts, exact on request, and keyset paging', async () => {
  // unfiltered, the pager asks for an estimate; where the database gives one, a click asks for the exact count
  const estimated = page.getByTestId('count-estimated')
  if ((await estimated.count()) > 0) {
    await expect(estimated).toContainText('≈')
    await estimated.click()
  } else {
    await page.goto('tables/orders?count=exact')
  }
  await expect(page).toHaveURL(/count=exact/)
  await gridSettled()
  await expect(estimated).toHaveCount(0)
  expect(await totalRows()).toBe(await apiCount('orders', {}))

  const firstIds = await column('id').allTextContents()
  await page.getByTestId('page-next').click()
  await expect(page).toHaveURL(/after=/)
  await expect(page).toHaveURL(/offset=50/)
  await gridSettled()
  await expect(pageInfo()).toContainText('rows 51–100')
  const secondIds = await column('id').allTextContents()
  expect(secondIds[0]).not.toBe(firstIds[0])
  await page.getByTestId('page-next').click()
  await expect(page).toHaveURL(/offset=100/)
  await gridSettled()
  await page.getByTestId('page-prev').click()
  await expect(page).toHaveURL(/offset=50/)
  await gridSettled()
  expect(await column('id').allTextContents()).toEqual(secondIds)
  await page.getByTestId('page-prev').click()
  await expect(page).not.toHaveURL(/offset=|after=/)
  await gridSettled()
  expect(await column('id').allTextContents()).toEqual(firstIds)
})

test('exports the filtered view as CSV', async () => {
  await page.goto(`tables/orders?where=${encodeURIComponent(JSON.stringify(ORDERS_WHERE))}&order_by=-total`)
  await gridSettled()
  const total = await totalRows()
  await page.getByTestId('export-button').click()
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
  expect(download.suggestedFilename()).toBe('orders.csv')
  const text = fs.readFileSync((await download.path())!, 'utf8')
  const lines = text.split(/\r?\n/).filter((l) => l !== '')
  expect(lines[0]).toBe('id,customer_id,status,total,placed_at,shipped_on,shipping_address')
  expect(lines.length - 1).toBe(total)
  await expect(page.getByTestId('export-done')).toContainText(`${new Intl.NumberFormat('en-US').format(total)} rows`)
  // the file is sorted like the view
  const firstTotal = Number(lines[1]!.split(',')[3])
  expect(firstTotal).toBe(Number((await column('total').first().textContent())!.replace(/,/g, '')))
})

test('quick search on customers', async () => {
  await page.goto('tables/customers')
  await gridSettled()
  await page.getByTestId('quick-search').fill('ANNA')
  await expect(page).toHaveURL(/search=ANNA/)
  await gridSettled()
  const texts = await rows().allTextContents()
  expect(texts.length).toBeGreaterThan(0)
  for (const t of texts) expect(t.toLowerCase()).toContain('anna')
  expect(await totalRows()).toBe(await apiCount('customers', { search: 'ANNA' }))
  await page.reload()
  await gridSettled()
  await expect(page.getByTestId('quick-search')).toHaveValue('ANNA')
  await page.getByTestId('quick-search').fill('')
  await expect(page).not.toHaveURL(/search=/)
  await gridSettled()
})

test('sorts by several columns', async () => {
  await page.getByTestId('grid-header-country').click()
  await expect(page).toHaveURL(/order_by=country(&|$)/)
  await gridSettled()
  await page.getByTestId('grid-header-name').click({ modifiers: ['Shift'] })
  await expect(page).toHaveURL(/order_by=country(,|%2C)name(&|$)/)
  await gridSettled()
  await expect(page.getByTestId('sort-rank-country')).toHaveText('1')
  await expect(page.getByTestId('sort-rank-name')).toHaveText('2')
  // the grid shows what the API sorts that way
  const api = await page.request.get(apiUrl('api/v1/tables/customers/rows?order_by=country,name&limit=50&count=none'))
  const expected = ((await api.json()) as { rows: { id: number }[] }).rows.map((r) => String(r.id))
  expect((await column('id').allTextContents()).map((s) => s.trim())).toEqual(expected)
  const countries = (await column('country').allTextContents()).map((s) => s.trim())
  expect([...countries].sort()).toEqual(countries)

  await page.getByTestId('grid-header-name').click({ modifiers: ['Shift'] })
  await expect(page).toHaveURL(/order_by=country(,|%2C)-name(&|$)/)
  await page.getByTestId('grid-header-name').click({ modifiers: ['Shift'] })
  await expect(page).toHaveURL(/order_by=country(&|$)/)
  await expect(page.getByTestId('sort-rank-country')).toHaveCount(0)
  await page.getByTestId('grid-header-country').click()
  await page.getByTestId('grid-header-country').click()
  await expect(page).not.toHaveURL(/order_by=/)
  await gridSettled()
})

test('chooses and orders columns', async () => {
  await page.getByTestId('columns-button').click()
  await page.getByTestId('column-toggle-email').uncheck()
  await expect(page).toHaveURL(/columns=/)
  await gridSettled()
  await expect(page.getByTestId('grid-header-email')).toHaveCount(0)
  await page.getByTestId('column-up-name').click()
  await gridSettled()
  const headers = page.locator('[data-testid^="grid-header-"]')
  await expect(headers.first()).toHaveAttribute('data-testid', 'grid-header-name')
  await page.reload()
  await gridSettled()
  await expect(headers.first()).toHaveAttribute('data-testid', 'grid-header-name')
  await page.getByTestId('columns-button').click()
  await page.getByTestId('columns-reset').click()
  await expect(page).not.toHaveURL(/columns=/)
  await gridSettled()
  await expect(page.getByTestId('grid-header-email')).toBeVisible()
})

test('bulk: sets a column on every matching row, then deletes them', async () => {
  for (const n of [1, 2, 3]) {
    const res = await page.request.post(apiUrl('api/v1/tables/categories/rows'), {
      headers: { 'X-CSRF-Token': csrf },
      data: { name: `${PREFIX}-${n}` },
    })
    expect(res.status()).toBe(201)
  }
  await page.goto('tables/categories')
  await gridSettled()
  await page.getByTestId('quick-search').fill(PREFIX)
  await expect(page).toHaveURL(/search=/)
  await gridSettled()
  await expect(rows()).toHaveCount(3)

  await page.getByTestId('select-page').check()
  await expect(page.getByTestId('bulk-selected')).toContainText('3 selected')
  await page.getByTestId('select-all-matching').click()
  await expect(page.getByTestId('bulk-selected')).toContainText('all matching')
  await page.getByTestId('bulk-set').click()
  await expect(page.getByTestId('bulk-count')).toHaveText('3 rows')
  await page.getByTestId('bulk-column').selectOption('description')
  await page.getByTestId('bulk-value').fill(`${PREFIX} described`)
  await page.getByTestId('bulk-confirm').click()
  await expect(page.getByTestId('bulk-dialog')).toHaveCount(0)
  await gridSettled()
  await expect(column('description')).toHaveText(Array(3).fill(`${PREFIX} described`))

  // the selection changes between counting and confirming: nothing happens (409), the grid refreshes
  await page.getByTestId('select-page').check()
  await page.getByTestId('select-all-matching').click()
  await page.getByTestId('bulk-delete').click()
  await expect(page.getByTestId('bulk-count')).toHaveText('3 rows')
  const extra = await page.request.post(apiUrl('api/v1/tables/categories/rows'), {
    headers: { 'X-CSRF-Token': csrf },
    data: { name: `${PREFIX}-4` },
  })
  expect(extra.status()).toBe(201)
  await page.getByTestId('bulk-confirm').click()
  await expect(page.getByTestId('grid-error')).toBeVisible()
  await gridSettled()
  await expect(rows()).toHaveCount(4)

  // delete by keys (the page's checkboxes), then everything matching
  await page.getByTestId('select-row').first().check()
  await page.getByTestId('bulk-delete').click()
  await expect(page.getByTestId('bulk-count')).toHaveText('1 row')
  await page.getByTestId('bulk-confirm').click()
  await gridSettled()
  await expect(rows()).toHaveCount(3)
  await page.getByTestId('select-page').check()
  await page.getByTestId('select-all-matching').click()
  await page.getByTestId('bulk-delete').click()
  await expect(page.getByTestId('bulk-count')).toHaveText('3 rows')
  await page.getByTestId('bulk-confirm').click()
  await gridSettled()
  await expect(page.getByTestId('grid-empty')).toBeVisible()
  expect(await apiCount('categories', { search: PREFIX })).toBe(0)
})

test('dark mode: follows the system, or the header choice (kept after a reload)', async () => {
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme ?? 'system')
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
  await page.emulateMedia({ colorScheme: 'light' })
  await page.getByTestId('theme-select').selectOption('system')
  expect(await theme()).toBe('system')
  const light = await bg()
  await page.emulateMedia({ colorScheme: 'dark' })
  expect(await bg()).not.toBe(light)
  await page.getByTestId('theme-select').selectOption('light')
  expect(await bg()).toBe(light)
  await page.getByTestId('theme-select').selectOption('dark')
  await page.emulateMedia({ colorScheme: 'light' })
  expect(await bg()).not.toBe(light)
  await page.reload()
  await gridSettled()
  expect(await theme()).toBe('dark')
  await expect(page.getByTestId('theme-select')).toHaveValue('dark')
  await page.getByTestId('theme-select').selectOption('system')
  expect(await bg()).toBe(light)
})
