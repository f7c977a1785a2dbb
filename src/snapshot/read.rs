//! Reading a snapshot back, record by record, checking its shape: a header first (the right
//! `format` and `format_version`), records, and an end record whose counts match, so a file
//! that is not a snapshot, of another version, or cut short is refused with the line and the
//! rule it breaks.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

use super::compare::{Comparison, EarlierLines};
use super::format::{EndEntry, FORMAT, FORMAT_VERSION, Header, Record, parse_line};

/// Why a file could not be read as a snapshot; shown as `FILE:LINE: reason`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {reason}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct SnapshotError {
    pub file: String,
    pub line: Option<usize>,
    pub reason: String,
}

/// A snapshot being read: its header is read and checked on [`SnapshotReader::new`], the
/// records after it by [`SnapshotReader::read_records`].
pub struct SnapshotReader<R> {
    file: String,
    lines: Lines<R>,
    pub header: Header,
}

/// Lines with their number (1-based) and the byte offset they start at.
struct Lines<R> {
    input: R,
    number: usize,
    offset: u64,
}

/// One line: its number, where it starts, its text without the line break.
struct Line {
    number: usize,
    at: u64,
    text: String,
}

impl<R: BufRead> SnapshotReader<R> {
    /// Reads the header of `input`; `file` names the input in messages.
    pub fn new(file: &str, input: R) -> Result<SnapshotReader<R>, SnapshotError> {
        let mut lines = Lines {
            input,
            number: 0,
            offset: 0,
        };
        let header = match next_line(file, &mut lines)? {
            None => return Err(fail(file, None, not_a_snapshot("the file is empty"))),
            Some(l) => header_of(&l.text).map_err(|r| fail(file, Some(l.number), r))?,
        };
        Ok(SnapshotReader {
            file: file.to_owned(),
            lines,
            header,
        })
    }

    /// Hands each record after the header, with its line and the byte offset the line
    /// starts at, to `each` (which may refuse one with a reason), in file order, and checks
    /// the end record: there, last, with the counts read.
    pub fn read_records(
        mut self,
        mut each: impl FnMut(Record, &str, u64) -> Result<(), String>,
    ) -> Result<EndEntry, SnapshotError> {
        let file = self.file.as_str();
        let mut counted = EndEntry::default();
        let mut end: Option<(usize, EndEntry)> = None;
        let mut last = 1;
        while let Some(Line {
            number: n,
            at,
            text,
        }) = next_line(file, &mut self.lines)?
        {
            last = n;
            if let Some((end_line, _)) = end {
                let reason = format!("a record after the end record of line {end_line}");
                return Err(fail(file, Some(n), reason));
            }
            let record = parse_line(&text)
                .map_err(|e| fail(file, Some(n), format!("not a snapshot record: {e}")))?;
            match record {
                Record::End(e) => end = Some((n, e)),
                Record::Header(_) => {
                    let reason = "a second header: a snapshot holds one pool".to_owned();
                    return Err(fail(file, Some(n), reason));
                }
                other => {
                    match &other {
                        Record::Provider(_) => counted.providers += 1,
                        Record::Group(_) => counted.groups += 1,
                        _ => counted.users += 1,
                    }
                    each(other, &text, at).map_err(|r| fail(file, Some(n), r))?;
                }
            }
        }
        match end {
            None => Err(fail(
                file,
                None,
                format!(
                    "no end record after line {last}: the snapshot is incomplete (its listing \
                     failed or the file was cut short)"
                ),
            )),
            Some((n, e)) if e != counted => Err(fail(
                file,
                Some(n),
                format!(
                    "the end record counts {} providers, {} groups, {} users but the file \
                     holds {}, {}, {}",
                    e.providers,
                    e.groups,
                    e.users,
                    counted.providers,
                    counted.groups,
                    counted.users
                ),
            )),
            Some(_) => Ok(counted),
        }
    }
}

fn fail(file: &str, line: Option<usize>, reason: String) -> SnapshotError {
    SnapshotError {
        file: file.to_owned(),
        line,
        reason,
    }
}

