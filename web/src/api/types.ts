// Names for response shapes, all inferred from the generated `paths` (never written by hand).
import type { SuccessResponseJSON } from 'openapi-typescript-helpers'
import type { paths } from './schema'

export type SessionInfo = SuccessResponseJSON<paths['/api/v1/auth/me']['get']>
export type User = SessionInfo['user']
export type SignInOptions = SuccessResponseJSON<paths['/api/v1/auth/options']['get']>
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

export type UserAccount = SuccessResponseJSON<paths['/api/v1/users']['get']>['users'][number]
export type NewUser = NonNullable<paths['/api/v1/users']['post']['requestBody']>['content']['application/json']
export type UserChange = NonNullable<paths['/api/v1/users/{id}']['patch']['requestBody']>['content']['application/json']
export type Role = SuccessResponseJSON<paths['/api/v1/roles']['get']>['roles'][number]
export type NewRole = NonNullable<paths['/api/v1/roles']['post']['requestBody']>['content']['application/json']
export type RoleChange = NonNullable<paths['/api/v1/roles/{name}']['patch']['requestBody']>['content']['application/json']
export type PermissionMatrix = SuccessResponseJSON<paths['/api/v1/permissions']['get']>
export type PermissionsDocument = SuccessResponseJSON<paths['/api/v1/permissions/export']['get']>
export type RuleBody = NonNullable<paths['/api/v1/permissions/{role}/{table}/{operation}']['put']['requestBody']>['content']['application/json']
type JsonObject = Record<string, unknown>
/**
 * A rule as the SPA handles it. The generated type spells the free-form where/presets objects as
 * `Record<string, never>`; here they are plain JSON objects (cast back with `as RuleBody` to send).
 */
export type Rule = Omit<RuleBody, 'filter' | 'check' | 'presets'> & {
  filter?: JsonObject | null
  check?: JsonObject | null
  presets?: JsonObject
}
export type Permission = Omit<PermissionMatrix['permissions'][number], 'rule'> & { rule: Rule }
export type Operation = PermissionMatrix['permissions'][number]['operation']
export type PreviewPage = SuccessResponseJSON<paths['/api/v1/permissions/preview']['post']>

export type ApiToken = SuccessResponseJSON<paths['/api/v1/auth/tokens']['get']>['tokens'][number]
export type NewToken = NonNullable<paths['/api/v1/auth/tokens']['post']['requestBody']>['content']['application/json']
export type CreatedToken = SuccessResponseJSON<paths['/api/v1/auth/tokens']['post']>

export type ErrorBody = paths['/api/v1/tables/{table}/import']['post']['responses'][422]['content']['application/json']
export type ColumnRef = NonNullable<Column['references']>
/**
 * `labels` of a rows page (with `labels=true`): foreign-key column → (referenced value as text →
 * the referenced row's display value).
 */
export type RowLabels = NonNullable<RowPage['labels']>
export type ImportResult = SuccessResponseJSON<paths['/api/v1/tables/{table}/import']['post']>
export type ImportProblem = NonNullable<ErrorBody['error']['problems']>[number]
export type SavedView = SuccessResponseJSON<paths['/api/v1/tables/{table}/views/{id}']['get']>
export type ViewInput = NonNullable<paths['/api/v1/tables/{table}/views']['post']['requestBody']>['content']['application/json']
export type ViewChange = NonNullable<paths['/api/v1/tables/{table}/views/{id}']['patch']['requestBody']>['content']['application/json']

