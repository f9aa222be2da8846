import { expect, test, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'
import { Api } from './api'

// Foreign keys in the console (its own browser context, serial, read-only): a customer's row
// page lists the customer's orders in a tab; an order opens, and its customer link leads back;
// the orders grid names customers instead of showing bare ids; the order form's customer picker
// finds a customer by name. Changes nothing.

let page: Page
let api: Api
/** A customer with orders, one of those orders, and how many the customer has. */
let customer = { id: 0, name: '' }
let orderId = 0
let orderCount = 0

serialPage({
  ready: (p, base) => {
    page = p
    api = new Api(page, base)
  },
})

test('signs in and picks a customer with orders', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  await api.init()
  const order = (await api.rows<{ id: number; customer_id: number }>('orders', { id: { _gt: 0 } }, 1)).rows[0]!
  orderId = order.id
  const c = (await api.rows<{ id: number; name: string }>('customers', { id: { _eq: order.customer_id } }, 1)).rows[0]!
  customer = { id: c.id, name: c.name }
  orderCount = (await api.rows('orders', { customer_id: { _eq: customer.id } }, 1)).count
  expect(orderCount).toBeGreaterThan(0)
})

test("a customer's page lists its orders in a tab, and an order links back", async () => {
  await page.goto(`tables/customers/rows/${customer.id}`)
  const tab = page.getByTestId('relation-tab-orders')
  await expect(tab).toBeVisible()
  await tab.click()
  await expect(tab).toHaveAttribute('aria-selected', 'true')
  await expect(tab.getByTestId('relation-tab-count')).toHaveText(String(orderCount))
  const panel = page.getByTestId('related-orders')
  await expect(panel.getByTestId('related-count')).toContainText(`${orderCount} row`)
  const rows = panel.getByTestId('rows-table-row')
  await expect(rows).toHaveCount(Math.min(orderCount, 10))

  // "Open in table": the orders page filtered to this customer
  const open = new URL((await panel.getByTestId('related-open-table').getAttribute('href'))!, 'http://x')
  expect(JSON.parse(open.searchParams.get('where')!)).toEqual({ customer_id: { _eq: customer.id } })

  // the order's page, then its customer link leads back here
  const first = panel.getByTestId('related-row-open').first()
  const href = (await first.getAttribute('href'))!
  await first.click()
  await expect(page).toHaveURL(new RegExp(`${href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`))
  await expect(page.getByTestId('row-title')).toBeVisible()
  await page.getByTestId('fk-link-customer_id').click()
  await expect(page).toHaveURL(new RegExp(`/tables/customers/rows/${customer.id}$`))
  await expect(page.getByTestId('field-name')).toHaveValue(customer.name)

  // "Open in table" lists exactly this customer's orders
  await page.getByTestId('related-orders').getByTestId('related-open-table').click()
  await expect(page).toHaveURL(/tables\/orders\?where=/)
  await expect(page.getByTestId('grid-loading')).toHaveCount(0)
  await expect(page.getByTestId('grid-row')).toHaveCount(Math.min(orderCount, 50))
})

test('the orders grid names each customer, with the id linking to the customer', async () => {
  await page.goto(`tables/orders?where=${encodeURIComponent(JSON.stringify({ id: { _eq: orderId } }))}`)
  const cell = page.getByTestId('grid-row').first().locator('[data-testid="cell-customer_id"]')
  await expect(cell.getByTestId('fk-label')).toHaveText(customer.name)
  const id = cell.getByTestId('fk-id')
  await expect(id).toHaveText(String(customer.id))
  await id.click()
  await expect(page).toHaveURL(new RegExp(`/tables/customers/rows/${customer.id}$`))
})

test("the order form's customer picker finds a customer by name (nothing saved)", async () => {
  await page.goto(`tables/orders/rows/${orderId}`)
  const field = page.getByTestId('field-customer_id')
  await expect(field).toHaveValue(String(customer.id))
  await expect(page.getByTestId('fk-picker-label')).toHaveText(customer.name)

  await field.fill(customer.name)
  const option = page.getByTestId('fk-option').filter({ hasText: `(${customer.id})` })
  await expect(option).toHaveCount(1)
  await expect(option).toContainText(customer.name)
  // keyboard: down to that option, Enter picks it
  const options = await page.getByTestId('fk-option').allTextContents()
  const index = options.findIndex((t) => t.includes(`(${customer.id})`))
  for (let i = 0; i < index; i++) await field.press('ArrowDown')
  await field.press('Enter')
  await expect(page.getByTestId('fk-options')).toBeHidden()
  await expect(field).toHaveValue(String(customer.id))
  await expect(page.getByTestId('fk-picker-label')).toHaveText(customer.name)
  // the same value as stored: nothing to save
  await expect(page.getByTestId('dirty-count')).toHaveCount(0)
})
