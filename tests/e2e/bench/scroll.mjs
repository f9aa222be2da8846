// How smoothly the console scrolls 10,000 loaded rows (the SQL runner's result grid, which the
// data grid shares its virtual rows with): the time from setting scrollTop to the next painted
// frame, over 300 jumps from top to bottom and back, in headless Chromium.
// Usage: node bench/scroll.mjs <console url> <user> <password>  (scripts/bench-web.sh runs it)
import { chromium } from 'playwright'

const [base, user, password] = process.argv.slice(2)
const browser = await chromium.launch({ executablePath: process.env.RUBBIE_E2E_CHROMIUM ?? '/usr/bin/chromium' })
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
await page.goto(new URL('login', base).href)
await page.getByTestId('login-username').fill(user)
await page.getByTestId('login-password').fill(password)
await page.getByTestId('login-submit').click()
await page.getByTestId('current-user').waitFor()
await page.goto(new URL('sql', base).href)
const sql =
  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) " +
  "SELECT i AS id, 'customer ' || i AS name, i * 1.5 AS total, 'paid' AS status, '2024-01-01' AS placed_at FROM n"
await page.getByTestId('sql-editor').locator('.cm-content').click()
await page.keyboard.press('ControlOrMeta+a')
await page.keyboard.press('Delete')
await page.keyboard.insertText(sql)
await page.keyboard.press('Escape') // the completion list
await page.keyboard.press('ControlOrMeta+Enter')
await page.getByTestId('sql-row').first().waitFor()
await page.waitForFunction(() => document.querySelector('[data-testid=sql-status]')?.textContent?.includes('10,000'))

const times = await page.evaluate(async () => {
  const el = document.querySelector('[data-testid=sql-results]')
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()))
  const out = []
  const max = el.scrollHeight - el.clientHeight
  for (let i = 0; i < 300; i++) {
    const t = i < 150 ? i / 149 : (299 - i) / 149
    await frame()
    const start = performance.now()
    el.scrollTop = Math.round(t * max)
    el.dispatchEvent(new Event('scroll'))
    await frame() // the range updates on this frame
    await frame() // and the rows are painted by the next
    out.push(performance.now() - start)
  }
  return out
})
const rendered = await page.getByTestId('sql-row').count()
times.sort((a, b) => a - b)
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1)
console.log(`| scroll 10,000 rows (300 jumps) | ${rendered} rows in the DOM | median ${at(0.5)} ms | p95 ${at(0.95)} ms | max ${at(1)} ms |`)
await browser.close()
