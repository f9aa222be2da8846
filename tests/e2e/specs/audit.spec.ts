import { expect, test, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'
import { Api } from './api'

// The audit log in the browser (serial, its own context): edit a row, see the entry and its diff
// on the Activity page and in the row's History tab, revert it and see the row restored; delete
// the row and bring it back from its history; the home page's overview. Works on a row of its
// own, removed again at the end.

const stamp = Date.now().toString(36)
const NAME = `e2e-audit-${stamp}`

let page: Page
let api: Api
let rowId = 0

serialPage({
  ready: (p, base) => {
    page = p
    api = new Api(page, base)
  },
  cleanUp: async () => {
    if (rowId) await api.send('DELETE', `api/v1/tables/categories/rows/${rowId}`)
  },
})

const rowPage = () => `tables/categories/rows/${rowId}`

test('signs in and edits a row of its own', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  await api.init()
  const made = await api.send('POST', 'api/v1/tables/categories/rows', { name: NAME, description: 'e2e' })
  expect(made.status).toBe(201)
  rowId = (made.body as { id: number }).id

  await page.goto(rowPage())
  await expect(page.getByTestId('field-description')).toHaveValue('e2e')
  await page.getByTestId('field-description').fill('e2e-edited')
  await page.getByTestId('save-row').click()
  await expect(page.getByTestId('save-status')).toBeVisible()
})

test('the Activity page shows the change with its diff', async () => {
  await page.getByTestId('nav-activity').click()
  await expect(page).toHaveURL(/activity/)
  await page.goto(`activity?table=categories&row_key=${rowId}`)
  const entry = page.getByTestId('audit-entry').first()
  await expect(entry).toContainText(`Updated categories ${rowId}`)
  await expect(entry).toContainText('description')
  await entry.click()
  const detail = page.getByTestId('audit-detail')
  await expect(detail).toBeVisible()
  const line = detail.getByTestId('diff-line-description')
  await expect(line).toContainText('e2e')
  await expect(line).toContainText('e2e-edited')
  // Only the changed column by default; every column on request.
  await expect(detail.getByTestId('diff-line-name')).toHaveCount(0)
  await detail.getByTestId('diff-show-all').check()
  await expect(detail.getByTestId('diff-line-name')).toContainText(NAME)
  // The filters are in the URL: a reload shows the same list.
  await page.reload()
  await expect(page.getByTestId('audit-entry').first()).toContainText(`Updated categories ${rowId}`)
})

test("the row's History tab reverts the edit", async () => {
  await page.goto(`${rowPage()}?tab=history`)
  const history = page.getByTestId('row-history')
  await expect(history.getByTestId('history-entry').first()).toContainText('Updated')
  await history.getByTestId('history-entry').first().getByTestId('audit-revert').click()
  await expect(page.getByTestId('revert-what')).toBeVisible()
  await expect(page.getByTestId('revert-conflicts')).toHaveCount(0)
  await page.getByTestId('revert-confirm').click()
  await expect(page.getByTestId('revert-confirm')).toHaveCount(0)
  await expect(history.getByTestId('history-entry').first()).toContainText('Updated')
  await expect(history.getByTestId('audit-reverts').first()).toBeVisible()
  await page.getByTestId('row-tab-row').click()
  await expect(page.getByTestId('field-description')).toHaveValue('e2e')
  const stored = await api.rows<{ description: string }>('categories', { id: { _eq: rowId } })
  expect(stored.rows[0]?.description).toBe('e2e')
})

test('a deleted row comes back from its history', async () => {
  page.once('dialog', (dialog) => void dialog.accept())
  await page.getByTestId('delete-row').click()
  await expect(page).toHaveURL(/tables\/categories(\?|$)/)
  expect((await api.rows('categories', { id: { _eq: rowId } })).count).toBe(0)

  await page.goto(rowPage())
  await page.getByTestId('row-gone-history').click()
  const deleted = page.getByTestId('history-entry').filter({ hasText: 'Deleted' }).first()
  await expect(deleted).toBeVisible()
  await deleted.getByTestId('audit-revert').click()
  await expect(page.getByTestId('revert-what')).toBeVisible()
  await page.getByTestId('revert-confirm').click()
  await expect(page.getByTestId('revert-confirm')).toHaveCount(0)
  await page.getByTestId('row-tab-row').click()
  await expect(page.getByTestId('field-name')).toHaveValue(NAME)
  const back = await api.rows<{ id: number; description: string }>('categories', { id: { _eq: rowId } })
  expect(back.rows).toEqual([expect.objectContaining({ id: rowId, description: 'e2e' })])
})

test('the home page shows the tables, recent changes and activity', async () => {
  await page.goto('./')
  await expect(page.getByTestId('home-tables')).toBeVisible()
  await expect(page.getByTestId('home-table-orders')).toBeVisible()
  await expect(page.getByTestId('home-recent')).toContainText('categories')
  await expect(page.getByTestId('home-activity-chart')).toBeVisible()
  await expect(page.getByTestId('chart-day')).toHaveCount(14)
  await expect(page.getByTestId('home-people')).toBeVisible()
})
