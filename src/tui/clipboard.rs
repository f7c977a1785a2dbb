//! The terminal side of a copy: OSC 52 (the terminal sets its clipboard from an escape
//! sequence, also over SSH) and the same text in a file of the state directory, since a
//! terminal may ignore OSC 52 without saying so (tmux does unless `set-clipboard on`).
//! Written by the event loop, never by the pure view.

use std::io::{self, Write};
use std::path::Path;

/// `ESC ] 52 ; c ; <base64> BEL`: sets the clipboard to `text`. Only base64 characters are
/// in it, so nothing of `text` reaches the terminal as it is.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// Writes `text` to the terminal's clipboard (`out`) and to `path` (mode 0600: a command may
/// hold personal data; `paths::clipboard_file`); the file's path, or why it could not be
/// written.
pub fn copy(out: &mut impl Write, path: &Path, text: &str) -> Result<String, String> {
    let sent = out
        .write_all(osc52(text).as_bytes())
        .and_then(|()| out.flush());
    if let Err(e) = &sent {
        tracing::warn!("OSC 52 not written: {e}");
    }
    write_file(path, text)
        .map(|()| path.display().to_string())
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn write_file(path: &Path, text: &str) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut line = text.to_owned();
    line.push('\n');
    crate::atomic_file::write_atomic_private(path, line.as_bytes())
}

/// Standard base64 with padding (RFC 4648), as OSC 52 takes it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_follows_rfc_4648() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn osc52_holds_only_base64_and_the_file_is_private() {
        let text = "aws cognito-idp x --y 'a\u{1b}[31m'";
        let seq = osc52(text);
        assert!(seq.starts_with("\x1b]52;c;") && seq.ends_with('\x07'));
        let body = &seq[7..seq.len() - 1];
        assert!(
            body.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        );
        let dir = tempfile::tempdir().unwrap();
        let mut out = Vec::new();
        let file = dir.path().join("state/clipboard.txt");
        let path = copy(&mut out, &file, text).unwrap();
        assert_eq!(out, seq.as_bytes());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), format!("{text}\n"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
