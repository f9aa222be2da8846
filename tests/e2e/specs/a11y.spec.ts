import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'

// axe-core (WCAG 2.1 A and AA rules) over every page of the console, signed out and in, in the
// light and the dark theme (serial, its own context): no serious or critical violation.

let page: Page

serialPage({
  ready: (p) => {
    page = p
  },
})

const PAGES = [
  '',
  'tables/orders',
  'tables/orders/rows/1',
  'tables/customers/new',
  'sql',
  'explorer',
  'migrations',
  'schema',
  'schema/orders?tab=metadata',
  'schema?view=diagram',
  'metadata',
  'activity',
  'users',
  'permissions/matrix',
  'permissions/roles',
  'settings/server',
  'settings/config',
  'settings/flags',
  'account',
]

/** The serious and critical violations on the page as it is now, one line per rule. */
async function violations(): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)
}

async function useTheme(theme: 'light' | 'dark') {
  await page.evaluate((t) => localStorage.setItem('rubbie.theme', t), theme)
}

for (const theme of ['light', 'dark'] as const) {
  test(`the sign-in page, ${theme}`, async () => {
    await page.goto('./login')
    await useTheme(theme)
    await page.reload()
    await expect(page.getByTestId('login-form')).toBeVisible()
    expect(await violations()).toEqual([])
  })
}

test('signs in', async () => {
  await submitSignIn(page, username, password)
})

for (const theme of ['light', 'dark'] as const) {
  for (const path of PAGES) {
    test(`/${path}, ${theme}`, async () => {
      await useTheme(theme)
      await page.goto(`./${path}`)
      await page.waitForLoadState('networkidle')
      await expect(page.getByTestId('current-user')).toBeVisible()
      expect(await violations()).toEqual([])
    })
  }
}

test('a dialog keeps the focus inside and gives it back when it closes', async () => {
  await useTheme('light')
  await page.goto('./sql')
  const editor = page.getByTestId('sql-editor').locator('.cm-content')
  await editor.click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.insertText('UPDATE customers SET notes = notes WHERE id = 1')
  await page.getByTestId('sql-mode-write').check()
  const run = page.getByTestId('sql-run')
  await run.focus()
  await page.keyboard.press('Enter')
  const dialog = page.getByTestId('sql-write-confirm')
  await expect(dialog).toBeVisible()
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press(i % 2 ? 'Shift+Tab' : 'Tab')
    await page.keyboard.press('Tab')
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true)
  }
  // The focus ring shows where the keyboard is.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)
  expect(outline).not.toBe('none')
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await expect(run).toBeFocused()
  await page.getByTestId('sql-mode-read').check()
})

for (const theme of ['light', 'dark'] as const) {
  test(`the schema editor's dialogs, ${theme}`, async () => {
    await useTheme(theme)
    await page.goto('./schema')
    await page.getByTestId('schema-new-table-button').click()
    await page.getByTestId('new-table-name').fill('a11y_probe')
    await page.getByTestId('new-table-add-key').click()
    expect(await violations()).toEqual([])
    await page.getByTestId('new-table-review').click()
    await expect(page.getByTestId('schema-change-up')).toBeVisible()
    expect(await violations()).toEqual([])
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('schema-change-review')).toHaveCount(0)
  })
}
