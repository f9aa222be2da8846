//! Saved views of a table: a named filter, quick search, sort and column list, kept per user and
//! optionally shared with everyone who can see the table.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Extension, Router};
use sea_query::{Cond, Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use utoipa::ToSchema;

use super::extract::{Json as JsonBody, Path, RequestAccess};
use crate::audit::{self, Actor, Category, Entry};
use crate::auth::{CurrentUser, now};
use crate::db::Database;
use crate::db::exec::{Executor, Tx};
use crate::db::internal::{Field, fetch_all, fetch_all_in};
use crate::error::{Error, FieldErrors, Result};
use crate::metadata::DocumentView;
use crate::query::order;
use crate::query::read::{self, ReadRequest};
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tables/{table}/views", get(list_views).post(create_view))
        .route("/api/v1/tables/{table}/views/{id}", get(get_view).patch(update_view).delete(delete_view))
}

/// A saved view.
#[derive(Serialize, ToSchema)]
pub struct SavedView {
    /// View id (`?view=ID` in the console's table URL opens it).
    pub id: i64,
    /// The table it belongs to.
    pub table: String,
    /// Name, unique per owner and table.
    pub name: String,
    /// Filter in the where language. At most 16 levels of nesting, 2,000 conditions and 10,000 values.
    #[serde(rename = "where")]
    #[schema(value_type = Option<HashMap<String, Value>>)]
    pub filter: Option<Json>,
    /// Quick search.
    pub search: Option<String>,
    /// Sort, as the rows listing takes it (`col,-col2`).
    pub order_by: Option<String>,
    /// Columns shown, in order (null: the table's default columns).
    pub columns: Option<Vec<String>>,
    /// Visible to every user who can see the table.
    pub shared: bool,
    /// The owner's username.
    pub owner: String,
    /// Whether the signed-in user owns it (only the owner changes it).
    pub mine: bool,
    /// Created, Unix seconds.
    pub created_at: i64,
    /// Last changed, Unix seconds.
    pub updated_at: i64,
}

/// The views of a table: the user's own and those others shared, by name.
#[derive(Serialize, ToSchema)]
pub struct ViewList {
    /// The views.
    pub views: Vec<SavedView>,
}

/// A view to save, or (in a PATCH) the parts to change: absent fields keep their value; an
/// empty `where`/`search`/`order_by`/`columns` clears that part.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewInput {
    /// Name (required when creating), 1 to 190 characters, not only blanks.
    #[schema(min_length = 1, max_length = 190, pattern = r"[^ \t\r\n]")]
    pub name: Option<String>,
    /// Filter in the where language. At most 16 levels of nesting, 2,000 conditions and 10,000 values.
    #[serde(rename = "where")]
    #[schema(value_type = Option<HashMap<String, Value>>)]
    pub filter: Option<Json>,
    /// Quick search.
    pub search: Option<String>,
    /// Sort (`col,-col2`), at most 16 columns.
    pub order_by: Option<String>,
    /// Columns shown, in order.
    pub columns: Option<Vec<String>>,
    /// Share with every user who can see the table.
    pub shared: Option<bool>,
}

/// The schema of a new view: [`ViewInput`] with `name` required (the handler reads a ViewInput
/// and checks the name, so the two say the same).
pub struct NewView;

impl utoipa::PartialSchema for NewView {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
        let mut schema = <ViewInput as utoipa::PartialSchema>::schema();
        if let utoipa::openapi::RefOr::T(Schema::Object(object)) = &mut schema {
            object.required.push("name".into());
            let name = ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some("Name, 1 to 190 characters, not only blanks."))
                .min_length(Some(1))
                .max_length(Some(190))
                .pattern(Some(r"[^ \t\r\n]"));
            object.properties.insert("name".into(), name.into());
        }
        schema
    }
}

impl ToSchema for NewView {
    fn name() -> std::borrow::Cow<'static, str> {
        "NewView".into()
    }
}

/// What is stored in `definition`.
#[derive(Serialize, Deserialize, Default)]
struct Definition {
    #[serde(rename = "where")]
    filter: Option<Json>,
    search: Option<String>,
    order_by: Option<String>,
    columns: Option<Vec<String>>,
}

#[derive(Clone, Deserialize)]
struct Row {
    id: i64,
    user_id: i64,
    table_name: String,
    name: String,
    definition: String,
    shared: i64,
    owner: String,
    created_at: i64,
    updated_at: i64,
}

const TABLE: &str = "rubbie_saved_views";
const FIELDS: [Field<'static>; 9] = [
    ("id", TABLE, "id"),
    ("user_id", TABLE, "user_id"),
    ("table_name", TABLE, "table_name"),
    ("name", TABLE, "name"),
    ("definition", TABLE, "definition"),
    ("shared", TABLE, "shared"),
    ("owner", "rubbie_users", "username"),
    ("created_at", TABLE, "created_at"),
    ("updated_at", TABLE, "updated_at"),
];