/// The next line, without its line break (`\n` or `\r\n`).
fn next_line<R: BufRead>(file: &str, lines: &mut Lines<R>) -> Result<Option<Line>, SnapshotError> {
    let mut text = String::new();
    let number = lines.number + 1;
    let read = lines
        .input
        .read_line(&mut text)
        .map_err(|e| fail(file, Some(number), format!("cannot be read: {e}")))?;
    if read == 0 {
        return Ok(None);
    }
    let at = lines.offset;
    lines.number = number;
    lines.offset += read as u64;
    trim_line_break(&mut text);
    Ok(Some(Line { number, at, text }))
}

fn trim_line_break(text: &mut String) {
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
}

fn not_a_snapshot(why: &str) -> String {
    format!(
        "not a coglink snapshot: {why} (a snapshot's first line is a header \
         {{\"kind\":\"header\",\"format\":\"{FORMAT}\",...}}, as `coglink snapshot` writes)"
    )
}

fn header_of(text: &str) -> Result<Header, String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| not_a_snapshot(&format!("the first line is not JSON ({e})")))?;
    if value.get("kind").and_then(|k| k.as_str()) != Some("header")
        || value.get("format").and_then(|f| f.as_str()) != Some(FORMAT)
    {
        return Err(not_a_snapshot("the first line is not its header"));
    }
    match value.get("format_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(FORMAT_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "format_version {v}: this coglink reads format_version {FORMAT_VERSION} only"
            ));
        }
        None => return Err("format_version: required, a whole number".into()),
    }
    match parse_line(text) {
        Ok(Record::Header(h)) => Ok(h),
        Ok(_) => Err(not_a_snapshot("the first line is not its header")),
        Err(e) => Err(format!("header: {e}")),
    }
}

/// Opens the snapshot file at `path` and reads its header.
pub fn open(path: &Path) -> Result<SnapshotReader<BufReader<File>>, SnapshotError> {
    let file = path.display().to_string();
    let input =
        File::open(path).map_err(|e| fail(&file, None, format!("cannot be opened: {e}")))?;
    SnapshotReader::new(&file, BufReader::new(input))
}

/// A snapshot file read again by offset, for the lines a comparison did not keep.
#[derive(Debug)]
pub struct FileLines {
    file: String,
    input: BufReader<File>,
}

impl FileLines {
    /// The snapshot file at `path`, to read lines of by offset.
    pub fn open(path: &Path) -> Result<FileLines, SnapshotError> {
        let file = path.display().to_string();
        let input =
            File::open(path).map_err(|e| fail(&file, None, format!("cannot be opened: {e}")))?;
        Ok(FileLines {
            file,
            input: BufReader::new(input),
        })
    }
}

impl EarlierLines for FileLines {
    fn line_at(&mut self, at: u64) -> Result<String, String> {
        let mut text = String::new();
        self.input
            .seek(SeekFrom::Start(at))
            .and_then(|_| self.input.read_line(&mut text))
            .map_err(|e| format!("{}: cannot be read again: {e}", self.file))?;
        trim_line_break(&mut text);
        Ok(text)
    }
}

/// Reads the snapshot file at `path` as the earlier side of a comparison, with the means to
/// read its lines again.
pub fn read_before(path: &Path) -> Result<(Comparison, FileLines), SnapshotError> {
    let reader = open(path)?;
    let mut comparison = Comparison::new(reader.header.clone());
    reader.read_records(|record, line, at| comparison.add_before(record, line, at))?;
    let mut lines = FileLines::open(path)?;
    comparison
        .seal_before(&mut lines)
        .map_err(|reason| fail(&path.display().to_string(), None, reason))?;
    Ok((comparison, lines))
}

