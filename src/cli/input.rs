//! Reading standard input within stated limits: a whole input (`fact add --file -`, `ask -`)
//! is read up to [`MAX_INPUT_BYTES`] and refused beyond it, never cut silently; a line
//! (`chat`, `ask --json -`) is read up to [`MAX_LINE_BYTES`], and a longer one is skipped to
//! its end and reported, so memory stays bounded whatever is piped in.

use std::io::{self, BufRead, Read};

/// The most standard input `fact add|edit --file -` and `ask -` read: 1 MiB.
pub const MAX_INPUT_BYTES: usize = 1 << 20;
/// The longest line `chat` and `ask --json -` read: 64 KiB (a question is cut at 1,000
/// characters anyway).
pub const MAX_LINE_BYTES: usize = 64 << 10;

/// Why an input was refused.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("the input is over the limit of {limit} bytes ({} MiB); give a smaller one", limit >> 20)]
    TooLarge { limit: usize },
    #[error("the input is not UTF-8 text")]
    NotUtf8,
    #[error("cannot read the input: {0}")]
    Io(#[from] io::Error),
}

/// Reads all of `input` as UTF-8 text, refusing more than `limit` bytes.
pub fn read_all(input: impl Read, limit: usize) -> Result<String, InputError> {
    let mut bytes = Vec::new();
    input.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(InputError::TooLarge { limit });
    }
    String::from_utf8(bytes).map_err(|_| InputError::NotUtf8)
}

/// One line of input.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The line's bytes, without its newline (nor a `\r` before it).
    Text(Vec<u8>),
    /// The line was longer than the limit; it was read to its end and dropped.
    TooLong,
}

/// The lines of `input`, each at most `limit` bytes.
pub fn lines(input: impl BufRead, limit: usize) -> impl Iterator<Item = io::Result<Line>> {
    let mut input = input;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut line = Vec::new();
        let mut too_long = false;
        loop {
            let buffer = match input.fill_buf() {
                Ok(buffer) => buffer,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Some(Err(e)),
            };
            if buffer.is_empty() {
                done = true;
                if line.is_empty() && !too_long {
                    return None;
                }
                break;
            }
            let (chunk, found) = match buffer.iter().position(|&b| b == b'\n') {
                Some(i) => (&buffer[..i], Some(i)),
                None => (buffer, None),
            };
            if !too_long {
                if line.len() + chunk.len() > limit {
                    too_long = true;
                    line = Vec::new();
                } else {
                    line.extend_from_slice(chunk);
                }
            }
            let used = found.map_or(chunk.len(), |i| i + 1);
            input.consume(used);
            if found.is_some() {
                break;
            }
        }
        if too_long {
            return Some(Ok(Line::TooLong));
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        Some(Ok(Line::Text(line)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_input_is_read_to_its_limit_and_refused_beyond() {
        assert_eq!(read_all(&b"abc"[..], 3).unwrap(), "abc");
        assert!(matches!(
            read_all(&b"abcd"[..], 3),
            Err(InputError::TooLarge { limit: 3 })
        ));
        assert!(matches!(
            read_all(&b"\xff\xfe"[..], 10),
            Err(InputError::NotUtf8)
        ));
        assert!(InputError::TooLarge {
            limit: MAX_INPUT_BYTES
        }
        .to_string()
        .contains("1 MiB"));
    }

    #[test]
    fn long_lines_are_dropped_whole() {
        let input = format!("one\r\n{}\nthree\nlast", "x".repeat(100));
        let lines: Vec<Line> = lines(std::io::BufReader::with_capacity(8, input.as_bytes()), 10)
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            lines,
            [
                Line::Text(b"one".to_vec()),
                Line::TooLong,
                Line::Text(b"three".to_vec()),
                Line::Text(b"last".to_vec()),
            ]
        );
        assert_eq!(super::lines(&b""[..], 10).count(), 0);
        assert_eq!(super::lines(&b"\n"[..], 10).count(), 1);
    }
}
