//! The home page's overview: the tables with their sizes, the latest changes, activity per day,
//! and (for admins) users, roles and where the host's migrations stand. Events add theirs when
//! they land.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::{Json, RequestAccess};
use super::tables::{TableSummary, summary};
use crate::audit::read::{self, AuditEntry, Filter};
use crate::audit::{Category, visibility};
use crate::db::introspect;
use crate::error::Result;
use crate::permissions::Access;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/overview", get(overview))
}

/// Latest changes shown.
const RECENT: u64 = 10;
/// Days of activity charted.
const DAYS: i64 = 14;

/// Changes on one day.
#[derive(Serialize, ToSchema)]
pub struct DayCount {
    /// The day's start, Unix milliseconds (UTC midnight).
    pub day: i64,
    /// Audit entries that day.
    pub count: i64,
}

/// Users and roles, for admins.
#[derive(Serialize, ToSchema)]
pub struct PeopleSummary {
    /// Users.
    pub users: i64,
    /// Of which active.
    pub active_users: i64,
    /// Roles, admin included.
    pub roles: i64,
}

/// The system at a glance.
#[derive(Serialize, ToSchema)]
pub struct Overview {
    /// The tables the user may see, by name, with row estimates for admins.
    pub tables: Vec<TableSummary>,
    /// Tables an admin has not tracked yet.
    pub untracked: usize,
    /// The latest changes the user may see (sign-ins left out), newest first.
    pub recent: Vec<AuditEntry>,
    /// Changes per UTC day over the last 14 days (sign-ins left out), days without changes left out.
    pub activity: Vec<DayCount>,
    /// Users and roles (admins only).
    pub people: Option<PeopleSummary>,
    /// The host's migrations (admins only; null when the host gave none).
    pub migrations: Option<crate::migrations::MigrationHealth>,
}

/// The home page's overview, in a handful of cheap queries however many tables there are.
#[utoipa::path(get, path = "/api/v1/overview", tag = "audit",
    responses((status = 200, body = Overview), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn overview(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
) -> Result<Json<Overview>> {
    state.refresh_schema().await?;
    let schema = state.schema();
    let admin = matches!(access, Access::Admin);
    let estimates = if admin { introspect::row_estimates(state.db(), None).await? } else { Default::default() };
    let tables = schema.tables.iter().filter_map(|t| access.shape(t)).map(|t| summary(t, &estimates)).collect();
    // Sign-ins would crowd out the changes: the Activity page has them.
    let changes = Filter { except: Some(Category::Session), ..Filter::default() };
    let (recent, _) = visibility::page(state.db(), &schema, &access, changes, RECENT).await?;
    let since = crate::audit::record::now_ms() / 86_400_000 * 86_400_000 - (DAYS - 1) * 86_400_000;
    let readable = visibility::readable_tables(&schema, &access);
    let activity = read::per_day(state.db(), since, readable.as_deref(), Category::Session).await?;
    let people = if admin {
        let users = crate::auth::users::list(state.db()).await?;
        let roles = crate::permissions::store::roles(state.db()).await?.len() as i64;
        Some(PeopleSummary {
            users: users.len() as i64,
            active_users: users.iter().filter(|u| u.active).count() as i64,
            roles,
        })
    } else {
        None
    };
    Ok(Json(Overview {
        tables,
        untracked: if admin { schema.untracked.len() } else { 0 },
        recent,
        activity: activity.into_iter().map(|(day, count)| DayCount { day, count }).collect(),
        people,
        migrations: if admin { crate::migrations::health(&state).await? } else { None },
    }))
}
