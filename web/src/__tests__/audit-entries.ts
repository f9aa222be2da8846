// Audit entries for specs, shaped as the API sends them.
import type { AuditEntry } from '@/api/types'

export function auditEntry(id: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id,
    at: 1_796_193_631_547 - id * 60_000,
    user: 'admin',
    user_id: 1,
    role: 'admin',
    via: 'session',
    token_id: null,
    view_as: null,
    ip: '127.0.0.1',
    user_agent: 'test',
    request_id: `req-${id}`,
    category: 'row',
    action: 'update',
    table: 'customers',
    row_key: '1',
    object: null,
    before: { id: 1, name: 'Ann', country: 'JP' } as unknown as AuditEntry['before'],
    after: { id: 1, name: 'Anna', country: 'JP' } as unknown as AuditEntry['after'],
    changed: ['name'],
    summary: `Updated customers 1 (Anna) #${id}`,
    detail: null,
    reverts_id: null,
    ...over,
  }
}

/** Stand-ins for the pages an entry links to (a RouterLink needs its route to exist). */
export const entryTargetRoutes = [
  'table:/tables/:table', 'row:/tables/:table/rows/:pk', 'permissions-matrix:/permissions/matrix',
  'permissions-roles:/permissions/roles', 'users:/users', 'settings-flags:/settings/flags',
].map((s) => {
  const [name, path] = s.split(/:(.*)/) as [string, string]
  return { name, path, component: { template: '<div />' } }
})
