import { expect, test, type Download, type Page } from '@playwright/test'
import { password, serialPage, submitSignIn, username } from './support'
import { Api } from './api'

// The ER diagram (serial, own context): tables as nodes with foreign keys as edges, focus on one
// table and its neighbours, a dragged table's position saved on the server and forgotten by
// "Auto layout", and the SVG, PNG and Mermaid exports. `cleanUp` forgets the saved layout.

let page: Page
let api: Api

serialPage({
  ready: (p, base) => {
    page = p
    api = new Api(page, base)
  },
  cleanUp: async () => {
    await api.send('PUT', 'api/v1/schema/layout', { positions: {} })
  },
})

async function text(download: Download): Promise<string> {
  const chunks = await (await download.createReadStream()).toArray()
  return Buffer.concat(chunks).toString('utf8')
}

test('signs in; the diagram draws every table and its foreign keys', async () => {
  await page.goto('./')
  await submitSignIn(page, username, password)
  await api.init()
  await api.send('PUT', 'api/v1/schema/layout', { positions: {} })
  await page.goto('schema')
  await page.getByTestId('schema-view-diagram').click()
  await expect(page).toHaveURL(/view=diagram/)
  await expect(page.locator('[data-testid=schema-diagram][data-ready=true]')).toBeVisible()
  const all = (await api.get<{ tables: unknown[] }>('api/v1/schema')).tables.length
  await expect(page.locator('.vue-flow__node')).toHaveCount(all)
  await expect(page.getByTestId('er-node-orders')).toContainText('customer_id')
  expect(await page.locator('.vue-flow__edge').count()).toBeGreaterThanOrEqual(4)
})

test('focus shows one table and its neighbours', async () => {
  await page.getByTestId('diagram-focus').fill('orders')
  await expect(page.getByTestId('diagram-count')).toContainText('3 of')
  await expect(page.getByTestId('er-node-customers')).toBeVisible()
  await expect(page.getByTestId('er-node-order_items')).toBeVisible()
  await expect(page.getByTestId('er-node-products')).toHaveCount(0)
  await page.getByTestId('diagram-show-all').click()
  await expect(page.getByTestId('er-node-products')).toBeVisible()
})

test('a dragged table stays where it was put; auto layout forgets it', async () => {
  await page.getByTestId('diagram-fit').click()
  const head = page.getByTestId('er-node-products').locator('.er-node-head')
  const box = (await head.boundingBox())!
  await page.mouse.move(box.x + 20, box.y + 10)
  await page.mouse.down()
  await page.mouse.move(box.x + 120, box.y + 90, { steps: 8 })
  await page.mouse.up()
  await expect
    .poll(async () => Object.keys((await api.get<{ positions: Record<string, unknown> }>('api/v1/schema/layout')).positions))
    .toContain('products')
  await page.reload()
  await expect(page.locator('[data-testid=schema-diagram][data-ready=true]')).toBeVisible()
  const saved = (await api.get<{ positions: Record<string, { x: number; y: number }> }>('api/v1/schema/layout')).positions.products
  const node = page.locator('.vue-flow__node[data-id=products]')
  await expect(node).toHaveAttribute('style', new RegExp(`translate\\(${saved.x}px, ${saved.y}px\\)`))
  await page.getByTestId('diagram-auto-layout').click()
  await expect
    .poll(async () => Object.keys((await api.get<{ positions: Record<string, unknown> }>('api/v1/schema/layout')).positions))
    .toEqual([])
})

test('exports: Mermaid text, SVG and PNG', async () => {
  const [mermaid] = await Promise.all([page.waitForEvent('download'), page.getByTestId('diagram-export-mermaid').click()])
  expect(mermaid.suggestedFilename()).toBe('schema.mmd')
  const mmd = await text(mermaid)
  expect(mmd.startsWith('erDiagram\n')).toBe(true)
  expect(mmd).toMatch(/\n {4}customers \|[|o]--o\{ orders : "customer_id"\n/)
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('diagram-export-svg').click()])
  expect(svg.suggestedFilename()).toBe('schema.svg')
  expect(await text(svg)).toContain('<svg')
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('diagram-export-png').click()])
  expect(png.suggestedFilename()).toBe('schema.png')
  const bytes = Buffer.concat(await (await png.createReadStream()).toArray())
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  expect(bytes.length).toBeGreaterThan(5_000)
})
