import { expect, test, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'
import { Api } from './api'

// The schema pages (serial, own context): the table list, one table's columns, relations and
// indexes, and its metadata edited, seen in the grid and the sidebar, and reset to the defaults.
// `cleanUp` gives every field its default back, so a re-run starts clean.

const TABLE = 'order_items'
const RESET = { label: null, description: null, display_column: null, default_sort: null, hidden: null, columns: { quantity: null } }

let page: Page
let api: Api

serialPage({
  ready: (p, base) => {
    page = p
    api = new Api(page, base)
  },
  cleanUp: async () => {
    await api.send('PATCH', `api/v1/tables/${TABLE}/metadata`, RESET)
  },
})

test('signs in; the schema page lists the tables and searches them', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  await api.init()
  expect((await api.send('PATCH', `api/v1/tables/${TABLE}/metadata`, RESET)).status).toBe(200)
  await page.getByTestId('nav-schema').click()
  await expect(page).toHaveURL(/\/schema$/)
  const list = page.getByTestId('schema-tables')
  await expect(list.getByTestId(`schema-row-${TABLE}`)).toBeVisible()
  await expect(list.getByTestId('schema-row-customers')).toBeVisible()
  await page.getByTestId('schema-search').fill('order')
  await expect(list.getByTestId('schema-row-customers')).toHaveCount(0)
  await expect(list.getByTestId(`schema-row-${TABLE}`)).toBeVisible()
})

test('one table: columns, relations both ways, indexes', async () => {
  await page.getByTestId(`schema-row-${TABLE}`).getByRole('link', { name: TABLE }).click()
  await expect(page.getByTestId('schema-table-title')).toHaveText(TABLE)
  const columns = page.getByTestId('schema-columns')
  await expect(columns.getByTestId('schema-column-quantity')).toContainText('Quantity')
  await expect(columns.getByTestId('schema-column-order_id')).toContainText('PK')
  await page.getByTestId('schema-tab-relations').click()
  const relations = page.getByTestId('schema-relations')
  await expect(relations.getByRole('link', { name: 'orders' })).toBeVisible()
  await expect(relations.getByRole('link', { name: 'products' })).toBeVisible()
  await page.getByTestId('schema-tab-indexes').click()
  await expect(page.getByTestId('schema-indexes')).toContainText('product_id')
  // following a relation opens the other table's schema
  await page.getByTestId('schema-tab-relations').click()
  await relations.getByRole('link', { name: 'orders' }).click()
  await expect(page.getByTestId('schema-table-title')).toHaveText('orders')
  await expect(page.getByTestId('schema-relations')).toContainText(TABLE)
  await page.goto(`schema/${TABLE}`)
})

test('metadata: label, description, a column, hidden — saved without touching the database', async () => {
  await page.getByTestId('schema-tab-metadata').click()
  const editor = page.getByTestId('metadata-editor')
  await expect(editor.getByTestId('meta-label')).toHaveValue('Order item')
  await expect(editor.getByTestId('meta-save')).toBeDisabled()
  await editor.getByTestId('meta-label').fill('Order lines')
  await editor.getByTestId('meta-description').fill('One line per product in an order')
  await editor.getByTestId('meta-column-quantity-description').fill('How many were ordered')
  await editor.getByTestId('meta-column-quantity-readonly').check()
  await editor.getByTestId('meta-hidden').check()
  await editor.getByTestId('meta-save').click()
  await expect(editor.getByTestId('meta-overridden-label')).toBeVisible()
  await expect(editor.getByTestId('meta-save')).toBeDisabled()
  await expect(page.getByTestId('schema-table-description')).toHaveText('One line per product in an order')
  // hidden: out of the sidebar, found again by searching
  await expect(page.getByTestId(`table-link-${TABLE}`)).toHaveCount(0)
  await page.getByTestId('table-search').fill('order_it')
  await expect(page.getByTestId(`table-link-${TABLE}`)).toBeVisible()
  await page.getByTestId('table-search').fill('')

  const stored = await api.get<{ overrides: Record<string, unknown> }>(`api/v1/tables/${TABLE}/metadata`)
  expect(stored.overrides).toEqual({
    label: 'Order lines',
    description: 'One line per product in an order',
    hidden: true,
    columns: { quantity: { description: 'How many were ordered', readonly: true } },
  })
  const schema = await api.get<{ columns: { name: string; type: string; readonly: boolean }[] }>(`api/v1/tables/${TABLE}`)
  expect(schema.columns.find((c) => c.name === 'quantity')?.readonly).toBe(true)
})

test('the grid shows the description; a reset gives the default back', async () => {
  await page.getByTestId('schema-open-data').click()
  await expect(page.getByTestId('table-description')).toHaveText('One line per product in an order')
  await page.goto(`schema/${TABLE}?tab=metadata`)
  const editor = page.getByTestId('metadata-editor')
  await editor.getByTestId('meta-reset-label').click()
  await expect(editor.getByTestId('meta-label')).toHaveValue('Order item')
  await expect(editor.getByTestId('meta-overridden-label')).toHaveCount(0)
  await editor.getByTestId('meta-column-quantity-reset').click()
  await expect(editor.getByTestId('meta-column-quantity-description')).toHaveValue('')
  await editor.getByTestId('meta-hidden').uncheck()
  await editor.getByTestId('meta-save').click()
  await expect(page.getByTestId(`table-link-${TABLE}`)).toBeVisible()
  const stored = await api.get<{ overrides: Record<string, unknown> }>(`api/v1/tables/${TABLE}/metadata`)
  expect(stored.overrides).toEqual({ description: 'One line per product in an order', hidden: false })
})