impl Row {
    fn into_document(self) -> DocumentView {
        let d: Definition = serde_json::from_str(&self.definition).unwrap_or_default();
        DocumentView {
            table: self.table_name,
            owner: self.owner,
            name: self.name,
            shared: self.shared != 0,
            filter: d.filter,
            search: d.search,
            order_by: d.order_by,
            columns: d.columns,
        }
    }

    fn into_view(self, me: i64) -> SavedView {
        let d: Definition = serde_json::from_str(&self.definition).unwrap_or_default();
        SavedView {
            id: self.id,
            table: self.table_name,
            name: self.name,
            filter: d.filter,
            search: d.search,
            order_by: d.order_by,
            columns: d.columns,
            shared: self.shared != 0,
            owner: self.owner,
            mine: self.user_id == me,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The views of `table` that `me` may see (own or shared), optionally only the one with `id`.
async fn visible(state: &AppState, me: i64, table: &str, id: Option<i64>) -> Result<Vec<Row>> {
    let mut query = Query::select()
        .from(TABLE)
        .inner_join("rubbie_users", Expr::col(("rubbie_users", "id")).equals((TABLE, "user_id")))
        .and_where(Expr::col((TABLE, "table_name")).eq(table))
        .cond_where(Cond::any().add(Expr::col((TABLE, "user_id")).eq(me)).add(Expr::col((TABLE, "shared")).eq(1)))
        .order_by((TABLE, "name"), Order::Asc)
        .order_by((TABLE, "id"), Order::Asc)
        .to_owned();
    if let Some(id) = id {
        query.and_where(Expr::col((TABLE, "id")).eq(id));
    }
    fetch_all(state.db(), &FIELDS, query).await
}

async fn one(state: &AppState, me: i64, table: &str, id: i64) -> Result<Row> {
    visible(state, me, table, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound(format!("no view {id} of {table}")))
}

/// Empty text and lists mean "not set".
fn normalised(mut d: Definition) -> Definition {
    d.filter = d.filter.filter(|f| f.as_object().is_none_or(|o| !o.is_empty()) && !f.is_null());
    d.search = d.search.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    d.order_by = d.order_by.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    d.columns = d.columns.filter(|c| !c.is_empty());
    d
}

/// Checks the name and that the definition reads the table the way the user may.
async fn checked(
    state: &AppState,
    access: &crate::permissions::Access,
    table: &crate::db::schema::Table,
    name: &str,
    d: &Definition,
) -> Result<()> {
    if crate::text::name(name, 190).is_none() {
        return Err(Error::field("name", "must be 1 to 190 characters"));
    }
    let request = ReadRequest {
        filter: d.filter.clone(),
        search: d.search.clone(),
        order: order::parse(table, d.order_by.as_deref())?,
        columns: d.columns.clone(),
    };
    read::check_view(state.db().backend(), &state.schema(), table, &request, access)
}

/// Refuses a name the user already gave another view of this table.
async fn name_free(state: &AppState, me: i64, table: &str, name: &str, except: Option<i64>) -> Result<()> {
    let mut query = Query::select()
        .column("id")
        .from(TABLE)
        .and_where(Expr::col("user_id").eq(me))
        .and_where(Expr::col("table_name").eq(table))
        .and_where(Expr::col("name").eq(name))
        .to_owned();
    if let Some(id) = except {
        query.and_where(Expr::col("id").ne(id));
    }
    if state.db().pooled().fetch_integers(&query).await?.is_empty() {
        return Ok(());
    }
    let mut fields = FieldErrors::new();
    fields.insert("name".into(), vec!["you already have a view with this name".into()]);
    Err(Error::Conflict { message: format!("name: you already have a view named {name:?}"), fields })
}

fn definition_text(d: &Definition) -> Result<String> {
    serde_json::to_string(d).map_err(Error::internal)
}

/// The table's views the user may use: their own and the shared ones.
#[utoipa::path(get, path = "/api/v1/tables/{table}/views", tag = "views",
    params(("table" = String, Path, description = "table name")),
    responses((status = 200, body = ViewList), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn list_views(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    RequestAccess(access): RequestAccess,
    Path(table): Path<String>,
) -> Result<JsonBody<ViewList>> {
    let table = state.table_for(&table, &access).await?;
    let rows = visible(&state, me.id, &table.name, None).await?;
    Ok(JsonBody(ViewList { views: rows.into_iter().map(|r| r.into_view(me.id)).collect() }))
}

/// One view (own or shared).
#[utoipa::path(get, path = "/api/v1/tables/{table}/views/{id}", tag = "views",
    params(("table" = String, Path, description = "table name"), ("id" = i64, Path, description = "view id")),
    responses((status = 200, body = SavedView), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn get_view(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    RequestAccess(access): RequestAccess,
    Path((table, id)): Path<(String, i64)>,
) -> Result<JsonBody<SavedView>> {
    let table = state.table_for(&table, &access).await?;
    Ok(JsonBody(one(&state, me.id, &table.name, id).await?.into_view(me.id)))
}

/// Saves a view of the table for the signed-in user.
#[utoipa::path(post, path = "/api/v1/tables/{table}/views", tag = "views", request_body = NewView,
    params(("table" = String, Path, description = "table name")),
    responses((status = 201, body = SavedView), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn create_view(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    RequestAccess(access): RequestAccess,
    actor: Actor,
    Path(table): Path<String>,
    JsonBody(input): JsonBody<ViewInput>,
) -> Result<(StatusCode, JsonBody<SavedView>)> {
    let table = state.table_for(&table, &access).await?;
    let name = input.name.as_deref().unwrap_or_default().trim().to_owned();
    let d = normalised(Definition {
        filter: input.filter,
        search: input.search,
        order_by: input.order_by,
        columns: input.columns,
    });
    checked(&state, &access, &table, &name, &d).await?;
    name_free(&state, me.id, &table.name, &name, None).await?;
    let t = now();
    let insert = Query::insert()
        .into_table(TABLE)
        .columns(["user_id", "table_name", "name", "definition", "shared", "created_at", "updated_at"])
        .values_panic([
            me.id.into(),
            table.name.clone().into(),
            name.clone().into(),
            definition_text(&d)?.into(),
            i64::from(input.shared.unwrap_or(false)).into(),
            t.into(),
            t.into(),
        ])
        .to_owned();
    let mut tx = state.db().begin().await?;
    tx.execute(&insert).await?;
    let id_query = Query::select()
        .column("id")
        .from(TABLE)
        .and_where(Expr::col("user_id").eq(me.id))
        .and_where(Expr::col("table_name").eq(table.name.clone()))
        .and_where(Expr::col("name").eq(name.clone()))
        .to_owned();
    let id = tx.fetch_integers(&id_query).await?.first().copied();
    let id = id.ok_or_else(|| Error::internal("saved view vanished"))?;
    let image = view_image(&name, input.shared.unwrap_or(false), &d);
    let entry = view_entry("create", format!("Saved view {name:?} of {}", table.name), &table.name, id).after(image);
    audit::record(&mut tx, &actor, vec![entry]).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, JsonBody(one(&state, me.id, &table.name, id).await?.into_view(me.id))))
}

/// Changes a view (its owner only).
#[utoipa::path(patch, path = "/api/v1/tables/{table}/views/{id}", tag = "views", request_body = ViewInput,
    params(("table" = String, Path, description = "table name"), ("id" = i64, Path, description = "view id")),
    responses((status = 200, body = SavedView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn update_view(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    RequestAccess(access): RequestAccess,
    actor: Actor,
    Path((table, id)): Path<(String, i64)>,
    JsonBody(input): JsonBody<ViewInput>,
) -> Result<JsonBody<SavedView>> {
    let table = state.table_for(&table, &access).await?;
    let current = one(&state, me.id, &table.name, id).await?;
    if current.user_id != me.id {
        return Err(Error::Forbidden(format!("view {id} belongs to {}: only its owner can change it", current.owner)));
    }
    let old: Definition = serde_json::from_str(&current.definition).unwrap_or_default();
    let before = view_image(&current.name, current.shared != 0, &old);
    let name = input.name.map(|n| n.trim().to_owned()).unwrap_or(current.name);
    let d = normalised(Definition {
        filter: input.filter.or(old.filter),
        search: input.search.or(old.search),
        order_by: input.order_by.or(old.order_by),
        columns: input.columns.or(old.columns),
    });
    checked(&state, &access, &table, &name, &d).await?;
    name_free(&state, me.id, &table.name, &name, Some(id)).await?;
    let shared = input.shared.unwrap_or(current.shared != 0);
    let update = Query::update()
        .table(TABLE)
        .values([
            ("name", name.clone().into()),
            ("definition", definition_text(&d)?.into()),
            ("shared", i64::from(shared).into()),
            ("updated_at", now().into()),
        ])
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    let entry = view_entry("update", format!("Changed view {name:?} of {}", table.name), &table.name, id)
        .before(before)
        .after(view_image(&name, shared, &d));
    let mut tx = state.db().begin().await?;
    tx.execute(&update).await?;
    audit::record(&mut tx, &actor, vec![entry]).await?;
    tx.commit().await?;
    Ok(JsonBody(one(&state, me.id, &table.name, id).await?.into_view(me.id)))
}

/// Deletes a view (its owner, or an admin for a shared one).
#[utoipa::path(delete, path = "/api/v1/tables/{table}/views/{id}", tag = "views",
    params(("table" = String, Path, description = "table name"), ("id" = i64, Path, description = "view id")),
    responses((status = 204, description = "deleted"), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn delete_view(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    RequestAccess(access): RequestAccess,
    actor: Actor,
    Path((table, id)): Path<(String, i64)>,
) -> Result<StatusCode> {
    let table = state.table_for(&table, &access).await?;
    let current = one(&state, me.id, &table.name, id).await?;
    if current.user_id != me.id && me.role != "admin" {
        return Err(Error::Forbidden(format!("view {id} belongs to {}: only its owner can delete it", current.owner)));
    }
    let old: Definition = serde_json::from_str(&current.definition).unwrap_or_default();
    let entry = view_entry("delete", format!("Deleted view {:?} of {}", current.name, table.name), &table.name, id)
        .before(view_image(&current.name, current.shared != 0, &old));
    let mut tx = state.db().begin().await?;
    tx.execute(&Query::delete().from_table(TABLE).and_where(Expr::col("id").eq(id)).to_owned()).await?;
    audit::record(&mut tx, &actor, vec![entry]).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A view as its audit entries show it.
fn view_image(name: &str, shared: bool, d: &Definition) -> serde_json::Value {
    serde_json::json!({"name": name, "shared": shared, "definition": d})
}

fn view_entry(action: &'static str, summary: String, table: &str, id: i64) -> Entry {
    Entry::new(Category::View, action, summary).table(table).object(format!("view {id}"))
}

/// Every saved view, for the metadata document.
pub(crate) async fn all(db: &Database) -> Result<Vec<DocumentView>> {
    let rows: Vec<Row> = fetch_all(db, &FIELDS, with_owner()).await?;
    Ok(rows.into_iter().map(Row::into_document).collect())
}

/// Makes the saved views exactly `views` (a metadata apply), inside `tx`: a view whose table,
/// owner and name match keeps its id, so links to it still open it. Every owner must exist.
pub(crate) async fn replace_all(tx: &mut Tx, views: &[DocumentView]) -> Result<()> {
    let ids = crate::auth::users::ids_in(tx).await?;
    let backend = tx.backend();
    let current: Vec<Row> = fetch_all_in(tx, backend, &FIELDS, with_owner()).await?;
    let mut stale: std::collections::HashMap<_, _> =
        current.into_iter().map(|r| ((r.table_name.clone(), r.owner.clone(), r.name.clone()), r)).collect();
    let t = now();
    for view in views {
        let user = *ids.get(&view.owner).ok_or_else(|| Error::conflict(format!("no user named {:?}", view.owner)))?;
        let d = normalised(Definition {
            filter: view.filter.clone(),
            search: view.search.clone(),
            order_by: view.order_by.clone(),
            columns: view.columns.clone(),
        });
        let values = [("definition", definition_text(&d)?.into()), ("shared", i64::from(view.shared).into())];
        match stale.remove(&view.key()) {
            Some(row) if row.clone().into_document() == *view => {}
            Some(row) => {
                let update = Query::update()
                    .table(TABLE)
                    .values(values.into_iter().chain([("updated_at", t.into())]))
                    .and_where(Expr::col("id").eq(row.id))
                    .to_owned();
                tx.execute(&update).await?;
            }
            None => {
                let insert = Query::insert()
                    .into_table(TABLE)
                    .columns(["user_id", "table_name", "name", "definition", "shared", "created_at", "updated_at"])
                    .values_panic([
                        user.into(),
                        view.table.as_str().into(),
                        view.name.as_str().into(),
                        values[0].1.clone(),
                        values[1].1.clone(),
                        t.into(),
                        t.into(),
                    ])
                    .to_owned();
                tx.execute(&insert).await?;
            }
        }
    }
    let gone: Vec<i64> = stale.into_values().map(|r| r.id).collect();
    for chunk in gone.chunks(500) {
        tx.execute(&Query::delete().from_table(TABLE).and_where(Expr::col("id").is_in(chunk.to_vec())).to_owned())
            .await?;
    }
    Ok(())
}

/// Every view with its owner's name.
fn with_owner() -> sea_query::SelectStatement {
    Query::select()
        .from(TABLE)
        .inner_join("rubbie_users", Expr::col(("rubbie_users", "id")).equals((TABLE, "user_id")))
        .to_owned()
}
