//! Downloading an enclosure into a folder: streamed to a `.part` file beside the target and
//! resumed from there (an HTTP range request) after a failure or a quit, moved to its name only
//! when whole, and never over a file that is already there.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::http::{describe_error, describe_status, header_text};
use super::{one_line, shorten, Bytes, FetchOptions};
use crate::sanitize::clean_line;
use crate::source::is_http_url;

/// The most a download may be when the server does not say its size (a server that never stops
/// must not fill the disk).
pub const MAX_UNDECLARED: u64 = 8 << 30;

/// The longest file name made, in bytes (most file systems allow 255; `.part` comes after).
const MAX_NAME: usize = 200;

/// How a download ended well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Downloaded {
    /// Saved whole under this path.
    Saved(PathBuf),
    /// A file of that name is there already: left as it is, nothing fetched.
    AlreadyThere(PathBuf),
}

/// The agent for downloads: the feeds' identity, connect timeout and redirect limit, but no limit
/// on the whole transfer (an episode takes minutes): a server silent for `timeout` ends it instead.
pub fn download_agent(options: &FetchOptions) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_connect(Some(options.connect_timeout))
        .timeout_recv_response(Some(options.timeout))
        .timeout_per_read(Some(options.timeout))
        .max_redirects(options.max_redirects)
        .max_redirects_will_error(true)
        .user_agent(options.user_agent.as_str())
        .http_status_as_error(false)
        .build();
    ureq::Agent::new_with_config(config)
}

/// The file name a download of `url` is saved under: the last part of its path, decoded and made
/// safe (no separators, control characters or leading dots). A URL whose name says little (no
/// extension, or a query choosing the file) gets a short hash of the whole URL, so two of them do
/// not take each other's name.
pub fn file_name(url: &str) -> String {
    let (path, query) = match url.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (url.split('#').next().unwrap_or(url), None),
    };
    let after_host = path.splitn(4, '/').nth(3).unwrap_or("");
    let last = after_host.rsplit('/').next().unwrap_or("");
    let decoded = String::from_utf8_lossy(&percent_decode(last)).into_owned();
    let mut name: String = clean_line(&decoded)
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '\0' => '_',
            c => c,
        })
        .collect();
    name = name.trim().trim_start_matches('.').to_string();
    let stem_end = name.rfind('.').filter(|&i| i > 0);
    if stem_end.is_none() || query.is_some() || name.is_empty() {
        let hash = format!("{:08x}", fnv1a(url.as_bytes()) as u32);
        name = match stem_end {
            Some(i) => format!("{}-{hash}{}", &name[..i], &name[i..]),
            None if name.is_empty() => format!("download-{hash}"),
            None => format!("{name}-{hash}"),
        };
    }
    while name.len() > MAX_NAME {
        // Cut from the middle of the stem, keeping the extension.
        let cut = name
            .char_indices()
            .nth(name.chars().count() / 2)
            .map_or(0, |(i, _)| i);
        name.remove(cut);
    }
    name
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Where a download of `url` into `dir` goes: the file, and the part file beside it.
pub fn paths(dir: &Path, url: &str) -> (PathBuf, PathBuf) {
    let name = file_name(url);
    (dir.join(&name), dir.join(format!("{name}.part")))
}

/// Downloads `url` into `dir` (see the module's note), blocking; `progress` is told the bytes
/// written so far and the whole size when known, after every chunk. Errors are one clean line.
pub fn download(
    agent: &ureq::Agent,
    options: &FetchOptions,
    url: &str,
    dir: &Path,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<Downloaded, String> {
    if !is_http_url(url) || url.chars().any(char::is_control) {
        return Err("only http and https enclosures are downloaded".into());
    }
    let (target, part) = paths(dir, url);
    if target.exists() {
        return Ok(Downloaded::AlreadyThere(target));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create {}: {}", dir.display(), io_text(&e)))?;
    // A range the server answers from somewhere else, or not at all: once more from the start.
    if fetch_into(agent, options, url, &part, true, progress)?.is_none() {
        fetch_into(agent, options, url, &part, false, progress)?
            .ok_or("the server's answer does not fit the part file")?;
    }
    move_into_place(&part, &target)
}

/// One request for the rest of `part` (all of it when `resume` is false or there is none), written
/// to it. Some(size) when the part file is whole; None when the server's range does not continue
/// the part file (it is emptied: ask again from the start).
fn fetch_into(
    agent: &ureq::Agent,
    options: &FetchOptions,
    url: &str,
    part: &Path,
    resume: bool,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<Option<u64>, String> {
    let have = match resume {
        true => std::fs::metadata(part).map_or(0, |m| m.len()),
        false => 0,
    };
    // The bytes as stored, not a compressed form of them: ranges count stored bytes.
    let mut call = agent.get(url).header("Accept-Encoding", "identity");
    if have > 0 {
        call = call.header("Range", format!("bytes={have}-"));
    }
    let mut response = call
        .call()
        .map_err(|e| one_line(&describe_error(e, url, options)))?;
    let status = response.status().as_u16();
    let length: Option<u64> =
        header_text(&response, "content-length").and_then(|v| v.trim().parse().ok());
    let range = header_text(&response, "content-range");
    let (start, total) = match status {
        206 => match range.as_deref().and_then(content_range) {
            Some((start, Some(total))) if start == have => (have, Some(total)),
            Some((start, None)) if start == have => (have, length.map(|l| have + l)),
            _ => return truncate(part).map(|()| None),
        },
        // Range not satisfiable: the part file may be whole already.
        416 if have > 0 => match range.as_deref().and_then(unsatisfied_total) {
            Some(total) if total == have => return Ok(Some(have)),
            _ => return truncate(part).map(|()| None),
        },
        200..=299 => (0, length),
        _ => {
            return Err(describe_status(response.status()));
        }
    };
    let mut file = open_part(part, start)?;
    let cap = total.unwrap_or(MAX_UNDECLARED);
    let mut reader = response.body_mut().with_config().reader();
    let mut done = start;
    let mut buffer = vec![0; 64 * 1024];
    progress(done, total);
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_failed(e, url, options, done, total)),
        };
        if done + n as u64 > cap {
            return Err(match total {
                Some(total) => format!(
                    "the server sent more than the {} it announced",
                    Bytes(total)
                ),
                None => format!("larger than {}", Bytes(MAX_UNDECLARED)),
            });
        }
        file.write_all(&buffer[..n])
            .map_err(|e| format!("cannot write {}: {}", part.display(), io_text(&e)))?;
        done += n as u64;
        progress(done, total);
    }
    file.sync_all()
        .map_err(|e| format!("cannot write {}: {}", part.display(), io_text(&e)))?;
    match total {
        Some(total) if done < total => Err(format!(
            "the connection closed after {} of {}; downloading again resumes",
            Bytes(done),
            Bytes(total)
        )),
        _ => Ok(Some(done)),
    }
}

