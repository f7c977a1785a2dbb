//! A command's result in the AWS CLI v2 formats (`json`, `yaml`, `yaml-stream`, `text`),
//! with `--query` applied as v2 applies it.
//!
//! - `json` and `yaml` print the whole result; `--query` sees all of it. A list printed as
//!   `json` without `--query` is streamed one item per line as it arrives (it is only valid
//!   JSON once its closing `]` is printed, so a listing cut short never parses).
//! - `yaml-stream` and `text` print page by page as the pages arrive, with `--query` applied
//!   to each page: `yaml-stream` prints each page as one item of a top-level sequence
//!   (`- ...`), as v2 does. Pages that hold nothing are skipped (a partitioned listing reads
//!   many); a result with no page at all prints as one empty page.

use std::io::Write;

use serde::Serialize;
use serde_json::Value;

use super::output::{json_terminal_safe, pretty4};
use super::query::Query;
use super::text::to_text;
use super::yaml::{to_yaml, to_yaml_item};

/// The formats of the AWS CLI v2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum V2Format {
    Json,
    Yaml,
    YamlStream,
    Text,
}

/// Why a result could not be printed.
#[derive(Debug)]
pub enum ResultError {
    Write(std::io::Error),
    /// `--query` failed on the result (a function given a value of the wrong type).
    Query(String),
}

impl From<std::io::Error> for ResultError {
    fn from(e: std::io::Error) -> Self {
        ResultError::Write(e)
    }
}

/// Prints results in one format, with an optional `--query`.
#[derive(Debug)]
pub struct ResultWriter {
    format: V2Format,
    query: Option<Query>,
}

impl ResultWriter {
    pub fn new(format: V2Format, query: Option<Query>) -> Self {
        ResultWriter { format, query }
    }

    fn queried(&self, value: Value) -> Result<Value, ResultError> {
        match &self.query {
            Some(q) => q.apply(&value).map_err(ResultError::Query),
            None => Ok(value),
        }
    }

    /// A result known whole (one page). Without `--query`, `json` keeps the key order of
    /// `T`; every other path goes through a JSON value (`yaml` and `text` sort keys anyway).
    pub fn write<T: Serialize>(&self, out: &mut impl Write, result: &T) -> Result<(), ResultError> {
        if self.format == V2Format::Json && self.query.is_none() {
            writeln!(out, "{}", json_terminal_safe(&pretty4(result)))?;
            return Ok(());
        }
        let value = serde_json::to_value(result).map_err(std::io::Error::other)?;
        let value = self.queried(value)?;
        let text = match self.format {
            V2Format::Json => format!("{}\n", json_terminal_safe(&pretty4(&value))),
            V2Format::Yaml => to_yaml(&value),
            V2Format::YamlStream => to_yaml_item(&value),
            V2Format::Text => to_text(&value),
        };
        out.write_all(text.as_bytes())?;
        Ok(())
    }

    /// A list result arriving in pages.
    pub fn list(self) -> ListWriter {
        ListWriter {
            writer: self,
            held: Vec::new(),
            items: 0,
            pages: 0,
            scratch: Vec::new(),
        }
    }
}

/// Prints a list result page by page (see the module notes for what each format holds).
#[derive(Debug)]
pub struct ListWriter {
    writer: ResultWriter,
    /// The items of a result printed whole (`yaml`, or `json` with `--query`).
    held: Vec<Value>,
    /// Items streamed so far (`json` without `--query`).
    items: u64,
    /// Pages printed so far (`yaml-stream`, `text`).
    pages: u64,
    /// Where a streamed item is written first.
    scratch: Vec<u8>,
}

impl ListWriter {
    fn streams_json(&self) -> bool {
        self.writer.format == V2Format::Json && self.writer.query.is_none()
    }

    fn prints_pages(&self) -> bool {
        matches!(self.writer.format, V2Format::YamlStream | V2Format::Text)
    }

