import { expect, test, type Page } from '@playwright/test'
import { Api } from './api'
import { password, serialPage, submitSignIn, username } from './support'

// The schema editor (the suite runs the demo with RUBBIE_DEV_MODE=1): a table with a foreign key
// created in the UI from its SQL preview, seen in the sidebar and the ER diagram, given a row from
// the form; a column label edited and seen in the grid; the column renamed with its label and a
// role's permission following, the rename rolled back from the migrations page. Cleans up by
// dropping the table through the editor (its rules go with it).

const TABLE = 'e2e_parcels'
const ROLE = 'e2e_parcel_reader'

let page: Page
let api: Api

serialPage({
  ready: (p, base) => {
    page = p
    api = new Api(page, base)
  },
  cleanUp: async () => {
    await api.send('POST', 'api/v1/schema/changes', { name: 'drop_e2e_parcels', changes: [{ op: 'drop_table', table: TABLE }] })
    await api.send('DELETE', `api/v1/roles/${ROLE}`)
  },
})

test('creates a table with a foreign key from its SQL preview', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  await api.init()
  await page.getByTestId('nav-schema').click()
  await page.getByTestId('schema-new-table-button').click()
  await page.getByTestId('new-table-name').fill(TABLE)
  for (const [i, name] of [[1, 'order_id'], [2, 'weight']] as const) {
    await page.getByTestId('new-table-add-column').click()
    const row = page.getByTestId(`new-table-column-${i}`)
    await row.getByTestId('column-name').fill(name)
    await row.getByTestId('column-type').fill('integer')
  }
  await page.getByTestId('new-table-add-key').click()
  const key = page.getByTestId('new-table-key-0')
  await key.getByTestId('key-column').selectOption('order_id')
  await key.getByTestId('key-target').selectOption('orders.id')
  await key.getByTestId('key-on-delete').selectOption('cascade')
  await page.getByTestId('new-table-review').click()
  const review = page.getByTestId('schema-change-review')
  await expect(review.getByTestId('schema-change-up')).toContainText('CREATE TABLE')
  await expect(review.getByTestId('schema-change-up')).toContainText('ON DELETE CASCADE')
  await expect(review.getByTestId('schema-change-down')).toContainText('DROP TABLE')
  await review.getByTestId('schema-change-apply').click()
  await expect(page.getByTestId('schema-table-title')).toHaveText(TABLE)
  await expect(page.getByTestId(`table-link-${TABLE}`)).toBeVisible()
  await expect(page.getByTestId('schema-column-weight')).toBeVisible()
})

test('shows it in the ER diagram and takes a row from the form', async () => {
  await page.goto('./schema?view=diagram')
  await expect(page.getByTestId(`er-node-${TABLE}`)).toContainText('order_id')
  await page.getByTestId(`table-link-${TABLE}`).click()
  await page.getByTestId('new-row').click()
  // the key is the database's to fill on SQLite (its rowid), the form's elsewhere
  const id = page.getByTestId('field-id')
  if (await id.isEditable().catch(() => false)) await id.fill('1')
  await page.getByTestId('field-weight').fill('1200')
  await page.getByTestId('save-row').click()
  await expect(page).toHaveURL(/\/rows\/[^/]+$/)
  await page.getByTestId(`table-link-${TABLE}`).click()
  await expect(page.getByTestId('grid-header-weight')).toBeVisible()
  await expect(page.getByText('1200')).toBeVisible()
})

test('a label edited on the Metadata tab shows in the grid', async () => {
  await page.goto(`./schema/${TABLE}?tab=metadata`)
  const editor = page.getByTestId('metadata-editor')
  await editor.getByTestId('meta-column-weight-label').fill('Weight (g)')
  await editor.getByTestId('meta-save').click()
  await expect(editor.getByTestId('meta-save')).toBeDisabled()
  await page.getByTestId(`table-link-${TABLE}`).click()
  await expect(page.getByTestId('grid-header-weight')).toHaveAttribute('title', /^Weight \(g\)/)
})

test('renames a column: its label and a permission follow', async () => {
  expect((await api.send('POST', 'api/v1/roles', { name: ROLE })).status).toBe(201)
  const rule = await api.send('PUT', `api/v1/permissions/${ROLE}/${TABLE}/select`, { columns: ['id', 'weight'] })
  expect(rule.status).toBe(200)
  await page.goto(`./schema/${TABLE}`)
  await page.getByTestId('schema-rename-weight').click()
  await page.getByTestId('schema-new-name').fill('mass')
  await page.getByTestId('schema-change-review-sql').click()
  await expect(page.getByTestId('schema-change-up')).toContainText('RENAME COLUMN')
  await page.getByTestId('schema-change-apply').click()
  await expect(page.getByTestId('schema-column-mass')).toContainText('Weight (g)')
  const doc = await api.get<{ permissions: { role: string; rule: { columns: string[] } }[] }>('api/v1/metadata')
  expect(doc.permissions.find((p) => p.role === ROLE)?.rule.columns).toEqual(['id', 'mass'])
  await page.getByTestId(`table-link-${TABLE}`).click()
  await expect(page.getByTestId('grid-header-mass')).toHaveAttribute('title', /^Weight \(g\)/)
})

test('rolls the rename back from the migrations page', async () => {
  await page.getByTestId('nav-migrations').click()
  await page.getByTestId('migrations-rollback').click()
  await expect(page.getByTestId('migration-confirm')).toContainText('RENAME COLUMN')
  await page.getByTestId('migration-confirm-run').click()
  await expect(page.getByTestId('migration-run-output').getByTestId('migration-run-status')).toHaveText('succeeded')
  await page.goto(`./schema/${TABLE}`)
  await expect(page.getByTestId('schema-column-weight')).toBeVisible()
  await expect(page.getByTestId('schema-column-mass')).toHaveCount(0)
})