export type AuditEntry = SuccessResponseJSON<paths['/api/v1/audit/{id}']['get']>
export type AuditPage = SuccessResponseJSON<paths['/api/v1/audit']['get']>
export type AuditQuery = NonNullable<paths['/api/v1/audit']['get']['parameters']['query']>
export type AuditExportQuery = NonNullable<paths['/api/v1/audit/export']['get']['parameters']['query']>
export type AuditCategory = AuditEntry['category']
export type RevertPlan = SuccessResponseJSON<paths['/api/v1/audit/{id}/revert']['post']>
export type RevertRequest = NonNullable<paths['/api/v1/audit/{id}/revert']['post']['requestBody']>['content']['application/json']
export type ChainVerification = SuccessResponseJSON<paths['/api/v1/audit/verify']['get']>
export type Overview = SuccessResponseJSON<paths['/api/v1/overview']['get']>
export type DayCount = Overview['activity'][number]
export type PeopleSummary = NonNullable<Overview['people']>
export type MigrationHealth = NonNullable<Overview['migrations']>

export type MigrationList = SuccessResponseJSON<paths['/api/v1/migrations']['get']>
export type MigrationInfo = MigrationList['migrations'][number]
export type MigrationDetail = SuccessResponseJSON<paths['/api/v1/migrations/{version}']['get']>
export type MigrationRunRequest = NonNullable<paths['/api/v1/migrations/runs']['post']['requestBody']>['content']['application/json']
export type MigrationPlan = SuccessResponseJSON<paths['/api/v1/migrations/plan']['post']>
export type MigrationRun = SuccessResponseJSON<paths['/api/v1/migrations/runs/{id}']['get']>
export type MigrationEvent = MigrationRun['steps'][number]

export type SqlRequest = NonNullable<paths['/api/v1/sql']['post']['requestBody']>['content']['application/json']
export type SqlResult = paths['/api/v1/sql']['post']['responses'][200]['content']['application/json']
export type SqlMode = NonNullable<SqlRequest['mode']>
export type SqlExplain = NonNullable<SqlRequest['explain']>
export type SqlRun = SuccessResponseJSON<paths['/api/v1/sql/history']['get']>['runs'][number]
export type Snippet = SuccessResponseJSON<paths['/api/v1/sql/snippets']['get']>['snippets'][number]
export type NewSnippet = NonNullable<paths['/api/v1/sql/snippets']['post']['requestBody']>['content']['application/json']
export type NewMigration = NonNullable<paths['/api/v1/migrations']['post']['requestBody']>['content']['application/json']
export type SavedMigration = SuccessResponseJSON<paths['/api/v1/migrations']['post']>
export type SqlErrorAt = NonNullable<ErrorBody['error']['sql']>
export type SessionSummary = SuccessResponseJSON<paths['/api/v1/auth/sessions']['get']>['sessions'][number]
export type TableMetadataView = SuccessResponseJSON<paths['/api/v1/tables/{table}/metadata']['get']>
export type TableMetadata = TableMetadataView['overrides']
export type MetadataChange = NonNullable<paths['/api/v1/tables/{table}/metadata']['patch']['requestBody']>['content']['application/json']
export type MetadataDocument = SuccessResponseJSON<paths['/api/v1/metadata']['get']>
export type MetadataOutcome = SuccessResponseJSON<paths['/api/v1/metadata/diff']['post']>
export type DocumentChange = MetadataOutcome['changes'][number]
export type Inconsistency = MetadataOutcome['inconsistencies'][number]
export type InconsistencyList = SuccessResponseJSON<paths['/api/v1/metadata/inconsistencies']['get']>
export type SchemaDocument = SuccessResponseJSON<paths['/api/v1/schema']['get']>
export type SchemaTable = SchemaDocument['tables'][number]
export type SchemaEditing = SchemaDocument['editing']
export type ChangesRequest = NonNullable<paths['/api/v1/schema/changes/preview']['post']['requestBody']>['content']['application/json']
export type SchemaChange = ChangesRequest['changes'][number]
export type ChangePreview = SuccessResponseJSON<paths['/api/v1/schema/changes/preview']['post']>
export type AppliedChanges = SuccessResponseJSON<paths['/api/v1/schema/changes']['post']>
export type DiagramLayout = SuccessResponseJSON<paths['/api/v1/schema/layout']['get']>