/// `bytes START-END/TOTAL` (TOTAL may be `*`): the start, and the total when given.
fn content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (span, total) = rest.split_once('/')?;
    let start = span.split_once('-')?.0.trim().parse().ok()?;
    Some((start, total.trim().parse().ok()))
}

/// `bytes */TOTAL`, sent with 416: the total.
fn unsatisfied_total(value: &str) -> Option<u64> {
    value.trim().strip_prefix("bytes */")?.trim().parse().ok()
}

fn truncate(part: &Path) -> Result<(), String> {
    match File::create(part) {
        Ok(_) => Ok(()),
        Err(e) => Err(format!("cannot write {}: {}", part.display(), io_text(&e))),
    }
}

/// The part file, opened to write from `start` on (emptied when 0).
fn open_part(part: &Path, start: u64) -> Result<File, String> {
    let opened = match start {
        0 => File::create(part),
        _ => OpenOptions::new().append(true).open(part),
    };
    opened.map_err(|e| format!("cannot write {}: {}", part.display(), io_text(&e)))
}

/// The whole part file takes its name, unless a file of that name appeared meanwhile: a hard link
/// never replaces a file (rename would), then the part goes.
fn move_into_place(part: &Path, target: &Path) -> Result<Downloaded, String> {
    match std::fs::hard_link(part, target) {
        Ok(()) => {
            let _ = std::fs::remove_file(part);
            Ok(Downloaded::Saved(target.to_path_buf()))
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            Ok(Downloaded::AlreadyThere(target.to_path_buf()))
        }
        // A file system without hard links: rename, having looked first.
        Err(_) if !target.exists() => std::fs::rename(part, target)
            .map(|()| Downloaded::Saved(target.to_path_buf()))
            .map_err(|e| format!("cannot rename {}: {}", part.display(), io_text(&e))),
        Err(_) => Ok(Downloaded::AlreadyThere(target.to_path_buf())),
    }
}

fn read_failed(
    error: io::Error,
    url: &str,
    options: &FetchOptions,
    done: u64,
    total: Option<u64>,
) -> String {
    let reason = match error.into_inner() {
        Some(inner) => match inner.downcast::<ureq::Error>() {
            Ok(e) => describe_error(*e, url, options),
            Err(other) => other.to_string(),
        },
        None => "the connection failed".to_string(),
    };
    let of = total
        .map(|t| format!(" of {}", Bytes(t)))
        .unwrap_or_default();
    one_line(&format!(
        "{reason} after {}{of}; downloading again resumes",
        Bytes(done)
    ))
}

fn io_text(error: &io::Error) -> String {
    shorten(&super::os_text(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_path_made_safe() {
        assert_eq!(file_name("https://x.org/pod/ep%2042.mp3"), "ep 42.mp3");
        assert_eq!(
            file_name("https://x.org/a/..%2F..%2Fetc.mp3"),
            "_.._etc.mp3"
        );
        assert_eq!(file_name("https://x.org/.hidden.mp3"), "hidden.mp3");
        assert!(!file_name("https://x.org/a%1b[2J.mp3").contains('\u{1b}'));
    }

    #[test]
    fn names_that_say_little_get_the_urls_hash() {
        let a = file_name("https://x.org/download?id=1");
        let b = file_name("https://x.org/download?id=2");
        assert_ne!(a, b);
        assert!(a.starts_with("download-"), "{a}");
        assert!(file_name("https://x.org/").starts_with("download-"));
        let with_query = file_name("https://x.org/ep.mp3?src=rss");
        assert!(
            with_query.starts_with("ep-") && with_query.ends_with(".mp3"),
            "{with_query}"
        );
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = format!("https://x.org/{}.mp3", "a".repeat(400));
        let name = file_name(&long);
        assert!(name.len() <= MAX_NAME && name.ends_with(".mp3"), "{name}");
    }

    #[test]
    fn content_ranges_read() {
        assert_eq!(content_range("bytes 100-199/200"), Some((100, Some(200))));
        assert_eq!(content_range("bytes 100-199/*"), Some((100, None)));
        assert_eq!(content_range("items 1-2/3"), None);
        assert_eq!(unsatisfied_total("bytes */200"), Some(200));
    }
}
