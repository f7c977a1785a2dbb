//! `coglink users`: every user of a pool with status, enabled, linked identities and link
//! count, printed page by page as ListUsers answers.
//!
//! Formats: `table` (fixed columns, untrusted text escaped), `csv` (RFC 4180, with a header),
//! and the AWS CLI v2's (`awscli::result`): `json` (one JSON array, streamed one user per
//! line; the closing `]` is only printed when the listing completed, so a listing cut short
//! is never valid JSON), `yaml`, and `yaml-stream` and `text` page by page, with `--query`.

use std::io::Write;

use serde::Serialize;

use super::output::{Output, buffered_stdout, printed};
use super::{CmdError, with_session};
use crate::aws::listing::{self, ListingEvent, ListingMode, ListingSettings};
use crate::aws::ops::Ops;
use crate::awscli::output::{Iso8601, cell, csv_record};
use crate::awscli::result::{ListWriter, ResultError};
use crate::cli::args::{GlobalArgs, UsersArgs};
use crate::domain::filter::parse_filter;
use crate::domain::sanitize::sanitize;
use crate::domain::{MAX_LINKED_IDENTITIES, UserRecord, check_user_pool_id};
use crate::session::Session;

pub async fn run(global: &GlobalArgs, args: UsersArgs) -> Result<(), CmdError> {
    if let Some(v) = check_user_pool_id(&args.user_pool_id) {
        return Err(CmdError::bad_input(v));
    }
    if let Some(filter) = &args.filter {
        parse_filter(filter).map_err(CmdError::bad_input)?;
    }
    let output = Output::from_args(&args.output)?;
    let settings = global.listing_settings();
    if args.filter.is_some() && settings.mode == ListingMode::Partitioned {
        return Err(CmdError::bad_input(
            "--listing partitioned: cannot be combined with --filter (a Cognito filter names \
             one attribute, and the partitions are filters on sub)",
        ));
    }
    with_session(global, async |_: &Session, ops: &Ops| {
        list(ops, &args, output, settings).await
    })
    .await
}

async fn list(
    ops: &Ops,
    args: &UsersArgs,
    output: Output,
    settings: ListingSettings,
) -> Result<(), CmdError> {
    let (plan, mut events) = listing::start_chosen(
        ops.clone(),
        &args.user_pool_id,
        args.filter.clone(),
        settings,
    )
    .await;
    let mut printer = Printer::new(output);
    while let Some(event) = events.recv().await {
        match event {
            ListingEvent::Page { users } => {
                // Written a page at a time.
                let mut out = buffered_stdout();
                printed(
                    printer
                        .page(&mut out, &users)
                        .and_then(|()| Ok(out.flush()?)),
                )?;
            }
            ListingEvent::Retrying { failure, .. } => {
                eprintln!("coglink: reading a page again: {}", failure.summary());
            }
            ListingEvent::Finished(stats) => {
                let mut out = buffered_stdout();
                printed(printer.finish(&mut out).and_then(|()| Ok(out.flush()?)))?;
                if plan.partitioned {
                    eprintln!(
                        "{} users ({} partitions, {} pages, {} throttled, {:.1} s)",
                        stats.users,
                        plan.partitions().len(),
                        stats.pages,
                        stats.throttles,
                        stats.elapsed.as_secs_f64()
                    );
                } else {
                    eprintln!("{} users", stats.users);
                }
                return Ok(());
            }
            ListingEvent::Failed(f) => return Err(CmdError::failure("ListUsers", &f)),
        }
    }
    Err(CmdError::rejected(
        "coglink: the listing stopped unexpectedly",
    ))
}

/// A user as the json format prints it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UserJson<'a> {
    username: &'a str,
    user_status: &'a str,
    enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_create_date: Option<Iso8601>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_last_modified_date: Option<Iso8601>,
    link_count: usize,
    identities: Vec<IdentityJson<'a>>,
    /// Set when the `identities` attribute could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    identities_error: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IdentityJson<'a> {
    provider_name: &'a str,
    provider_type: &'a str,
    user_id: &'a str,
    primary: bool,
}

