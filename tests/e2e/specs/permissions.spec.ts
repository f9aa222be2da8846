import { expect, test, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'

// Roles, the permission matrix and rule editor, users, "view as" and a restricted user's console,
// walked through in its own browser context (serial, one worker), against a running test_project.
// Needs RUBBIE_E2E_URL, RUBBIE_E2E_USERNAME, RUBBIE_E2E_PASSWORD (see ../README.md).
// Leaves the database as it found it: the user and the role it creates are deleted at the end.

const stamp = Date.now().toString(36)
const ROLE = `e2e-de-${stamp}`
const USER = `e2e-user-${stamp}`
const USER_PASSWORD = `e2e-pw-${stamp}`
const ALLOWED = ['id', 'name', 'country']

let page: Page

serialPage({
  ready: (p) => {
    page = p
  },
})

const tableLinks = () => page.getByTestId('table-list').locator('[data-testid^="table-link-"]')

async function signIn(name: string, pw: string) {
  await page.goto('login')
  await submitSignIn(page, name, pw)
}

async function signOut() {
  await page.getByTestId('sign-out').click()
  await expect(page).toHaveURL(/\/login/)
}

async function gridSettled() {
  await expect(page.getByTestId('grid')).toBeVisible()
  await expect(page.getByTestId('grid-loading')).toHaveCount(0)
}

/** Every text of `cells` is `value` (and there is at least one). */
async function allAre(cells: ReturnType<Page['getByTestId']>, value: string) {
  await expect.poll(async () => {
    const texts = (await cells.allTextContents()).map((t) => t.trim())
    return texts.length > 0 && texts.every((t) => t === value)
  }).toBe(true)
}

async function openRoles() {
  await page.getByTestId('nav-permissions').click()
  await page.getByTestId('permissions-tab-roles').click()
  await expect(page).toHaveURL(/\/permissions\/roles$/)
  await expect(page.getByTestId('role-list')).toHaveAttribute('data-loaded', 'true')
}

async function openUsers() {
  await page.getByTestId('nav-users').click()
  await expect(page).toHaveURL(/\/users$/)
  await expect(page.getByTestId('user-list')).toHaveAttribute('data-loaded', 'true')
}

test('admin signs in', async () => {
  await signIn(username, password)
  await expect(page.getByTestId('nav-users')).toBeVisible()
  await expect(page.getByTestId('nav-permissions')).toBeVisible()
})

test('creates a role', async () => {
  await openRoles()
  await page.getByTestId('role-new').click()
  await page.getByTestId('role-name').fill(ROLE)
  await page.getByTestId('role-description').fill('E2E: German customers, no e-mail')
  await page.getByTestId('role-create').click()
  await expect(page.getByTestId(`role-row-${ROLE}`)).toContainText('German customers')
})

test('gives it select on customers: three columns, country = DE, previewed', async () => {
  await page.getByTestId('permissions-tab-matrix').click()
  await expect(page.getByTestId('permission-matrix')).toHaveAttribute('data-loaded', 'true')
  const cell = page.getByTestId(`perm-${ROLE}-customers-select`)
  await expect(cell).toHaveAttribute('data-level', 'none')
  await cell.click()

  const editor = page.getByTestId('rule-editor')
  await expect(editor).toBeVisible()
  // select has columns, filter and limit; no check or presets
  await expect(editor.getByTestId('rule-part-limit')).toBeVisible()
  await expect(editor.getByTestId('rule-part-check')).toHaveCount(0)
  await expect(editor.getByTestId('rule-part-presets')).toHaveCount(0)

  await editor.getByTestId('rule-all-columns').uncheck()
  const boxes = editor.locator('[data-testid^="rule-column-"]')
  for (const box of await boxes.all()) {
    const name = ((await box.getAttribute('data-testid')) ?? '').slice('rule-column-'.length)
    await box.setChecked(ALLOWED.includes(name))
  }
  await expect(editor.getByTestId('rule-column-email')).not.toBeChecked()

  await editor.getByTestId('rule-filter-add-condition').click()
  await editor.getByTestId('rule-filter-column').selectOption('country')
  await editor.getByTestId('rule-filter-op').selectOption('_eq')
  await editor.getByTestId('rule-filter-value').fill('DE')

  // the live preview: only German customers, only the allowed columns
  await expect(editor.getByTestId('rule-preview-count')).toBeVisible()
  await allAre(editor.getByTestId('rule-preview-cell-country'), 'DE')
  await expect(editor.getByTestId('rule-preview-cell-email')).toHaveCount(0)
  await expect(editor.getByTestId('rule-preview-cell-name').first()).not.toBeEmpty()

  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes(`/api/v1/permissions/${ROLE}/customers/select`))
  await editor.getByTestId('rule-save').click()
  expect((await saved).status()).toBe(200)
  await expect(editor).toHaveCount(0)
  await expect(cell).toHaveAttribute('data-level', 'partial')
  await expect(page.getByTestId(`perm-${ROLE}-orders-select`)).toHaveAttribute('data-level', 'none')

  // stored: still there after a reload, with the filter in the builder
  await page.reload()
  await expect(page.getByTestId('permission-matrix')).toHaveAttribute('data-loaded', 'true')
  await expect(cell).toHaveAttribute('data-level', 'partial')
  await cell.click()
  await expect(page.getByTestId('rule-filter-value')).toHaveValue('DE')
  await expect(page.getByTestId('rule-column-email')).not.toBeChecked()
  await page.getByTestId('rule-close').click()
  await expect(page.getByTestId('rule-editor')).toHaveCount(0)
})

