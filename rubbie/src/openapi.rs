//! The OpenAPI 3.1 document of rubbie's API (utoipa), with the host's document merged in.

use utoipa::OpenApi;
use utoipa::openapi::Server;

use crate::http::{auth, explorer, export, flags, health, import, permissions, rows, settings, tables, users, views};

/// rubbie's own API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "rubbie", description = "Admin console API: tables and rows, auth, feature flags, settings, API explorer."),
    paths(
        health::health,
        auth::login, auth::logout, auth::me, auth::list_tokens, auth::create_token, auth::revoke_token,
        tables::list_tables, tables::table_schema, tables::track_table, tables::untrack_table,
        rows::list_rows, rows::get_row, rows::insert_row, rows::update_row, rows::delete_row, rows::bulk_rows, export::export_rows, import::import_rows,
        views::list_views, views::get_view, views::create_view, views::update_view, views::delete_view,
        explorer::list_history, explorer::add_history, explorer::clear_history,
        explorer::list_saved, explorer::save_request, explorer::update_saved, explorer::delete_saved,
        flags::list_flags, flags::create_flag, flags::update_flag, flags::delete_flag,
        settings::server, settings::config,
        users::list_users, users::create_user, users::update_user, users::delete_user,
        permissions::list_roles, permissions::create_role, permissions::update_role, permissions::delete_role,
        permissions::list_permissions, permissions::set_permission, permissions::delete_permission,
        permissions::export_permissions, permissions::import_permissions, permissions::preview,
    ),
    components(schemas(crate::error::ErrorBody)),
    tags(
        (name = "health", description = "Liveness"),
        (name = "auth", description = "Sign-in, sessions and API tokens"),
        (name = "tables", description = "Tables and their schema"),
        (name = "rows", description = "Browse and edit rows"),
        (name = "views", description = "Saved views of a table, per user, optionally shared"),
        (name = "explorer", description = "The API explorer's history and saved requests"),
        (name = "flags", description = "Feature flags"),
        (name = "settings", description = "Server information and configuration"),
        (name = "users", description = "rubbie's users"),
        (name = "permissions", description = "Roles and row/column permissions"),
    )
)]
pub struct ApiDoc;

/// The document served at `/api/openapi.json`: rubbie's paths plus the host's, if given.
/// rubbie's paths are relative to its mount point; the host's keep the host's root as their
/// server, so Swagger UI calls both correctly.
pub fn document(host: Option<&utoipa::openapi::OpenApi>) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    if let Some(host) = host {
        let mut host = host.clone();
        for item in host.paths.paths.values_mut() {
            item.servers.get_or_insert_with(|| vec![Server::new("/")]);
        }
        doc.merge(host);
    }
    doc
}
