import { expect, test, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'

// The API explorer, Settings (server, configuration, feature flags) and Swagger UI, walked through
// on one signed-in page (serial, one worker), against a running test_project.
// Needs RUBBIE_E2E_URL, RUBBIE_E2E_USERNAME, RUBBIE_E2E_PASSWORD (see ../README.md).
// Leaves the database as it found it: the saved request is deleted, `shop.maintenance` ends OFF.

const FLAG = 'shop.maintenance'

let page: Page

serialPage({
  ready: (p) => {
    page = p
  },
})

const status = () => page.getByTestId('response-status')
const responseBody = () => page.getByTestId('response-body')

/** Send the builder's request and wait for its response. */
async function send() {
  await page.getByTestId('send-request').click()
  await expect(page.getByTestId('response-sending')).toHaveCount(0)
  await expect(status()).toBeVisible()
}

/** Open `GET /api/status` (the host's endpoint, at the origin's root) through a deep link, send it
 * until the body has `text` (the host may take a moment to see a flag change). */
async function shopStatusShows(text: string) {
  await page.goto('explorer?method=GET&url=%2Fapi%2Fstatus')
  await expect(page.getByTestId('request-url')).toHaveValue('/api/status')
  await expect(async () => {
    await send()
    await expect(status()).toContainText('200')
    await expect(responseBody()).toContainText(`"${text}"`, { timeout: 1_000 })
  }).toPass({ timeout: 15_000 })
}

async function openFlags() {
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('settings-tab-flags').click()
  await expect(page).toHaveURL(/\/settings\/flags$/)
  await expect(page.getByTestId('flag-list')).toHaveAttribute('data-loaded', 'true')
}

/** Switch the flag and wait until the server has stored it. */
async function setFlag(on: boolean) {
  const toggle = page.getByTestId(`flag-toggle-${FLAG}`)
  if ((await toggle.isChecked()) !== on) {
    const stored = page.waitForResponse(
      (r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/v1/flags/${FLAG}`) && r.ok(),
    )
    await toggle.click()
    await stored
  }
  if (on) await expect(toggle).toBeChecked()
  else await expect(toggle).not.toBeChecked()
}

test('signs in', async () => {
  await page.goto('explorer')
  await expect(page).toHaveURL(/\/login\?redirect=/)
  await submitSignIn(page, username, password)
  await expect(page).toHaveURL(/\/explorer$/)
})

test('explorer: finds the host endpoint, sends it, keeps history and saves it', async () => {
  await page.getByTestId('nav-explorer').click()
  await page.getByTestId('catalogue-search').fill('/api/status')
  const op = page.getByTestId('op-GET-/api/status')
  await expect(page.getByTestId('tag-shop')).toBeVisible()
  await expect(op).toBeVisible()
  await op.click()
  await expect(page.getByTestId('request-url')).toHaveValue('/api/status')

  await send()
  await expect(status()).toContainText('200')
  await expect(responseBody()).toContainText('"shop"')
  await expect(page.getByTestId('response-time')).toContainText('ms')
  // the page URL now captures the request
  await expect(page).toHaveURL(/[?&]url=(%2F|\/)api(%2F|\/)status/)

  await page.getByTestId('explorer-tab-history').click()
  await expect(page.getByTestId('history-item').first()).toContainText('/api/status')
  await expect(page.getByTestId('history-item').first()).toContainText('200')

  const name = `e2e status ${Date.now().toString(36)}`
  await page.getByTestId('save-request').click()
  await page.getByTestId('save-name').fill(name)
  await page.getByTestId('save-confirm').click()
  const saved = page.getByTestId('saved-item').filter({ hasText: name })
  await expect(saved).toBeVisible()

  // stored on the server: still there after a reload; then open it and clean up
  await page.reload()
  await page.getByTestId('explorer-tab-saved').click()
  await expect(saved).toBeVisible()
  await saved.getByText(name).click()
  await expect(page.getByTestId('request-url')).toHaveValue('/api/status')
  await saved.getByTestId('saved-delete').click()
  await expect(saved).toHaveCount(0)
})

test('explorer: the table page opens its rows query in the explorer', async () => {
  await page.getByTestId('table-link-customers').click()
  await expect(page.getByTestId('grid')).toBeVisible()
  await page.getByTestId('open-in-explorer').click()
  await expect(page).toHaveURL(/\/explorer\?/)
  await expect(page.getByTestId('request-url')).toHaveValue(/\/api\/v1\/tables\/customers\/rows$/)
  await send()
  await expect(status()).toContainText('200')
  await expect(responseBody()).toContainText('"rows"')
})

test('settings: server information', async () => {
  await page.getByTestId('nav-settings').click()
  await expect(page).toHaveURL(/\/settings\/server$/)
  await expect(page.getByTestId('server-backend')).toHaveText(/^\s*(sqlite|postgres|mysql)\s*$/)
  await expect(page.getByTestId('server-rubbie-version')).toHaveText(/\d+\.\d+/)
  await expect(page.getByTestId('server-database-version')).not.toBeEmpty()
  await expect(page.getByTestId('server-pool')).toContainText('in use')
})

test('settings: configuration shows secrets redacted', async () => {
  await page.getByTestId('settings-tab-config').click()
  await expect(page).toHaveURL(/\/settings\/config$/)
  await expect(page.getByTestId('config-rubbie')).toBeVisible()
  const row = page.getByTestId('setting-RUBBIE_ADMIN_PASSWORD')
  await expect(row).toBeVisible()
  await expect(row.getByTestId('secret-badge')).toBeVisible()
  const value = row.getByTestId('setting-value-RUBBIE_ADMIN_PASSWORD')
  if ((await value.count()) > 0) {
    await expect(value).toHaveText(/•|\*\*\*/)
    await expect(value).not.toHaveText(password)
  }
})

test('flags: shop.maintenance closes and reopens the shop', async () => {
  await openFlags()
  if ((await page.getByTestId(`flag-row-${FLAG}`).count()) === 0) {
    await page.getByTestId('flag-new').click()
    await page.getByTestId('flag-name').fill(FLAG)
    await page.getByTestId('flag-description').fill('Shows the shop as closed for maintenance')
    await page.getByTestId('flag-create').click()
    await expect(page.getByTestId(`flag-row-${FLAG}`)).toBeVisible()
  }

  await setFlag(true)
  await shopStatusShows('maintenance')

  await openFlags()
  await setFlag(false)
  await shopStatusShows('open')

  // and it stays off
  await openFlags()
  await expect(page.getByTestId(`flag-toggle-${FLAG}`)).not.toBeChecked()
})

test('flags: an invalid name is refused on the field', async () => {
  await page.getByTestId('flag-new').click()
  await page.getByTestId('flag-name').fill('Not Valid!')
  await page.getByTestId('flag-create').click()
  await expect(page.getByTestId('flag-error-name')).toBeVisible()
  await expect(page.getByTestId('flag-row-Not Valid!')).toHaveCount(0)
})

test('Swagger UI lists rubbie’s and the host’s operations', async () => {
  await page.goto('api/docs/')
  await expect(page.locator('div.swagger-ui')).toBeVisible()
  // Swagger UI puts zero-width spaces into long paths; compare without them.
  const text = async () => (await page.locator('div.swagger-ui').innerText()).replace(/\u200b/g, '')
  await expect.poll(text, { timeout: 20_000 }).toContain('/api/v1/tables')
  await expect.poll(text).toContain('/api/status')
})
