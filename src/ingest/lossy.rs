//! A UTF-8 feed file as the splitter reads it, with each byte sequence that is not UTF-8 replaced
//! by U+FFFD: two stray bytes deep in a large file show as `��` instead of ending the feed there
//! (quick-xml stops at the first one). Valid input goes through without a copy: each buffer the
//! file gives is checked once, and only what is not UTF-8 (or a character cut by the end of a
//! buffer) goes through a buffer of its own.

use std::io::{BufRead, Read};

/// The input, UTF-8 whatever it holds (see the module's documentation).
pub(super) struct LossyUtf8 {
    inner: Box<dyn BufRead + Send>,
    /// Bytes of our own to give before the inner reader's: a replacement, or a character whose
    /// bytes were split over two of its buffers.
    own: Vec<u8>,
    at: usize,
    /// How many bytes at the start of the inner reader's buffer are known to be UTF-8.
    checked: usize,
}

impl LossyUtf8 {
    pub(super) fn new(inner: Box<dyn BufRead + Send>) -> LossyUtf8 {
        LossyUtf8 {
            inner,
            own: Vec::new(),
            at: 0,
            checked: 0,
        }
    }

    /// At a sequence that is not UTF-8 (or is cut by the end of the buffer): moves it into `own`,
    /// as it is when it completes a character, else as U+FFFD.
    fn take_broken(&mut self, error_len: Option<usize>) -> std::io::Result<()> {
        let mut bytes = Vec::with_capacity(4);
        match error_len {
            Some(n) => {
                bytes.extend_from_slice(&self.inner.fill_buf()?[..n]);
                self.inner.consume(n);
            }
            None => {
                // A character cut by the end of the buffer: its first bytes, then the rest from
                // the next buffer (or the end of the file, which leaves it broken).
                let cut = self.inner.fill_buf()?.to_vec();
                self.inner.consume(cut.len());
                bytes.extend_from_slice(&cut);
                while bytes.len() < 4 && std::str::from_utf8(&bytes).is_err() {
                    let next = self.inner.fill_buf()?;
                    let Some(&b) = next.first() else { break };
                    if b & 0xc0 != 0x80 {
                        break;
                    }
                    bytes.push(b);
                    self.inner.consume(1);
                }
            }
        }
        self.own = String::from_utf8_lossy(&bytes).into_owned().into_bytes();
        self.at = 0;
        Ok(())
    }
}

impl Read for LossyUtf8 {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for LossyUtf8 {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.at < self.own.len() {
            return Ok(&self.own[self.at..]);
        }
        if self.checked == 0 {
            let buffer = self.inner.fill_buf()?;
            match std::str::from_utf8(buffer) {
                Ok(_) => self.checked = buffer.len(),
                Err(e) if e.valid_up_to() > 0 => self.checked = e.valid_up_to(),
                Err(e) => {
                    self.take_broken(e.error_len())?;
                    return Ok(&self.own[self.at..]);
                }
            }
        }
        let checked = self.checked;
        Ok(&self.inner.fill_buf()?[..checked])
    }

    fn consume(&mut self, amount: usize) {
        if self.at < self.own.len() {
            self.at += amount;
        } else {
            self.checked -= amount.min(self.checked);
            self.inner.consume(amount);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything `input` gives through the wrapper, read in buffers of `size` bytes (so
    /// characters are cut by their ends).
    fn through(input: &[u8], size: usize) -> Vec<u8> {
        let inner = std::io::BufReader::with_capacity(size, std::io::Cursor::new(input.to_vec()));
        let mut out = Vec::new();
        LossyUtf8::new(Box::new(inner))
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn valid_text_is_unchanged_and_stray_bytes_become_replacements() {
        let text = "Café ☕ 東京 😀 plain".repeat(50);
        for size in [1, 2, 3, 5, 7, 64, 4096] {
            assert_eq!(through(text.as_bytes(), size), text.as_bytes(), "{size}");
            let broken = [
                b"ab\xff\xfe".as_slice(),
                "é東".as_bytes(),
                b"\xe6\x9d",
                b"x\xf0",
            ]
            .concat();
            let expected = String::from_utf8_lossy(&broken).into_owned();
            assert_eq!(
                String::from_utf8(through(&broken, size)).unwrap(),
                expected,
                "{size}"
            );
        }
    }
}
