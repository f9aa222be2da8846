import { expect, test, type BrowserContextOptions, type Page } from '@playwright/test'

// Shared by the specs (not a spec itself): the demo credentials, the sign-in form, and the
// set-up of a serial spec.

export const username = process.env.RUBBIE_E2E_USERNAME ?? 'admin'
export const password = process.env.RUBBIE_E2E_PASSWORD ?? 'admin'

/** Fills the visible sign-in form, submits it and waits until the header shows the user. */
export async function submitSignIn(page: Page, name: string, pw: string) {
  await expect(page.getByTestId('login-form')).toBeVisible()
  await page.getByTestId('login-username').fill(name)
  await page.getByTestId('login-password').fill(pw)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('current-user')).toContainText(name)
}

/**
 * What every spec sets up: its tests run in order on one page in a browser context of its own,
 * opened before the first test (`ready` gets it and the mount's URL) and closed after the last,
 * once the spec's `cleanUp` has run (after a failure too); a failing test gets a screenshot of
 * the page attached (the built-in one covers only per-test pages).
 */
export function serialPage(options: {
  context?: BrowserContextOptions
  ready: (page: Page, mount: string) => void
  cleanUp?: () => Promise<void>
}) {
  test.describe.configure({ mode: 'serial' })
  let page: Page | null = null
  test.beforeAll(async ({ browser }, testInfo) => {
    page = await (await browser.newContext(options.context)).newPage()
    options.ready(page, testInfo.project.use.baseURL ?? '')
  })
  test.afterAll(async () => {
    try {
      await options.cleanUp?.()
    } finally {
      await page?.context().close()
    }
  })
  test.afterEach(async ({}, testInfo) => {
    if (page && testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('screenshot', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' })
    }
  })
}
