//! The link form: destination (prefilled), source, and each field's problems under it; its
//! key hints come from the keymap.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::layout::centered;
use super::{spinner, wrap};
use crate::domain::sanitize::sanitize;
use crate::domain::{Known, MAX_LINKED_IDENTITIES};
use crate::tui::form::{FormField, FormPhase, LinkForm, control_characters, loaded_context};
use crate::tui::format::{count, elide};
use crate::tui::keymap::{Action, Context, Keymap};
use crate::tui::model::Model;
use crate::tui::theme::Theme;

/// Columns before a field's value: marker and label.
const LABEL: usize = 18;
/// The form's width: 80 columns, growing with the terminal (a margin of 4 each side) up
/// to 140, so messages under the fields break less.
const MIN_WIDTH: u16 = 80;
const MAX_WIDTH: u16 = 140;

pub fn width(area: Rect) -> u16 {
    area.width
        .saturating_sub(8)
        .clamp(MIN_WIDTH, MAX_WIDTH)
        .min(area.width)
}

pub fn render(model: &Model, form: &LinkForm, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let width = width(area);
    let inner_width = usize::from(width.saturating_sub(2));
    let mut body = Body {
        lines: Vec::new(),
        cursor: None,
        width: inner_width,
        theme,
    };
    body.heading("Destination · the existing user");
    body.field(
        form,
        FormField::DestProvider,
        text_value(form, FormField::DestProvider, inner_width),
    );
    body.field(
        form,
        FormField::DestValue,
        text_value(form, FormField::DestValue, inner_width),
    );
    let count = destination_count(model, form);
    if !count.is_empty() {
        body.detail(&count);
    }
    body.heading("Source · the external identity to link");
    body.field(form, FormField::SrcProvider, provider_value(model, form));
    if let (Some(list), None) = (&form.providers, form.provider()) {
        let names: Vec<String> = list
            .iter()
            .map(|p| sanitize(&p.name).into_owned())
            .collect();
        body.detail(&format!("from {}", names.join(", ")));
    }
    body.field(form, FormField::SrcAttribute, attribute_value(form));
    if form.attribute_is_free() {
        body.detail(&suggestions(&model.setup.keymap, form));
    }
    body.field(
        form,
        FormField::SrcValue,
        text_value(form, FormField::SrcValue, inner_width),
    );
    for v in form.shown_errors_for(None) {
        body.error(&v.to_string());
    }
    if let Some(note) = form.note.as_ref().filter(|n| n.field.is_none()) {
        body.error(&note.text);
    }
    body.lines.push(Line::default());
    let user = match form.dest_value.value() {
        "" => "the destination user".to_owned(),
        value => sanitize(&elide(value)).into_owned(),
    };
    body.wrapped(
        &format!("! Whoever controls the source identity will sign in as {user}."),
        theme.warn(),
        "",
    );
    let footer = match form.phase {
        FormPhase::Checking { .. } => Line::from(vec![
            Span::styled(format!("{} ", spinner(model)), theme.key()),
            Span::raw(format!(
                "Checking with Cognito (destination, source)…  {} abandons",
                model.setup.keymap.key(Context::Form, Action::Cancel)
            )),
        ]),
        FormPhase::Editing => keys_line(&model.setup.keymap, theme, !form.shows_errors()),
    };
    body.lines.push(footer);

    let height = body.lines.len() as u16 + 2;
    let popup = centered(area, width, height);
    let block = Block::bordered()
        .title(format!(" Link an identity to {user} "))
        .border_style(theme.border(true));
    let inner = block.inner(popup);
    // Keep the focused field on screen when the terminal is short.
    let scroll = body.cursor.map_or(0, |(_, row)| {
        row.saturating_sub(inner.height.saturating_sub(3))
    });
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(body.lines).scroll((scroll, 0)).block(block),
        popup,
    );
    if let Some((col, row)) = body.cursor
        && row >= scroll
        && row - scroll < inner.height
    {
        frame.set_cursor_position(Position::new(inner.x + col, inner.y + row - scroll));
    }
}

