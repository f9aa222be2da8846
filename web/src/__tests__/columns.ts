import type { Column } from '@/api/types'

/** A column as the API describes it: not null, not a key, writable unless `extra` says otherwise. */
export function column(name: string, kind: Column['kind'], extra: Partial<Column> = {}): Column {
  return {
    name,
    label: name,
    type: kind.toUpperCase(),
    kind,
    nullable: false,
    default: null,
    primary_key: false,
    auto_increment: false,
    hidden: false,
    readonly: false,
    generated: false,
    enum_values: null,
    references: null,
    ...extra,
  }
}
