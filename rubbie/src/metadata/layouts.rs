//! ER diagram layouts, one per user, in `rubbie_diagram_layouts`: where each table's node sits
//! and the last viewport. A user's own view preference, like the explorer's history: saved as
//! nodes are dragged, so not audited and not counted in the metadata document's version.

use std::collections::BTreeMap;

use sea_query::{Expr, ExprTrait, OnConflict, Query};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::Database;
use crate::db::exec::{Executor, Tx};
use crate::db::internal::{Field, fetch_all};
use crate::error::{Error, Result};

const TABLE: &str = "rubbie_diagram_layouts";
/// Most tables a layout places.
pub(crate) const MAX_POSITIONS: usize = 5_000;
/// How far from the origin a node or the viewport may be.
const MAX_COORDINATE: f64 = 10_000_000.0;

/// A user's diagram: table positions and the viewport.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiagramLayout {
    /// Where each table's node sits (its top-left corner), by table name; tables left out are
    /// placed by the automatic layout. At most 5,000.
    #[serde(default, deserialize_with = "crate::http::objects::map")]
    pub positions: BTreeMap<String, Position>,
    /// The last pan and zoom.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::http::objects::opt_object")]
    pub viewport: Option<Viewport>,
}

/// A point on the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// Within ±10,000,000.
    #[schema(minimum = -10000000.0, maximum = 10000000.0)]
    pub x: f64,
    /// Within ±10,000,000.
    #[schema(minimum = -10000000.0, maximum = 10000000.0)]
    pub y: f64,
}

/// Pan and zoom.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Viewport {
    /// Within ±10,000,000.
    #[schema(minimum = -10000000.0, maximum = 10000000.0)]
    pub x: f64,
    /// Within ±10,000,000.
    #[schema(minimum = -10000000.0, maximum = 10000000.0)]
    pub y: f64,
    /// 0.01 to 10.
    #[schema(minimum = 0.01, maximum = 10.0)]
    pub zoom: f64,
}

impl DiagramLayout {
    /// Every size and number in range (422 otherwise).
    pub(crate) fn checked(self) -> Result<Self> {
        if self.positions.len() > MAX_POSITIONS {
            return Err(Error::field("positions", format!("at most {MAX_POSITIONS} tables")));
        }
        let far = |v: f64| !(-MAX_COORDINATE..=MAX_COORDINATE).contains(&v);
        for (name, p) in &self.positions {
            if far(p.x) || far(p.y) {
                return Err(Error::field("positions", format!("{name}: coordinates within ±{MAX_COORDINATE}")));
            }
        }
        if let Some(v) = self.viewport
            && (far(v.x) || far(v.y) || !(0.01..=10.0).contains(&v.zoom))
        {
            return Err(Error::field("viewport", "x and y within ±10,000,000, zoom 0.01 to 10"));
        }
        Ok(self)
    }
}

#[derive(Deserialize)]
struct Row {
    username: String,
    layout: String,
}

const FIELDS: [Field<'static>; 2] = [("username", "rubbie_users", "username"), ("layout", TABLE, "layout")];

fn with_owner() -> sea_query::SelectStatement {
    Query::select()
        .from(TABLE)
        .inner_join("rubbie_users", Expr::col(("rubbie_users", "id")).equals((TABLE, "user_id")))
        .to_owned()
}

fn decode(rows: Vec<Row>) -> BTreeMap<String, DiagramLayout> {
    // A row edited by hand into something unreadable is a fresh layout, not an error.
    rows.into_iter().map(|r| (r.username, serde_json::from_str(&r.layout).unwrap_or_default())).collect()
}

/// The user's layout (empty when they never saved one).
pub(crate) async fn of(db: &Database, user_id: i64) -> Result<DiagramLayout> {
    let query = with_owner().and_where(Expr::col((TABLE, "user_id")).eq(user_id)).to_owned();
    let rows: Vec<Row> = fetch_all(db, &FIELDS, query).await?;
    Ok(decode(rows).into_values().next().unwrap_or_default())
}

/// Saves the user's layout over the one before.
pub(crate) async fn save(db: &Database, user_id: i64, layout: &DiagramLayout) -> Result<()> {
    let text = serde_json::to_string(layout).map_err(Error::internal)?;
    let upsert = Query::insert()
        .into_table(TABLE)
        .columns(["user_id", "layout", "updated_at"])
        .values_panic([user_id.into(), text.into(), crate::auth::now().into()])
        .on_conflict(OnConflict::column("user_id").update_columns(["layout", "updated_at"]).to_owned())
        .to_owned();
    db.pooled().execute(&upsert).await?;
    Ok(())
}

/// Every user's layout by username, for the metadata document.
pub(crate) async fn all(db: &Database) -> Result<BTreeMap<String, DiagramLayout>> {
    Ok(decode(fetch_all(db, &FIELDS, with_owner()).await?))
}

/// Makes the layouts exactly `layouts` (a metadata apply), inside `tx`; owners that have no
/// account here are skipped (the apply reports them).
pub(crate) async fn replace_all(tx: &mut Tx, layouts: &BTreeMap<String, DiagramLayout>) -> Result<()> {
    tx.execute(&Query::delete().from_table(TABLE).to_owned()).await?;
    let ids = crate::auth::users::ids_in(tx).await?;
    let now = crate::auth::now();
    for (username, layout) in layouts {
        let Some(&id) = ids.get(username) else { continue };
        let text = serde_json::to_string(layout).map_err(Error::internal)?;
        let insert = Query::insert()
            .into_table(TABLE)
            .columns(["user_id", "layout", "updated_at"])
            .values_panic([id.into(), text.into(), now.into()])
            .to_owned();
        tx.execute(&insert).await?;
    }
    Ok(())
}
