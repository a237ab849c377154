//! What a server's odd answers become: a redirect to a host that does not resolve names that
//! host, and a 304 Not Modified to a request that asked for no such thing is an error for the
//! feed (the reader would otherwise keep nothing and say nothing).

use std::thread;

use gazette::fetch::{agent, fetch, FetchOptions, FetchRequest, Fetched};
use tiny_http::{Header, Response};

/// A server on 127.0.0.1 answering every request with `answer(path)`.
fn serve(answer: fn(&str) -> Response<std::io::Empty>) -> String {
    let http = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = http.server_addr().to_ip().unwrap().port();
    thread::spawn(move || {
        for request in http.incoming_requests() {
            let response = answer(request.url());
            // The client may hang up on purpose: nothing to do then.
            let _ = request.respond(response);
        }
    });
    format!("http://127.0.0.1:{port}")
}

fn redirect(to: &str) -> Response<std::io::Empty> {
    Response::empty(302).with_header(Header::from_bytes("Location", to).unwrap())
}

fn get(url: &str, etag: Option<&str>, last_modified: Option<&str>) -> Result<Fetched, String> {
    let options = FetchOptions::default();
    let request = FetchRequest {
        source: 0,
        url: url.to_owned(),
        etag: etag.map(str::to_owned),
        last_modified: last_modified.map(str::to_owned),
        ..Default::default()
    };
    fetch(&agent(&options), &options, request).outcome
}

#[test]
fn a_redirect_to_an_unresolvable_host_names_that_host() {
    let base = serve(|path| match path {
        "/moved" => redirect("http://gone.invalid/feed.xml"),
        _ => redirect("/moved"),
    });
    for start in ["/moved", "/first"] {
        let message = get(&format!("{base}{start}"), None, None).unwrap_err();
        // `.invalid` never resolves (RFC 6761); a slow resolver may time out instead.
        assert!(
            message == "cannot resolve host gone.invalid"
                || message == "timed out resolving host gone.invalid",
            "{start}: {message}"
        );
    }
}

#[test]
fn an_unresolvable_host_asked_for_is_still_named() {
    let message = get("http://nowhere.invalid/feed", None, None).unwrap_err();
    assert!(message.ends_with("host nowhere.invalid"), "{message}");
}

#[test]
fn a_304_to_an_unconditional_request_is_an_error() {
    let base = serve(|_| Response::empty(304));
    assert_eq!(
        get(&format!("{base}/feed"), None, None),
        Err("the server answered 304 Not Modified to a request that was not conditional".into())
    );
    // Asked with either validator, 304 is the answer hoped for.
    assert_eq!(
        get(&format!("{base}/feed"), Some("\"v1\""), None),
        Ok(Fetched::NotModified)
    );
    assert_eq!(
        get(
            &format!("{base}/feed"),
            None,
            Some("Wed, 21 Oct 2015 07:28:00 GMT")
        ),
        Ok(Fetched::NotModified)
    );
    // A validator that cannot be sent is not sent: the request was not conditional after all.
    assert!(get(&format!("{base}/feed"), Some("bad\nvalue"), None).is_err());
}
