//! Enclosure downloads against a loopback server that answers range requests (or ignores them,
//! or cuts a body short): a download lands whole under its name, resumes from its `.part` file,
//! and never replaces a file that is there.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use gazette::fetch::{download, download_agent, Downloaded, FetchOptions};

/// The episode: 300,000 bytes that differ from place to place, so a misplaced range shows.
fn episode() -> Vec<u8> {
    (0..300_000u32).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// What the server was asked: (path, Range header).
type Log = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A server on 127.0.0.1: `/ep.mp3` answers ranges; `/cut.mp3` sends half its body to a request
/// without a range, then closes; `/norange.mp3` always sends it all; anything else is a 404.
fn serve() -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    let l = log.clone();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let l = l.clone();
            thread::spawn(move || answer(stream, &l));
        }
    });
    (base, log)
}

fn answer(mut stream: TcpStream, log: &Log) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut range = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("range") {
                range = Some(value.trim().to_string());
            }
        }
    }
    log.lock().unwrap().push((path.clone(), range.clone()));
    let body = episode();
    let start: Option<usize> = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.trim_end_matches('-').parse().ok());
    let (head, bytes): (String, &[u8]) = match (path.as_str(), start) {
        ("/ep.mp3" | "/cut.mp3", Some(start)) => (
            format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {start}-{}/{}\r\n",
                body.len() - start,
                body.len() - 1,
                body.len()
            ),
            &body[start..],
        ),
        ("/cut.mp3", None) => (
            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n", body.len()),
            &body[..body.len() / 2],
        ),
        ("/ep.mp3" | "/norange.mp3", _) => (
            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n", body.len()),
            &body[..],
        ),
        _ => ("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n".into(), &[][..]),
    };
    let _ = stream.write_all(format!("{head}Connection: close\r\n\r\n").as_bytes());
    let _ = stream.write_all(bytes);
    // Closing now: a body cut short ends here, and the client sees it end early.
}

fn options() -> FetchOptions {
    FetchOptions {
        timeout: Duration::from_secs(5),
        ..FetchOptions::default()
    }
}

/// Progress as reported: bytes done, whole size.
type Progress = Vec<(u64, Option<u64>)>;

fn get(url: &str, dir: &Path) -> (Result<Downloaded, String>, Progress) {
    let options = options();
    let agent = download_agent(&options);
    let mut seen = Vec::new();
    let result = download(&agent, &options, url, dir, &mut |done, total| {
        seen.push((done, total))
    });
    (result, seen)
}

#[test]
fn a_download_lands_whole_under_its_name_with_progress() {
    let (base, _log) = serve();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("Podcasts/new");
    let (result, progress) = get(&format!("{base}/ep.mp3"), &folder);
    assert_eq!(result, Ok(Downloaded::Saved(folder.join("ep.mp3"))));
    assert_eq!(std::fs::read(folder.join("ep.mp3")).unwrap(), episode());
    assert!(
        !folder.join("ep.mp3.part").exists(),
        "the part file is gone"
    );
    assert_eq!(progress.last(), Some(&(300_000, Some(300_000))));
    assert!(
        progress.windows(2).all(|w| w[0].0 <= w[1].0),
        "{progress:?}"
    );
}

#[test]
fn a_file_already_there_is_never_replaced_and_nothing_is_fetched() {
    let (base, log) = serve();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ep.mp3"), "mine").unwrap();
    let (result, _) = get(&format!("{base}/ep.mp3"), dir.path());
    assert_eq!(
        result,
        Ok(Downloaded::AlreadyThere(dir.path().join("ep.mp3")))
    );
    assert_eq!(std::fs::read(dir.path().join("ep.mp3")).unwrap(), b"mine");
    assert!(
        log.lock().unwrap().is_empty(),
        "nothing was asked of the server"
    );
}

#[test]
fn a_download_cut_short_resumes_from_its_part_file() {
    let (base, log) = serve();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{base}/cut.mp3");
    let (result, _) = get(&url, dir.path());
    let error = result.unwrap_err();
    assert!(error.contains("resumes"), "{error}");
    assert!(!error.contains('\n'), "{error}");
    let part = dir.path().join("cut.mp3.part");
    assert_eq!(std::fs::read(&part).unwrap(), episode()[..150_000]);
    assert!(
        !dir.path().join("cut.mp3").exists(),
        "no file until it is whole"
    );

    let (result, _) = get(&url, dir.path());
    assert_eq!(result, Ok(Downloaded::Saved(dir.path().join("cut.mp3"))));
    assert_eq!(
        std::fs::read(dir.path().join("cut.mp3")).unwrap(),
        episode()
    );
    assert!(!part.exists());
    let asked = log.lock().unwrap().clone();
    assert_eq!(asked[1].1.as_deref(), Some("bytes=150000-"), "{asked:?}");
}

#[test]
fn a_server_that_ignores_the_range_gets_the_whole_file_written_once() {
    let (base, _log) = serve();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("norange.mp3.part"), &episode()[..1000]).unwrap();
    let (result, _) = get(&format!("{base}/norange.mp3"), dir.path());
    assert!(matches!(result, Ok(Downloaded::Saved(_))), "{result:?}");
    assert_eq!(
        std::fs::read(dir.path().join("norange.mp3")).unwrap(),
        episode(),
        "not appended to the part it had"
    );
}

#[test]
fn a_missing_enclosure_is_one_line_and_leaves_nothing() {
    let (base, _log) = serve();
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = get(&format!("{base}/gone.mp3"), dir.path());
    assert_eq!(result, Err("HTTP 404 Not Found".to_string()));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let (result, _) = get("file:///etc/passwd", dir.path());
    assert!(result.unwrap_err().contains("only http and https"));
}
