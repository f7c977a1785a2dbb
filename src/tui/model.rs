//! The one state of the UI. `update` changes it, the views read it.

use std::time::Duration;

use super::cache::state::CacheView;
use super::form::FormPhase;
use super::keymap::{Action, Context, Keymap};
use super::layers::Layers;
use super::merge_review::{MergeRecord, MergeRun};
use super::msg::RequestId;
use super::review::{Activity, Pending};
use super::theme::Theme;
use super::users::UserTable;
use crate::aws::Failure;
use crate::aws::TargetSpec;
use crate::aws::ops::PoolSummary;
use crate::domain::IdentityProviderInfo;
use crate::domain::sanitize::sanitize;
use crate::settings::ProfileSettings;

/// Ticks (of [`TICK`]) a flash message stays.
pub const FLASH_TICKS: u16 = 30;
/// Interval of `Msg::Tick` while something animates.
pub const TICK: Duration = Duration::from_millis(100);
/// Rows a mouse wheel step moves.
pub const WHEEL_STEP: isize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Pools,
    Users,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Table,
    Detail,
}

/// How far a load went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Loading,
    Done,
    Failed,
}

/// The pool picker.
#[derive(Clone, Debug)]
pub struct PoolPicker {
    pub pools: Vec<PoolSummary>,
    pub selected: usize,
    pub phase: Phase,
}

/// The pool being browsed.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolInfo {
    pub id: String,
    pub name: Option<String>,
    pub estimated_users: Option<i32>,
}

/// Progress of the current user load.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadProgress {
    pub request_id: RequestId,
    pub phase: Phase,
    pub pages: u32,
    pub elapsed: Duration,
    /// Partitions paged concurrently (1: one page at a time).
    pub partitions: u8,
    /// Pages read again after throttling or a transient failure.
    pub retries: u32,
}

impl LoadProgress {
    /// A load that has not read anything yet.
    pub fn new(request_id: RequestId, phase: Phase) -> Self {
        LoadProgress {
            request_id,
            phase,
            pages: 0,
            elapsed: Duration::ZERO,
            partitions: 1,
            retries: 0,
        }
    }
}

impl LoadProgress {
    /// Users per second over the load so far.
    pub fn rate(&self, loaded: usize) -> Option<f64> {
        let secs = self.elapsed.as_secs_f64();
        (secs > 0.0).then(|| loaded as f64 / secs)
    }
}

/// The line at the bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    None,
    /// Goes away by itself after a few seconds.
    Info {
        text: String,
        ticks_left: u16,
    },
    /// Stays until dismissed (Esc) or replaced; says what to do next.
    Error {
        text: String,
    },
}

/// The identity providers of a pool, read once per pool for the link form.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolProviders {
    pub pool_id: String,
    /// `None` while loading.
    pub list: Option<Vec<IdentityProviderInfo>>,
}

/// Start-up settings that do not change.
#[derive(Clone, Debug)]
pub struct Setup {
    /// `Target::describe()`: profile or endpoint, region.
    pub target: String,
    pub read_only: bool,
    pub theme: Theme,
    pub keymap: Keymap,
    /// Where the session connects, for the equivalent `aws` commands.
    pub connect: TargetSpec,
    /// The profile's settings from the config file (its production guard).
    pub profile: ProfileSettings,
}

#[derive(Clone, Debug)]
pub struct Model {
    pub setup: Setup,
    pub screen: Screen,
    pub picker: PoolPicker,
    pub pool: Option<PoolInfo>,
    pub users: UserTable,
    pub load: LoadProgress,
    /// The Cognito filter of the current load.
    pub server_filter: Option<String>,
    /// The table came from the pool's cache file (`--cache`): its age, the refresh, the marks.
    pub cache: Option<CacheView>,
    pub detail_open: bool,
    pub detail_scroll: u16,
    pub focus: Pane,
    pub status: Status,
    /// Terminal size in cells.
    pub size: (u16, u16),
    pub spinner: usize,
    /// The overlays (prompts, dialogs, help); the top one takes the keys.
    pub layers: Layers,
    pub providers: Option<PoolProviders>,
    /// The change in flight.
    pub in_flight: Option<Pending>,
    /// Quit was asked for while a change was in flight: quit once it is settled and journaled.
    pub quit_after_change: bool,
    pub activity: Vec<Activity>,
    /// How identities were linked, from the journal of earlier runs.
    pub journal_links: crate::journal::LinkAttributes,
    /// The linked identity under the cursor in the detail pane.
    pub identity_cursor: usize,
    /// The merge being made (a change in flight too).
    pub merging: Option<MergeRun>,
    /// Merges this session finished.
    pub merges: Vec<MergeRecord>,
    next_request: RequestId,
}

