import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type RouteRecordRaw } from 'vue-router'

/** Mount a `<RouterView>` at `path` among `routes` (memory history), once everything has loaded. */
export async function mountAt(path: string, routes: RouteRecordRaw[]) {
  const router = createRouter({ history: createMemoryHistory(), routes })
  await router.push(path)
  const w = mount({ template: '<RouterView />' }, { global: { plugins: [router] } })
  await flushPromises()
  return { w, router }
}
