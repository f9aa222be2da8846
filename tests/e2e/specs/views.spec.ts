import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'
import { Api } from './api'

// Saved views (its own browser contexts, serial): save a view of `customers` with a filter, a
// sort and columns; `?view=ID` alone opens it; change and update it; share it and see it as a
// second user (a role that may read customers); delete it. Cleans up the view, the user and the
// role it creates, also after a failure.

const stamp = Date.now().toString(36)
const NAME = `e2e-view-${stamp}`
const ROLE = `e2e-viewer-${stamp}`
const USER = `e2e-viewer-${stamp}`
const USER_PASSWORD = `e2e-pw-${stamp}`
const WHERE = { country: { _eq: 'DE' } }

let page: Page
let api: Api
let other: BrowserContext | null = null
let viewId = 0
let userId = 0

serialPage({
  ready: (p, base) => {
    page = p
    api = new Api(page, base)
  },
  cleanUp: async () => {
    if (viewId) await api.send('DELETE', `api/v1/tables/customers/views/${viewId}`)
    if (userId) await api.send('DELETE', `api/v1/users/${userId}`)
    await api.send('DELETE', `api/v1/permissions/${ROLE}/customers/select`)
    await api.send('DELETE', `api/v1/roles/${ROLE}`)
    await other?.close()
  },
})

async function gridSettled(p: Page = page) {
  await expect(p.getByTestId('grid')).toBeVisible()
  await expect(p.getByTestId('grid-loading')).toHaveCount(0)
}

const headers = (p: Page = page) =>
  p.locator('[data-testid^="grid-header-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('grid-header-'.length)))
const cells = (name: string, p: Page = page) => p.getByTestId('grid-row').locator(`[data-testid="cell-${name}"]`)

/** The view as the page shows it: the filter, sort and columns in the URL, and the rows. */
async function expectViewApplied(p: Page = page, orderBy = '-id') {
  await expect(p).toHaveURL(/where=/)
  const url = new URL(p.url())
  expect(JSON.parse(url.searchParams.get('where')!)).toEqual(WHERE)
  expect(url.searchParams.get('order_by')).toBe(orderBy)
  expect(url.searchParams.get('view')).toBe(String(viewId))
  await gridSettled(p)
  expect(await headers(p)).toEqual(['id', 'name', 'country'])
  const countries = (await cells('country', p).allTextContents()).map((t) => t.trim())
  expect(countries.length).toBeGreaterThan(0)
  expect(new Set(countries)).toEqual(new Set(['DE']))
  await expect(p.getByTestId('active-view-name')).toHaveText(NAME)
}

test('signs in and sets up a second user', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  await api.init()
  expect((await api.send('POST', 'api/v1/roles', { name: ROLE })).status).toBe(201)
  expect((await api.send('PUT', `api/v1/permissions/${ROLE}/customers/select`, {})).status).toBe(200)
  const user = await api.send('POST', 'api/v1/users', { username: USER, password: USER_PASSWORD, role: ROLE })
  expect(user.status).toBe(201)
  userId = (user.body as { id: number }).id
})

test('saves a view with a filter, a sort and columns', async () => {
  const q = new URLSearchParams({ where: JSON.stringify(WHERE), order_by: '-id', columns: 'id,name,country' })
  await page.goto(`tables/customers?${q}`)
  await gridSettled()
  await page.getByTestId('views-button').click()
  await page.getByTestId('view-save').click()
  const dialog = page.getByTestId('save-view-dialog')
  await expect(dialog.getByTestId('save-view-captures')).toContainText('the filter')
  await dialog.getByTestId('save-view-name').fill(NAME)
  await dialog.getByTestId('save-view-submit').click()
  await expect(dialog).toHaveCount(0)
  await expect(page).toHaveURL(/view=\d+/)
  viewId = Number(new URL(page.url()).searchParams.get('view'))
  await expect(page.getByTestId('active-view-name')).toHaveText(NAME)

  const saved = await api.get<{ where: unknown; order_by: string; columns: string[]; shared: boolean }>(`api/v1/tables/customers/views/${viewId}`)
  expect(saved).toMatchObject({ where: WHERE, order_by: '-id', columns: ['id', 'name', 'country'], shared: false })
})

test('the URL ?view=ID alone opens it', async () => {
  await page.goto(`tables/customers?view=${viewId}`)
  await expectViewApplied()
  const ids = (await cells('id').allTextContents()).map((t) => Number(t.replace(/,/g, '')))
  expect(ids).toEqual([...ids].sort((a, b) => b - a))
})

test('a changed view is marked, and Update saves the change', async () => {
  await page.getByTestId('grid-header-name').click()
  await expect(page).toHaveURL(/order_by=name/)
  await expect(page.getByTestId('view-modified')).toBeVisible()
  await page.getByTestId('views-button').click()
  await page.getByTestId('view-update').click()
  await expect(page.getByTestId('view-modified')).toHaveCount(0)
  expect((await api.get<{ order_by: string }>(`api/v1/tables/customers/views/${viewId}`)).order_by).toBe('name')
  // back to the sort the rest expects
  expect((await api.send('PATCH', `api/v1/tables/customers/views/${viewId}`, { order_by: '-id' })).status).toBe(200)
})

test('another user sees it only once it is shared, and cannot change it', async ({ browser }) => {
  other = await browser.newContext()
  const p = await other.newPage()
  await p.goto('login')
  await submitSignIn(p, USER, USER_PASSWORD)

  // not shared yet: the link says so and opens the plain table
  await p.goto(`tables/customers?view=${viewId}`)
  await expect(p.getByTestId('toast-error')).toContainText(`Saved view ${viewId}`)
  await expect(p).not.toHaveURL(/view=/)

  await page.getByTestId('views-button').click()
  await page.getByTestId('view-edit').click()
  const dialog = page.getByTestId('save-view-dialog')
  await dialog.getByTestId('save-view-shared').check()
  await dialog.getByTestId('save-view-submit').click()
  await expect(dialog).toHaveCount(0)
  expect((await api.get<{ shared: boolean }>(`api/v1/tables/customers/views/${viewId}`)).shared).toBe(true)

  await p.goto(`tables/customers?view=${viewId}`)
  await expectViewApplied(p)
  await p.getByTestId('views-button').click()
  const item = p.getByTestId(`view-item-${viewId}`)
  await expect(item.getByTestId('view-owner')).toHaveText(`by ${username}`)
  await expect(item.getByTestId('view-shared')).toBeVisible()
  await expect(p.getByTestId('view-update')).toHaveCount(0)
  await expect(p.getByTestId('view-delete')).toHaveCount(0)
})

test('the owner deletes it', async () => {
  await page.goto(`tables/customers?view=${viewId}`)
  await expectViewApplied()
  await page.getByTestId('views-button').click()
  await page.getByTestId('view-delete').click()
  await page.getByTestId('delete-view-dialog').getByTestId('confirm-ok').click()
  await expect(page.getByTestId('delete-view-dialog')).toHaveCount(0)
  await expect(page).not.toHaveURL(/view=/)
  await expect(page.getByTestId('active-view-name')).toHaveCount(0)
  const res = await page.request.get(api.url(`api/v1/tables/customers/views/${viewId}`))
  expect(res.status()).toBe(404)
  viewId = 0
})