impl Model {
    pub fn new(setup: Setup, pool_id: Option<String>, size: (u16, u16)) -> Model {
        Model {
            setup,
            screen: if pool_id.is_some() {
                Screen::Users
            } else {
                Screen::Pools
            },
            picker: PoolPicker {
                pools: Vec::new(),
                selected: 0,
                phase: Phase::Idle,
            },
            pool: pool_id.map(|id| PoolInfo {
                id,
                name: None,
                estimated_users: None,
            }),
            users: UserTable::default(),
            load: LoadProgress::new(0, Phase::Idle),
            server_filter: None,
            cache: None,
            detail_open: false,
            detail_scroll: 0,
            focus: Pane::Table,
            status: Status::None,
            size,
            spinner: 0,
            layers: Layers::default(),
            providers: None,
            in_flight: None,
            quit_after_change: false,
            activity: Vec::new(),
            journal_links: Default::default(),
            identity_cursor: 0,
            merging: None,
            merges: Vec::new(),
            next_request: 0,
        }
    }

    pub fn theme(&self) -> Theme {
        self.setup.theme
    }

    /// A fresh id for a user load; replies carrying an older one are stale.
    pub fn new_request_id(&mut self) -> RequestId {
        self.next_request += 1;
        self.next_request
    }

    /// The first key of `action` in `context` (as shown: `R`, `Esc`), for messages that say
    /// which key to press.
    pub fn key(&self, context: Context, action: Action) -> String {
        self.setup.keymap.key(context, action)
    }

    /// The keymap section of the browse screen in front (when no layer is open).
    pub fn context(&self) -> Context {
        match (self.screen, self.focus) {
            (Screen::Pools, _) => Context::Pools,
            (Screen::Users, Pane::Detail) if self.detail_open => Context::Detail,
            (Screen::Users, _) => Context::Users,
        }
    }

    /// Whether a change (a link, an unlink or a merge) is being made.
    pub fn change_running(&self) -> bool {
        self.in_flight.is_some() || self.merging.is_some()
    }

    pub fn is_busy(&self) -> bool {
        self.merging.is_some()
            || self
                .layers
                .merge_review()
                .is_some_and(|r| r.reading.is_some())
            || self.load.phase == Phase::Loading
            || self.picker.phase == Phase::Loading
            || self.in_flight.is_some()
            || self.providers.as_ref().is_some_and(|p| p.list.is_none())
            || self
                .layers
                .form()
                .is_some_and(|f| matches!(f.phase, FormPhase::Checking { .. }))
    }

    /// Whether the loop should send ticks (spinner or a flash message to expire).
    pub fn wants_tick(&self) -> bool {
        self.is_busy() || matches!(self.status, Status::Info { .. })
    }

    pub fn flash(&mut self, text: impl Into<String>) {
        self.status = Status::Info {
            text: text.into(),
            ticks_left: FLASH_TICKS,
        };
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Status::Error { text: text.into() };
    }

    /// A new dialog opens: a message about the previous action (e.g. "cancelled: nothing
    /// was sent") would read as if it were about this one, so it goes.
    pub fn clear_status_for_dialog(&mut self) {
        self.status = Status::None;
    }
}

/// The error line for a failure: what failed, what to do next, then the details (the
/// advice comes first so a narrow status line still shows it).
pub fn failure_text(what: &str, failure: &Failure) -> String {
    let text = match &failure.hint {
        Some(hint) => {
            let details = Failure {
                hint: None,
                ..failure.clone()
            };
            format!("{what} — {hint} · {}", details.summary())
        }
        None => format!("{what}: {}", failure.summary()),
    };
    sanitize(&text).into_owned()
}
