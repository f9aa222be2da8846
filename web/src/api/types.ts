// Names for response shapes, all inferred from the generated `paths` (never written by hand).
import type { SuccessResponseJSON } from 'openapi-typescript-helpers'
import type { paths } from './schema'

export type SessionInfo = SuccessResponseJSON<paths['/api/v1/auth/me']['get']>
export type User = SessionInfo['user']
export type Health = SuccessResponseJSON<paths['/api/v1/health']['get']>
export type TableList = SuccessResponseJSON<paths['/api/v1/tables']['get']>
export type TableSummary = TableList['tables'][number]
export type TableSchema = SuccessResponseJSON<paths['/api/v1/tables/{table}']['get']>
export type Column = TableSchema['columns'][number]
export type ColumnKind = Column['kind']
export type ForeignKey = TableSchema['foreign_keys'][number]
export type RowPage = SuccessResponseJSON<paths['/api/v1/tables/{table}/rows']['get']>
export type RowsQuery = NonNullable<paths['/api/v1/tables/{table}/rows']['get']['parameters']['query']>

/** A row as the API sends it: column name → JSON value. */
export type Row = Record<string, unknown>

export type ExplorerRequest = SuccessResponseJSON<paths['/api/v1/explorer/history']['post']>
export type NewHistoryEntry = NonNullable<paths['/api/v1/explorer/history']['post']['requestBody']>['content']['application/json']
export type NewSavedRequest = NonNullable<paths['/api/v1/explorer/saved']['post']['requestBody']>['content']['application/json']
export type SavedRequestPatch = NonNullable<paths['/api/v1/explorer/saved/{id}']['patch']['requestBody']>['content']['application/json']
export type ServerInfo = SuccessResponseJSON<paths['/api/v1/settings/server']['get']>
export type ConfigReport = SuccessResponseJSON<paths['/api/v1/settings/config']['get']>
export type Setting = ConfigReport['rubbie'][number]
export type Flag = SuccessResponseJSON<paths['/api/v1/flags/{name}']['patch']>
export type NewFlag = NonNullable<paths['/api/v1/flags']['post']['requestBody']>['content']['application/json']
export type FlagPatch = NonNullable<paths['/api/v1/flags/{name}']['patch']['requestBody']>['content']['application/json']
