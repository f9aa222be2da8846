//! Sign-in, sessions, CSRF, API tokens and the guard, on every configured backend.

mod common;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{ADMIN, Client, TestDb, app, app_with, assert_error};
use serde_json::json;

#[tokio::test]
async fn health_is_public_and_names_the_backend() {
    for t in TestDb::all().await {
        let mut client = Client::new(app(&t.db));
        let reply = client.get("/admin/api/v1/health").await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.json["status"], "ok");
        assert_eq!(reply.json["database"], "ok");
        assert_eq!(reply.json["backend"], serde_json::to_value(t.backend()).unwrap());
        t.cleanup().await;
    }
}

#[tokio::test]
async fn every_api_endpoint_but_login_and_health_requires_sign_in() {
    let t = TestDb::sqlite().await.with_fixture().await;
    let mut client = Client::new(app(&t.db));
    for path in [
        "/admin/api/v1/auth/me",
        "/admin/api/v1/tables",
        "/admin/api/v1/tables/gadgets",
        "/admin/api/v1/tables/gadgets/rows",
        "/admin/api/v1/tables/gadgets/rows/1",
        "/admin/api/v1/auth/tokens",
    ] {
        assert_error(&client.get(path).await, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let reply = client.send(Method::DELETE, "/admin/api/v1/tables/gadgets/rows/1", None).await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthorized");
    // Public: OpenAPI and Swagger UI.
    assert_eq!(client.get("/admin/api/openapi.json").await.status, StatusCode::OK);
    assert_eq!(client.get("/admin/api/docs/").await.status, StatusCode::OK);
    t.cleanup().await;
}

#[tokio::test]
async fn login_sets_an_http_only_cookie_and_me_knows_the_user() {
    for t in TestDb::all().await {
        rubbie::create_or_update_admin(&t.db, ADMIN.0, ADMIN.1).await.unwrap();
        let mut client = Client::new(app(&t.db));
        assert_error(&client.login(ADMIN.0, "wrong").await, StatusCode::UNAUTHORIZED, "unauthorized");
        assert_error(&client.login("nobody", "wrong").await, StatusCode::UNAUTHORIZED, "unauthorized");
        let reply = client.login(ADMIN.0, ADMIN.1).await;
        assert_eq!(reply.status, StatusCode::OK);
        let cookie = reply.headers.get("set-cookie").unwrap().to_str().unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("Path=/admin;"), "scoped to the mount point: {cookie}");
        assert!(!cookie.contains("Secure"), "{cookie}");
        assert_eq!(reply.json["user"]["username"], ADMIN.0);
        assert_eq!(reply.json["user"]["role"], "admin");
        assert!(reply.json["user"].get("password_hash").is_none());
        let me = client.get("/admin/api/v1/auth/me").await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.json["user"]["username"], ADMIN.0);
        assert_eq!(me.json["csrf_token"], reply.json["csrf_token"]);

        let out = client.send(Method::POST, "/admin/api/v1/auth/logout", None).await;
        assert_eq!(out.status, StatusCode::NO_CONTENT);
        // The old cookie is dead server-side, not only cleared in the browser.
        assert_error(&client.get("/admin/api/v1/auth/me").await, StatusCode::UNAUTHORIZED, "unauthorized");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn secure_cookies_when_configured() {
    let t = TestDb::sqlite().await;
    rubbie::create_or_update_admin(&t.db, ADMIN.0, ADMIN.1).await.unwrap();
    let mut client = Client::new(app_with(rubbie::Config::new(t.db.clone()).secure_cookies(true)));
    let reply = client.login(ADMIN.0, ADMIN.1).await;
    let cookie = reply.headers.get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.contains("; Secure"), "{cookie}");
    // `__Host-`: the browser takes it only Secure, with Path=/ and no Domain.
    assert!(cookie.starts_with("__Host-rubbie_session="), "{cookie}");
    assert!(cookie.contains("; Path=/;") && !cookie.contains("Domain"), "{cookie}");
    assert_eq!(client.get("/admin/api/v1/auth/me").await.status, StatusCode::OK, "the __Host- cookie signs in");
    let out = client.send(Method::POST, "/admin/api/v1/auth/logout", None).await;
    assert!(out.headers["set-cookie"].to_str().unwrap().starts_with("__Host-rubbie_session=;"));
    t.cleanup().await;
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_header_for_writes() {
    let t = TestDb::sqlite().await.with_fixture().await;
    let mut client = Client::signed_in(&t.db).await;
    let csrf = client.csrf.take();
    let reply =
        client.send(Method::PATCH, "/admin/api/v1/tables/gadgets/rows/1", Some(json!({"name": "Anvil 2"}))).await;
    assert_error(&reply, StatusCode::FORBIDDEN, "csrf");
    client.csrf = Some("forged".into());
    let reply =
        client.send(Method::PATCH, "/admin/api/v1/tables/gadgets/rows/1", Some(json!({"name": "Anvil 2"}))).await;
    assert_error(&reply, StatusCode::FORBIDDEN, "csrf");
    // Reads need no token.
    assert_eq!(client.get("/admin/api/v1/tables/gadgets/rows/1").await.json["name"], "Anvil");
    client.csrf = csrf;
    let reply =
        client.send(Method::PATCH, "/admin/api/v1/tables/gadgets/rows/1", Some(json!({"name": "Anvil 2"}))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    t.cleanup().await;
}

#[tokio::test]
async fn api_tokens_authenticate_without_csrf_and_stop_when_revoked() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut admin = Client::signed_in(&t.db).await;
        let created = admin.send(Method::POST, "/admin/api/v1/auth/tokens", Some(json!({"name": "ci script"}))).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        let secret = created.json["secret"].as_str().unwrap().to_owned();
        let id = created.json["token"]["id"].as_i64().unwrap();
        assert_error(
            &admin.send(Method::POST, "/admin/api/v1/auth/tokens", Some(json!({"name": " "}))).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
        );

        let mut script = Client::new(app(&t.db));
        script.bearer = Some(secret.clone());
        let reply =
            script.send(Method::PATCH, "/admin/api/v1/tables/gadgets/rows/2", Some(json!({"active": true}))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.json["active"], true);

        let list = admin.get("/admin/api/v1/auth/tokens").await;
        let token = &list.json["tokens"][0];
        assert_eq!(token["name"], "ci script");
        assert!(token["last_used_at"].is_i64(), "{}", list.text);
        assert!(!list.text.contains(&secret), "secrets are never listed");

        let revoked = admin.send(Method::DELETE, &format!("/admin/api/v1/auth/tokens/{id}"), None).await;
        assert_eq!(revoked.status, StatusCode::NO_CONTENT);
        assert_error(&script.get("/admin/api/v1/tables").await, StatusCode::UNAUTHORIZED, "unauthorized");
        assert_error(
            &admin.send(Method::DELETE, &format!("/admin/api/v1/auth/tokens/{id}"), None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        // Another scheme (a proxy's Basic auth) is not rubbie's: the cookie still counts.
        let mut behind_proxy = Client::new(app(&t.db));
        behind_proxy.cookie = admin.cookie.clone();
        let basic = axum::http::Request::builder()
            .uri("/admin/api/v1/auth/me")
            .header("cookie", admin.cookie.clone().unwrap())
            .header("authorization", "Basic YWRtaW46YWRtaW4=")
            .body(axum::body::Body::empty())
            .unwrap();
        use tower::ServiceExt;
        assert_eq!(behind_proxy.app.clone().oneshot(basic).await.unwrap().status(), StatusCode::OK);
        script.bearer = Some("garbage".into());
        assert_error(&script.get("/admin/api/v1/tables").await, StatusCode::UNAUTHORIZED, "unauthorized");
        t.cleanup().await;
    }
}

/// The budget is kept in the database: two instances of the host share it, and parallel
/// attempts cannot slip past it.
#[tokio::test]
async fn failed_logins_are_rate_limited_per_username_across_instances() {
    for t in TestDb::all().await {
        let b = t.backend();
        rubbie::create_or_update_admin(&t.db, ADMIN.0, ADMIN.1).await.unwrap();
        let instance =
            || Client::new(app_with(rubbie::Config::new(t.db.clone()).login_rate_limit(3, Duration::from_secs(60))));
        let (mut one, mut two) = (instance(), instance());
        assert_error(&one.login(ADMIN.0, "nope").await, StatusCode::UNAUTHORIZED, "unauthorized");
        assert_error(&two.login(ADMIN.0, "nope").await, StatusCode::UNAUTHORIZED, "unauthorized");
        assert_error(&one.login(ADMIN.0, "nope").await, StatusCode::UNAUTHORIZED, "unauthorized");
        // Even the right password is refused until the window passes, on either instance.
        assert_error(&two.login(ADMIN.0, ADMIN.1).await, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
        assert_error(&one.login(ADMIN.0, ADMIN.1).await, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
        assert_error(&one.login("someone-else", "nope").await, StatusCode::UNAUTHORIZED, "unauthorized");

        // Ten parallel guesses at a fresh name: at most three are let through to the password check.
        let guesses = (0..10).map(|_| {
            let mut c = instance();
            async move { c.login("parallel", "nope").await.status }
        });
        let statuses = futures_util::future::join_all(guesses).await;
        let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
        assert!(checked <= 3, "{b:?}: {statuses:?}");
        assert!(statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn malformed_login_bodies_get_json_errors() {
    let t = TestDb::sqlite().await;
    let mut client = Client::new(app(&t.db));
    let reply = client.send_raw(Method::POST, "/admin/api/v1/auth/login", Some("{not json"), "application/json").await;
    assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
    let reply = client
        .send_raw(Method::POST, "/admin/api/v1/auth/login", Some("username=a"), "application/x-www-form-urlencoded")
        .await;
    assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
    let reply = client.send(Method::POST, "/admin/api/v1/auth/login", Some(json!({"username": "a"}))).await;
    assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
    t.cleanup().await;
}

/// A second browser of the same user: its own session.
async fn second_session(app: &axum::Router, name: &str, password: &str) -> Client {
    let mut other = Client::new(app.clone());
    assert_eq!(other.login(name, password).await.status, StatusCode::OK);
    other
}

#[tokio::test]
async fn sessions_are_listed_and_signed_out_one_or_all_others() {
    for t in TestDb::all().await {
        let mut a = Client::signed_in(&t.db).await;
        let first_id = a.cookie.clone();
        let mut b = second_session(&a.app, ADMIN.0, ADMIN.1).await;
        let mut c = second_session(&a.app, ADMIN.0, ADMIN.1).await;
        assert_ne!(first_id, b.cookie, "a new session id at every sign-in");

        let list = a.get("/admin/api/v1/auth/sessions").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        let sessions = list.json["sessions"].as_array().unwrap().clone();
        assert_eq!(sessions.len(), 3, "{}", list.text);
        assert_eq!(sessions[0]["current"], true, "the current one first");
        assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
        assert!(!list.text.contains(a.cookie.as_ref().unwrap().split('=').nth(1).unwrap()), "no secret in the list");

        // Not the request's own session (that is sign-out).
        let own = sessions[0]["id"].as_str().unwrap();
        let refused = a.send(Method::DELETE, &format!("/admin/api/v1/auth/sessions/{own}"), None).await;
        assert_error(&refused, StatusCode::CONFLICT, "conflict");
        // One session out: its browser is signed out, the others stay.
        let other = sessions.iter().find(|s| s["current"] == false).unwrap()["id"].as_str().unwrap().to_owned();
        assert_eq!(
            a.send(Method::DELETE, &format!("/admin/api/v1/auth/sessions/{other}"), None).await.status,
            StatusCode::NO_CONTENT
        );
        let gone = a.send(Method::DELETE, &format!("/admin/api/v1/auth/sessions/{other}"), None).await;
        assert_error(&gone, StatusCode::NOT_FOUND, "not_found");
        assert_error(
            &a.send(Method::DELETE, "/admin/api/v1/auth/sessions/'%20OR%201=1", None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        let still: Vec<StatusCode> =
            vec![b.get("/admin/api/v1/auth/me").await.status, c.get("/admin/api/v1/auth/me").await.status];
        assert_eq!(still.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{still:?}");

        // Every other session out; this one stays.
        let done = a.send(Method::POST, "/admin/api/v1/auth/sessions/sign-out-others", None).await;
        assert_eq!(done.json["signed_out"], 1, "{}", done.text);
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await; // past the one-second session cache
        assert_eq!(b.get("/admin/api/v1/auth/me").await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(c.get("/admin/api/v1/auth/me").await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(a.get("/admin/api/v1/auth/me").await.status, StatusCode::OK);
        let audit = a.get("/admin/api/v1/audit?category=session&action=logout").await;
        assert!(audit.json["entries"].as_array().unwrap().len() >= 2, "{}", audit.text);
        assert!(audit.text.contains("signed out from the account page"), "{}", audit.text);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_password_change_checks_the_old_one_refuses_weak_ones_and_signs_out_the_others() {
    for t in TestDb::all().await {
        let mut a = Client::signed_in(&t.db).await;
        let mut b = second_session(&a.app, ADMIN.0, ADMIN.1).await;
        let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});

        let wrong =
            a.send(Method::POST, "/admin/api/v1/auth/password", Some(change("nope nope", "a-much-better-one-7"))).await;
        assert_error(&wrong, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert!(wrong.json["error"]["fields"]["current_password"].is_array(), "{}", wrong.text);
        for weak in ["short", "password1", "iloveyou1", "ADMIN", &"x".repeat(1025)] {
            let refused = a.send(Method::POST, "/admin/api/v1/auth/password", Some(change(ADMIN.1, weak))).await;
            assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "validation");
            assert!(refused.json["error"]["fields"]["new_password"].is_array(), "{weak}: {}", refused.text);
        }
        assert_eq!(b.get("/admin/api/v1/auth/me").await.status, StatusCode::OK, "refusals sign no one out");

        let done =
            a.send(Method::POST, "/admin/api/v1/auth/password", Some(change(ADMIN.1, "a-much-better-one-7"))).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        assert_eq!(done.json["signed_out"], 1);
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        assert_eq!(b.get("/admin/api/v1/auth/me").await.status, StatusCode::UNAUTHORIZED, "the other session ended");
        assert_eq!(a.get("/admin/api/v1/auth/me").await.status, StatusCode::OK, "this one stays");
        let mut fresh = Client::new(a.app.clone());
        assert_eq!(fresh.login(ADMIN.0, ADMIN.1).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(fresh.login(ADMIN.0, "a-much-better-one-7").await.status, StatusCode::OK);
        let entries = a.get("/admin/api/v1/audit?category=user").await;
        assert!(entries.text.contains("admin changed their password"), "{}", entries.text);
        assert!(
            !entries.text.contains("a-much-better-one-7") && !entries.text.contains("argon2"),
            "no secret in the log"
        );

        // An admin's reset of another user's password ends that user's sessions; weak ones are refused.
        let mut vera = common::user(&mut a, &t.db, "vera", "admin").await;
        assert_eq!(vera.get("/admin/api/v1/auth/me").await.status, StatusCode::OK);
        let id = vera.get("/admin/api/v1/auth/me").await.json["user"]["id"].as_i64().unwrap();
        let weak =
            a.send(Method::PATCH, &format!("/admin/api/v1/users/{id}"), Some(json!({"password": "12345678"}))).await;
        assert_error(&weak, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        let reset = a
            .send(Method::PATCH, &format!("/admin/api/v1/users/{id}"), Some(json!({"password": "another-fine-one-9"})))
            .await;
        assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        assert_eq!(vera.get("/admin/api/v1/auth/me").await.status, StatusCode::UNAUTHORIZED);
        let created = a
            .send(
                Method::POST,
                "/admin/api/v1/users",
                Some(json!({"username": "walt", "password": "qwertyuiop", "role": "admin"})),
            )
            .await;
        assert_error(&created, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_idle_session_ends_before_its_absolute_lifetime() {
    let t = TestDb::sqlite().await;
    rubbie::create_or_update_admin(&t.db, ADMIN.0, ADMIN.1).await.unwrap();
    let config = rubbie::Config::new(t.db.clone()).session_idle_timeout(std::time::Duration::from_secs(1));
    let mut client = Client::new(app_with(config));
    assert_eq!(client.login(ADMIN.0, ADMIN.1).await.status, StatusCode::OK);
    assert_eq!(client.get("/admin/api/v1/auth/me").await.status, StatusCode::OK);
    // Unix-second clocks: idle for more than a whole second past the limit.
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    assert_eq!(client.get("/admin/api/v1/auth/me").await.status, StatusCode::UNAUTHORIZED);
    t.cleanup().await;
}

#[tokio::test]
async fn a_session_from_before_session_details_gets_them_at_its_next_use() {
    let t = TestDb::sqlite().await;
    rubbie::create_or_update_admin(&t.db, ADMIN.0, ADMIN.1).await.unwrap();
    let config = rubbie::Config::new(t.db.clone()).session_idle_timeout(Duration::from_secs(4));
    let mut client = Client::new(app_with(config));
    assert_eq!(client.login(ADMIN.0, ADMIN.1).await.status, StatusCode::OK);
    // As a session signed in before internal migration 9 is: no details row.
    common::exec(&t.db, "DELETE FROM rubbie_session_details").await;
    // Used past half the idle limit (when a use is written): the details are made then, so the
    // idle time counts from this use, not from the sign-in.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(client.get("/admin/api/v1/auth/me").await.status, StatusCode::OK);
    let sessions = client.get("/admin/api/v1/auth/sessions").await;
    let listed = &sessions.json["sessions"][0];
    assert!(listed["last_seen_at"].as_i64() > listed["created_at"].as_i64(), "{}", sessions.text);
    tokio::time::sleep(Duration::from_millis(3500)).await;
    // 5.6 s after sign-in (past the idle limit, counted from it), 3.5 s after the last use.
    assert_eq!(client.get("/admin/api/v1/auth/me").await.status, StatusCode::OK);
    t.cleanup().await;
}
