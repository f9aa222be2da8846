//! From changes to SQL: each change is checked against the schema as the changes before it
//! left it (so one request can create a table and then index it), and gives its up statements,
//! the statements that undo it (from the before state, as the catalogue describes it), the
//! pre-flight probes of the data, and what rubbie's own records must follow.

use std::collections::HashSet;

use super::catalogue::{ConstraintIndexes, Definitions};
use super::change::{self, ColumnSpec, ForeignKeySpec, IndexSpec, SchemaChange};
use super::rebuild;
use crate::db::Backend;
use crate::db::json_row::quote_ident;
use crate::db::schema::{Column, ColumnKind, ForeignKey, Index, Table};
use crate::error::{Error, Result};

/// What the changes do, in SQL and in facts to look up.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Statements in the order they run.
    pub up: Vec<String>,
    /// The statements that undo them, in the order they run (last change first).
    pub down: Vec<String>,
    pub warnings: Vec<String>,
    pub probes: Vec<Probe>,
    /// What rubbie's records follow once the change ran.
    pub effects: Vec<Effect>,
    /// SQLite tables rebuilt: the migration then runs as a `-- no-transaction` file with
    /// foreign keys off (see [`rebuild`]).
    pub rebuilt: Vec<String>,
}

/// A question to the data before anything runs: how many rows a change loses or is blocked by.
#[derive(Debug, Clone)]
pub(crate) struct Probe {
    pub kind: &'static str,
    pub table: String,
    pub column: Option<String>,
    /// A query answering one integer.
    pub sql: String,
    /// A count above zero makes the change fail (409); otherwise it is what the change costs.
    pub blocks: bool,
    /// The fact, with `{n}` for the count.
    pub message: String,
}

/// What rubbie's own records (tracking, metadata, permissions, views) follow.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Effect {
    Created(String),
    RenamedTable { from: String, to: String },
    RenamedColumn { table: String, from: String, to: String },
    DroppedTable(String),
    DroppedColumn { table: String, column: String },
}

/// The catalogue the changes start from.
pub(crate) struct Start<'a> {
    pub backend: Backend,
    /// Every table, tracked or not.
    pub tables: Vec<Table>,
    /// PostgreSQL: `(table, index)` of indexes that back a UNIQUE or PRIMARY KEY constraint
    /// (dropped as constraints, not as indexes).
    pub constraint_indexes: &'a ConstraintIndexes,
    /// The statements that re-create each table a change drops.
    pub definitions: &'a Definitions,
}

pub(crate) fn plan(start: Start<'_>, changes: &[SchemaChange]) -> Result<Plan> {
    if changes.is_empty() || changes.len() > change::MAX_CHANGES {
        return Err(Error::field("changes", format!("1 to {} changes", change::MAX_CHANGES)));
    }
    let mut p = Planner {
        backend: start.backend,
        tables: start.tables,
        constraint_indexes: start.constraint_indexes,
        definitions: start.definitions,
        touched: HashSet::new(),
        renamed: HashSet::new(),
        plan: Plan::default(),
    };
    let mut downs: Vec<Vec<String>> = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        downs.push(p.change(c).map_err(|e| at(i, e))?);
    }
    p.plan.down = downs.into_iter().rev().flatten().collect();
    if !p.plan.rebuilt.is_empty() {
        // the rebuilt tables and those referencing them: their keys are checked before COMMIT
        let mut checked = p.plan.rebuilt.clone();
        for t in &p.tables {
            if !checked.contains(&t.name) && t.foreign_keys.iter().any(|k| p.plan.rebuilt.contains(&k.references_table))
            {
                checked.push(t.name.clone());
            }
        }
        for statements in [&mut p.plan.up, &mut p.plan.down] {
            statements.insert(0, rebuild::GUARD.to_owned());
            statements.extend(rebuild::finish(&checked));
        }
    }
    Ok(p.plan)
}

/// An error of change `i`, saying which.
fn at(i: usize, e: Error) -> Error {
    let prefix = format!("changes[{i}]: ");
    match e {
        Error::BadRequest(m) => Error::BadRequest(format!("{prefix}{m}")),
        Error::NotFound(m) => Error::NotFound(format!("{prefix}{m}")),
        Error::Conflict { message, fields } => Error::Conflict { message: format!("{prefix}{message}"), fields },
        other => other,
    }
}

struct Planner<'a> {
    backend: Backend,
    tables: Vec<Table>,
    constraint_indexes: &'a ConstraintIndexes,
    definitions: &'a Definitions,
    /// Tables an earlier change of the request touched: their definitions read before
    /// planning no longer describe them.
    touched: HashSet<String>,
    /// New names of tables renamed earlier in the request.
    renamed: HashSet<String>,
    plan: Plan,
}