test('creates a user with that role', async () => {
  await openUsers()
  await page.getByTestId('user-new').click()
  await page.getByTestId('user-username').fill(USER)
  // too short first: refused on the field
  await page.getByTestId('user-password').fill('short')
  await page.getByTestId('user-role').selectOption(ROLE)
  await page.getByTestId('user-create').click()
  await expect(page.getByTestId('user-error-password')).toBeVisible()
  await page.getByTestId('user-password').fill(USER_PASSWORD)
  await page.getByTestId('user-create').click()
  const row = page.getByTestId(`user-row-${USER}`)
  await expect(row).toBeVisible()
  await expect(row.getByTestId(`user-role-${USER}`)).toHaveValue(ROLE)
  await expect(row.getByTestId(`user-active-${USER}`)).toBeChecked()
})

test('views the console as the role, then stops', async () => {
  await page.getByTestId('view-as-select').selectOption(ROLE)
  await expect(page.getByTestId('view-as-banner')).toContainText(ROLE)
  await expect(tableLinks()).toHaveCount(1)
  await expect(page.getByTestId('table-link-customers')).toBeVisible()

  await page.getByTestId('table-link-customers').click()
  await gridSettled()
  await expect(page.getByTestId('grid-header-email')).toHaveCount(0)
  await expect(page.getByTestId('grid-header-country')).toBeVisible()
  await allAre(page.getByTestId('cell-country'), 'DE')

  // kept across a reload of the tab
  await page.reload()
  await expect(page.getByTestId('view-as-banner')).toBeVisible()
  await expect(tableLinks()).toHaveCount(1)

  await page.getByTestId('view-as-stop').click()
  await expect(page.getByTestId('view-as-banner')).toHaveCount(0)
  await expect(page.getByTestId('table-link-orders')).toBeVisible()
  await gridSettled()
  await expect(page.getByTestId('grid-header-email')).toBeVisible()
})

test('the new user sees only German customers, without e-mail', async () => {
  await signOut()
  await signIn(USER, USER_PASSWORD)
  await expect(tableLinks()).toHaveCount(1)
  await expect(page.getByTestId('table-link-customers')).toBeVisible()
  for (const nav of ['nav-users', 'nav-permissions', 'nav-settings', 'view-as-select']) {
    await expect(page.getByTestId(nav)).toHaveCount(0)
  }
  await expect(page.getByTestId('nav-explorer')).toBeVisible()

  await page.getByTestId('table-link-customers').click()
  await gridSettled()
  await expect(page.getByTestId('grid-header-email')).toHaveCount(0)
  const headers = await page.locator('[data-testid^="grid-header-"]').evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-testid')!.slice('grid-header-'.length)),
  )
  expect(headers.sort()).toEqual([...ALLOWED].sort())
  await allAre(page.getByTestId('cell-country'), 'DE')
  // no 403 on the way
  await expect(page.getByTestId('toast-error')).toHaveCount(0)
})

test('the new user cannot open other tables or admin pages', async () => {
  await page.goto('tables/orders')
  await expect(page.getByTestId('not-found')).toBeVisible()
  await expect(page.getByTestId('grid')).toHaveCount(0)
  await page.goto('users')
  await expect(page).not.toHaveURL(/\/users$/)
  await signOut()
})

test('cleans up: the role is kept while a user has it, then both go', async () => {
  await signIn(username, password)
  await openRoles()
  await page.getByTestId(`role-delete-${ROLE}`).click()
  await page.getByTestId(`role-delete-confirm-${ROLE}`).click()
  await expect(page.getByTestId(`role-delete-error-${ROLE}`)).toContainText('user')
  await expect(page.getByTestId(`role-row-${ROLE}`)).toBeVisible()

  await openUsers()
  await page.getByTestId(`user-delete-${USER}`).click()
  await page.getByTestId(`user-delete-confirm-${USER}`).click()
  await expect(page.getByTestId(`user-row-${USER}`)).toHaveCount(0)

  await openRoles()
  await page.getByTestId(`role-delete-${ROLE}`).click()
  await page.getByTestId(`role-delete-confirm-${ROLE}`).click()
  await expect(page.getByTestId(`role-row-${ROLE}`)).toHaveCount(0)
  await signOut()
})
