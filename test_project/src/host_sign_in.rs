//! A demo of a host that signs its own users in (`RUBBIE_DEMO_HOST_AUTH_SECRET`): a sign-in page
//! of the shop's own that sets a signed cookie, and the `Config::authenticate` hook that lets the
//! person it names into the console. It trusts whatever name and role are typed in: it shows the
//! wiring, it is not a login system. A real host checks its users here (a JWT, its session store).

use axum::Router;
use axum::extract::{Form, Query};
use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

const COOKIE_NAME: &str = "demo_session";
const LIFETIME_SECS: u64 = 8 * 3600;
pub const SIGN_IN_PATH: &str = "/demo/sign-in";
pub const SIGN_OUT_PATH: &str = "/demo/sign-out";

/// The key the demo's cookies are signed with.
#[derive(Clone)]
pub struct DemoAuth {
    key: std::sync::Arc<[u8]>,
}

impl DemoAuth {
    /// From `RUBBIE_DEMO_HOST_AUTH_SECRET`, if set; at least 16 characters.
    pub fn from_env() -> Result<Option<Self>, String> {
        match std::env::var("RUBBIE_DEMO_HOST_AUTH_SECRET") {
            Ok(secret) if secret.chars().count() >= 16 => Ok(Some(DemoAuth { key: secret.into_bytes().into() })),
            Ok(_) => Err("RUBBIE_DEMO_HOST_AUTH_SECRET: use at least 16 characters".into()),
            Err(_) => Ok(None),
        }
    }

    /// The demo's sign-in and sign-out pages.
    pub fn router(&self) -> Router {
        let (sign_in, sign_out) = (self.clone(), self.clone());
        Router::new()
            .route(SIGN_IN_PATH, get(page).post(move |form| sign_in.sign_in(form)))
            .route(SIGN_OUT_PATH, post(move || sign_out.sign_out()))
    }

    /// rubbie's hook: the user and role of a valid demo cookie. The cookie is sent by the browser
    /// by itself, so the identity is not `explicit`: rubbie asks for its CSRF token.
    pub fn hook(&self) -> impl Fn(Parts) -> std::future::Ready<Option<rubbie::Identity>> + Send + Sync + 'static {
        let auth = self.clone();
        move |parts: Parts| {
            let identity = auth.cookie(&parts.headers).and_then(|value| {
                let (username, role) = auth.verify(&value)?;
                Some(rubbie::Identity::new(username, role).session(value))
            });
            std::future::ready(identity)
        }
    }

    async fn sign_in(self, Form(form): Form<SignInForm>) -> Response {
        let (username, role) = (form.username.trim(), form.role.trim());
        if username.is_empty() || role.is_empty() || username.contains('.') || role.contains('.') {
            return (StatusCode::BAD_REQUEST, "a user name and a role, without dots").into_response();
        }
        let expires = now() + LIFETIME_SECS;
        let payload = format!("{}.{}.{expires}", hex::encode(username), hex::encode(role));
        let value = format!("{payload}.{}", self.mac(&payload));
        let cookie = format!("{COOKIE_NAME}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={LIFETIME_SECS}");
        redirect(safe_next(form.next.as_deref()), cookie)
    }

    async fn sign_out(self) -> Response {
        redirect(SIGN_IN_PATH, format!("{COOKIE_NAME}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"))
    }

    fn cookie(&self, headers: &HeaderMap) -> Option<String> {
        headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE_NAME).then(|| value.to_owned())
        })
    }

    /// `(user name, role)` of an unexpired cookie this demo signed.
    fn verify(&self, value: &str) -> Option<(String, String)> {
        let (payload, mac) = value.rsplit_once('.')?;
        let mut check = Hmac::<Sha256>::new_from_slice(&self.key).ok()?;
        check.update(payload.as_bytes());
        check.verify_slice(&hex::decode(mac).ok()?).ok()?;
        let mut fields = payload.split('.');
        let username = String::from_utf8(hex::decode(fields.next()?).ok()?).ok()?;
        let role = String::from_utf8(hex::decode(fields.next()?).ok()?).ok()?;
        let expires: u64 = fields.next()?.parse().ok()?;
        (expires > now()).then_some((username, role))
    }

    fn mac(&self, payload: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(payload.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[derive(Deserialize)]
struct SignInForm {
    username: String,
    role: String,
    next: Option<String>,
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

async fn page(Query(query): Query<Next>) -> Html<String> {
    let next = escape(safe_next(query.next.as_deref()));
    Html(format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop sign-in (demo)</title>
<style>body{{font:16px system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}}
label{{display:block;margin:.8rem 0}}input{{display:block;width:100%;padding:.4rem;font:inherit}}
button{{padding:.5rem 1rem;font:inherit}}</style></head>
<body><main>
<h1>Shop sign-in</h1>
<p>The demo shop's own sign-in. It trusts the name and role you type: it shows how a host signs
its users into rubbie (<code>Config::authenticate</code>), not how to check them.</p>
<form method="post" action="{SIGN_IN_PATH}">
<input type="hidden" name="next" value="{next}">
<label>User name <input name="username" required autocomplete="username"></label>
<label>rubbie role <input name="role" required value="admin"></label>
<button type="submit">Sign in to the shop</button>
</form></main></body></html>"#
    ))
}

/// Only a path on this server: an absolute URL or `//host` would make the page an open redirect.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path,
        _ => "/admin/",
    }
}

fn redirect(to: &str, cookie: String) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_owned()), (SET_COOKIE, cookie)]).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}
