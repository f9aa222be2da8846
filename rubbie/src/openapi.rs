//! The OpenAPI 3.1 document of rubbie's API (utoipa), with the host's document merged in.

use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder, Server};

use crate::http::{
    audit, auth, explorer, export, flags, health, import, metadata, metadata_document, migrations, overview,
    permissions, rows, schema, schema_changes, settings, sql, tables, users, views,
};

/// rubbie's own API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "rubbie", description = "Admin console API: tables and rows, auth, feature flags, settings, API explorer, audit log, migrations, SQL runner, metadata document."),
    paths(
        health::health,
        auth::login, auth::sign_in_options, auth::logout, auth::me, auth::list_tokens, auth::create_token, auth::revoke_token, auth::change_password, auth::list_sessions, auth::sign_out_others, auth::revoke_session,
        tables::list_tables, tables::table_schema, tables::track_table, tables::untrack_table, tables::track_all,
        metadata::get_metadata, metadata::update_metadata, schema::schema, schema::get_layout, schema::put_layout,
        schema_changes::preview_changes, schema_changes::apply_changes,
        metadata_document::export, metadata_document::diff, metadata_document::apply,
        metadata_document::inconsistencies, metadata_document::drop_inconsistencies,
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
        audit::list_entries, audit::get_entry, audit::export_entries, audit::verify_chain, audit::revert_entry,
        overview::overview,
        migrations::list_migrations, migrations::save_migration, migrations::get_migration, migrations::plan_run, migrations::start_run,
        migrations::list_runs, migrations::get_run, migrations::run_events,
        sql::run_sql, sql::cancel_run, sql::list_sql_history,
        sql::list_snippets, sql::create_snippet, sql::update_snippet, sql::delete_snippet,
    ),
    components(schemas(crate::error::ErrorBody, crate::metadata::ColumnChange)),
    tags(
        (name = "health", description = "Liveness"),
        (name = "auth", description = "Sign-in, sessions and API tokens"),
        (name = "tables", description = "Tables and their schema"),
        (name = "rows", description = "Browse and edit rows"),
        (name = "metadata", description = "The metadata document: tracking, table and column metadata, roles, permissions and saved views as one JSON document; diff, apply, inconsistencies"),
        (name = "views", description = "Saved views of a table, per user, optionally shared"),
        (name = "explorer", description = "The API explorer's history and saved requests"),
        (name = "flags", description = "Feature flags"),
        (name = "settings", description = "Server information and configuration"),
        (name = "users", description = "rubbie's users"),
        (name = "permissions", description = "Roles and row/column permissions"),
        (name = "audit", description = "The audit log of every change made through rubbie, its chain check and revert; the home overview"),
        (name = "migrations", description = "The host's sqlx migrations: status, SQL, apply and roll back runs with their live output"),
        (name = "sql", description = "The SQL runner: one statement per run, read-only unless asked, time-limited, cancellable; history and snippets"),
    )
)]
pub struct ApiDoc;

/// The document served at `/api/openapi.json`: rubbie's paths plus the host's, if given.
/// rubbie's paths are relative to its mount point; the host's keep the host's root as their
/// server, so Swagger UI calls both correctly.
pub fn document(host: Option<&utoipa::openapi::OpenApi>) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    add_common_responses(&mut doc);
    close_tagged_variants(&mut doc);
    if let Some(host) = host {
        let mut host = host.clone();
        for item in host.paths.paths.values_mut() {
            item.servers.get_or_insert_with(|| vec![Server::new("/")]);
        }
        doc.merge(host);
    }
    doc
}

/// Statuses the layers around every handler can answer, added where an operation does not list
/// them: 503 when the database is away (every operation reads it), 401 and the CSRF 403 from the
/// sign-in guard, 400 from the extractors for malformed parameters or bodies, 413 and 422 for
/// bodies, 404 where the path names a table, row, role or other object.
fn add_common_responses(doc: &mut utoipa::openapi::OpenApi) {
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content("application/json", Content::new(Some(Ref::from_schema_name("ErrorBody"))))
                .build(),
        )
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let public = matches!(path.as_str(), "/api/v1/health" | "/api/v1/auth/login" | "/api/v1/auth/options");
        for (unsafe_method, op) in operations(item) {
            let has_input = op.request_body.is_some() || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let responses = &mut op.responses.responses;
            let mut add = |status: &str, description: &str| {
                responses.entry(status.to_owned()).or_insert_with(|| error(description));
            };
            if path != "/api/v1/health" {
                add("503", "The database is unreachable (code `unavailable`); retry later");
            }
            if has_input {
                add("400", "Malformed parameters or body");
            }
            if op.request_body.is_some() {
                add("413", "The body is larger than the limit (code `too_large`)");
                add("422", "A field of the body is invalid (code `validation`, details in `fields`)");
            }
            if path.contains('{') {
                add("404", "What the path names does not exist (or is not visible to you)");
            }
            if !public {
                add("401", "Not signed in");
                if unsafe_method {
                    add("403", "Missing or invalid X-CSRF-Token (cookie sessions), or not allowed");
                }
            }
        }
    }
}

/// utoipa states `deny_unknown_fields` for structs (`additionalProperties: false`) but not for
/// the variants of an internally tagged enum; the server refuses unknown fields there too.
fn close_tagged_variants(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{AdditionalProperties, Schema};
    let Some(components) = doc.components.as_mut() else { return };
    if let Some(RefOr::T(Schema::OneOf(one))) = components.schemas.get_mut("SchemaChange") {
        for item in one.items.iter_mut() {
            if let RefOr::T(Schema::Object(object)) = item {
                object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
        }
    }
}

/// The operations of a path, each with whether its method is unsafe (needs the CSRF header).
fn operations(item: &mut PathItem) -> impl Iterator<Item = (bool, &mut Operation)> {
    [
        (false, item.get.as_mut()),
        (true, item.post.as_mut()),
        (true, item.put.as_mut()),
        (true, item.patch.as_mut()),
        (true, item.delete.as_mut()),
    ]
    .into_iter()
    .filter_map(|(unsafe_method, op)| op.map(|op| (unsafe_method, op)))
}
