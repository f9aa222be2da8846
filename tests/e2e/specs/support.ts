import { expect, type Page } from '@playwright/test'

// Shared by the specs (not a spec itself): the demo credentials and the sign-in form.

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