    pub fn page<T: Serialize>(
        &mut self,
        out: &mut impl Write,
        items: &[T],
    ) -> Result<(), ResultError> {
        if self.streams_json() {
            for item in items {
                let sep = if self.items == 0 { "[\n  " } else { ", " };
                self.items += 1;
                // One buffer for every item: a million users, a million strings fewer.
                self.scratch.clear();
                serde_json::to_writer(&mut self.scratch, item).map_err(std::io::Error::other)?;
                let json = std::str::from_utf8(&self.scratch).map_err(std::io::Error::other)?;
                writeln!(out, "{sep}{}", json_terminal_safe(json))?;
            }
        } else if self.prints_pages() {
            if !items.is_empty() {
                self.pages += 1;
                self.writer.write(out, &items)?;
            }
        } else {
            for item in items {
                self.held
                    .push(serde_json::to_value(item).map_err(std::io::Error::other)?);
            }
        }
        Ok(())
    }

    /// Ends the output of a complete result.
    pub fn finish(&mut self, out: &mut impl Write) -> Result<(), ResultError> {
        if self.streams_json() {
            out.write_all(if self.items == 0 { b"[]\n" } else { b"]\n" })?;
        } else if self.prints_pages() {
            if self.pages == 0 {
                self.writer.write(out, &Value::Array(Vec::new()))?;
            }
        } else {
            let held = Value::Array(std::mem::take(&mut self.held));
            self.writer.write(out, &held)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(format: V2Format, query: Option<&str>, pages: &[Vec<Value>]) -> String {
        let q = query.map(|q| Query::compile(q).unwrap());
        let mut w = ResultWriter::new(format, q).list();
        let mut out = Vec::new();
        for p in pages {
            w.page(&mut out, p).unwrap();
        }
        w.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn pages() -> Vec<Vec<Value>> {
        vec![
            vec![json!({"U": "a", "C": 1}), json!({"U": "b", "C": 0})],
            vec![],
            vec![json!({"U": "c", "C": 2})],
        ]
    }

    #[test]
    fn json_streams_without_a_query_and_queries_the_whole_result() {
        let text = run(V2Format::Json, None, &pages());
        assert_eq!(
            text,
            "[\n  {\"C\":1,\"U\":\"a\"}\n, {\"C\":0,\"U\":\"b\"}\n, {\"C\":2,\"U\":\"c\"}\n]\n"
        );
        assert_eq!(run(V2Format::Json, None, &[]), "[]\n");
        let text = run(V2Format::Json, Some("[?C > `0`].U"), &pages());
        assert_eq!(text, "[\n    \"a\",\n    \"c\"\n]\n");
        // The whole result: a function over the list sees every page.
        assert_eq!(run(V2Format::Json, Some("length(@)"), &pages()), "3\n");
    }

    #[test]
    fn yaml_stream_and_text_apply_the_query_to_each_page() {
        assert_eq!(
            run(V2Format::YamlStream, Some("length(@)"), &pages()),
            "- 2\n- 1\n"
        );
        assert_eq!(
            run(V2Format::YamlStream, Some("[].U"), &pages()),
            "- - a\n  - b\n- - c\n"
        );
        assert_eq!(run(V2Format::YamlStream, None, &[]), "- []\n");
        assert_eq!(run(V2Format::Text, None, &pages()), "1\ta\n0\tb\n2\tc\n");
        assert_eq!(run(V2Format::Text, Some("[].U"), &pages()), "a\tb\nc\n");
    }

    #[test]
    fn yaml_prints_the_whole_result() {
        assert_eq!(
            run(V2Format::Yaml, None, &pages()),
            "- C: 1\n  U: a\n- C: 0\n  U: b\n- C: 2\n  U: c\n"
        );
        assert_eq!(run(V2Format::Yaml, Some("length(@)"), &pages()), "3\n");
    }

    #[test]
    fn a_failing_query_is_reported_not_printed() {
        let q = Query::compile("length(`1`)").unwrap();
        let mut out = Vec::new();
        let e = ResultWriter::new(V2Format::Text, Some(q))
            .write(&mut out, &json!([]))
            .unwrap_err();
        assert!(matches!(e, ResultError::Query(_)));
        assert!(out.is_empty());
    }
}
