import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'

// The SQL runner (serial, its own context): a big result paged through in the virtual grid and
// exported whole, the statement under the cursor, a refused write in read mode and a confirmed
// one, EXPLAIN, history and snippets; then a statement saved as a migration, seen applied on the
// migrations page, and rolled back so the schema is left as it was found.

let page: Page

serialPage({
  ready: (p) => {
    page = p
  },
})

/**
 * 50,000 rows on every backend without touching a table: 250 × 200 (MariaDB stops a recursive CTE
 * after 1,000 iterations by default).
 */
const BIG =
  'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250) ' +
  'SELECT (a.i - 1) * 200 + b.i AS i, ((a.i - 1) * 200 + b.i) * 2 AS twice FROM n a CROSS JOIN n b WHERE b.i <= 200 ORDER BY 1'

async function typeSql(text: string) {
  const editor = page.getByTestId('sql-editor').locator('.cm-content')
  await editor.click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.press('Delete')
  // insertText: no auto-closed brackets or completion popups in the way
  await page.keyboard.insertText(text)
}

test('runs the statement under the cursor and pages through a big result', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  await page.getByTestId('nav-sql').click()
  await expect(page.getByTestId('sql-page')).toBeVisible()
  await typeSql(`SELECT 'first' AS which;\n\n${BIG}`)
  await page.keyboard.press('ControlOrMeta+End')
  await page.keyboard.press('ControlOrMeta+Enter')
  await expect(page.getByTestId('sql-status')).toContainText('First 10,000 rows')
  await expect(page.getByTestId('sql-col-twice')).toBeVisible()
  const grid = page.getByTestId('sql-results')
  // Only the rows in view are rendered, however many arrived.
  expect(await grid.getByTestId('sql-row').count()).toBeLessThan(200)
  await grid.evaluate((el) => (el.scrollTop = el.scrollHeight))
  await expect(grid.getByTestId('sql-row').last()).toContainText('10000')
  await expect(grid.getByTestId('sql-row').last()).toContainText('20000')
})

test('exports every row of the result, not just the page', async () => {
  const download = page.waitForEvent('download')
  await page.getByTestId('sql-export-csv').click()
  const file = await (await download).path()
  const lines = readFileSync(file, 'utf8').trimEnd().split(/\r?\n/)
  expect(lines[0]).toBe('i,twice')
  expect(lines).toHaveLength(50_001)
  expect(lines.at(-1)).toBe('50000,100000')
})

test('read mode is enforced; a write needs the switch and a confirmation', async () => {
  await typeSql("UPDATE customers SET notes = notes WHERE id = 1")
  await page.getByTestId('sql-run').click()
  await expect(page.getByTestId('sql-error')).toBeVisible()
  await page.getByTestId('sql-mode-write').check()
  await page.getByTestId('sql-run').click()
  const confirm = page.getByTestId('sql-write-confirm')
  await expect(confirm).toContainText('UPDATE customers SET notes = notes WHERE id = 1')
  await confirm.getByTestId('confirm-ok').click()
  await expect(page.getByTestId('sql-status')).toContainText('1 row(s) affected')
  await expect(page.getByTestId('sql-error')).toHaveCount(0)
  await page.getByTestId('sql-mode-read').check()
})

test('explains a statement, and keeps history and snippets', async () => {
  await typeSql('SELECT * FROM orders WHERE id = 1')
  await page.getByTestId('sql-explain').click()
  await expect(page.getByTestId('sql-plan')).not.toBeEmpty()
  const history = page.getByTestId('sql-history')
  await expect(history.getByTestId('sql-history-item').first()).toContainText('SELECT * FROM orders WHERE id = 1')
  await expect(history).toContainText('UPDATE customers')

  await page.getByTestId('sql-tab-snippets').click()
  await page.getByTestId('sql-snippet-new').click()
  await page.getByTestId('sql-snippet-name').fill('Order one')
  await page.getByTestId('sql-snippet-save').click()
  const snippet = page.getByTestId('sql-snippet').filter({ hasText: 'Order one' })
  await expect(snippet).toBeVisible()
  await typeSql('SELECT 1')
  await snippet.getByRole('button', { name: /^Order one/ }).click()
  await expect(page.getByTestId('sql-editor')).toContainText('SELECT * FROM orders WHERE id = 1')
  await snippet.getByRole('button', { name: 'Delete snippet Order one' }).click()
  await expect(snippet).toHaveCount(0)
})

test('saves a statement as a migration, applied and listed, then rolls it back', async () => {
  await typeSql('CREATE TABLE e2e_gift_cards (id INTEGER PRIMARY KEY, code VARCHAR(40) NOT NULL)')
  await page.getByTestId('sql-save-migration').click()
  const dialog = page.getByTestId('sql-migration-dialog')
  await expect(dialog.getByTestId('sql-migration-up')).toContainText('CREATE TABLE e2e_gift_cards')
  await dialog.getByTestId('sql-migration-name').fill('add gift cards')
  await dialog.getByTestId('sql-migration-down').fill('DROP TABLE e2e_gift_cards')
  await dialog.getByTestId('sql-migration-save').click()

  await expect(page.getByTestId('migrations-page')).toBeVisible()
  const output = page.getByTestId('migration-run-output')
  await expect(output.getByTestId('migration-run-status')).toHaveText('succeeded')
  await expect(output).toContainText('add_gift_cards.up.sql')
  const row = page.getByTestId('migrations-table').locator('tr', { hasText: 'add gift cards' })
  await expect(row.getByTestId('migration-status')).toHaveText('applied')

  await page.getByTestId('migrations-rollback').click()
  await expect(page.getByTestId('migration-confirm')).toContainText('DROP TABLE e2e_gift_cards')
  await page.getByTestId('migration-confirm-run').click()
  await expect(page.getByTestId('migration-run-output').getByTestId('migration-run-status')).toHaveText('succeeded')
  await expect(row.getByTestId('migration-status')).toHaveText('pending')
})
