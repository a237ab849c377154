//! The fetch pool's limit per host: with many feeds on one host, at most `per_host` of its
//! requests are in flight at once, and another host's feeds go ahead meanwhile instead of
//! waiting behind them. Two loopback servers, on 127.0.0.1 and 127.0.0.2 (two hosts).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use gazette::fetch::{FetchOptions, FetchRequest, Fetcher};

/// Requests in flight now, and the most at once.
#[derive(Default)]
struct Load {
    now: AtomicUsize,
    most: AtomicUsize,
}

/// A server on `ip` answering every request after `delay`, counting requests in flight.
fn slow_server(ip: &str, delay: Duration) -> (String, Arc<Load>) {
    let listener = TcpListener::bind((ip, 0)).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let load = Arc::new(Load::default());
    let l = load.clone();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let l = l.clone();
            thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                // Keep-alive: several requests may come on one connection.
                loop {
                    // The request's head, to its blank line; the end of the connection ends it.
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                    }
                    let now = l.now.fetch_add(1, Ordering::SeqCst) + 1;
                    l.most.fetch_max(now, Ordering::SeqCst);
                    thread::sleep(delay);
                    l.now.fetch_sub(1, Ordering::SeqCst);
                    let body = "<rss version=\"2.0\"><channel><title>t</title></channel></rss>";
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if (&stream).write_all(answer.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (base, load)
}

fn request(source: usize, url: String) -> FetchRequest {
    FetchRequest {
        source,
        url,
        etag: None,
        last_modified: None,
        ..Default::default()
    }
}

/// A pool with `options` whose results (source, when, ok) come to the receiver, already fetching
/// `first` feeds of host `a` then feeds up to `all` of host `b`; and when it started.
fn queue_two_hosts(
    options: FetchOptions,
    (a, first): (&str, usize),
    (b, all): (&str, usize),
) -> (Fetcher, mpsc::Receiver<(usize, Instant, bool)>, Instant) {
    let (tx, results) = mpsc::channel();
    let fetcher = Fetcher::new(options, move |result| {
        let _ = tx.send((
            result.request.source,
            Instant::now(),
            result.outcome.is_ok(),
        ));
    });
    let started = Instant::now();
    let mut requests: Vec<FetchRequest> = (0..first)
        .map(|i| request(i, format!("{a}/feed/{i}")))
        .collect();
    requests.extend((first..all).map(|i| request(i, format!("{b}/feed/{i}"))));
    fetcher.fetch_all(requests);
    (fetcher, results, started)
}

#[test]
fn one_busy_host_gets_at_most_per_host_and_others_go_ahead() {
    let (busy, busy_load) = slow_server("127.0.0.1", Duration::from_millis(150));
    let (other, other_load) = slow_server("127.0.0.2", Duration::from_millis(150));
    // Ten feeds of the busy host queued first, then two of another.
    let options = FetchOptions {
        concurrency: 6,
        per_host: 2,
        ..FetchOptions::default()
    };
    let (_fetcher, results, started) = queue_two_hosts(options, (&busy, 10), (&other, 12));
    let mut done = Vec::new();
    for _ in 0..12 {
        let (source, at, ok) = results.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(ok, "feed {source} failed");
        done.push((source, at - started));
    }
    assert_eq!(
        busy_load.most.load(Ordering::SeqCst),
        2,
        "the busy host's limit"
    );
    assert_eq!(other_load.most.load(Ordering::SeqCst), 2);
    // The other host's two feeds are answered in the first round, not after the busy host's ten
    // (five rounds of 150 ms at two at a time).
    let other_done = done
        .iter()
        .filter(|(s, _)| *s >= 10)
        .map(|(_, t)| *t)
        .max()
        .unwrap();
    let busy_done = done
        .iter()
        .filter(|(s, _)| *s < 10)
        .map(|(_, t)| *t)
        .max()
        .unwrap();
    assert!(
        other_done * 2 < busy_done,
        "the other host waited: {other_done:?} against {busy_done:?}"
    );
}

/// Servers that accept and never answer hold their fetch until the timeout; the pool starts a
/// worker for each stalled fetch, so the good feeds queued behind them are fetched meanwhile,
/// and it shrinks back once they end.
#[test]
fn stalled_fetches_do_not_hold_the_good_feeds_behind_them() {
    let (hanging, _) = slow_server("127.0.0.1", Duration::from_secs(60));
    let (good, _) = slow_server("127.0.0.2", Duration::from_millis(10));
    // Four hanging feeds first (twice the pool), then six good ones.
    let options = FetchOptions {
        concurrency: 2,
        per_host: 4,
        timeout: Duration::from_secs(20),
        ..FetchOptions::default()
    };
    let (_fetcher, results, started) = queue_two_hosts(options, (&hanging, 4), (&good, 10));
    for _ in 0..6 {
        let (source, at, ok) = results.recv_timeout(Duration::from_secs(15)).unwrap();
        assert!(
            source >= 4 && ok,
            "feed {source} ({ok}) before the good ones"
        );
        // Two rounds of stalls (3 s each) at most, far from the 20 s the hanging ones hold.
        assert!(at - started < Duration::from_secs(12), "{:?}", at - started);
    }
}