/// Reads `reader` (opened with [`open`]) into `comparison` as its later side.
pub fn read_after<R: BufRead>(
    reader: SnapshotReader<R>,
    comparison: &mut Comparison,
    earlier: &mut dyn EarlierLines,
) -> Result<(), SnapshotError> {
    comparison
        .start_after(reader.header.clone(), earlier)
        .map_err(|reason| fail("the earlier snapshot", None, reason))?;
    reader.read_records(|record, line, _| comparison.add_after(&record, line, earlier))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::format::{EndEntry, to_line};

    fn header_line() -> String {
        to_line(&Record::Header(Header::new(
            "p_1",
            None,
            None,
            None,
            "t".into(),
        )))
    }

    fn group_line(name: &str) -> String {
        format!(
            r#"{{"kind":"group","name":"{name}","description":null,"precedence":null,"role_arn":null,"created":null,"modified":null}}"#
        )
    }

    fn end_line(groups: u64) -> String {
        to_line(&Record::End(EndEntry {
            groups,
            ..EndEntry::default()
        }))
    }

    fn read(text: &str) -> Result<Comparison, SnapshotError> {
        let reader = SnapshotReader::new("s.jsonl", text.as_bytes())?;
        let mut comparison = Comparison::new(reader.header.clone());
        reader.read_records(|r, line, at| comparison.add_before(r, line, at))?;
        Ok(comparison)
    }

    fn error(text: &str) -> String {
        read(text).unwrap_err().to_string()
    }

    #[test]
    fn a_complete_snapshot_reads_back() {
        let text = [header_line(), group_line("a"), end_line(1)].join("\n");
        let comparison = read(&text).unwrap();
        assert_eq!(comparison.before_header().pool_id, "p_1");
        let diff = comparison
            .finish(&mut |_: u64| Ok(group_line("a")))
            .unwrap();
        // Against nothing: the group is deleted.
        assert_eq!(diff.changes.len(), 1);
    }

    #[test]
    fn each_record_comes_with_the_offset_its_line_starts_at_whatever_the_line_breaks() {
        let text = format!(
            "{}\r\n{}\n{}\n",
            header_line(),
            group_line("a"),
            end_line(1)
        );
        let reader = SnapshotReader::new("s.jsonl", text.as_bytes()).unwrap();
        let mut seen = Vec::new();
        reader
            .read_records(|_, line, at| {
                seen.push((line.to_owned(), at));
                Ok(())
            })
            .unwrap();
        assert_eq!(seen.len(), 1);
        let (line, at) = &seen[0];
        assert_eq!(line, &group_line("a"));
        assert_eq!(&text[*at as usize..*at as usize + line.len()], line);
    }

    #[test]
    fn what_is_not_a_snapshot_is_refused_at_line_1_with_the_rule() {
        assert!(
            error("").starts_with("s.jsonl: not a coglink snapshot: the file is empty"),
            "{}",
            error("")
        );
        let csv = error("DestinationProviderName,DestinationProviderAttributeValue\n");
        assert!(
            csv.starts_with("s.jsonl:1: not a coglink snapshot: the first line is not JSON"),
            "{csv}"
        );
        let other = error(r#"{"kind":"user","username":"a"}"#);
        assert!(
            other.contains("s.jsonl:1: not a coglink snapshot: the first line is not its header"),
            "{other}"
        );
    }

    #[test]
    fn another_format_version_is_refused_naming_both() {
        let v2 = header_line().replace(r#""format_version":1"#, r#""format_version":2"#);
        assert_eq!(
            error(&format!("{v2}\n{}", end_line(0))),
            "s.jsonl:1: format_version 2: this coglink reads format_version 1 only"
        );
    }

    #[test]
    fn a_bad_record_a_second_header_and_a_name_twice_name_their_line() {
        let bad = [header_line(), group_line("a"), "{oops".into(), end_line(1)].join("\n");
        assert!(
            error(&bad).starts_with("s.jsonl:3: not a snapshot record: "),
            "{}",
            error(&bad)
        );
        let twice = [header_line(), header_line(), end_line(0)].join("\n");
        assert_eq!(
            error(&twice),
            "s.jsonl:2: a second header: a snapshot holds one pool"
        );
        let dup = [header_line(), group_line("a"), group_line("a"), end_line(2)].join("\n");
        assert_eq!(
            error(&dup),
            "s.jsonl:3: group \"a\" appears twice: a name is unique in a pool"
        );
    }

    #[test]
    fn a_file_cut_short_or_with_wrong_counts_is_incomplete() {
        let cut = [header_line(), group_line("a")].join("\n");
        assert_eq!(
            error(&cut),
            "s.jsonl: no end record after line 2: the snapshot is incomplete (its listing \
             failed or the file was cut short)"
        );
        let miscounted = [header_line(), group_line("a"), end_line(2)].join("\n");
        assert!(
            error(&miscounted)
                .starts_with("s.jsonl:3: the end record counts 0 providers, 2 groups"),
            "{}",
            error(&miscounted)
        );
        let after_end = [header_line(), end_line(0), group_line("a")].join("\n");
        assert_eq!(
            error(&after_end),
            "s.jsonl:3: a record after the end record of line 2"
        );
    }
}
