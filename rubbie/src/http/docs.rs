//! `GET /api/openapi.json` and Swagger UI at `/api/docs/`, both working under any mount prefix
//! (Swagger UI loads the document by a relative URL).

use std::sync::Arc;

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use utoipa::openapi::{OpenApi, Server};
use utoipa_swagger_ui::Config as SwaggerConfig;

use super::extract::MountPrefix;
use crate::state::AppState;

pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let spec = Arc::new(crate::openapi::document(state.config.host_openapi.as_ref()));
    let swagger = Arc::new(SwaggerConfig::from("../openapi.json"));
    let tail = swagger.clone();
    Router::new()
        .route("/api/openapi.json", get(move |prefix: MountPrefix| openapi_json(spec.clone(), prefix)))
        .route("/api/docs", get(|| async { Redirect::permanent("docs/") }))
        .route("/api/docs/", get(move || serve(String::new(), swagger.clone())))
        .route("/api/docs/{*rest}", get(move |Path(rest): Path<String>| serve(rest, tail.clone())))
}

/// The document with `servers` set to the prefix this request came through, so "Try it out"
/// calls rubbie's endpoints wherever it is mounted.
async fn openapi_json(spec: Arc<OpenApi>, MountPrefix(prefix): MountPrefix) -> axum::Json<OpenApi> {
    let mut doc = spec.as_ref().clone();
    let server = if prefix.is_empty() { "/".to_owned() } else { prefix };
    doc.servers = Some(vec![Server::new(server)]);
    axum::Json(doc)
}

async fn serve(path: String, config: Arc<SwaggerConfig<'static>>) -> Response {
    match utoipa_swagger_ui::serve(&path, config) {
        Ok(Some(file)) => {
            let mut response = ([(header::CONTENT_TYPE, file.content_type)], file.bytes.into_owned()).into_response();
            if file.gzpipped {
                response.headers_mut().insert(header::CONTENT_ENCODING, header::HeaderValue::from_static("gzip"));
            }
            response
        }
        Ok(None) => crate::error::Error::NotFound("no such Swagger UI file".into()).into_response(),
        Err(err) => {
            tracing::error!(%err, "swagger ui");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
