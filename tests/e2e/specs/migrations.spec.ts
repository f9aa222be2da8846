import { expect, test, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'

// The migrations page (serial, its own context): the demo's migrations listed as applied; roll
// back the newest with the confirmation dialog showing its SQL and watch the streamed output;
// apply it again. Leaves the schema as it found it (the newest migration only adds an index).

let page: Page

serialPage({
  ready: (p) => {
    page = p
  },
})

const NEWEST = '20260101000005'

test('lists the demo migrations as applied', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  await page.getByTestId('nav-migrations').click()
  const table = page.getByTestId('migrations-table')
  await expect(table).toBeVisible()
  await expect(page.getByTestId(`migration-${NEWEST}`).getByTestId('migration-status')).toHaveText('applied')
  await expect(table.getByTestId('migration-status')).toHaveCount(5)
  // A migration's SQL, up and down.
  await page.getByTestId('migration-20260101000003').getByRole('button', { name: '20260101000003' }).click()
  await expect(page.getByTestId('migration-up-sql')).toContainText('CREATE TABLE orders')
  await expect(page.getByTestId('migration-down-sql')).toContainText('DROP TABLE orders')
})

test('rolls back the newest migration, showing its SQL first and streaming the run', async () => {
  await page.getByTestId('migrations-rollback').click()
  const dialog = page.getByTestId('migration-confirm')
  await expect(dialog).toContainText('DROP INDEX orders_placed_at')
  await page.getByTestId('migration-confirm-run').click()
  const output = page.getByTestId('migration-run-output')
  await expect(output.getByTestId('migration-run-status')).toHaveText('succeeded')
  await expect(output).toContainText(`✓ ${NEWEST} orders by date (down)`)
  await expect(page.getByTestId(`migration-${NEWEST}`).getByTestId('migration-status')).toHaveText('pending')
  await expect(page.getByTestId('migration-runs')).toContainText('rollback')
})

test('applies it again', async () => {
  await page.reload()
  await page.getByTestId('migrations-apply').click()
  await expect(page.getByTestId('migration-confirm')).toContainText('CREATE INDEX orders_placed_at')
  await page.getByTestId('migration-confirm-run').click()
  await expect(page.getByTestId('migration-run-output').getByTestId('migration-run-status')).toHaveText('succeeded')
  await expect(page.getByTestId(`migration-${NEWEST}`).getByTestId('migration-status')).toHaveText('applied')
  await expect(page.getByTestId('migrations-apply')).toBeDisabled()
})
