import type { NavigationGuard } from 'vue-router'
import { toApiError } from '@/api/errors'
import { fetchSavedView } from '@/composables/useSavedViews'
import { savedViewQuery, viewLinkId } from '@/lib/savedViews'
import { useToastStore } from '@/stores/toasts'

/**
 * A table URL with only `?view=ID` (a shared link) opens as the view's saved definition: the
 * filter, search, sort and columns are put in the URL before the page loads any rows. A view that
 * is gone (or not shared with this user) says so and opens the plain table.
 */
export const resolveSavedViewLink: NavigationGuard = async (to) => {
  if (to.name !== 'table') return true
  const id = viewLinkId(to.query)
  if (id === null) return true
  try {
    const definition = savedViewQuery(await fetchSavedView(String(to.params.table), id))
    // an empty view (the table as it comes) has nothing to add: going on avoids a redirect loop
    if (Object.keys(definition).length <= 1) return true
    return { name: 'table', params: to.params, query: { ...to.query, ...definition }, hash: to.hash, replace: true }
  } catch (e) {
    useToastStore().error(`Saved view ${id}: ${toApiError(e).message}`)
    const query = { ...to.query }
    delete query.view
    return { name: 'table', params: to.params, query, hash: to.hash, replace: true }
  }
}
