import { expect, test, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'

// One signed-in browser page walks through the console, step by step (serial, one worker).
// Needs a running test_project: RUBBIE_E2E_URL, RUBBIE_E2E_USERNAME, RUBBIE_E2E_PASSWORD.

let page: Page

serialPage({
  ready: (p) => {
    page = p
  },
})

const rows = () => page.getByTestId('grid-row')
const cell = (i: number, column: string) => rows().nth(i).getByTestId(`cell-${column}`)
const pageInfo = () => page.getByTestId('page-info')

/** Wait until the grid shows the data for the current URL. */
async function gridSettled() {
  await expect(page.getByTestId('grid')).toBeVisible()
  await expect(page.getByTestId('grid-loading')).toHaveCount(0)
}

/** N from "rows X–Y of N" (or "of ≈ N" when the count is an estimate). */
async function totalRows(): Promise<number> {
  const text = (await pageInfo().textContent()) ?? ''
  const m = /of\s+[~≈]?\s*([\d,]+)/.exec(text)
  if (!m?.[1]) throw new Error(`no total in "${text}"`)
  return Number(m[1].replace(/,/g, ''))
}

async function signIn() {
  await submitSignIn(page, username, password)
}

test('signs in and lands where it was going', async () => {
  await page.goto('./')
  await expect(page).toHaveURL(/\/login\?redirect=/)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(`${password}-wrong`)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('login-error')).toBeVisible()
  await signIn()
  await expect(page).not.toHaveURL(/\/login/)
})

test('the sidebar lists the demo tables', async () => {
  const list = page.getByTestId('table-list')
  for (const t of ['customers', 'orders', 'products', 'order_items', 'categories']) {
    await expect(list.getByTestId(`table-link-${t}`)).toBeVisible()
  }
  await page.getByTestId('table-search').fill('cust')
  await expect(list.getByTestId('table-link-customers')).toBeVisible()
  await expect(list.getByTestId('table-link-orders')).toHaveCount(0)
  await page.getByTestId('table-search').fill('')
})

test('opens customers', async () => {
  await page.getByTestId('table-link-customers').click()
  await expect(page).toHaveURL(/\/tables\/customers$/)
  await gridSettled()
  await expect(rows().first()).toBeVisible()
  await expect(page.getByTestId('breadcrumbs')).toContainText('customers')
  expect(await totalRows()).toBeGreaterThan(1)
})

test('sorts by a column', async () => {
  const header = page.getByTestId('grid-header-name')
  await header.click()
  await expect(page).toHaveURL(/order_by=name(&|$)/)
  await gridSettled()
  const asc = await rows().locator('[data-testid="cell-name"]').allTextContents()
  await header.click()
  await expect(page).toHaveURL(/order_by=-name/)
  await gridSettled()
  await expect
    .poll(async () => (await rows().locator('[data-testid="cell-name"]').allTextContents()).join('|'))
    .not.toBe(asc.join('|'))
  await expect(header).toHaveAttribute('aria-sort', 'descending')
  await header.click()
  await expect(page).not.toHaveURL(/order_by=/)
  await gridSettled()
})

test('filters rows', async () => {
  const total = await totalRows()

  await page.getByTestId('filter-add').click()
  await page.getByTestId('filter-column').selectOption('name')
  await page.getByTestId('filter-op').selectOption('_ilike')
  await page.getByTestId('filter-value').fill('%a%')
  await page.getByTestId('filter-apply').click()
  await expect(page).toHaveURL(/where=/)
  await gridSettled()
  const names = await rows().locator('[data-testid="cell-name"]').allTextContents()
  expect(names.length).toBeGreaterThan(0)
  // MariaDB's default collation also matches accented letters ("Tomás" for %a%).
  const folded = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase()
  for (const n of names) expect(folded(n)).toContain('a')
  expect(await totalRows()).toBeLessThanOrEqual(total)

  // an exact email match leaves one row
  const email = (await cell(0, 'email').textContent())?.trim() ?? ''
  await page.getByTestId('filter-column').selectOption('email')
  await page.getByTestId('filter-op').selectOption('_eq')
  await page.getByTestId('filter-value').fill(email)
  await page.getByTestId('filter-apply').click()
  await gridSettled()
  await expect(rows()).toHaveCount(1)
  expect(await totalRows()).toBeLessThan(total)
  await expect(cell(0, 'email')).toHaveText(email)

  // the view survives a reload
  await page.reload()
  await gridSettled()
  await expect(rows()).toHaveCount(1)
  await expect(page.getByTestId('filter-value')).toHaveValue(email)

  await page.getByTestId('filter-clear').click()
  await expect(page).not.toHaveURL(/where=/)
  await gridSettled()
  expect(await totalRows()).toBe(total)
})

test('goes to page 2', async () => {
  await page.getByTestId('page-size').selectOption('25')
  await expect(page).toHaveURL(/limit=25/)
  await gridSettled()
  await expect(rows()).toHaveCount(25)
  const firstOnPage1 = await rows().first().textContent()
  await page.getByTestId('page-next').click()
  await expect(page).toHaveURL(/offset=25/)
  await gridSettled()
  await expect(pageInfo()).toContainText(/rows 26–/)
  await expect(rows().first()).not.toHaveText(firstOnPage1 ?? '')
  await page.reload()
  await gridSettled()
  await expect(pageInfo()).toContainText(/rows 26–/)
  await page.getByTestId('page-prev').click()
  await expect(page).not.toHaveURL(/offset=/)
  await gridSettled()
})

test('edits a row and the change is stored', async () => {
  await rows().first().getByTestId('row-open').click()
  await expect(page).toHaveURL(/\/tables\/customers\/rows\/[^/]+$/)
  const name = page.getByTestId('field-name')
  await expect(name).toBeVisible()
  const original = await name.inputValue()
  const edited = `E2E ${Date.now().toString(36)}`

  await name.fill(edited)
  await page.getByTestId('save-row').click()
  await expect(page.getByTestId('save-status')).toBeVisible()

  await page.reload()
  await expect(page.getByTestId('field-name')).toHaveValue(edited)

  // put the demo data back
  await page.getByTestId('field-name').fill(original)
  await page.getByTestId('save-row').click()
  await expect(page.getByTestId('save-status')).toBeVisible()
})

test('shows a constraint violation under the field', async () => {
  await page.getByTestId('table-link-products').click()
  await gridSettled()
  await rows().first().getByTestId('row-open').click()
  const price = page.getByTestId('field-price')
  await expect(price).toBeVisible()
  await price.fill('-5')
  await page.getByTestId('save-row').click()
  await expect(page.getByTestId('field-error-price')).toBeVisible()
  await expect(page.getByTestId('save-status')).toHaveCount(0)
  // nothing was stored
  await page.reload()
  await expect(page.getByTestId('field-price')).not.toHaveValue('-5')
})

test('an expired session asks to sign in again and comes back', async () => {
  await page.getByTestId('table-link-categories').click()
  await gridSettled()
  await page.context().clearCookies()
  await page.getByTestId('table-link-orders').click()
  await expect(page).toHaveURL(/\/login\?redirect=/)
  await signIn()
  await expect(page).toHaveURL(/\/tables\/orders/)
  await gridSettled()
})

test('signs out', async () => {
  await page.getByTestId('sign-out').click()
  await expect(page).toHaveURL(/\/login/)
  await expect(page.getByTestId('login-form')).toBeVisible()
  // and the console is closed again
  await page.goto('tables/customers')
  await expect(page).toHaveURL(/\/login\?redirect=/)
})