fn to_json(u: &UserRecord) -> UserJson<'_> {
    UserJson {
        username: u.username(),
        user_status: u.status(),
        enabled: u.enabled,
        email: u.email(),
        user_create_date: u.created().map(Iso8601),
        user_last_modified_date: u.modified().map(Iso8601),
        link_count: u.link_count(),
        identities: u
            .identities_or_empty()
            .map(|i| IdentityJson {
                provider_name: i.provider_name,
                provider_type: i.provider_type,
                user_id: i.user_id,
                primary: i.primary,
            })
            .collect(),
        identities_error: u.identities().err().map(|e| e.to_string()),
    }
}

/// `Google:123, SAML:bob (own)`; the user's own sign-in identity is marked.
fn identities_text(u: &UserRecord, sep: &str) -> String {
    match u.identities() {
        Err(_) => "(invalid identities attribute)".into(),
        Ok(ids) => ids
            .map(|i| {
                let own = if i.primary { " (own)" } else { "" };
                format!("{}:{}{own}", i.provider_name, i.user_id)
            })
            .collect::<Vec<_>>()
            .join(sep),
    }
}

/// Column widths of `table`: a 35-character username, the longest status
/// (`FORCE_CHANGE_PASSWORD`, 21) and a space after each.
const WIDTHS: [usize; 4] = [36, 22, 8, 6];

/// Writes users in one format, keeping what it needs between pages.
pub enum Printer {
    /// `table` or `csv`: a header, then a row per user.
    Rows {
        kind: RowKind,
        rows: u64,
    },
    V2(ListWriter),
}

/// coglink's own formats of a user.
#[derive(Clone, Copy)]
pub enum RowKind {
    Table,
    Csv,
}

impl RowKind {
    fn header(self, out: &mut impl Write) -> std::io::Result<()> {
        match self {
            RowKind::Table => {
                let cols = ["USERNAME", "STATUS", "ENABLED", "LINKS"];
                let line: String = cols.iter().zip(WIDTHS).map(|(c, w)| cell(c, w)).collect();
                writeln!(out, "{line}IDENTITIES")
            }
            RowKind::Csv => writeln!(out, "username,status,enabled,email,link_count,identities"),
        }
    }

    fn row(self, out: &mut impl Write, u: &UserRecord) -> std::io::Result<()> {
        match self {
            RowKind::Table => {
                let links = format!("{}/{MAX_LINKED_IDENTITIES}", u.link_count());
                let enabled = if u.enabled { "yes" } else { "no" };
                let cells = [u.username(), u.status(), enabled, &links];
                let line: String = cells.iter().zip(WIDTHS).map(|(c, w)| cell(c, w)).collect();
                writeln!(out, "{line}{}", sanitize(&identities_text(u, ", ")))
            }
            RowKind::Csv => {
                let fields = [
                    u.username().to_owned(),
                    u.status().to_owned(),
                    u.enabled.to_string(),
                    u.email().unwrap_or_default().to_owned(),
                    u.link_count().to_string(),
                    identities_text(u, ";"),
                ];
                writeln!(out, "{}", csv_record(&fields))
            }
        }
    }
}

impl Printer {
    pub fn new(output: Output) -> Self {
        match output {
            Output::Table => Printer::Rows {
                kind: RowKind::Table,
                rows: 0,
            },
            Output::Csv => Printer::Rows {
                kind: RowKind::Csv,
                rows: 0,
            },
            Output::V2(writer) => Printer::V2(writer.list()),
        }
    }

    pub fn page(&mut self, out: &mut impl Write, users: &[UserRecord]) -> Result<(), ResultError> {
        match self {
            Printer::V2(writer) => {
                let page: Vec<UserJson> = users.iter().map(to_json).collect();
                writer.page(out, &page)
            }
            Printer::Rows { kind, rows } => {
                for u in users {
                    if *rows == 0 {
                        kind.header(out)?;
                    }
                    *rows += 1;
                    kind.row(out, u)?;
                }
                Ok(())
            }
        }
    }

