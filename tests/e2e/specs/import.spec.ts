import { expect, test, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'
import { Api } from './api'

// Importing files into a table from the console (its own browser context, serial): a CSV with a
// bad row is refused with the row, line and column named and nothing written; the fixed file is
// imported and its rows are in the grid; a field mapped to "skip" is left out. Rows go into
// `categories` under a unique name prefix and are deleted at the end (also after a failure).

const PREFIX = `e2e-imp-${Date.now().toString(36)}`

let page: Page
let api: Api

serialPage({
  ready: (p, base) => {
    page = p
    api = new Api(page, base)
  },
  cleanUp: async () => {
    await api.send('POST', 'api/v1/tables/categories/bulk', { action: 'delete', where: { name: { _like: `${PREFIX}%` } } })
  },
})

const imported = () => api.rows<{ name: string; description: string | null; parent_id: number | null }>('categories', { name: { _like: `${PREFIX}%` } })

/** Open the import dialog on `categories` and choose a CSV file with this text. */
async function chooseFile(text: string, name = 'categories.csv') {
  await page.goto('tables/categories')
  await expect(page.getByTestId('grid')).toBeVisible()
  await page.getByTestId('import-button').click()
  const dialog = page.getByTestId('import-dialog')
  await expect(dialog).toBeVisible()
  await dialog.getByTestId('import-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) })
  await expect(dialog.getByTestId('import-preview-meta')).toContainText(name)
  return dialog
}

// A quoted comma and a quoted line break (row 2 spans lines 3-4), so row 3 starts on line 5.
const header = 'name,description,parent_id'
const good = [`${PREFIX}-a,"first, with a comma",`, `${PREFIX}-b,"two\nlines",1`]

test('signs in', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  await api.init()
})

test('a bad row is reported by row, line and column, and nothing is imported', async () => {
  const dialog = await chooseFile([header, ...good, `${PREFIX}-c,bad parent,abc`].join('\n') + '\n')
  // the browser's preview: 3 rows, the third starting on line 5
  await expect(dialog.getByTestId('rows-table-row')).toHaveCount(3)
  await expect(dialog.getByTestId('rows-table-row').nth(2).locator('td').first()).toHaveText('5')
  await expect(dialog.getByTestId('mapping-parent_id')).toHaveValue('parent_id')

  await dialog.getByTestId('import-check').click()
  const problem = dialog.getByTestId('import-problem')
  await expect(problem).toHaveCount(1)
  await expect(problem.getByTestId('problem-row')).toHaveText('3')
  await expect(problem.getByTestId('problem-line')).toHaveText('5')
  await expect(problem.getByTestId('problem-column')).toHaveText('parent_id')
  await expect(dialog.getByTestId('import-nothing-written')).toContainText('nothing was written')

  // for real: refused the same way, all or nothing
  await dialog.getByTestId('import-run').click()
  await expect(dialog.getByTestId('import-nothing-written')).toContainText('Nothing was imported')
  await expect(dialog.getByTestId('import-problem')).toHaveCount(1)
  expect((await imported()).count).toBe(0)
  await dialog.getByTestId('import-close').click()
  await expect(dialog).toHaveCount(0)
})

test('the fixed file is checked, imported, and its rows show in the grid', async () => {
  const dialog = await chooseFile([header, ...good, `${PREFIX}-c,fixed,`].join('\r\n') + '\r\n')
  await dialog.getByTestId('import-check').click()
  await expect(dialog.getByTestId('import-checked')).toContainText('All 3 rows can be imported')
  expect((await imported()).count).toBe(0)

  await dialog.getByTestId('import-run').click()
  await expect(dialog.getByTestId('import-done')).toContainText('Imported 3 rows into categories')
  await dialog.getByTestId('import-close').click()

  const stored = await imported()
  expect(stored.count).toBe(3)
  const byName = Object.fromEntries(stored.rows.map((r) => [r.name, r]))
  expect(byName[`${PREFIX}-a`]?.description).toBe('first, with a comma')
  expect(byName[`${PREFIX}-b`]?.description).toBe('two\nlines')
  expect(byName[`${PREFIX}-b`]?.parent_id).toBe(1)
  expect(byName[`${PREFIX}-a`]?.parent_id).toBeNull()

  await page.getByTestId('quick-search').fill(PREFIX)
  await expect(page.getByTestId('grid-row')).toHaveCount(3)
  const names = (await page.getByTestId('grid-row').locator('[data-testid="cell-name"]').allTextContents()).map((t) => t.trim()).sort()
  expect(names).toEqual([`${PREFIX}-a`, `${PREFIX}-b`, `${PREFIX}-c`])
})

test('a field mapped to "skip" is left out, an unknown one too', async () => {
  const dialog = await chooseFile(`name,description,remark\n${PREFIX}-skip,not imported,also not\n`)
  // no column "remark": skipped by default; "description" skipped by choice
  await expect(dialog.getByTestId('mapping-remark')).toHaveValue('')
  await dialog.getByTestId('mapping-description').selectOption('')
  await dialog.getByTestId('import-run').click()
  await expect(dialog.getByTestId('import-done')).toContainText('Imported 1 row')
  await dialog.getByTestId('import-close').click()
  const row = (await api.rows<{ description: string | null }>('categories', { name: { _eq: `${PREFIX}-skip` } })).rows
  expect(row).toHaveLength(1)
  expect(row[0]!.description).toBeNull()
})
