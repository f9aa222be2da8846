import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { makeRouter } from './router'
import { configureApi } from './api/client'
import { useAuthStore } from './stores/auth'
import { useTablesStore } from './stores/tables'
import { useViewAsStore } from './stores/viewAs'
import './styles/main.css'
import './styles/data-tools.css'
import './styles/audit.css'
import './styles/migrations.css'
import './styles/sql.css'
import './styles/schema.css'
import { applyTheme, loadTheme } from './lib/theme'

applyTheme(loadTheme(), document.documentElement, null)

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
const router = makeRouter()

const auth = useAuthStore(pinia)
const viewAs = useViewAsStore(pinia)
configureApi({
  csrfToken: () => auth.csrfToken,
  // Only an admin's requests carry the header (a non-admin would get 403 for it).
  viewAs: () => (auth.user?.role === 'admin' ? viewAs.role : null),
  onUnauthorized: () => {
    // Session expired (or revoked): forget it and ask to sign in again, coming back here after.
    if (!auth.user) return
    auth.clear()
    useTablesStore(pinia).reset()
    const current = router.currentRoute.value
    if (current.name !== 'login') {
      void router.push({ name: 'login', query: { redirect: current.fullPath } })
    }
  },
})

app.use(router)
app.mount('#app')