    /// Ends the output of a complete listing.
    pub fn finish(&mut self, out: &mut impl Write) -> Result<(), ResultError> {
        match self {
            Printer::V2(writer) => writer.finish(out),
            Printer::Rows { kind, rows: 0 } => Ok(kind.header(out)?),
            Printer::Rows { .. } => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, identities: &str) -> UserRecord {
        UserRecord::new(
            name.into(),
            "CONFIRMED".into(),
            true,
            vec![
                ("email".into(), format!("{name}@x.io")),
                ("identities".into(), identities.into()),
            ],
            None,
            None,
        )
    }

    const LINKED: &str = r#"[{"userId":"1","providerName":"Google","providerType":"Google","primary":false,"dateCreated":1}]"#;

    use crate::cli::args::{OutputArgs, OutputFormat};

    fn render(format: OutputFormat, pages: &[Vec<UserRecord>]) -> String {
        let args = OutputArgs {
            output: format,
            query: None,
        };
        let mut p = Printer::new(Output::from_args(&args).unwrap());
        let mut out = Vec::new();
        for page in pages {
            p.page(&mut out, page).unwrap();
        }
        p.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_is_one_array_across_pages() {
        let text = render(
            OutputFormat::Json,
            &[vec![user("a", LINKED)], vec![], vec![user("b", "")]],
        );
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 2);
        assert_eq!(v[0]["Username"], "a");
        assert_eq!(v[0]["LinkCount"], 1);
        assert_eq!(v[0]["Identities"][0]["UserId"], "1");
        assert_eq!(v[1]["Email"], "b@x.io");
        assert_eq!(text.lines().count(), 4);
        assert_eq!(render(OutputFormat::Json, &[]), "[]\n");
    }

    #[test]
    fn table_has_fixed_columns_and_escapes_pool_text() {
        let text = render(OutputFormat::Table, &[vec![user("ev\x1b[31mil", LINKED)]]);
        let lines: Vec<_> = text.lines().collect();
        assert!(lines[0].starts_with("USERNAME"));
        assert_eq!(lines[0].find("STATUS"), Some(36));
        assert!(lines[1].starts_with("ev\\e[31mil"), "{}", lines[1]);
        assert!(!text.contains('\x1b'));
        assert!(
            lines[1].contains("1/5") && lines[1].ends_with("Google:1"),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn the_longest_status_keeps_the_columns_aligned() {
        let long = user("a", LINKED).with_status("FORCE_CHANGE_PASSWORD");
        let text = render(OutputFormat::Table, &[vec![long, user("b", LINKED)]]);
        let lines: Vec<_> = text.lines().collect();
        let links = lines[0].find("LINKS").unwrap();
        assert_eq!(lines[1].find("1/5"), Some(links), "{text}");
        assert_eq!(lines[2].find("1/5"), Some(links), "{text}");
    }

    #[test]
    fn csv_has_a_header_and_quotes() {
        let text = render(OutputFormat::Csv, &[vec![user("a,b", LINKED)]]);
        assert_eq!(
            text,
            "username,status,enabled,email,link_count,identities\n\"a,b\",CONFIRMED,true,\"a,b@x.io\",1,Google:1\n"
        );
        assert_eq!(
            render(OutputFormat::Csv, &[]),
            "username,status,enabled,email,link_count,identities\n"
        );
    }

    #[test]
    fn v2_formats_carry_the_dates_as_v2_prints_them() {
        let u = user("a", LINKED).with_times(Some(1548108509.537), None);
        let text = render(OutputFormat::Text, &[vec![u.clone()]]);
        assert_eq!(
            text,
            "a@x.io\tTrue\t1\t2019-01-21T22:08:29.537000+00:00\tCONFIRMED\ta\n\
             IDENTITIES\tFalse\tGoogle\tGoogle\t1\n"
        );
        let yaml = render(OutputFormat::Yaml, &[vec![u]]);
        assert!(
            yaml.contains("  UserCreateDate: '2019-01-21T22:08:29.537000+00:00'\n"),
            "{yaml}"
        );
    }

    #[test]
    fn broken_identities_are_shown_not_hidden() {
        let text = render(OutputFormat::Json, &[vec![user("a", "[oops")]]);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(v[0]["IdentitiesError"].is_string());
        let text = render(OutputFormat::Table, &[vec![user("a", "[oops")]]);
        assert!(text.contains("(invalid identities attribute)"));
    }
}
