//! `file:` feeds: the one gate every feed file passes before a byte is read (a regular file,
//! opened without blocking and never as a controlling terminal, within the size cap), `file:` URLs
//! turned into paths, and reading a whole file for [`super::fetch`] within its deadline.
//!
//! What a subscription names is untrusted (an imported OPML file can say `file:///dev/tty`): a
//! terminal, FIFO, device, socket or directory is refused from its metadata alone, so it is never
//! opened; the file is then opened with `O_NONBLOCK | O_NOCTTY` and checked again on the open
//! descriptor, so swapping the path for a FIFO in between cannot block or take the terminal.

use std::fmt;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::{os_text, shorten, Bytes, FetchOptions, Fetched};

/// Why a feed file was not opened.
#[derive(Debug)]
pub enum FileRefusal {
    /// The file could not be looked at or opened (no such file, permission denied, ...).
    Io(io::Error),
    /// Not a regular file; what it is instead ("a FIFO", "a character device", ...).
    NotRegular(&'static str),
    /// A regular file over the cap, refused before any of it is read.
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The cap it is over.
        cap: u64,
    },
}

impl fmt::Display for FileRefusal {
    /// One line without the file's name (the caller names the source): "not a regular file (a
    /// character device)", "larger than 10 MiB (the file is 12582912 bytes)", "no such file or
    /// directory".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileRefusal::Io(e) => match e.kind() {
                io::ErrorKind::NotFound => f.write_str("no such file or directory"),
                io::ErrorKind::PermissionDenied => f.write_str("permission denied"),
                _ => f.write_str(&os_text(e)),
            },
            FileRefusal::NotRegular(kind) => write!(f, "not a regular file ({kind})"),
            FileRefusal::TooLarge { size, cap } => {
                write!(f, "larger than {} (the file is {size} bytes)", Bytes(*cap))
            }
        }
    }
}

impl std::error::Error for FileRefusal {}

/// Opens `path` (links followed, as on the command line) to read it as a feed: a regular file
/// only, of at most `max_bytes` when given, checked on its metadata before it is opened and again
/// on the open file. Nothing else is ever opened, so neither a FIFO nor a terminal can block the
/// caller or take its keys, and an over-cap file is refused before it is read.
pub fn open_feed_file(path: &Path, max_bytes: Option<u64>) -> Result<File, FileRefusal> {
    check(&fs::metadata(path).map_err(FileRefusal::Io)?, max_bytes)?;
    let file = fs::OpenOptions::new()
        .read(true)
        // Should the path have become a FIFO or a terminal since the check, opening it still
        // returns at once and never makes it our controlling terminal; the check below refuses it.
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(FileRefusal::Io)?;
    check(&file.metadata().map_err(FileRefusal::Io)?, max_bytes)?;
    Ok(file)
}

/// Refuses what is not a regular file, or is one larger than `max_bytes`.
fn check(meta: &Metadata, max_bytes: Option<u64>) -> Result<(), FileRefusal> {
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(FileRefusal::NotRegular(if kind.is_dir() {
            "a directory"
        } else if kind.is_fifo() {
            "a FIFO"
        } else if kind.is_char_device() {
            "a character device"
        } else if kind.is_block_device() {
            "a block device"
        } else if kind.is_socket() {
            "a socket"
        } else {
            "an unknown kind of file"
        }));
    }
    match max_bytes {
        Some(cap) if meta.len() > cap => Err(FileRefusal::TooLarge {
            size: meta.len(),
            cap,
        }),
        _ => Ok(()),
    }
}

/// Runs `work` on a thread of its own and waits at most `timeout` for it: an error ("timed out
/// after 30 s") once the time is up. A read the kernel never returns from (a hung network mount) thus still ends at the
/// deadline; the thread is left to finish on its own, and what it gives then is dropped.
pub(crate) fn within<T: Send + 'static>(
    timeout: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let (tx, rx) = mpsc::sync_channel(1);
    let spawned = thread::Builder::new()
        .name("gazette-file".into())
        .spawn(move || {
            let _ = tx.send(work());
        });
    match spawned {
        Ok(_) => rx
            .recv_timeout(timeout)
            .map_err(|_| super::timed_out(timeout)),
        Err(e) => Err(format!("cannot start a thread to read the file: {e}")),
    }
}

