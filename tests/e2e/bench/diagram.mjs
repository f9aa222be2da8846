// The ER diagram on a big schema: time from opening the Schema page's diagram to every node laid
// out and drawn (fitted, so all of them are in view: the worst case; the schema and the layout
// fetched from the server included), then a pan and a zoom (these through Playwright's mouse, so
// each step includes a round trip to the browser), in headless Chromium. The database must hold the tables already (scripts/bench-web.sh makes 200).
// Usage: node bench/diagram.mjs <console url> <user> <password>
import { chromium } from 'playwright'

const [base, user, password] = process.argv.slice(2)
const browser = await chromium.launch({ executablePath: process.env.RUBBIE_E2E_CHROMIUM ?? '/usr/bin/chromium' })
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
await page.goto(new URL('login', base).href)
await page.getByTestId('login-username').fill(user)
await page.getByTestId('login-password').fill(password)
await page.getByTestId('login-submit').click()
await page.getByTestId('current-user').waitFor()
// forget a layout an earlier run saved, so each run lays out from scratch
await page.evaluate(async () => {
  const me = await (await fetch('api/v1/auth/me')).json()
  await fetch('api/v1/schema/layout', {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
    body: '{"positions": {}}',
  })
})

const runs = []
for (let i = 0; i < 5; i++) {
  await page.goto(new URL('schema', base).href)
  await page.getByTestId('schema-tables').waitFor()
  // timed inside the page, from the click to the frame after the diagram says it is drawn
  const ms = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const start = performance.now()
        const done = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)))
        new MutationObserver((_, observer) => {
          if (document.querySelector('[data-testid=schema-diagram][data-ready=true]')) {
            observer.disconnect()
            done()
          }
        }).observe(document.body, { subtree: true, childList: true, attributes: true })
        document.querySelector('[data-testid=schema-view-diagram]').click()
      }),
  )
  runs.push(Math.round(ms))
}
const nodes = await page.locator('.vue-flow__node').count()
const edges = await page.locator('.vue-flow__edge').count()
const frame = async (action) => {
  const t = Date.now()
  await action()
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
  return Date.now() - t
}
const box = await page.locator('.er-canvas').boundingBox()
const pan = await frame(async () => {
  await page.mouse.move(box.x + 40, box.y + 40)
  await page.mouse.down()
  await page.mouse.move(box.x + 400, box.y + 300, { steps: 10 })
  await page.mouse.up()
})
const zoom = await frame(() => page.getByRole('button', { name: 'Zoom in' }).click())
runs.sort((a, b) => a - b)
console.log(`| tables drawn | edges | first draw, median of 5 (ms) | slowest (ms) | a 10-step pan (ms) | zoom in (ms) |`)
console.log(`|---|---|---|---|---|---|`)
console.log(`| ${nodes} | ${edges} | ${runs[2]} | ${runs[4]} | ${pan} | ${zoom} |`)
await browser.close()
