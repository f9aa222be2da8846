import { createRouter, createWebHistory, type Router, type RouterHistory } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import AppLayout from '@/layouts/AppLayout.vue'
import LoginView from '@/views/LoginView.vue'
import HomeView from '@/views/HomeView.vue'
import TableView from '@/views/tables/TableView.vue'
import RowView from '@/views/tables/RowView.vue'
import NotFoundView from '@/views/NotFoundView.vue'

/** The mount point the server wrote into `<base href>` (e.g. `/admin/`). */
export function mountPath(): string {
  return new URL(document.baseURI).pathname
}

export function makeRouter(history: RouterHistory = createWebHistory(mountPath())): Router {
  const router = createRouter({
    history,
    routes: [
      { path: '/login', name: 'login', component: LoginView, meta: { public: true } },
      {
        path: '/',
        component: AppLayout,
        children: [
          { path: '', name: 'home', component: HomeView },
          { path: 'tables/:table', name: 'table', component: TableView, props: true },
          { path: 'tables/:table/new', name: 'row-new', component: RowView, props: true },
          { path: 'tables/:table/rows/:pk', name: 'row', component: RowView, props: true },
          { path: ':pathMatch(.*)*', name: 'not-found', component: NotFoundView },
        ],
      },
    ],
  })

  router.beforeEach(async (to) => {
    const auth = useAuthStore()
    if (!auth.user && !auth.checked) {
      try {
        await auth.fetchMe()
      } catch {
        // server unreachable: treat as signed out, the login page shows the error on submit
      }
    }
    if (to.meta.public) {
      if (to.name === 'login' && auth.user) return safeRedirect(to.query.redirect)
      return true
    }
    if (!auth.user) return { name: 'login', query: { redirect: to.fullPath } }
    return true
  })

  return router
}

/** Only follow in-app redirects (a path, not a URL to elsewhere). */
export function safeRedirect(redirect: unknown): string {
  return typeof redirect === 'string' && redirect.startsWith('/') && !redirect.startsWith('//')
    ? redirect
    : '/'
}
