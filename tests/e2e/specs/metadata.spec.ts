import { expect, test, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'
import { Api } from './api'

// The metadata document page (serial, own context): download the document, import a changed one
// after reading its diff, and drop a stored entry that no longer fits the database. `cleanUp`
// gives the table's label its default back and drops what the spec stored, so a re-run starts clean.

const TABLE = 'order_items'

interface Doc {
  resource_version: number
  tables: Record<string, { tracked: boolean; metadata?: Record<string, unknown> }>
  [key: string]: unknown
}

let page: Page
let api: Api

async function dropGhosts() {
  const list = await api.get<{ resource_version: number; inconsistencies: { id: string }[] }>('api/v1/metadata/inconsistencies')
  const ids = list.inconsistencies.map((i) => i.id).filter((id) => id === 'table:e2e_ghosts')
  if (ids.length) await api.send('POST', 'api/v1/metadata/inconsistencies/drop', { ids, resource_version: list.resource_version })
}

serialPage({
  ready: (p, base) => {
    page = p
    api = new Api(page, base)
  },
  cleanUp: async () => {
    await api.send('PATCH', `api/v1/tables/${TABLE}/metadata`, { label: null })
    await dropGhosts()
  },
})

test('signs in; the schema page leads to the document, which downloads', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  await api.init()
  expect((await api.send('PATCH', `api/v1/tables/${TABLE}/metadata`, { label: null })).status).toBe(200)
  await dropGhosts()
  await page.getByTestId('nav-schema').click()
  await page.getByTestId('schema-metadata-link').click()
  await expect(page).toHaveURL(/\/metadata$/)
  await expect(page.getByTestId('metadata-counts')).toContainText('tables')
  const version = (await api.get<Doc>('api/v1/metadata')).resource_version
  await expect(page.getByTestId('metadata-version')).toHaveText(`version ${version}`)
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('metadata-download').click()])
  expect(download.suggestedFilename()).toMatch(new RegExp(`^rubbie-metadata-\\w+-v${version}\\.json$`))
  const text = await (await download.createReadStream()).toArray()
  const doc = JSON.parse(Buffer.concat(text).toString('utf8')) as Doc
  expect(doc.rubbie_metadata).toBe(1)
  expect(doc.tables[TABLE].tracked).toBe(true)
})

test('a changed document: its diff, then applied', async () => {
  const doc = await api.get<Doc>('api/v1/metadata')
  doc.tables[TABLE].metadata = { ...(doc.tables[TABLE].metadata ?? {}), label: 'Order lines (imported)' }
  await page.getByTestId('metadata-text').fill(JSON.stringify(doc, null, 2))
  await page.getByTestId('metadata-compare').click()
  await expect(page.getByTestId('metadata-summary')).toContainText('1 changed')
  const change = page.getByTestId(`document-change-tables-${TABLE}`)
  await change.getByRole('button').click()
  await expect(change.getByTestId('document-change-diff')).toContainText('Order lines (imported)')
  await page.getByTestId('metadata-apply').click()
  await expect(page.getByTestId('metadata-summary')).toHaveCount(0)
  await expect(page.getByTestId('metadata-version')).toHaveText(`version ${doc.resource_version + 1}`)
  const meta = await api.get<{ overrides: { label?: string } }>(`api/v1/tables/${TABLE}/metadata`)
  expect(meta.overrides.label).toBe('Order lines (imported)')
  // the same document again: nothing left to change
  await page.getByTestId('metadata-text').fill(JSON.stringify(doc))
  await page.getByTestId('metadata-compare').click()
  await expect(page.getByTestId('document-no-changes')).toBeVisible()
})

test('an entry for a table the database lacks: refused, kept on request, then dropped', async () => {
  const doc = await api.get<Doc>('api/v1/metadata')
  doc.tables.e2e_ghosts = { tracked: true, metadata: { label: 'Boo' } }
  await page.getByTestId('metadata-text').fill(JSON.stringify(doc))
  await page.getByTestId('metadata-compare').click()
  await expect(page.getByTestId('inconsistency-table:e2e_ghosts').first()).toContainText('no table')
  await expect(page.getByTestId('metadata-apply')).toBeDisabled()
  await page.getByTestId('metadata-allow-inconsistent').check()
  await page.getByTestId('metadata-apply').click()
  const stored = page.getByTestId('metadata-inconsistencies')
  await expect(stored.getByTestId('inconsistency-table:e2e_ghosts')).toBeVisible()
  await stored.getByTestId('drop-table:e2e_ghosts').click()
  await page.getByTestId('drop-confirm').getByTestId('confirm-ok').click()
  await expect(stored.getByTestId('metadata-consistent')).toBeVisible()
  expect((await api.get<Doc>('api/v1/metadata')).tables.e2e_ghosts).toBeUndefined()
})
