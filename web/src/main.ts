import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { makeRouter } from './router'
import { configureApi } from './api/client'
import { useAuthStore } from './stores/auth'
import { useTablesStore } from './stores/tables'
import './styles/main.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
const router = makeRouter()

const auth = useAuthStore(pinia)
configureApi({
  csrfToken: () => auth.csrfToken,
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
