import { expect, test, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'
import { Api } from './api'

// Tracking tables (its own browser context, serial): the demo's untracked `newsletter_signups`
// is tracked from the sidebar, browsed, and untracked again from its page (so a re-run finds it
// untracked; `afterAll` untracks it after a failure too).

const TABLE = 'newsletter_signups'

let page: Page
let api: Api

serialPage({
  ready: (p, base) => {
    page = p
    api = new Api(page, base)
  },
  cleanUp: async () => {
    await api.send('POST', `api/v1/tables/${TABLE}/untrack`)
  },
})

const sidebarLink = () => page.getByTestId(`table-link-${TABLE}`)

test('signs in; the table is untracked and not served', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  await api.init()
  // a run that stopped half-way may have left it tracked
  const list = await api.get<{ tables: { name: string }[] }>('api/v1/tables')
  if (list.tables.some((t) => t.name === TABLE)) {
    expect((await api.send('POST', `api/v1/tables/${TABLE}/untrack`)).status).toBe(204)
    await page.reload()
  }
  const rows = await page.request.get(api.url(`api/v1/tables/${TABLE}/rows`))
  expect(rows.status()).toBe(404)
  await expect(sidebarLink()).toHaveCount(0)
})

test('tracks it from the sidebar; it is listed, opens and can be browsed', async () => {
  const group = page.getByTestId('untracked-tables')
  await group.locator('summary').click()
  await expect(group.getByTestId(`untracked-${TABLE}`)).toBeVisible()
  await group.getByTestId(`track-${TABLE}`).click()

  await expect(page).toHaveURL(new RegExp(`/tables/${TABLE}$`))
  await expect(sidebarLink()).toBeVisible()
  await expect(page.getByTestId(`untracked-${TABLE}`)).toHaveCount(0)
  await expect(page.getByTestId('grid')).toBeVisible()
  await expect(page.getByTestId('grid-row').first()).toBeVisible()
  // a row opens
  await page.getByTestId('row-open').first().click()
  await expect(page).toHaveURL(new RegExp(`/tables/${TABLE}/rows/`))
  await expect(page.getByTestId('row-form')).toBeVisible()
})

test('untracks it from its page after a confirmation; the data stays', async () => {
  const before = (await api.rows(TABLE, { id: { _gt: 0 } }, 1)).count
  await page.goto(`tables/${TABLE}`)
  await page.getByTestId('untrack-table').click()
  const dialog = page.getByTestId('untrack-dialog')
  await expect(dialog).toContainText('untouched')
  await dialog.getByTestId('confirm-ok').click()

  await expect(page).toHaveURL(api.url('./'))
  await expect(sidebarLink()).toHaveCount(0)
  await expect(page.getByTestId(`untracked-${TABLE}`)).toHaveCount(1)
  const rows = await page.request.get(api.url(`api/v1/tables/${TABLE}/rows`))
  expect(rows.status()).toBe(404)

  // tracked again through the API, the rows are all there; then left untracked
  expect((await api.send('POST', `api/v1/tables/${TABLE}/track`)).status).toBe(200)
  expect((await api.rows(TABLE, { id: { _gt: 0 } }, 1)).count).toBe(before)
  expect((await api.send('POST', `api/v1/tables/${TABLE}/untrack`)).status).toBe(204)
})
