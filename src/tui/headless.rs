//! The terminal UI without a terminal, for benchmarks (`benches/tui.rs`): the real model,
//! `update` and views, with the users handed in as `ListUsers` pages and every frame drawn
//! into an off-screen buffer. Not a stable API.

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyEvent;

use super::effect::Effect;
use super::keymap::Keymap;
use super::model::{Model, Setup};
use super::msg::{Msg, UsersPageReport};
use super::theme::Theme;
use super::{update, view};
use crate::domain::UserRecord;

pub use super::fuzzy::haystack;

/// A UI model browsing one pool, and an off-screen terminal to draw it on.
pub struct Headless {
    model: Model,
    terminal: Terminal<TestBackend>,
}

impl Headless {
    /// A model on `pool_id` after start-up, fed `users` as pages of `page` users (the way
    /// the worker delivers a load).
    pub fn with_users(
        pool_id: &str,
        users: Vec<UserRecord>,
        page: usize,
        size: (u16, u16),
    ) -> Headless {
        let mut headless = Headless::loading(pool_id, size);
        let mut users = users.into_iter().peekable();
        while users.peek().is_some() {
            let chunk: Vec<UserRecord> = users.by_ref().take(page.max(1)).collect();
            let more = users.peek().is_some();
            headless.page(chunk, more);
        }
        headless
    }

    /// A model on `pool_id` after start-up, waiting for its users ([`Headless::page`]).
    pub fn loading(pool_id: &str, (width, height): (u16, u16)) -> Headless {
        let setup = Setup {
            target: "headless".into(),
            read_only: false,
            theme: Theme { color: true },
            keymap: Keymap::default(),
            connect: crate::aws::TargetSpec::default(),
            profile: Default::default(),
        };
        let mut model = Model::new(setup, Some(pool_id.to_owned()), (width, height));
        update::init(&mut model);
        let terminal = match Terminal::new(TestBackend::new(width, height)) {
            Ok(terminal) => terminal,
            Err(never) => match never {},
        };
        Headless { model, terminal }
    }

    /// The pool's DescribeUserPool answer, as the worker delivers it while the first pages
    /// are read: its estimate makes room in the table.
    pub fn described(&mut self, estimate: Option<i32>) {
        let pool_id = self.model.pool.as_ref().map(|p| p.id.clone());
        if let Some(pool_id) = pool_id {
            update::update(
                &mut self.model,
                Msg::PoolDescribed {
                    pool_id,
                    result: Ok(estimate),
                },
            );
        }
    }

    /// One page of the load, as the worker delivers it; `more` is false on the last.
    pub fn page(&mut self, users: Vec<UserRecord>, more: bool) {
        let request_id = self.model.load.request_id;
        update::update(
            &mut self.model,
            Msg::UsersPage {
                request_id,
                result: Ok(UsersPageReport {
                    users,
                    pages: 1,
                    more,
                    elapsed: Duration::from_secs(1),
                    partitions: 1,
                    retries: 0,
                }),
            },
        );
    }

    /// One chunk of the pool's cache file (`--cache`), as the worker delivers it before the
    /// pool is listed again; the first has no users.
    pub fn cache_opened(&mut self, users: Vec<UserRecord>, age: Duration) {
        let request_id = self.model.load.request_id;
        update::update(
            &mut self.model,
            Msg::CacheOpened {
                request_id,
                users,
                age,
            },
        );
    }

    /// One key, as the event loop hands it to `update`; true when the UI would quit.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        update::update(&mut self.model, Msg::Key(key))
            .iter()
            .any(|e| matches!(e, Effect::Quit))
    }

    /// Pasted text, as the event loop hands a bracketed paste to `update`.
    pub fn paste(&mut self, text: &str) {
        update::update(&mut self.model, Msg::Paste(text.to_owned()));
    }

    /// Whether the fuzzy filter has matching left; the event loop then sends
    /// `Msg::FilterStep` whenever no other message waits.
    pub fn filtering(&self) -> bool {
        self.model.users.is_filtering()
    }

    /// One `Msg::FilterStep`, as the event loop sends it while `filtering`.
    pub fn filter_step(&mut self) {
        update::update(&mut self.model, Msg::FilterStep);
    }

    /// Draws one frame, as the event loop does after each batch of messages.
    pub fn draw(&mut self) {
        let model = &self.model;
        if let Err(never) = self.terminal.draw(|frame| view::view(model, frame)) {
            match never {}
        }
    }

    /// The last frame drawn, one string per line.
    pub fn screen(&self) -> Vec<String> {
        let buffer = self.terminal.backend().buffer();
        let width = usize::from(buffer.area.width);
        buffer
            .content
            .chunks(width.max(1))
            .map(|line| line.iter().map(|c| c.symbol()).collect())
            .collect()
    }

    /// Users loaded.
    pub fn total(&self) -> usize {
        self.model.users.total()
    }

    /// Every loaded user, in load order.
    pub fn users(&self) -> impl Iterator<Item = &UserRecord> + '_ {
        self.model.users.all()
    }

    /// The table's rows, in display order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &UserRecord> + '_ {
        self.model.users.rows()
    }

    /// The user under the cursor.
    pub fn selected_user(&self) -> Option<&UserRecord> {
        self.model.users.selected_user()
    }

    /// The fuzzy query in effect.
    pub fn query(&self) -> &str {
        self.model.users.query()
    }

    /// The sort in effect, as the UI names it.
    pub fn sort_label(&self) -> &'static str {
        self.model.users.sort().label()
    }
}