impl Planner<'_> {
    fn q(&self, name: &str) -> String {
        quote_ident(self.backend, name)
    }

    fn table(&self, name: &str) -> Result<&Table> {
        self.tables.iter().find(|t| t.name == name).ok_or_else(|| Error::NotFound(format!("no table {name:?}")))
    }

    fn table_mut(&mut self, name: &str) -> &mut Table {
        self.tables.iter_mut().find(|t| t.name == name).expect("checked by table()")
    }

    fn column<'t>(&self, table: &'t Table, name: &str) -> Result<&'t Column> {
        table.column(name).ok_or_else(|| Error::BadRequest(format!("{} has no column {name:?}", table.name)))
    }

    fn free_table_name(&self, name: &str) -> Result<()> {
        change::check_name("table", name)?;
        if self.tables.iter().any(|t| t.name.eq_ignore_ascii_case(name)) {
            return Err(Error::conflict(format!("a table named {name:?} exists already")));
        }
        Ok(())
    }

    /// Every index name in use (SQLite and PostgreSQL name indexes per schema).
    fn free_index_name(&self, table: &Table, name: &str) -> Result<()> {
        change::check_name("name", name)?;
        let taken = match self.backend {
            Backend::Mysql => table.indexes.iter().any(|i| i.name.eq_ignore_ascii_case(name)),
            _ => self.tables.iter().flat_map(|t| &t.indexes).any(|i| i.name.eq_ignore_ascii_case(name)),
        } || table.foreign_keys.iter().any(|k| k.name.eq_ignore_ascii_case(name));
        if taken {
            return Err(Error::conflict(format!("an index or key named {name:?} exists already")));
        }
        Ok(())
    }

    fn change(&mut self, c: &SchemaChange) -> Result<Vec<String>> {
        let down = self.planned(c)?;
        self.touched.extend(c.tables().into_iter().map(str::to_owned));
        Ok(down)
    }

    fn planned(&mut self, c: &SchemaChange) -> Result<Vec<String>> {
        match c {
            SchemaChange::CreateTable { table, columns, foreign_keys, indexes } => {
                self.create_table(table, columns, foreign_keys, indexes)
            }
            SchemaChange::RenameTable { table, to } => self.rename_table(table, to),
            SchemaChange::DropTable { table } => self.drop_table(table),
            SchemaChange::AddColumn { table, column } => self.add_column(table, column),
            SchemaChange::AlterColumn { table, column } => self.alter_column(table, column),
            SchemaChange::RenameColumn { table, from, to } => self.rename_column(table, from, to),
            SchemaChange::DropColumn { table, column } => self.drop_column(table, column),
            SchemaChange::AddIndex { table, index } => self.add_index(table, index),
            SchemaChange::DropIndex { table, name } => self.drop_index(table, name),
            SchemaChange::AddForeignKey { table, foreign_key } => self.add_foreign_key(table, foreign_key),
            SchemaChange::DropForeignKey { table, name } => self.drop_foreign_key(table, name),
        }
    }

    /// A column as the catalogue will describe it after the change, for later changes.
    fn column_of(&self, spec: &ColumnSpec, db_type: &str, default: Option<String>) -> Column {
        Column {
            name: spec.name.clone(),
            label: spec.name.clone(),
            description: None,
            db_type: db_type.to_owned(),
            kind: crate::db::introspect::column_kind(self.backend, db_type, false),
            nullable: spec.nullable && !spec.primary_key,
            default,
            primary_key: spec.primary_key,
            auto_increment: false,
            hidden: false,
            readonly: false,
            generated: false,
            enum_values: None,
            references: None,
        }
    }

    /// `name type [NOT NULL] [DEFAULT x]` of a new column, and the column it becomes.
    fn column_definition(&self, spec: &ColumnSpec) -> Result<(String, Column)> {
        change::check_name("column", &spec.name)?;
        let db_type = change::normalise_type(self.backend, &spec.db_type)?;
        let default = match spec.default.as_ref().and_then(Option::as_ref) {
            Some(v) => change::default_sql(self.backend, &spec.name, v)?,
            None => None,
        };
        let mut sql = format!("{} {db_type}", self.q(&spec.name));
        if !spec.nullable || spec.primary_key {
            sql.push_str(" NOT NULL");
        }
        if let Some(d) = &default {
            sql.push_str(&format!(" DEFAULT {d}"));
        }
        Ok((sql, self.column_of(spec, &db_type, default)))
    }

    /// The definition of an existing column, as the catalogue reports it (for down SQL).
    fn existing_definition(&self, c: &Column) -> String {
        let mut sql = format!("{} {}", self.q(&c.name), c.db_type);
        if !c.nullable {
            sql.push_str(" NOT NULL");
        }
        if let Some(d) = &c.default {
            sql.push_str(&format!(" DEFAULT {d}"));
        }
        sql
    }

    fn create_table(
        &mut self,
        name: &str,
        columns: &[ColumnSpec],
        foreign_keys: &[ForeignKeySpec],
        indexes: &[IndexSpec],
    ) -> Result<Vec<String>> {
        self.free_table_name(name)?;
        if columns.is_empty() || columns.len() > change::MAX_COLUMNS {
            return Err(Error::field("columns", format!("1 to {} columns", change::MAX_COLUMNS)));
        }
        let mut seen = HashSet::new();
        let mut defs = Vec::new();
        let mut table = Table::named(name, &[], Vec::new());
        for spec in columns {
            if !seen.insert(spec.name.to_ascii_lowercase()) {
                return Err(Error::field("columns", format!("{:?} is listed twice", spec.name)));
            }
            let (sql, column) = self.column_definition(spec)?;
            defs.push(sql);
            table.columns.push(column);
        }
        let pk: Vec<String> = columns.iter().filter(|c| c.primary_key).map(|c| c.name.clone()).collect();
        if pk.is_empty() {
            return Err(Error::field("columns", "give the table a primary key (primary_key on a column)"));
        }
        // A single INTEGER PRIMARY KEY is SQLite's rowid: filled in by the database.
        let rowid = self.backend == Backend::Sqlite && pk.len() == 1 && {
            let c = table.column(&pk[0]).expect("listed");
            c.db_type == "integer"
        };
        if rowid {
            let at = columns.iter().position(|c| c.primary_key).expect("one");
            defs[at] = format!("{} INTEGER PRIMARY KEY", self.q(&pk[0]));
        } else {
            defs.push(format!("PRIMARY KEY ({})", self.list(&pk)));
        }
        for c in table.columns.iter_mut() {
            c.auto_increment = c.primary_key
                && (rowid || c.db_type.contains("serial") || (self.backend == Backend::Mysql && c.db_type == "serial"));
        }
        table.primary_key = pk;
        self.tables.push(table);
        let mut up_after = Vec::new();
        for spec in foreign_keys {
            let (clause, key) = self.foreign_key_clause(name, spec)?;
            defs.push(clause);
            self.table_mut(name).foreign_keys.push(key);
        }
        let mut all_indexes: Vec<IndexSpec> = columns
            .iter()
            .filter(|c| c.unique && !c.primary_key)
            .map(|c| IndexSpec { name: None, columns: vec![c.name.clone()], unique: true })
            .collect();
        all_indexes.extend(indexes.iter().cloned());
        for spec in &all_indexes {
            let (index, inline, statement) = self.index_sql(name, spec)?;
            match self.backend {
                // one statement: MySQL commits each DDL statement on its own
                Backend::Mysql => defs.push(inline),
                _ => up_after.push(statement),
            }
            self.table_mut(name).indexes.push(index);
        }
        let create = format!("CREATE TABLE {} (\n  {}\n)", self.q(name), defs.join(",\n  "));
        self.plan.up.push(create);
        self.plan.up.extend(up_after);
        self.plan.effects.push(Effect::Created(name.to_owned()));
        Ok(vec![format!("DROP TABLE {}", self.q(name))])
    }

    fn list(&self, names: &[String]) -> String {
        names.iter().map(|n| self.q(n)).collect::<Vec<_>>().join(", ")
    }

    /// `CONSTRAINT n FOREIGN KEY (..) REFERENCES t (..) ON DELETE .. ON UPDATE ..`, checked.
    fn foreign_key_clause(&self, table: &str, spec: &ForeignKeySpec) -> Result<(String, ForeignKey)> {
        let from = self.table(table)?;
        let to = self.table(&spec.references_table)?;
        if spec.columns.is_empty() || spec.columns.len() != spec.references_columns.len() || spec.columns.len() > 16 {
            return Err(Error::field("foreign_key", "1 to 16 columns, as many as references_columns"));
        }
        for c in &spec.columns {
            self.column(from, c)?;
        }
        for c in &spec.references_columns {
            self.column(to, c)?;
        }
        let target_unique = to.primary_key == spec.references_columns
            || to.indexes.iter().any(|i| i.unique && i.columns == spec.references_columns);
        if !target_unique {
            return Err(Error::conflict(format!(
                "{}({}) is neither its primary key nor a unique index: a foreign key must reference one",
                to.name,
                spec.references_columns.join(", ")
            )));
        }
        if self.backend == Backend::Mysql {
            for (c, r) in spec.columns.iter().zip(&spec.references_columns) {
                let (a, b) = (&self.column(from, c)?.db_type, &self.column(to, r)?.db_type);
                if integer_width_free(a) != integer_width_free(b) {
                    return Err(Error::conflict(format!(
                        "{table}.{c} is {a} but {}.{r} is {b}: MySQL needs a foreign key's columns to have the referenced columns' types",
                        to.name
                    )));
                }
            }
        }
        let name = spec.name.clone().unwrap_or_else(|| format!("{table}_{}_fkey", spec.columns.join("_")));
        self.free_index_name(from, &name)?;
        let on_delete = change::action("on_delete", spec.on_delete.as_deref())?;
        let on_update = change::action("on_update", spec.on_update.as_deref())?;
        let clause = format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {on_delete} ON UPDATE {on_update}",
            self.q(&name),
            self.list(&spec.columns),
            self.q(&to.name),
            self.list(&spec.references_columns)
        );
        let key = ForeignKey {
            on_delete: on_delete.into(),
            on_update: on_update.into(),
            ..ForeignKey::new(name, spec.columns.clone(), to.name.clone(), spec.references_columns.clone())
        };
        Ok((clause, key))
    }

    /// The index, its clause inside MySQL's CREATE TABLE, and its CREATE INDEX statement.
    fn index_sql(&self, table: &str, spec: &IndexSpec) -> Result<(Index, String, String)> {
        let t = self.table(table)?;
        if spec.columns.is_empty() || spec.columns.len() > 16 {
            return Err(Error::field("index", "1 to 16 columns"));
        }
        for c in &spec.columns {
            let column = self.column(t, c)?;
            if self.backend == Backend::Mysql
                && matches!(column.kind, ColumnKind::Text)
                && !column.db_type.contains("char")
            {
                return Err(Error::conflict(format!(
                    "MySQL cannot index the {} column {c:?} without a length; use varchar(n)",
                    column.db_type
                )));
            }
        }
        let suffix = if spec.unique { "key" } else { "idx" };
        let name = spec.name.clone().unwrap_or_else(|| format!("{table}_{}_{suffix}", spec.columns.join("_")));
        self.free_index_name(t, &name)?;
        let unique = if spec.unique { "UNIQUE " } else { "" };
        let columns = self.list(&spec.columns);
        let inline = format!("{unique}{} {} ({columns})", if spec.unique { "KEY" } else { "INDEX" }, self.q(&name));
        let statement = format!("CREATE {unique}INDEX {} ON {} ({columns})", self.q(&name), self.q(table));
        Ok((Index { name, columns: spec.columns.clone(), unique: spec.unique }, inline, statement))
    }

    fn drop_index_sql(&self, table: &str, name: &str) -> String {
        match self.backend {
            Backend::Mysql => format!("DROP INDEX {} ON {}", self.q(name), self.q(table)),
            _ => format!("DROP INDEX {}", self.q(name)),
        }
    }

    fn rename_table(&mut self, table: &str, to: &str) -> Result<Vec<String>> {
        self.table(table)?;
        self.free_table_name(to)?;
        let sql = |from: &str, to: &str| match self.backend {
            Backend::Mysql => format!("RENAME TABLE {} TO {}", self.q(from), self.q(to)),
            _ => format!("ALTER TABLE {} RENAME TO {}", self.q(from), self.q(to)),
        };
        let (up, down) = (sql(table, to), sql(to, table));
        self.plan.up.push(up);
        let down = vec![down];
        for t in self.tables.iter_mut() {
            for k in t.foreign_keys.iter_mut().filter(|k| k.references_table == table) {
                k.references_table = to.to_owned();
            }
        }
        self.table_mut(table).name = to.to_owned();
        self.renamed.insert(to.to_owned());
        self.plan.effects.push(Effect::RenamedTable { from: table.to_owned(), to: to.to_owned() });
        Ok(down)
    }

    fn drop_table(&mut self, name: &str) -> Result<Vec<String>> {
        self.table(name)?;
        let children: Vec<&str> = self
            .tables
            .iter()
            .filter(|t| t.name != name && t.foreign_keys.iter().any(|k| k.references_table == name))
            .map(|t| t.name.as_str())
            .collect();
        if !children.is_empty() {
            return Err(Error::conflict(format!(
                "{name} is referenced by {}: drop those foreign keys first",
                children.join(", ")
            )));
        }
        if self.touched.contains(name) {
            return Err(Error::conflict(format!(
                "{name} is changed earlier in this request: drop it in a request of its own"
            )));
        }
        let down = self.definitions.of(name)?;
        self.plan.up.push(format!("DROP TABLE {}", self.q(name)));
        self.plan.probes.push(Probe {
            kind: "rows_lost",
            table: name.to_owned(),
            column: None,
            sql: format!("SELECT COUNT(*) FROM {}", self.q(name)),
            blocks: false,
            message: format!("dropping {name} loses its {{n}} rows (the down SQL re-creates the table, not the rows)"),
        });
        self.tables.retain(|t| t.name != name);
        self.plan.effects.push(Effect::DroppedTable(name.to_owned()));
        Ok(down)
    }

    fn add_column(&mut self, table: &str, spec: &ColumnSpec) -> Result<Vec<String>> {
        let t = self.table(table)?;
        if t.column(&spec.name).is_some() || t.columns.iter().any(|c| c.name.eq_ignore_ascii_case(&spec.name)) {
            return Err(Error::conflict(format!("{table} has a column {:?} already", spec.name)));
        }
        if spec.primary_key {
            return Err(Error::field("column.primary_key", "a primary key is chosen when the table is created"));
        }
        let (definition, column) = self.column_definition(spec)?;
        if !column.nullable && column.default.is_none() {
            self.plan.probes.push(Probe {
                kind: "not_null_without_default",
                table: table.to_owned(),
                column: Some(spec.name.clone()),
                sql: format!("SELECT COUNT(*) FROM {}", self.q(table)),
                blocks: true,
                message: format!(
                    "{table} has {{n}} rows: a NOT NULL column without a default has no value for them; give it a default"
                ),
            });
        }
        let mut up = vec![format!("ALTER TABLE {} ADD COLUMN {definition}", self.q(table))];
        let mut down = Vec::new();
        self.table_mut(table).columns.push(column);
        if spec.unique {
            let (index, inline, statement) =
                self.index_sql(table, &IndexSpec { name: None, columns: vec![spec.name.clone()], unique: true })?;
            self.unique_probe(table, &index.columns);
            match self.backend {
                Backend::Mysql => up[0].push_str(&format!(", ADD {inline}")),
                _ => {
                    up.push(statement);
                    down.push(self.drop_index_sql(table, &index.name));
                }
            }
            self.table_mut(table).indexes.push(index);
        }
        down.push(format!("ALTER TABLE {} DROP COLUMN {}", self.q(table), self.q(&spec.name)));
        self.plan.up.extend(up);
        Ok(down)
    }

    fn unique_probe(&mut self, table: &str, columns: &[String]) {
        let list = self.list(columns);
        let not_null = columns.iter().map(|c| format!("{} IS NOT NULL", self.q(c))).collect::<Vec<_>>().join(" AND ");
        self.plan.probes.push(Probe {
            kind: "duplicates",
            table: table.to_owned(),
            column: Some(columns.join(", ")),
            sql: format!(
                "SELECT COUNT(*) FROM (SELECT {list} FROM {} WHERE {not_null} GROUP BY {list} HAVING COUNT(*) > 1) d",
                self.q(table)
            ),
            blocks: true,
            message: format!(
                "{{n}} values of ({}) in {table} occur more than once: UNIQUE cannot hold",
                columns.join(", ")
            ),
        });
    }

    fn alter_column(&mut self, table: &str, spec: &ColumnSpec) -> Result<Vec<String>> {
        let t = self.table(table)?;
        let old = self.column(t, &spec.name)?.clone();
        if spec.primary_key != old.primary_key {
            return Err(Error::field("column.primary_key", "the primary key stays as it is"));
        }
        if spec.unique {
            return Err(Error::field("column.unique", "add a unique index instead (add_index)"));
        }
        if old.generated || old.auto_increment {
            return Err(Error::conflict(format!("{table}.{} is filled by the database; it stays as it is", old.name)));
        }
        let (_, mut new) = self.column_definition(spec)?;
        if spec.default.is_none() {
            new.default = old.default.clone(); // left out: kept as it is
        }
        let same_type = normalised(&old.db_type) == normalised(&new.db_type);
        let q_t = self.q(table);
        let q_c = self.q(&old.name);
        let mut up = Vec::new();
        let mut down = Vec::new();
        match self.backend {
            Backend::Postgres => {
                if !same_type {
                    up.push(format!(
                        "ALTER TABLE {q_t} ALTER COLUMN {q_c} TYPE {} USING {q_c}::{}",
                        new.db_type, new.db_type
                    ));
                    down.push(format!(
                        "ALTER TABLE {q_t} ALTER COLUMN {q_c} TYPE {} USING {q_c}::{}",
                        old.db_type, old.db_type
                    ));
                    self.plan.probes.push(Probe {
                        kind: "cast_fails",
                        table: table.to_owned(),
                        column: Some(old.name.clone()),
                        sql: format!("SELECT COUNT({q_c}::{}) * 0 FROM {q_t}", new.db_type),
                        blocks: true,
                        message: format!("values of {table}.{} cannot become {}", old.name, new.db_type),
                    });
                }
                if old.default != new.default {
                    let set = |d: &Option<String>| match d {
                        Some(d) => format!("ALTER TABLE {q_t} ALTER COLUMN {q_c} SET DEFAULT {d}"),
                        None => format!("ALTER TABLE {q_t} ALTER COLUMN {q_c} DROP DEFAULT"),
                    };
                    up.push(set(&new.default));
                    down.insert(0, set(&old.default));
                }
                if old.nullable != new.nullable {
                    let set = |nullable: bool| {
                        format!(
                            "ALTER TABLE {q_t} ALTER COLUMN {q_c} {} NOT NULL",
                            if nullable { "DROP" } else { "SET" }
                        )
                    };
                    up.push(set(new.nullable));
                    down.insert(0, set(old.nullable));
                }
            }
            Backend::Mysql => {
                // MODIFY restates the whole column: a default left out is the current one
                up.push(format!("ALTER TABLE {q_t} MODIFY COLUMN {}", self.existing_definition(&new)));
                down.push(format!("ALTER TABLE {q_t} MODIFY COLUMN {}", self.existing_definition(&old)));
                if !same_type {
                    self.plan.warnings.push(format!(
                        "MySQL converts {table}.{} to {} as it can (values that do not fit may be cut or refused)",
                        old.name, new.db_type
                    ));
                }
            }
            Backend::Sqlite => {
                if old.db_type.eq_ignore_ascii_case(&new.db_type)
                    && old.nullable == new.nullable
                    && old.default == new.default
                {
                    return Err(Error::field("column", format!("{table}.{} is like this already", old.name)));
                }
                let (db_type, nullable, default) = (new.db_type.clone(), new.nullable, new.default.clone());
                down = self.rebuild(table, |t| {
                    let c = t.columns.iter_mut().find(|c| c.name == old.name).expect("found above");
                    (c.db_type, c.nullable, c.default) = (db_type, nullable, default);
                })?;
            }
        }
        if old.nullable && !new.nullable {
            self.plan.probes.push(Probe {
                kind: "nulls",
                table: table.to_owned(),
                column: Some(old.name.clone()),
                sql: format!("SELECT COUNT(*) FROM {q_t} WHERE {q_c} IS NULL"),
                blocks: true,
                message: format!("{{n}} rows of {table} have no {}: NOT NULL cannot hold", old.name),
            });
        }
        if up.is_empty() && self.backend != Backend::Sqlite {
            return Err(Error::field("column", format!("{table}.{} is like this already", old.name)));
        }
        let column = self.table_mut(table).columns.iter_mut().find(|c| c.name == old.name).expect("found above");
        column.db_type = new.db_type;
        column.kind = new.kind;
        column.nullable = new.nullable;
        column.default = new.default;
        self.plan.up.extend(up);
        Ok(down)
    }

    fn rename_column(&mut self, table: &str, from: &str, to: &str) -> Result<Vec<String>> {
        let t = self.table(table)?;
        self.column(t, from)?;
        change::check_name("to", to)?;
        if t.columns.iter().any(|c| c.name.eq_ignore_ascii_case(to)) {
            return Err(Error::conflict(format!("{table} has a column {to:?} already")));
        }
        let sql =
            |a: &str, b: &str| format!("ALTER TABLE {} RENAME COLUMN {} TO {}", self.q(table), self.q(a), self.q(b));
        let (up, down) = (sql(from, to), sql(to, from));
        self.plan.up.push(up);
        let down = vec![down];
        let rename = |names: &mut Vec<String>| names.iter_mut().filter(|n| *n == from).for_each(|n| *n = to.to_owned());
        for other in self.tables.iter_mut() {
            for k in other.foreign_keys.iter_mut().filter(|k| k.references_table == table) {
                rename(&mut k.references_columns);
            }
        }
        let t = self.table_mut(table);
        t.columns.iter_mut().filter(|c| c.name == from).for_each(|c| c.name = to.to_owned());
        rename(&mut t.primary_key);
        t.indexes.iter_mut().for_each(|i| rename(&mut i.columns));
        t.foreign_keys.iter_mut().for_each(|k| rename(&mut k.columns));
        self.plan.effects.push(Effect::RenamedColumn {
            table: table.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
        });
        Ok(down)
    }

    fn drop_column(&mut self, table: &str, name: &str) -> Result<Vec<String>> {
        let t = self.table(table)?;
        let column = self.column(t, name)?.clone();
        if column.primary_key {
            return Err(Error::conflict(format!("{table}.{name} is part of the primary key")));
        }
        if t.columns.len() == 1 {
            return Err(Error::conflict(format!("{name} is the last column of {table}: drop the table instead")));
        }
        let mut uses: Vec<String> = t
            .indexes
            .iter()
            .filter(|i| i.columns.iter().any(|c| c == name))
            .map(|i| format!("index {}", i.name))
            .collect();
        uses.extend(
            t.foreign_keys
                .iter()
                .filter(|k| k.columns.iter().any(|c| c == name))
                .map(|k| format!("foreign key {}", k.name)),
        );
        for other in &self.tables {
            uses.extend(
                other
                    .foreign_keys
                    .iter()
                    .filter(|k| k.references_table == table && k.references_columns.iter().any(|c| c == name))
                    .map(|k| format!("foreign key {} of {}", k.name, other.name)),
            );
        }
        uses.extend(
            t.checks
                .iter()
                .filter(|c| mentions(&c.expression, name))
                .map(|c| format!("check {}", c.name.clone().unwrap_or_else(|| c.expression.clone()))),
        );
        if !uses.is_empty() {
            return Err(Error::conflict(format!("{table}.{name} is used by {}: drop those first", uses.join(", "))));
        }
        let q_t = self.q(table);
        self.plan.up.push(format!("ALTER TABLE {q_t} DROP COLUMN {}", self.q(name)));
        self.plan.probes.push(Probe {
            kind: "values_lost",
            table: table.to_owned(),
            column: Some(name.to_owned()),
            sql: format!("SELECT COUNT(*) FROM {q_t} WHERE {} IS NOT NULL", self.q(name)),
            blocks: false,
            message: format!("dropping {table}.{name} loses {{n}} values (the down SQL adds the column back empty)"),
        });
        let mut restored = column.clone();
        if !column.nullable && column.default.is_none() {
            // rows exist without a value for it: the column comes back NULL-able
            restored.nullable = true;
            self.plan
                .warnings
                .push(format!("{table}.{name} is NOT NULL without a default: rolling back adds it back NULL-able"));
        }
        let down = vec![format!("ALTER TABLE {q_t} ADD COLUMN {}", self.existing_definition(&restored))];
        self.table_mut(table).columns.retain(|c| c.name != name);
        self.plan.effects.push(Effect::DroppedColumn { table: table.to_owned(), column: name.to_owned() });
        Ok(down)
    }

    fn add_index(&mut self, table: &str, spec: &IndexSpec) -> Result<Vec<String>> {
        let (index, _, statement) = self.index_sql(table, spec)?;
        if spec.unique {
            self.unique_probe(table, &index.columns);
        }
        self.plan.up.push(statement);
        let down = vec![self.drop_index_sql(table, &index.name)];
        self.table_mut(table).indexes.push(index);
        Ok(down)
    }

    fn drop_index(&mut self, table: &str, name: &str) -> Result<Vec<String>> {
        let t = self.table(table)?;
        let index = t
            .indexes
            .iter()
            .find(|i| i.name == name)
            .cloned()
            .ok_or_else(|| Error::BadRequest(format!("{table} has no index {name:?}")))?;
        if index.columns == t.primary_key && index.unique {
            return Err(Error::conflict(format!("{name} is the primary key of {table}")));
        }
        let constraint = self.constraint_indexes.contains(&(table.to_owned(), name.to_owned()));
        let columns = self.list(&index.columns);
        let (up, down) = match self.backend {
            Backend::Sqlite if rebuild::inline(name) => {
                return self.rebuild(table, |t| t.indexes.retain(|i| i.name != name));
            }
            Backend::Postgres if constraint => (
                format!("ALTER TABLE {} DROP CONSTRAINT {}", self.q(table), self.q(name)),
                format!("ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({columns})", self.q(table), self.q(name)),
            ),
            _ => {
                let unique = if index.unique { "UNIQUE " } else { "" };
                (
                    self.drop_index_sql(table, name),
                    format!("CREATE {unique}INDEX {} ON {} ({columns})", self.q(name), self.q(table)),
                )
            }
        };
        self.plan.up.push(up);
        self.table_mut(table).indexes.retain(|i| i.name != name);
        Ok(vec![down])
    }

    fn add_foreign_key(&mut self, table: &str, spec: &ForeignKeySpec) -> Result<Vec<String>> {
        let (clause, key) = self.foreign_key_clause(table, spec)?;
        let q_t = self.q(table);
        let joins = key
            .columns
            .iter()
            .zip(&key.references_columns)
            .map(|(c, r)| format!("p.{} = c.{}", self.q(r), self.q(c)))
            .collect::<Vec<_>>()
            .join(" AND ");
        let set = key.columns.iter().map(|c| format!("c.{} IS NOT NULL", self.q(c))).collect::<Vec<_>>().join(" AND ");
        let first_ref = self.q(&key.references_columns[0]);
        self.plan.probes.push(Probe {
            kind: "orphans",
            table: table.to_owned(),
            column: Some(key.columns.join(", ")),
            sql: format!(
                "SELECT COUNT(*) FROM {q_t} c LEFT JOIN {} p ON {joins} WHERE {set} AND p.{first_ref} IS NULL",
                self.q(&key.references_table)
            ),
            blocks: true,
            message: format!(
                "{{n}} rows of {table} reference no row of {}: the foreign key cannot hold",
                key.references_table
            ),
        });
        if self.backend == Backend::Sqlite {
            return self.rebuild(table, |t| t.foreign_keys.push(key));
        }
        self.plan.up.push(format!("ALTER TABLE {q_t} ADD {clause}"));
        let mut down = self.drop_foreign_key_sql(table, &key.name);
        // MySQL indexes a key's columns itself when no index leads with them, and keeps that
        // index when the key is dropped: the down SQL drops it too
        let indexed = self.table(table)?.indexes.iter().any(|i| i.columns.starts_with(&key.columns));
        if self.backend == Backend::Mysql && !indexed {
            down.push_str(&format!(", DROP INDEX {}", self.q(&key.name)));
            let index = Index { name: key.name.clone(), columns: key.columns.clone(), unique: false };
            self.table_mut(table).indexes.push(index);
        }
        self.table_mut(table).foreign_keys.push(key);
        Ok(vec![down])
    }

    /// SQLite: `table` rebuilt in the form `change` gives it (and back, for the down SQL),
    /// refused while its rows already break a foreign key (the check before COMMIT would fail).
    fn rebuild(&mut self, table: &str, change: impl FnOnce(&mut Table)) -> Result<Vec<String>> {
        let before = self.table(table)?.clone();
        if self.renamed.contains(table) {
            // its indexes' and triggers' SQL, read before planning, names the old name
            return Err(Error::conflict(format!(
                "{table} is renamed earlier in this request and must now be rebuilt: rename it in a request of its own"
            )));
        }
        let mut after = before.clone();
        change(&mut after);
        let attached = self.definitions.attached(table);
        self.plan.up.extend(rebuild::statements(&before, &after, attached)?);
        let down = rebuild::statements(&after, &before, attached)?;
        self.plan.probes.push(Probe {
            kind: "key_violations",
            table: table.to_owned(),
            column: None,
            sql: format!("SELECT COUNT(*) FROM pragma_foreign_key_check({})", change::literal(self.backend, table)),
            blocks: true,
            message: format!("{{n}} rows of {table} break a foreign key already: fix them before the table is rebuilt"),
        });
        if !self.plan.rebuilt.iter().any(|t| t == table) {
            self.plan.rebuilt.push(table.to_owned());
            self.plan.warnings.push(format!(
                "SQLite cannot alter {table} in place: it is rebuilt (new table, rows copied and counted, old one dropped) with foreign keys off"
            ));
        }
        *self.table_mut(table) = after;
        Ok(down)
    }

    fn drop_foreign_key_sql(&self, table: &str, name: &str) -> String {
        match self.backend {
            Backend::Mysql => format!("ALTER TABLE {} DROP FOREIGN KEY {}", self.q(table), self.q(name)),
            _ => format!("ALTER TABLE {} DROP CONSTRAINT {}", self.q(table), self.q(name)),
        }
    }

    fn drop_foreign_key(&mut self, table: &str, name: &str) -> Result<Vec<String>> {
        let t = self.table(table)?;
        let key = t
            .foreign_keys
            .iter()
            .find(|k| k.name == name)
            .cloned()
            .ok_or_else(|| Error::BadRequest(format!("{table} has no foreign key {name:?}")))?;
        if self.backend == Backend::Sqlite {
            return self.rebuild(table, |t| t.foreign_keys.retain(|k| k.name != name));
        }
        self.plan.up.push(self.drop_foreign_key_sql(table, name));
        let down = format!(
            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
            self.q(table),
            self.q(name),
            self.list(&key.columns),
            self.q(&key.references_table),
            self.list(&key.references_columns),
            key.on_delete,
            key.on_update
        );
        self.table_mut(table).foreign_keys.retain(|k| k.name != name);
        Ok(vec![down])
    }
}

