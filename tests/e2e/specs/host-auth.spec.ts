import { expect, test, type Page } from '@playwright/test'
import { Api } from './api'
import { password, serialPage, submitSignIn, username } from './support'

// Host authentication, as test_project demonstrates it (`RUBBIE_DEMO_HOST_AUTH_SECRET`, set by
// the suite's servers): the sign-in page offers the shop's own sign-in, whose cookie lets the
// person in through `Config::authenticate`; their writes carry the CSRF token rubbie gives them;
// the Users page marks them as the host's; signing out goes through the shop. The spec's host
// user and flag are deleted at the end by the e2e admin.

const stamp = Date.now().toString(36)
const USER = `e2e-host-${stamp}`
const FLAG = `e2e.host.${stamp}`

let page: Page
let mount = ''

serialPage({
  ready: (p, base) => {
    page = p
    mount = base
  },
  cleanUp: async () => {
    const context = await page.context().browser()!.newContext()
    const other = await context.newPage()
    await other.goto(mount)
    await submitSignIn(other, username, password)
    const admin = new Api(other, mount)
    await admin.init()
    const users = await admin.get<{ users: { id: number; username: string }[] }>('api/v1/users')
    for (const u of users.users.filter((u) => u.username === USER)) await admin.send('DELETE', `api/v1/users/${u.id}`)
    await admin.send('DELETE', `api/v1/flags/${FLAG}`)
    await context.close()
  },
})

test('the sign-in page sends the visitor through the shop and back to where they were going', async () => {
  await page.goto('settings/flags')
  await expect(page).toHaveURL(/\/login\?redirect=/)
  const host = page.getByTestId('login-host')
  await expect(host).toHaveText(/Continue with test_project/)
  await expect(page.getByTestId('login-username')).toBeVisible() // rubbie's own form stays
  await host.click()
  await expect(page).toHaveURL(/\/demo\/sign-in\?next=/)
  await page.getByLabel('User name').fill(USER)
  await page.getByLabel('rubbie role').fill('admin')
  await page.getByRole('button', { name: 'Sign in to the shop' }).click()
  await expect(page).toHaveURL(/\/admin\/settings\/flags$/)
  await expect(page.getByTestId('current-user')).toContainText(USER)
})

test("the host's user writes with the CSRF token rubbie gave them", async () => {
  await expect(page.getByTestId('flag-list')).toHaveAttribute('data-loaded', 'true')
  await page.getByTestId('flag-new').click()
  await page.getByTestId('flag-name').fill(FLAG)
  const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/flags'))
  await page.getByTestId('flag-create').click()
  expect((await created).status()).toBe(201)
  await expect(page.getByTestId(`flag-row-${FLAG}`)).toBeVisible()
  // the same write without the token is refused
  const forged = await page.request.post(new URL('api/v1/flags', mount).href, { data: { name: `${FLAG}.forged` } })
  expect(forged.status()).toBe(403)
})

test('the Users page marks them as the host\'s, and their Account page says the host keeps their sign-in', async () => {
  await page.goto('users')
  const row = page.getByTestId(`user-row-${USER}`)
  await expect(row.getByTestId(`user-host-${USER}`)).toHaveText('host')
  await expect(page.getByTestId(`user-role-${USER}`)).toBeDisabled()
  await expect(page.getByTestId(`user-reset-${USER}`)).toHaveCount(0)
  await page.goto('account')
  await expect(page.getByTestId('account-username')).toHaveText(USER)
  await expect(page.getByTestId('account-host-note')).toBeVisible()
  await expect(page.getByTestId('account-tokens')).toHaveCount(0)
})

test('signing out goes through the shop, and the console asks to sign in again', async () => {
  await page.getByTestId('sign-out').click()
  await expect(page).toHaveURL(/\/demo\/sign-in$/)
  await page.goto(mount)
  await expect(page.getByTestId('login-host')).toBeVisible()
})

test('a role rubbie does not have: the sign-in page says why it cannot let them in', async () => {
  await page.getByTestId('login-host').click()
  await page.getByLabel('User name').fill(USER)
  await page.getByLabel('rubbie role').fill('no-such-role')
  await page.getByRole('button', { name: 'Sign in to the shop' }).click()
  await expect(page.getByTestId('login-refused')).toContainText('no-such-role')
  await expect(page.getByTestId('login-refused')).toContainText('test_project signed you in')
})