struct Body {
    lines: Vec<Line<'static>>,
    /// Column and row of the text cursor in the focused field.
    cursor: Option<(u16, u16)>,
    width: usize,
    theme: Theme,
}

impl Body {
    fn heading(&mut self, text: &str) {
        self.lines.push(Line::from(Span::styled(
            text.to_owned(),
            self.theme.column_header(),
        )));
    }

    fn wrapped(&mut self, text: &str, style: Style, indent: &str) {
        let width = self.width.saturating_sub(indent.chars().count());
        for part in wrap(text, width) {
            self.lines
                .push(Line::from(Span::styled(format!("{indent}{part}"), style)));
        }
    }

    fn detail(&mut self, text: &str) {
        let indent = " ".repeat(LABEL);
        self.wrapped(text, self.theme.dim(), &indent);
    }

    fn error(&mut self, text: &str) {
        let indent = " ".repeat(LABEL);
        let text = format!("✗ {}", sanitize(text));
        self.wrapped(&text, self.theme.error(), &indent);
    }

    fn warning(&mut self, text: &str) {
        let indent = " ".repeat(LABEL);
        let text = format!("! {}", sanitize(text));
        self.wrapped(&text, self.theme.warn(), &indent);
    }

    fn field(&mut self, form: &LinkForm, field: FormField, value: Value) {
        let focused = form.focus == field && form.phase == FormPhase::Editing;
        let marker = if focused { "› " } else { "  " };
        let label_style = if focused {
            self.theme.key()
        } else {
            Style::new()
        };
        let Value { text, cursor } = value;
        if let (true, Some(col)) = (focused, cursor) {
            self.cursor = Some(((LABEL + col) as u16, self.lines.len() as u16));
        }
        self.lines.push(Line::from(vec![
            Span::styled(format!("{marker}{:<16}", field.label()), label_style),
            text,
        ]));
        for v in form.shown_errors_for(Some(field)) {
            let rule = sanitize(&v.rule.to_string()).into_owned();
            self.error(&rule);
        }
        if let Some(note) = form.note.as_ref().filter(|n| n.field == Some(field)) {
            self.error(&note.text.clone());
        }
        if let Some(text) = form.text_of(field) {
            let chars = text.chars().count();
            // A value longer than its line: how long it is (it is never cut).
            if chars > self.width.saturating_sub(LABEL + 1) {
                self.detail(&format!("{} characters", count(chars)));
            }
            if let Some(flag) = control_characters(text) {
                self.warning(&flag);
            }
        }
        if field == FormField::SrcAttribute
            && let Some(warning) = form.attribute_warning()
        {
            self.warning(&warning);
        }
    }
}

/// A field's value as shown, and where the text cursor sits in it.
struct Value {
    text: Span<'static>,
    cursor: Option<usize>,
}

/// A text field's value as shown: escaped (so a control character shows as `\n`, never
/// acts), scrolled so that the cursor stays in view.
fn text_value(form: &LinkForm, field: FormField, inner_width: usize) -> Value {
    let input = form.input(field).expect("a text field");
    let width = inner_width.saturating_sub(LABEL + 1).max(1);
    let value = input.value();
    let at = value
        .char_indices()
        .nth(input.cursor())
        .map_or(value.len(), |(i, _)| i);
    let before = sanitize(&value[..at]);
    let after = sanitize(&value[at..]);
    let cursor = before.width();
    // Columns scrolled off to the left: the cursor sits on the last visible column.
    let skip = (cursor + 1).saturating_sub(width);
    let mut shown = String::new();
    let (mut col, mut used) = (0, 0);
    for c in before.chars().chain(after.chars()) {
        let w = c.width().unwrap_or(0);
        if col < skip {
            col += w;
            continue;
        }
        if used + w > width {
            break;
        }
        shown.push(c);
        used += w;
    }
    Value {
        text: Span::raw(shown),
        cursor: Some(cursor.saturating_sub(col.max(skip))),
    }
}