/// A type name compared loosely (`INTEGER` and `integer`, `varchar(20)` and `character varying(20)`).
fn normalised(t: &str) -> String {
    t.to_ascii_lowercase().replace("character varying", "varchar").replace(", ", ",")
}

/// A MySQL type without the display width of an integer (`bigint(20)` is `bigint`), `integer`
/// read as `int`.
fn integer_width_free(t: &str) -> String {
    let t = t.to_ascii_lowercase().replacen("integer", "int", 1);
    match (t.find('('), t.find(')')) {
        (Some(open), Some(close)) if t[..open].ends_with("int") => format!("{}{}", &t[..open], &t[close + 1..]),
        _ => t,
    }
}

/// Whether an expression mentions a column (as a word, quoted or not).
fn mentions(expression: &str, column: &str) -> bool {
    let lower = expression.to_ascii_lowercase();
    let name = column.to_ascii_lowercase();
    lower.match_indices(&name).any(|(at, _)| {
        let before = lower[..at].chars().next_back();
        let after = lower[at + name.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !word(before) && !word(after)
    })
}

#[cfg(test)]
mod tests {
    use super::{integer_width_free, mentions};

    #[test]
    fn mysql_integer_widths_do_not_make_types_differ() {
        assert_eq!(integer_width_free("bigint(20)"), "bigint");
        assert_eq!(integer_width_free("int(11) unsigned"), "int unsigned");
        assert_eq!(integer_width_free("INTEGER"), "int");
        assert_eq!(integer_width_free("varchar(20)"), "varchar(20)");
    }

    #[test]
    fn checks_mention_whole_words() {
        assert!(mentions("(price > 0)", "price"));
        assert!(mentions("\"price\" > 0", "price"));
        assert!(!mentions("(unit_price > 0)", "price"));
    }
}
