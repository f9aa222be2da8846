//! Named statements kept on the server (`rubbie_sql_snippets`): private to their author, or
//! shared with every admin (only the author edits or deletes a snippet).

use sea_query::{Cond, Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::record::now_ms;
use crate::db::exec::Executor;
use crate::db::internal::{Field, fetch_all, fetch_one};
use crate::db::{Backend, Database};
use crate::error::{Error, Result};

const SNIPPETS: &str = "rubbie_sql_snippets";
/// Snippets one user may keep.
pub(crate) const MAX_PER_USER: i64 = 500;

/// A saved statement.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Snippet {
    /// Snippet id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The statement.
    pub sql: String,
    /// Whether every admin sees it.
    pub shared: bool,
    /// Who wrote it.
    pub author: Option<String>,
    /// Whether the current user wrote it (and so may change it).
    pub mine: bool,
    /// Milliseconds since the Unix epoch.
    pub updated_at: i64,
}

#[derive(Deserialize)]
struct Row {
    id: i64,
    name: String,
    sql: String,
    shared: i64,
    author: Option<String>,
    user_id: i64,
    updated_at: i64,
}

impl Row {
    fn visible_to(&self, user_id: i64) -> bool {
        self.shared != 0 || self.user_id == user_id
    }

    fn for_user(self, user_id: i64) -> Snippet {
        Snippet {
            id: self.id,
            name: self.name,
            sql: self.sql,
            shared: self.shared != 0,
            author: self.author,
            mine: self.user_id == user_id,
            updated_at: self.updated_at,
        }
    }
}

const FIELDS: [Field<'static>; 7] = [
    ("id", SNIPPETS, "id"),
    ("name", SNIPPETS, "name"),
    ("sql", SNIPPETS, "sql_text"),
    ("shared", SNIPPETS, "shared"),
    ("author", "rubbie_users", "username"),
    ("user_id", SNIPPETS, "user_id"),
    ("updated_at", SNIPPETS, "updated_at"),
];

fn select() -> sea_query::SelectStatement {
    Query::select()
        .from(SNIPPETS)
        .left_join("rubbie_users", Expr::col(("rubbie_users", "id")).equals((SNIPPETS, "user_id")))
        .to_owned()
}

/// The user's snippets and the shared ones, by name.
pub(crate) async fn list(db: &Database, user_id: i64) -> Result<Vec<Snippet>> {
    let query = select()
        .cond_where(
            Cond::any().add(Expr::col((SNIPPETS, "user_id")).eq(user_id)).add(Expr::col((SNIPPETS, "shared")).eq(1)),
        )
        .order_by((SNIPPETS, "name"), Order::Asc)
        .order_by((SNIPPETS, "id"), Order::Asc)
        .to_owned();
    Ok(fetch_all::<Row>(db, &FIELDS, query).await?.into_iter().map(|r| r.for_user(user_id)).collect())
}

/// One snippet the user can see.
pub(crate) async fn get(db: &Database, user_id: i64, id: i64) -> Result<Snippet> {
    let query = select().and_where(Expr::col((SNIPPETS, "id")).eq(id)).to_owned();
    match fetch_one::<Row>(db, &FIELDS, query).await? {
        Some(r) if r.visible_to(user_id) => Ok(r.for_user(user_id)),
        _ => Err(Error::NotFound(format!("no snippet {id}"))),
    }
}

/// Saves a new snippet of the user's.
pub(crate) async fn create(db: &Database, user_id: i64, name: &str, sql: &str, shared: bool) -> Result<Snippet> {
    let count = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(SNIPPETS)
        .and_where(Expr::col("user_id").eq(user_id))
        .to_owned();
    if db.pooled().fetch_integers(&count).await?.first().copied().unwrap_or(0) >= MAX_PER_USER {
        return Err(Error::conflict(format!("you have {MAX_PER_USER} snippets already: delete some first")));
    }
    let now = now_ms();
    let mut insert = Query::insert()
        .into_table(SNIPPETS)
        .columns(["user_id", "name", "sql_text", "shared", "created_at", "updated_at"])
        .values_panic([user_id.into(), name.into(), sql.into(), i32::from(shared).into(), now.into(), now.into()])
        .to_owned();
    let id = if db.backend() == Backend::Postgres {
        insert.returning_col("id");
        db.pooled().fetch_integers(&insert).await?.first().copied()
    } else {
        db.pooled().execute(&insert).await?.last_insert_id
    };
    get(db, user_id, id.ok_or_else(|| Error::internal("no snippet id"))?).await
}

/// Changes the user's own snippet; `None` leaves a field as it is.
pub(crate) async fn update(
    db: &Database,
    user_id: i64,
    id: i64,
    name: Option<&str>,
    sql: Option<&str>,
    shared: Option<bool>,
) -> Result<Snippet> {
    own(db, user_id, id).await?;
    let mut update = Query::update().table(SNIPPETS).value("updated_at", now_ms()).to_owned();
    if let Some(name) = name {
        update.value("name", name);
    }
    if let Some(sql) = sql {
        update.value("sql_text", sql);
    }
    if let Some(shared) = shared {
        update.value("shared", i32::from(shared));
    }
    update.and_where(Expr::col("id").eq(id));
    db.pooled().execute(&update).await?;
    get(db, user_id, id).await
}

/// Deletes the user's own snippet.
pub(crate) async fn delete(db: &Database, user_id: i64, id: i64) -> Result<()> {
    own(db, user_id, id).await?;
    db.pooled().execute(&Query::delete().from_table(SNIPPETS).and_where(Expr::col("id").eq(id)).to_owned()).await?;
    Ok(())
}

async fn own(db: &Database, user_id: i64, id: i64) -> Result<()> {
    if get(db, user_id, id).await?.mine {
        Ok(())
    } else {
        Err(Error::Forbidden("only its author changes a shared snippet".into()))
    }
}
