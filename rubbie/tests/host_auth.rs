//! Host authentication (`Config::authenticate`): the host's users get in with the role it names,
//! CSRF holds for credentials the browser sends by itself, and rubbie's own sign-in keeps working,
//! on every configured backend.

mod common;

use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use common::{ADMIN, Client, TestDb, app_with, assert_error};
use serde_json::json;

/// A host whose session cookie is `host_session=<user>:<role>:<session id>` (sent by the browser
/// by itself) and whose scripts send `Authorization: Bearer jwt.<user>.<role>` (explicit).
fn config(db: &rubbie::Database) -> rubbie::Config {
    rubbie::Config::new(db.clone()).track_introspected(true).authenticate(|parts: Parts| async move {
        let bearer = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        if let Some(jwt) = bearer.and_then(|v| v.strip_prefix("Bearer jwt.")) {
            let (user, role) = jwt.split_once('.')?;
            return Some(rubbie::Identity::new(user, role).explicit());
        }
        let cookies = parts.headers.get(header::COOKIE)?.to_str().ok()?;
        let session = cookies.split(';').find_map(|c| c.trim().strip_prefix("host_session="))?;
        let mut fields = session.split(':');
        let (user, role, id) = (fields.next()?, fields.next()?, fields.next()?);
        Some(rubbie::Identity::new(user, role).session(id))
    })
}

/// A browser carrying the host's session cookie.
fn host_browser(db: &rubbie::Database, session: &str) -> Client {
    let mut client = Client::new(app_with(config(db)));
    client.cookie = Some(format!("host_session={session}"));
    client
}

/// Its CSRF token, as the SPA reads it.
async fn csrf_of(client: &mut Client) -> String {
    let me = client.get("/admin/api/v1/auth/me").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    me.json["csrf_token"].as_str().expect("a csrf token for a cookie identity").to_owned()
}

async fn admin(db: &rubbie::Database) -> Client {
    rubbie::create_or_update_admin(db, ADMIN.0, ADMIN.1).await.unwrap();
    Client::admin_of(config(db)).await
}

async fn host_user(admin: &mut Client, name: &str) -> serde_json::Value {
    let users = admin.get("/admin/api/v1/users").await;
    users.json["users"].as_array().unwrap().iter().find(|u| u["username"] == name).cloned().unwrap_or_default()
}

