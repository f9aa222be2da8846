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
