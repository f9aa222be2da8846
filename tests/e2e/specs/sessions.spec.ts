import { expect, test, type Browser, type Page } from '@playwright/test'
import { Api } from './api'
import { password, serialPage, submitSignIn, username } from './support'

// Sessions and the password on the Account page (serial, its own context), as a user made for
// the spec (deleted at the end): a second browser's session is listed and signed out with "sign
// out other sessions"; a weak new password is refused, a good one signs out the other browser.

const stamp = Date.now().toString(36)
const USER = `e2e-sess-${stamp}`
const FIRST = `first-pass-${stamp}`
const SECOND = `second-pass-${stamp}`

let page: Page
let admin: Api
let browser: Browser

serialPage({
  ready: (p, mount) => {
    page = p
    admin = new Api(p, mount)
  },
  cleanUp: async () => {
    // signed in as the spec's user by then: the admin signs in again (a new session) to delete it
    await page.request.post(admin.url('api/v1/auth/login'), { data: { username, password } })
    await admin.init()
    const users = await admin.get<{ users: { id: number; username: string }[] }>('api/v1/users')
    for (const u of users.users.filter((u) => u.username === USER)) await admin.send('DELETE', `api/v1/users/${u.id}`)
  },
})

test.beforeAll(({ browser: b }) => {
  browser = b
})

/** A second browser signed in as the spec's user with `pw`; returns its page. */
async function otherBrowser(pw: string): Promise<Page> {
  const other = await (await browser.newContext()).newPage()
  await other.goto(page.url().replace(/account.*$/, 'login'))
  await submitSignIn(other, USER, pw)
  return other
}

async function signedIn(p: Page): Promise<boolean> {
  const me = await p.request.get(new URL('api/v1/auth/me', p.url()).href)
  return me.ok()
}

test('a user of its own, signed in here', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  await admin.init()
  const created = await admin.send('POST', 'api/v1/users', { username: USER, password: FIRST, role: 'admin' })
  expect(created.status).toBe(201)
  await page.getByTestId('nav-account').click()
  await page.getByTestId('sign-out').click()
  await submitSignIn(page, USER, FIRST)
  await page.goto('./account')
  await expect(page.getByTestId('session-list')).toBeVisible()
})

test('another browser is listed and signed out with "sign out other sessions"', async () => {
  const other = await otherBrowser(FIRST)
  await page.reload()
  const rows = page.getByTestId('session-row')
  await expect(rows).toHaveCount(2)
  await expect(rows.first().getByTestId('session-current')).toBeVisible()
  await page.getByTestId('sessions-sign-out-others').click()
  await expect(page.getByTestId('sessions-notice')).toContainText('1 other session')
  await expect(rows).toHaveCount(1)
  await expect.poll(() => signedIn(other)).toBe(false)
  expect(await signedIn(page)).toBe(true)
  await other.context().close()
})

test('a weak new password is refused; a good one signs out the other browser', async () => {
  const other = await otherBrowser(FIRST)
  const form = page.getByTestId('account-password')
  await form.getByTestId('password-current').fill(FIRST)
  await form.getByTestId('password-new').fill('password1')
  await form.getByTestId('password-again').fill('password1')
  await form.getByTestId('password-submit').click()
  await expect(form.getByTestId('password-error-new')).toContainText('common')
  expect(await signedIn(other)).toBe(true)

  await form.getByTestId('password-new').fill(SECOND)
  await form.getByTestId('password-again').fill(SECOND)
  await form.getByTestId('password-submit').click()
  await expect(form.getByTestId('password-done')).toContainText('1 other session')
  await expect.poll(() => signedIn(other)).toBe(false)
  expect(await signedIn(page)).toBe(true)
  await other.context().close()
})
