//! Entering and leaving the terminal's UI mode. The terminal is restored on a normal exit,
//! on an error (the guard's Drop) and on a panic (a hook that restores before the previous
//! hook prints the message).

use std::io::{self, Stdout, Write};
use std::sync::Once;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Holds the terminal in raw mode on the alternate screen; restores it when dropped.
pub struct TerminalGuard {
    pub terminal: Tui,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        if let Err(e) = execute!(
            stdout,
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        ) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Undoes everything `enter` did. Safe to call more than once.
pub fn restore() {
    let mut stdout = io::stdout();
    restore_screen(&mut stdout);
    let _ = disable_raw_mode();
    let _ = stdout.flush();
}

/// The escape sequences that leave the UI mode: bracketed paste and mouse capture off, back
/// to the main screen, cursor shown. Errors are ignored (the terminal may be gone).
fn restore_screen(out: &mut impl Write) {
    let _ = execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        Show
    );
}

type PanicHook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync + 'static>;

/// A panic hook that runs `restore` first, so the previous hook (which prints the message)
/// writes to a usable terminal.
fn restoring_hook(restore: impl Fn() + Send + Sync + 'static, previous: PanicHook) -> PanicHook {
    Box::new(move |info| {
        restore();
        tracing::error!("panic: {info}");
        previous(info);
    })
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(restoring_hook(restore, previous));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn restoring_leaves_the_alternate_screen_and_shows_the_cursor() {
        let mut out = Vec::new();
        restore_screen(&mut out);
        let text = String::from_utf8(out).unwrap();
        for (what, seq) in [
            ("bracketed paste off", "\x1b[?2004l"),
            ("mouse capture off", "\x1b[?1000l"),
            ("main screen", "\x1b[?1049l"),
            ("cursor shown", "\x1b[?25h"),
        ] {
            assert!(text.contains(seq), "{what}: {text:?}");
        }
        let leave = text.find("\x1b[?1049l").unwrap();
        assert!(leave < text.find("\x1b[?25h").unwrap(), "{text:?}");
    }

    /// The hook restores before the previous hook prints, once per panic. The hook is
    /// process-wide: it records only panics of this test's thread, and the original hook
    /// is put back afterwards.
    #[test]
    fn a_panic_restores_the_terminal_before_the_message_is_printed() {
        let calls = Arc::new(Mutex::new(Vec::<String>::new()));
        let me = std::thread::current().id();
        let (c1, c2) = (calls.clone(), calls.clone());
        let original = std::panic::take_hook();
        std::panic::set_hook(restoring_hook(
            move || {
                if std::thread::current().id() == me {
                    c1.lock().unwrap().push("restore".into());
                }
            },
            Box::new(move |info| {
                if std::thread::current().id() == me {
                    c2.lock().unwrap().push(format!("print: {info}"));
                }
            }),
        ));
        let result = std::panic::catch_unwind(|| panic!("boom in the UI"));
        std::panic::set_hook(original);
        assert!(result.is_err());
        let calls = calls.lock().unwrap().clone();
        assert_eq!(calls.len(), 2, "{calls:?}");
        assert_eq!(calls[0], "restore");
        assert!(
            calls[1].starts_with("print: ") && calls[1].contains("boom in the UI"),
            "{calls:?}"
        );
    }
}
