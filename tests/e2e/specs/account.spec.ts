import { expect, test, type Locator, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'

// The Account page and personal API tokens, in its own browser context (serial, one worker),
// against a running test_project. Needs RUBBIE_E2E_URL, RUBBIE_E2E_USERNAME, RUBBIE_E2E_PASSWORD
// (see ../README.md). Leaves the database as it found it: the token it creates is revoked.

const TOKEN = `e2e-token-${Date.now().toString(36)}`

let page: Page
let secret = ''
/** The mount (`RUBBIE_E2E_URL`, with its trailing slash). */
let base = ''

serialPage({
  ready: (p, mount) => {
    page = p
    base = mount
  },
  cleanUp: async () => {
    // a failed run still revokes its token (with itself: a Bearer request needs no CSRF token)
    if (secret) {
      const headers = { Authorization: `Bearer ${secret}` }
      const list = await page.request.get(apiUrl('api/v1/auth/tokens'), { headers })
      if (list.ok()) {
        const { tokens } = (await list.json()) as { tokens: { id: number; name: string }[] }
        for (const t of tokens.filter((t) => t.name === TOKEN)) {
          await page.request.delete(apiUrl(`api/v1/auth/tokens/${t.id}`), { headers })
        }
      }
    }
  },
})

/** An absolute URL under the mount (`baseURL` ends with `/`): `apiUrl('api/v1/auth/me')`. */
function apiUrl(path: string): string {
  return new URL(path, base).href
}

const meUrl = () => apiUrl('api/v1/auth/me')

/** `GET /api/v1/auth/me` with the token (a Bearer header wins over the context's session cookie). */
function meWithToken(token: string) {
  return page.request.get(meUrl(), { headers: { Authorization: `Bearer ${token}` } })
}

function tokenRow(): Locator {
  return page.getByTestId('token-row').filter({ has: page.getByTestId('token-name-cell').getByText(TOKEN, { exact: true }) })
}

async function signIn(name: string, pw: string) {
  await page.goto('login')
  await submitSignIn(page, name, pw)
}

async function tokensLoaded() {
  await expect(page.getByTestId('token-list')).toHaveAttribute('data-loaded', 'true')
}

test('opens Account from the header', async () => {
  await signIn(username, password)
  await page.getByTestId('nav-account').click()
  await expect(page).toHaveURL(/\/account$/)
  await expect(page.getByTestId('breadcrumbs')).toHaveText('Account')
  await expect(page.getByTestId('account-username')).toHaveText(username)
  await expect(page.getByTestId('account-role')).not.toBeEmpty()
  await tokensLoaded()
  await expect(tokenRow()).toHaveCount(0)
})

test('creates a token and shows its secret once', async () => {
  await page.getByTestId('token-new').click()
  await page.getByTestId('token-name').fill(TOKEN)
  await page.getByTestId('token-create').click()

  await expect(page.getByTestId('token-created')).toBeVisible()
  await expect(page.getByTestId('token-warning')).toContainText("won't be shown again")
  secret = (await page.getByTestId('token-secret').textContent())?.trim() ?? ''
  expect(secret).toMatch(/^rbt_\S+$/)
  await expect(page.getByTestId('token-curl')).toHaveText(`curl -H "Authorization: Bearer ${secret}" ${meUrl()}`)

  await expect(tokenRow()).toHaveCount(1)
  await expect(tokenRow().getByTestId('token-last-used')).toHaveText('never')
  // the secret lives in the page only: the list the API sends never has it
  const list = await page.request.get(apiUrl('api/v1/auth/tokens'))
  expect(list.status()).toBe(200)
  expect(await list.text()).not.toContain(secret)
})

test('the secret authenticates API calls as the user', async () => {
  const res = await meWithToken(secret)
  expect(res.status()).toBe(200)
  const body = (await res.json()) as { user: { username: string }; csrf_token?: string | null }
  expect(body.user.username).toBe(username)
  // answered for the token, not the session cookie (a token needs no CSRF token)
  expect(body.csrf_token ?? null).toBeNull()
})

test('after a reload: the secret is gone, the token was used', async () => {
  await page.reload()
  await tokensLoaded()
  await expect(page.getByTestId('token-created')).toHaveCount(0)
  await expect(page.getByTestId('token-secret')).toHaveCount(0)
  await expect(tokenRow()).toHaveCount(1)
  await expect(tokenRow().getByTestId('token-last-used')).not.toHaveText('never')
})

test('revoking it stops it working', async () => {
  const row = tokenRow()
  await row.getByTestId('token-revoke').click()
  await row.getByTestId('token-revoke-confirm').click()
  await expect(tokenRow()).toHaveCount(0)

  const res = await meWithToken(secret)
  expect(res.status()).toBe(401)
  secret = ''

  // the console's own session is untouched
  await page.reload()
  await tokensLoaded()
  await expect(page.getByTestId('current-user')).toContainText(username)
  await expect(tokenRow()).toHaveCount(0)
})
