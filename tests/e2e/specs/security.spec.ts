import { expect, test, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'

// The Content-Security-Policy holds the console as it is used (serial, its own context): every
// page, the CodeMirror editors and Swagger UI render and work without one violation reported.

let page: Page
const violations: string[] = []

serialPage({
  ready: (p) => {
    page = p
    p.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) violations.push(m.text())
    })
    void p.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`)
      })
    })
  },
})

test('the policy is sent with the console', async () => {
  const response = await page.goto('./')
  const csp = response?.headers()['content-security-policy'] ?? ''
  expect(csp).toContain("script-src 'self'")
  expect(csp).toContain("frame-ancestors 'none'")
  await submitSignIn(page, username, password)
})

const PAGES: [string, string][] = [
  ['', 'home'],
  ['tables/orders', 'grid'],
  ['sql', 'sql-editor'],
  ['explorer', 'builder'],
  ['migrations', 'migrations-page'],
  ['activity', 'audit-filters'],
  ['permissions/matrix', 'permission-matrix'],
  ['settings/server', 'settings-server'],
]

for (const [path, testid] of PAGES) {
  test(`/${path} renders with no violation`, async () => {
    await page.goto(`./${path}`)
    await expect(page.getByTestId(testid).first()).toBeVisible()
    expect(violations).toEqual([])
  })
}

test('the SQL editor highlights and runs under the policy', async () => {
  await page.goto('./sql')
  const editor = page.getByTestId('sql-editor').locator('.cm-content')
  await editor.click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.insertText('SELECT 1 AS one')
  await page.keyboard.press('ControlOrMeta+Enter')
  await expect(page.getByTestId('sql-col-one')).toBeVisible()
  // CodeMirror's injected styles apply: the keyword is coloured, not plain text.
  const keyword = page.getByTestId('sql-editor').locator('.cm-line span').first()
  expect(await keyword.evaluate((el) => getComputedStyle(el).color)).not.toBe(await editor.evaluate((el) => getComputedStyle(el).color))
  expect(violations).toEqual([])
})

test('Swagger UI renders the document under the policy', async () => {
  await page.goto('./api/docs/')
  await expect(page.locator('.swagger-ui .info .title')).toContainText('rubbie')
  await expect(page.locator('.opblock').first()).toBeVisible()
  expect(violations).toEqual([])
})