/// Reads a `file://` URL whole: the file passes [`open_feed_file`] with the HTTP cap, and the
/// read times out as an HTTP fetch does.
pub(super) fn fetch_file(options: &FetchOptions, url: &str) -> Result<Fetched, String> {
    let path = file_url_path(url)?;
    let cap = options.max_bytes;
    let bytes = within(options.timeout, move || read_capped(&path, cap))??;
    Ok(Fetched::Body {
        bytes,
        etag: None,
        last_modified: None,
        charset: None,
    })
}

/// The bytes of the feed file at `path`, refusing anything over `cap`, before reading when its
/// size says so, or while reading (the file may grow as we read).
fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let shown = shorten(&path.display().to_string());
    let file = open_feed_file(path, Some(cap)).map_err(|refusal| match refusal {
        FileRefusal::Io(e) if e.kind() == io::ErrorKind::NotFound => {
            format!("file not found: {shown}")
        }
        FileRefusal::Io(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            format!("permission denied: {shown}")
        }
        FileRefusal::Io(e) => format!("cannot read {shown}: {}", os_text(&e)),
        refusal => refusal.to_string(),
    })?;
    let mut bytes = Vec::new();
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {shown}: {}", os_text(&e)))?;
    if bytes.len() as u64 > cap {
        return Err(format!("larger than {}", Bytes(cap)));
    }
    Ok(bytes)
}

/// The local path of a `file://` URL: `file:///p`, `file://localhost/p` (and `file:/p`), with
/// percent-escapes decoded and any query or fragment dropped.
pub(crate) fn file_url_path(url: &str) -> Result<PathBuf, String> {
    // The scheme was matched case-insensitively; "file:" is five ASCII bytes whatever its case.
    let rest = &url[5..];
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let path = if let Some(after) = rest.strip_prefix("//") {
        let (authority, path) = after.split_at(after.find('/').unwrap_or(after.len()));
        if !(authority.is_empty() || authority.eq_ignore_ascii_case("localhost")) {
            return Err(format!(
                "file URLs on another host are not supported: {}",
                shorten(url)
            ));
        }
        path
    } else {
        rest
    };
    if !path.starts_with('/') {
        return Err(format!("not a file path: {}", shorten(url)));
    }
    use std::os::unix::ffi::OsStringExt;
    Ok(PathBuf::from(std::ffi::OsString::from_vec(percent_decode(
        path,
    ))))
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits is kept as it is.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' {
            if let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_that_never_returns_ends_at_the_deadline() {
        let started = std::time::Instant::now();
        let (_hold, never) = mpsc::channel::<()>();
        // Blocks until `_hold` is dropped, after the deadline: a read stuck in the kernel.
        let outcome = within(Duration::from_millis(200), move || never.recv());
        assert_eq!(outcome, Err("timed out after 200 ms".to_owned()));
        // A hang check only: the deadline is 200 ms.
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(within(Duration::from_secs(5), || 7), Ok(7));
    }

    #[test]
    fn decodes_file_urls() {
        assert_eq!(
            file_url_path("file:///tmp/a%20b.xml").unwrap(),
            PathBuf::from("/tmp/a b.xml")
        );
        assert_eq!(
            file_url_path("file://localhost/x#frag").unwrap(),
            PathBuf::from("/x")
        );
        assert_eq!(file_url_path("FILE:/y").unwrap(), PathBuf::from("/y"));
        assert!(file_url_path("file://server/share/x").is_err());
        assert_eq!(percent_decode("100%"), b"100%");
        assert_eq!(percent_decode("%4"), b"%4");
        assert_eq!(percent_decode("%41%zz"), b"A%zz");
    }
}