#[tokio::test]
async fn the_host_signs_its_user_in_who_gets_a_user_row_that_follows_the_hooks_role() {
    for t in TestDb::all().await {
        let mut admin = admin(&t.db).await;
        let mut alice = host_browser(&t.db, "alice:admin:s1");
        let me = alice.get("/admin/api/v1/auth/me").await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text);
        assert_eq!(me.json["user"]["username"], "alice");
        assert_eq!(me.json["user"]["role"], "admin");
        assert_eq!(me.json["auth"], "host");
        assert!(me.json["csrf_token"].is_string());
        let row = host_user(&mut admin, "alice").await;
        assert_eq!((row["managed_by"].as_str(), row["role"].as_str()), (Some("host"), Some("admin")));

        // A cookie identity needs the CSRF token for what changes anything.
        let role = json!({"name": "viewer"});
        assert_error(
            &alice.send(Method::POST, "/admin/api/v1/roles", Some(role.clone())).await,
            StatusCode::FORBIDDEN,
            "csrf",
        );
        alice.csrf = Some(csrf_of(&mut alice).await);
        let created = alice.send(Method::POST, "/admin/api/v1/roles", Some(role)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);

        // The host now says alice is a viewer: rubbie follows, and logs it.
        let mut viewer = host_browser(&t.db, "alice:viewer:s1");
        assert_eq!(viewer.get("/admin/api/v1/auth/me").await.json["user"]["role"], "viewer");
        assert_error(&viewer.get("/admin/api/v1/users").await, StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(host_user(&mut admin, "alice").await["role"], "viewer");
        let log = admin.get("/admin/api/v1/audit?category=user").await;
        let entries = log.json["entries"].as_array().unwrap();
        let mine: Vec<_> = entries.iter().filter(|e| e["user"] == "alice").collect();
        assert!(mine.iter().all(|e| e["via"] == "host"), "{mine:?}");
        let summaries: Vec<_> = mine.iter().map(|e| e["summary"].as_str().unwrap()).collect();
        assert!(summaries.contains(&"alice first signed in through the host (admin)"), "{summaries:?}");
        assert!(summaries.contains(&"The host signed alice in as viewer (was admin)"), "{summaries:?}");
        let role_entry = admin.get("/admin/api/v1/audit?category=role").await;
        assert_eq!(role_entry.json["entries"][0]["via"], "host", "{}", role_entry.text);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_csrf_token_belongs_to_one_host_session_and_every_instance_accepts_it() {
    for t in TestDb::all().await {
        let _admin = admin(&t.db).await;
        let mut first = host_browser(&t.db, "bob:admin:session-1");
        let token = csrf_of(&mut first).await;
        // Another host session of the same user has another token.
        let mut second = host_browser(&t.db, "bob:admin:session-2");
        assert_ne!(csrf_of(&mut second).await, token);
        second.csrf = Some(token.clone());
        let flag = json!({"name": "host.flag"});
        assert_error(
            &second.send(Method::POST, "/admin/api/v1/flags", Some(flag.clone())).await,
            StatusCode::FORBIDDEN,
            "csrf",
        );
        // A second instance of the host (its own router over the same database) takes the token.
        let mut elsewhere = host_browser(&t.db, "bob:admin:session-1");
        elsewhere.csrf = Some(token);
        let created = elsewhere.send(Method::POST, "/admin/api/v1/flags", Some(flag)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_explicit_credential_needs_no_csrf_token_and_rubbies_own_sign_in_still_works() {
    for t in TestDb::all().await {
        let mut admin = admin(&t.db).await;
        let mut script = Client::new(app_with(config(&t.db)));
        script.bearer = Some("jwt.ci-bot.admin".into());
        let me = script.get("/admin/api/v1/auth/me").await;
        assert_eq!((me.json["auth"].as_str(), &me.json["csrf_token"]), (Some("host"), &serde_json::Value::Null));
        let created = script.send(Method::POST, "/admin/api/v1/flags", Some(json!({"name": "from.ci"}))).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);

        // The hook names no one: rubbie's own session and API tokens answer as before.
        assert_eq!(admin.get("/admin/api/v1/auth/me").await.json["auth"], "session");
        let token = admin.send(Method::POST, "/admin/api/v1/auth/tokens", Some(json!({"name": "t"}))).await;
        let mut tokened = Client::new(app_with(config(&t.db)));
        tokened.bearer = token.json["secret"].as_str().map(str::to_owned);
        assert_eq!(tokened.get("/admin/api/v1/auth/me").await.json["auth"], "token");
        // Without any credential: 401, as always.
        let mut nobody = Client::new(app_with(config(&t.db)));
        assert_error(&nobody.get("/admin/api/v1/auth/me").await, StatusCode::UNAUTHORIZED, "unauthorized");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn who_the_host_names_is_refused_when_rubbie_cannot_take_them() {
    for t in TestDb::all().await {
        let mut admin = admin(&t.db).await;
        // A role rubbie does not have.
        let reply = host_browser(&t.db, "carol:auditor:s").get("/admin/api/v1/auth/me").await;
        assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
        assert!(reply.text.contains("auditor"), "{}", reply.text);
        assert!(host_user(&mut admin, "carol").await.is_null(), "no row for a refused identity");
        // One of rubbie's own password users.
        let reply = host_browser(&t.db, &format!("{}:admin:s", ADMIN.0)).get("/admin/api/v1/auth/me").await;
        assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
        // An empty name and one that is too long.
        for name in ["", &"x".repeat(191)] {
            let reply = host_browser(&t.db, &format!("{name}:admin:s")).get("/admin/api/v1/auth/me").await;
            assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
        }
        // Disabled in rubbie by an admin: locked out whatever the host says (at once on the
        // admin's instance; others forget what they knew within a second).
        let mut dave = Client::new(admin.app.clone());
        dave.cookie = Some("host_session=dave:admin:s".into());
        assert_eq!(dave.get("/admin/api/v1/auth/me").await.status, StatusCode::OK);
        let id = host_user(&mut admin, "dave").await["id"].as_i64().unwrap();
        let off = admin.send(Method::PATCH, &format!("/admin/api/v1/users/{id}"), Some(json!({"active": false}))).await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.text);
        assert_error(&dave.get("/admin/api/v1/auth/me").await, StatusCode::FORBIDDEN, "forbidden");
        // rubbie's own session still gets its user in, whoever the host's cookie names.
        let mut both = Client::new(admin.app.clone());
        both.cookie = Some(format!("{}; host_session=dave:admin:s", admin.cookie.clone().unwrap()));
        assert_eq!(both.get("/admin/api/v1/auth/me").await.json["user"]["username"], ADMIN.0);
        // The host keeps the role and the password.
        for change in [json!({"role": "admin"}), json!({"password": "a new password 1"})] {
            let reply = admin.send(Method::PATCH, &format!("/admin/api/v1/users/{id}"), Some(change)).await;
            assert_error(&reply, StatusCode::CONFLICT, "conflict");
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn what_only_rubbies_own_users_have_is_a_conflict_for_the_hosts() {
    let t = TestDb::sqlite().await;
    let _admin = admin(&t.db).await;
    let mut erin = host_browser(&t.db, "erin:admin:s");
    erin.csrf = Some(csrf_of(&mut erin).await);
    for (path, body) in [
        ("/admin/api/v1/auth/tokens", Some(json!({"name": "mine"}))),
        ("/admin/api/v1/auth/password", Some(json!({"current_password": "x", "new_password": "long enough 123"}))),
        ("/admin/api/v1/auth/logout", None),
    ] {
        assert_error(&erin.send(Method::POST, path, body).await, StatusCode::CONFLICT, "conflict");
    }
    assert_eq!(erin.get("/admin/api/v1/auth/sessions").await.json["sessions"], json!([]));
    t.cleanup().await;
}

#[tokio::test]
async fn two_first_requests_at_once_make_one_user() {
    for t in TestDb::all().await {
        let mut admin = admin(&t.db).await;
        let mut clients: Vec<Client> = (0..6).map(|_| host_browser(&t.db, "frank:admin:s")).collect();
        let replies = futures_util::future::join_all(clients.iter_mut().map(|c| c.get("/admin/api/v1/auth/me"))).await;
        for reply in &replies {
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        }
        let users = admin.get("/admin/api/v1/users").await;
        let franks = users.json["users"].as_array().unwrap().iter().filter(|u| u["username"] == "frank").count();
        assert_eq!(franks, 1);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_sign_in_page_learns_its_options_and_password_sign_in_can_be_turned_off() {
    let t = TestDb::sqlite().await;
    rubbie::create_or_update_admin(&t.db, ADMIN.0, ADMIN.1).await.unwrap();
    let mut default = Client::new(app_with(rubbie::Config::new(t.db.clone())));
    let options = default.get("/admin/api/v1/auth/options").await;
    assert_eq!(options.status, StatusCode::OK);
    assert_eq!(options.json, json!({"password_sign_in": true, "host_sign_in_url": null, "host_name": null}));

    let host_only = config(&t.db)
        .password_sign_in(false)
        .host_sign_in_url("/login")
        .host_sign_out_url("/logout")
        .host_info("shop", "1.0");
    let mut client = Client::new(app_with(host_only));
    let options = client.get("/admin/api/v1/auth/options").await;
    assert_eq!(options.json, json!({"password_sign_in": false, "host_sign_in_url": "/login", "host_name": "shop"}));
    assert_error(&client.login(ADMIN.0, ADMIN.1).await, StatusCode::FORBIDDEN, "forbidden");
    client.cookie = Some("host_session=gina:admin:s".into());
    assert_eq!(client.get("/admin/api/v1/auth/me").await.json["sign_out_url"], "/logout");
    t.cleanup().await;
}
