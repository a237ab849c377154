//! `gazette read URL|FILE` as a user runs it: a local file, pages from a loopback HTTP server
//! (a redirect, a 404, a PDF), and failures as one line with exit 2.

use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use tiny_http::{Header, Response};

const ARTICLE: &str = "<html><head><title>Night trains return | Example</title></head><body>\
    <nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><article><h1>Night trains return</h1>\
    <p>The night train from the capital to the coast ran again on Friday for the first time in ten \
    years, with every couchette sold within an hour of the booking office opening.</p>\
    <p>Passengers said they chose it to save a night in a hotel, and because <a href=\"../timetable\">the \
    timetable</a> lets them sleep most of the way.</p><figure><img src=\"img/train.jpg\" alt=\"The \
    train at dawn\"></figure><p>The operator plans three departures a week until the spring, and daily \
    trains after that if the demand holds, its director told reporters at the station.</p></article>\
    <footer>Contact us</footer></body></html>";

fn gazette(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("TZ", "UTC")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A server on 127.0.0.1 answering every request by its path; returns its base URL and the
/// User-Agents it saw.
fn server() -> (String, Arc<Mutex<Vec<String>>>) {
    let http = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", http.server_addr().to_ip().unwrap());
    let agents = Arc::new(Mutex::new(Vec::new()));
    let seen = agents.clone();
    std::thread::spawn(move || {
        for request in http.incoming_requests() {
            let agent = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("User-Agent"));
            seen.lock()
                .unwrap()
                .extend(agent.map(|h| h.value.to_string()));
            let header = |v: &str| Header::from_bytes("Content-Type", v).unwrap();
            let response = match request.url() {
                "/news/2026/trains" => {
                    Response::from_string(ARTICLE).with_header(header("text/html; charset=utf-8"))
                }
                "/moved" => Response::from_string("")
                    .with_status_code(301)
                    .with_header(Header::from_bytes("Location", "/news/2026/trains").unwrap()),
                "/report.pdf" => {
                    Response::from_string("%PDF-1.7").with_header(header("application/pdf"))
                }
                _ => Response::from_string("no").with_status_code(404),
            };
            let _ = request.respond(response);
        }
    });
    (base, agents)
}

#[test]
fn a_page_over_http_prints_its_article_with_references_after_redirects() {
    let (base, agents) = server();
    let output = gazette(&["read", &format!("{base}/moved")]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let out = text(&output.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Night trains return");
    // Plain text on a pipe: no escape sequences; the chrome is gone.
    assert!(!out.contains('\u{1b}') && !out.contains("Home") && !out.contains("Contact us"));
    assert!(out.contains("because the timetable [1] lets them sleep"));
    assert!(out.contains("\n[image: The train at dawn] [2]\n"));
    // Relative links resolve against the page where it was found, after the redirect.
    assert!(out.contains(&format!("[1] {base}/news/timetable\n")));
    assert!(out.contains(&format!("[2] {base}/news/2026/img/train.jpg\n")));
    let agents = agents.lock().unwrap();
    assert!(
        agents.iter().all(|a| a.starts_with("gazette/")),
        "{agents:?}"
    );
}

#[test]
fn width_wraps_and_a_local_file_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trains.html");
    std::fs::write(&path, ARTICLE).unwrap();
    let output = gazette(&["read", "--width", "40", path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let out = text(&output.stdout);
    assert!(out.lines().all(|l| unicode_width(l) <= 40), "{out}");
    assert!(out.contains("The night train from the capital to the"));
    assert!(out
        .lines()
        .any(|l| l.starts_with("[1] file://") && l.ends_with("/timetable")));
}

fn unicode_width(line: &str) -> usize {
    line.chars().count()
}

#[test]
fn every_failure_is_one_line_naming_the_target_and_exit_2() {
    let (base, _) = server();
    let missing = format!("{base}/gone");
    let pdf = format!("{base}/report.pdf");
    let cases = [
        (missing.as_str(), "HTTP 404 Not Found".to_string()),
        (pdf.as_str(), "not a web page (application/pdf)".to_string()),
        (
            "/nonexistent/page.html",
            "No such file or directory".to_string(),
        ),
    ];
    for (target, why) in cases {
        let output = gazette(&["read", target]);
        assert_eq!(output.status.code(), Some(2), "{target}");
        assert!(output.stdout.is_empty());
        assert_eq!(text(&output.stderr), format!("gazette: {target}: {why}\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.html");
    std::fs::write(&empty, "<html><body><nav>Menu</nav></body></html>").unwrap();
    let output = gazette(&["read", empty.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).ends_with("empty.html: nothing readable on the page\n"));
}
