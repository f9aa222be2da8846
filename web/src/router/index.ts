import { createRouter, createWebHistory, type Router, type RouterHistory } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import AppLayout from '@/layouts/AppLayout.vue'
import LoginView from '@/views/LoginView.vue'
import HomeView from '@/views/home/HomeView.vue'
import TableView from '@/views/tables/TableView.vue'
import RowView from '@/views/tables/RowView.vue'
import NotFoundView from '@/views/NotFoundView.vue'
import SettingsView from '@/views/settings/SettingsView.vue'
import ServerSection from '@/views/settings/ServerSection.vue'
import ConfigSection from '@/views/settings/ConfigSection.vue'
import FlagsSection from '@/views/settings/FlagsSection.vue'
import UsersView from '@/views/users/UsersView.vue'
import AccountView from '@/views/account/AccountView.vue'
import { resolveSavedViewLink } from './savedViewLinks'

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
          // The explorer (and CodeMirror behind it) is its own chunk.
          { path: 'explorer', name: 'explorer', component: () => import('@/views/explorer/ExplorerView.vue') },
          // Every signed-in user: the changes they may see (admins: all of them).
          { path: 'activity', name: 'activity', component: () => import('@/views/audit/ActivityView.vue') },
          // Every signed-in user: their profile and personal API tokens.
          { path: 'account', name: 'account', component: AccountView },
          { path: 'users', name: 'users', component: UsersView, meta: { admin: true } },
          // Admin-only, its own chunk (CodeMirror's SQL language).
          { path: 'sql', name: 'sql', component: () => import('@/views/sql/SqlView.vue'), meta: { admin: true } },
          { path: 'schema', name: 'schema', component: () => import('@/views/schema/SchemaView.vue'), meta: { admin: true } },
          { path: 'metadata', name: 'metadata', component: () => import('@/views/metadata/MetadataView.vue'), meta: { admin: true } },
          { path: 'schema/:table', name: 'schema-table', component: () => import('@/views/schema/SchemaTableView.vue'), props: true, meta: { admin: true } },
          { path: 'migrations', name: 'migrations', component: () => import('@/views/migrations/MigrationsView.vue'), meta: { admin: true } },
          {
            // Admin-only, its own chunk (the rule editor and filter builder).
            path: 'permissions',
            component: () => import('@/views/permissions/PermissionsView.vue'),
            meta: { admin: true },
            children: [
              { path: '', name: 'permissions', redirect: { name: 'permissions-matrix' } },
              { path: 'matrix', name: 'permissions-matrix', component: () => import('@/views/permissions/MatrixSection.vue'), meta: { crumb: 'Matrix' } },
              { path: 'roles', name: 'permissions-roles', component: () => import('@/views/permissions/RolesSection.vue'), meta: { crumb: 'Roles' } },
            ],
          },
          {
            path: 'settings',
            component: SettingsView,
            meta: { admin: true },
            children: [
              { path: '', name: 'settings', redirect: { name: 'settings-server' } },
              { path: 'server', name: 'settings-server', component: ServerSection, meta: { crumb: 'Server' } },
              { path: 'config', name: 'settings-config', component: ConfigSection, meta: { crumb: 'Configuration' } },
              { path: 'flags', name: 'settings-flags', component: FlagsSection, meta: { crumb: 'Feature flags' } },
            ],
          },
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
    // Users, permissions and settings are for admins; others would only get 403s there.
    if (to.matched.some((r) => r.meta.admin) && !auth.isAdmin) return { name: 'home' }
    return true
  })
  // after sign-in: `?view=ID` on a table URL becomes the view's filter, sort and columns
  router.beforeEach(resolveSavedViewLink)

  return router
}

/** Only follow in-app redirects (a path, not a URL to elsewhere). */
export function safeRedirect(redirect: unknown): string {
  return typeof redirect === 'string' && redirect.startsWith('/') && !redirect.startsWith('//')
    ? redirect
    : '/'
}
