//! The client against a fake tt-rss on 127.0.0.1 answering what a broken or hostile server
//! might: errors, never a panic or a loop. These need no real server and always run.

use std::sync::{Arc, Mutex};

use gazette::sync::ttrss::TtRss;
use gazette::sync::{Credentials, Mark, Service, SyncError};
use serde_json::{json, Value};

const LOGIN_OK: &str = r#"{"seq":0,"status":0,"content":{"session_id":"s1","api_level":15}}"#;

/// A fake server answering each request (its JSON body, or Null) with `answer`; what it was
/// sent is kept in the returned list as `{"path", "body"}`.
fn fake(answer: impl Fn(&Value) -> String + Send + 'static) -> (TtRss, Arc<Mutex<Vec<Value>>>) {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("start the fake server");
    let url = format!("http://{}/tt-rss", server.server_addr().to_ip().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let mut body = String::new();
            let _ = request.as_reader().read_to_string(&mut body);
            let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            let reply = answer(&body);
            log.lock()
                .unwrap()
                .push(json!({"path": request.url(), "body": body}));
            let _ = request.respond(tiny_http::Response::from_string(reply));
        }
    });
    let credentials = Credentials {
        url,
        user: "u".into(),
        password: "secret-pw".into(),
    };
    (TtRss::new(credentials, "gazette-test"), seen)
}

/// A fake answering login well and every other call with `other`.
fn after_login(other: &'static str) -> TtRss {
    fake(move |body| match body["op"].as_str() {
        Some("login") => LOGIN_OK.to_owned(),
        _ => other.to_owned(),
    })
    .0
}

#[test]
fn api_access_off_is_an_auth_error_with_the_hint() {
    let (mut client, seen) =
        fake(|_| r#"{"seq":0,"status":1,"content":{"error":"API_DISABLED"}}"#.into());
    match client.feeds() {
        Err(SyncError::Auth(m)) => {
            assert!(m.contains("enable API access in tt-rss preferences"), "{m}")
        }
        other => panic!("expected Auth, got {other:?}"),
    }
    let sent = seen.lock().unwrap();
    assert_eq!(sent.len(), 1, "no call after a failed login");
    assert_eq!(
        (
            sent[0]["body"]["op"].as_str(),
            sent[0]["body"]["user"].as_str()
        ),
        (Some("login"), Some("u"))
    );
}

#[test]
fn calls_carry_the_session_and_go_to_the_api_endpoint() {
    let (mut client, seen) = fake(|body| match body["op"].as_str() {
        Some("login") => LOGIN_OK.into(),
        _ => r#"{"seq":0,"status":0,"content":{"status":"OK","updated":2}}"#.into(),
    });
    client
        .mark(&["1".into(), "2".into()], Mark::Read(true))
        .expect("mark");
    let sent = seen.lock().unwrap();
    assert!(sent.iter().all(|r| r["path"] == "/tt-rss/api/"), "{sent:?}");
    let update = &sent[1]["body"];
    assert_eq!(update["sid"], "s1");
    assert_eq!(update["article_ids"], "1,2");
    assert_eq!(
        (update["field"].as_i64(), update["mode"].as_i64()),
        (Some(2), Some(0))
    );
}

#[test]
fn a_session_ended_twice_is_an_error_not_a_loop() {
    let (mut client, _) = fake(|body| match body["op"].as_str() {
        Some("login") => LOGIN_OK.into(),
        _ => r#"{"seq":-1,"status":1,"content":{"error":"NOT_LOGGED_IN"}}"#.into(),
    });
    assert!(matches!(client.feeds(), Err(SyncError::Auth(_))));
    // login, getCategories, login again, getCategories again: then it stops.
    assert_eq!(client.requests(), 4);
}

#[test]
fn hostile_answers_are_malformed_or_server_errors() {
    let malformed = [
        "",
        "<html><body>Bad gateway</body></html>",
        "{\"status\":0",
        "null",
        "[1,2,3]",
        r#"{"status":0}"#,
        r#"{"content":[]}"#,
        r#"{"status":"0","content":[]}"#,
        r#"{"status":0,"content":{"error":"x"}}"#,
        r#"{"status":0,"content":[{"title":"no id"}]}"#,
        r#"{"status":0,"content":[{"id":1,"title":"no url"}]}"#,
        r#"{"status":0,"content":[{"id":{"a":1},"feed_url":"http://a/"}]}"#,
    ];
    for answer in malformed {
        let result = after_login(answer).feeds();
        assert!(
            matches!(result, Err(SyncError::Malformed(_))),
            "{answer}: {result:?}"
        );
    }
    let error =
        after_login(r#"{"seq":0,"status":1,"content":{"error":"INCORRECT_USAGE"}}"#).feeds();
    assert!(
        matches!(&error, Err(SyncError::Server(m)) if m.contains("INCORRECT_USAGE")),
        "{error:?}"
    );
}

#[test]
fn hostile_headlines_are_malformed() {
    for answer in [
        r#"{"status":0,"content":{}}"#,
        r#"{"status":0,"content":[{"id":1,"unread":"yes","marked":false}]}"#,
        r#"{"status":0,"content":[{"id":1,"marked":false}]}"#,
        r#"{"status":0,"content":[null]}"#,
    ] {
        let result = after_login(answer).changes(None, 10);
        assert!(
            matches!(result, Err(SyncError::Malformed(_))),
            "{answer}: {result:?}"
        );
    }
}

#[test]
fn a_login_without_a_session_id_is_malformed() {
    for answer in [
        r#"{"status":0,"content":{}}"#,
        r#"{"status":0,"content":{"session_id":""}}"#,
        r#"{"status":0,"content":{"session_id":5}}"#,
    ] {
        let (mut client, _) = fake(move |_| answer.to_owned());
        assert!(
            matches!(client.login(), Err(SyncError::Malformed(_))),
            "{answer}"
        );
    }
}

#[test]
fn subscribe_failures_name_the_reason() {
    let answer = r#"{"status":0,"content":{"status":{"code":3}}}"#;
    match after_login(answer).subscribe("http://example.org/page", None) {
        Err(SyncError::Server(m)) => {
            assert!(m.contains("no feed was found at the URL (code 3)"), "{m}")
        }
        other => panic!("expected Server, got {other:?}"),
    }
    let odd = after_login(r#"{"status":0,"content":{"status":"OK"}}"#).subscribe("http://a/", None);
    assert!(matches!(odd, Err(SyncError::Malformed(_))), "{odd:?}");
}

#[test]
fn marks_refuse_ids_that_are_not_numbers() {
    let (mut client, seen) = fake(|_| LOGIN_OK.into());
    for bad in ["1,2", "1) OR (1=1", "", "-3"] {
        let result = client.mark(&["5".into(), bad.into()], Mark::Starred(true));
        assert!(
            matches!(result, Err(SyncError::Malformed(_))),
            "{bad:?}: {result:?}"
        );
    }
    assert!(seen.lock().unwrap().is_empty(), "nothing sent");
}

#[test]
fn errors_never_show_the_password() {
    let (mut client, _) = fake(|_| r#"{"status":1,"content":{"error":"LOGIN_ERROR"}}"#.into());
    let error = client.login().unwrap_err();
    assert!(matches!(error, SyncError::Auth(_)));
    assert!(!format!("{error:?} {error}").contains("secret-pw"));
}
