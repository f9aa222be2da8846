import { defineConfig } from '@playwright/test'

// The server under test: test_project mounted at /admin/ (see README.md in this folder).
const baseURL = process.env.RUBBIE_E2E_URL ?? 'http://127.0.0.1:8123/admin/'

export default defineConfig({
  testDir: './specs',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: './test-results',
  reporter: [['list'], ['html', { open: 'never', outputFolder: './playwright-report' }]],
  use: {
    // Trailing slash matters: tests navigate with relative paths ('./', 'tables/customers').
    baseURL: baseURL.endsWith('/') ? baseURL : `${baseURL}/`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      // Browsers cannot be downloaded here: use Debian's Chromium (`apt-get install -y chromium`).
      executablePath: process.env.RUBBIE_E2E_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
})