fn provider_value(model: &Model, form: &LinkForm) -> Value {
    let theme = model.theme();
    let text = match (&form.providers, form.provider()) {
        (None, _) => Span::styled(
            format!("{} reading the pool's identity providers…", spinner(model)),
            theme.dim(),
        ),
        (Some(list), _) if list.is_empty() => Span::styled(
            "this pool has no identity providers to link from",
            theme.error(),
        ),
        (Some(list), Some(p)) => {
            let at = list.iter().position(|x| x.name == p.name).unwrap_or(0);
            Span::raw(format!(
                "◀ {} ▶  {} · {} of {}",
                sanitize(&p.name),
                p.provider_type,
                at + 1,
                list.len()
            ))
        }
        (Some(_), None) => Span::styled(
            format!("{} or a letter to choose", choose_keys(&model.setup.keymap)),
            theme.dim(),
        ),
    };
    Value { text, cursor: None }
}

fn attribute_value(form: &LinkForm) -> Value {
    let attribute = sanitize(form.attribute()).into_owned();
    let (text, cursor) = match form.provider() {
        Some(p) if p.provider_type.is_social() => (
            format!("{attribute}  (the only choice for {})", p.provider_type),
            None,
        ),
        Some(_) => {
            let n = form.attribute_choices().len();
            let place = match form.attribute_choice() {
                Some(i) => format!("{} of {n} suggested", i + 1),
                None => format!("typed · {n} suggested"),
            };
            let cursor = 2 + attribute.chars().count();
            (format!("◀ {attribute} ▶  {place}"), Some(cursor))
        }
        None => (attribute, None),
    };
    Value {
        text: Span::raw(text),
        cursor,
    }
}

/// The suggested attribute names of a SAML/OIDC provider, the chosen one in brackets, and
/// that any claim name may be typed.
fn suggestions(keymap: &Keymap, form: &LinkForm) -> String {
    let chosen = form.attribute_choice();
    let names: Vec<String> = form
        .attribute_choices()
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let name = sanitize(name);
            if Some(i) == chosen {
                format!("[{name}]")
            } else {
                name.into_owned()
            }
        })
        .collect();
    format!(
        "{}: {} · or type any claim name",
        choose_keys(keymap),
        names.join(" ")
    )
}

fn destination_count(model: &Model, form: &LinkForm) -> String {
    if form.dest_value.value().is_empty() {
        return String::new();
    }
    let ctx = loaded_context(&model.users, None, &form.request());
    match ctx.destination {
        Known::Present(d) => format!(
            "{} · {}/{MAX_LINKED_IDENTITIES} linked identities",
            sanitize(&d.username),
            d.link_count
        ),
        _ => "not among the loaded users: Cognito is asked on Enter".to_owned(),
    }
}

/// `←/→`: the keys choosing a provider or an attribute name.
fn choose_keys(keymap: &Keymap) -> String {
    format!(
        "{}/{}",
        keymap.key(Context::Form, Action::ChoosePrevious),
        keymap.key(Context::Form, Action::ChooseNext)
    )
}

fn keys_line(keymap: &Keymap, theme: Theme, valid: bool) -> Line<'static> {
    let key = |action| keymap.key(Context::Form, action);
    let fields = format!("{}/{}", key(Action::NextField), key(Action::PreviousField));
    let mut spans = Vec::new();
    for (key, label) in [
        (fields, " fields  "),
        (choose_keys(keymap), " choose  "),
        (key(Action::Submit), " review  "),
        (key(Action::Cancel), " cancel"),
    ] {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(label));
    }
    if !valid {
        spans.push(Span::styled("  (fix ✗ first)", theme.dim()));
    }
    Line::from(spans)
}
