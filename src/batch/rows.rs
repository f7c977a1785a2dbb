//! Reading a batch file: CSV with a header, or JSON lines, of destination/source triples.
//!
//! CSV columns (header names compared case-insensitively, in any order; the destination's
//! attribute name may be left out since Cognito ignores it):
//! `DestinationProviderName, DestinationProviderAttributeName, DestinationProviderAttributeValue,
//!  SourceProviderName, SourceProviderAttributeName, SourceProviderAttributeValue`
//! and optionally `UserPoolId`.
//!
//! JSON lines: one AdminLinkProviderForUser request per line
//! (`{"DestinationUser": {...}, "SourceUser": {...}}`, `UserPoolId` optional). Blank lines and
//! lines starting with `#` are skipped.

use crate::domain::{LinkRequest, ProviderUserIdentifier};

/// One request of the file, with the line it starts on (1-based) for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchRow {
    pub line: usize,
    pub request: LinkRequest,
}

/// Why a file or a line could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RowsError {
    #[error("line {line}: {reason}")]
    Line { line: usize, reason: String },
    #[error("CSV header: {0}")]
    Header(String),
    #[error("the batch file holds no requests")]
    Empty,
}

const COLUMNS: [&str; 7] = [
    "userpoolid",
    "destinationprovidername",
    "destinationproviderattributename",
    "destinationproviderattributevalue",
    "sourceprovidername",
    "sourceproviderattributename",
    "sourceproviderattributevalue",
];
const REQUIRED: [usize; 5] = [1, 3, 4, 5, 6];

/// Parses a batch file; the format is told by its first meaningful character (`{` = JSON lines).
/// `pool_id` fills rows that do not name a pool.
pub fn parse_rows(text: &str, pool_id: Option<&str>) -> Result<Vec<BatchRow>, RowsError> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let mut rows = match first {
        None => return Err(RowsError::Empty),
        Some(l) if l.starts_with('{') => parse_json_lines(text)?,
        Some(_) => parse_csv(text)?,
    };
    if rows.is_empty() {
        return Err(RowsError::Empty);
    }
    for row in &mut rows {
        if row.request.user_pool_id.is_none() {
            row.request.user_pool_id = pool_id.map(str::to_owned);
        }
    }
    Ok(rows)
}

fn parse_json_lines(text: &str) -> Result<Vec<BatchRow>, RowsError> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let request: LinkRequest = serde_json::from_str(trimmed).map_err(|e| RowsError::Line {
            line: i + 1,
            reason: format!("not an AdminLinkProviderForUser request: {e}"),
        })?;
        rows.push(BatchRow {
            line: i + 1,
            request,
        });
    }
    Ok(rows)
}

fn parse_csv(text: &str) -> Result<Vec<BatchRow>, RowsError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::Headers)
        .comment(Some(b'#'))
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| RowsError::Header(e.to_string()))?
        .clone();
    let mut index = [None; 7];
    for (i, h) in headers.iter().enumerate() {
        let key = h.to_ascii_lowercase().replace(['_', ' ', '.'], "");
        let Some(col) = COLUMNS.iter().position(|c| *c == key) else {
            return Err(RowsError::Header(format!(
                "unknown column {h:?}; expected DestinationProviderName, DestinationProviderAttributeValue, SourceProviderName, SourceProviderAttributeName, SourceProviderAttributeValue (and optionally UserPoolId, DestinationProviderAttributeName)"
            )));
        };
        if index[col].replace(i).is_some() {
            return Err(RowsError::Header(format!("column {h:?} appears twice")));
        }
    }
    if let Some(missing) = REQUIRED.iter().find(|&&c| index[c].is_none()) {
        return Err(RowsError::Header(format!(
            "missing column {}",
            header_name(*missing)
        )));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| RowsError::Line {
            line: e.position().map_or(0, |p| line_of(text, p.byte())),
            reason: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| line_of(text, p.byte()));
        let field = |col: usize| index[col].and_then(|i| record.get(i)).map(str::to_owned);
        let identifier = |name, attr, value| ProviderUserIdentifier {
            provider_name: field(name),
            provider_attribute_name: field(attr).filter(|a: &String| !a.is_empty()),
            provider_attribute_value: field(value),
        };
        rows.push(BatchRow {
            line,
            request: LinkRequest {
                user_pool_id: field(0).filter(|p| !p.is_empty()),
                destination_user: Some(identifier(1, 2, 3)),
                source_user: Some(identifier(4, 5, 6)),
            },
        });
    }
    Ok(rows)
}

/// The 1-based line a record at this byte offset starts on. The csv crate's own line count
/// skips comment lines, and its record offsets point before the comments a record follows.
fn line_of(text: &str, byte: u64) -> usize {
    let start = (byte as usize).min(text.len());
    let mut line = text.as_bytes()[..start]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    for l in text.get(start..).unwrap_or("").split('\n') {
        if !l.starts_with('#') {
            break;
        }
        line += 1;
    }
    line
}

fn header_name(col: usize) -> &'static str {
    [
        "UserPoolId",
        "DestinationProviderName",
        "DestinationProviderAttributeName",
        "DestinationProviderAttributeValue",
        "SourceProviderName",
        "SourceProviderAttributeName",
        "SourceProviderAttributeValue",
    ][col]
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "DestinationProviderName,DestinationProviderAttributeValue,SourceProviderName,SourceProviderAttributeName,SourceProviderAttributeValue\n\
Cognito,diego,Google,Cognito_Subject,111\n\
# a comment\n\
Cognito,\"smith, anna\",CorpSAML,email,\"a\"\"b@x.io\"\n";

    #[test]
    fn reads_csv_with_quotes_and_comments() {
        let rows = parse_rows(CSV, Some("p_1")).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].request.pool_id(), "p_1");
        assert_eq!(rows[0].request.source().value(), "111");
        assert_eq!(rows[1].request.destination().value(), "smith, anna");
        assert_eq!(rows[1].request.source().value(), "a\"b@x.io");
        assert_eq!(rows[1].request.source().attribute_name(), "email");
        assert_eq!(rows[1].line, 4);
    }

    #[test]
    fn header_names_are_flexible_but_checked() {
        let text = "source_provider_name,SOURCE PROVIDER ATTRIBUTE NAME,SourceProviderAttributeValue,DestinationProviderName,DestinationProviderAttributeValue,UserPoolId\nGoogle,Cognito_Subject,1,Cognito,d,p_9\n";
        let rows = parse_rows(text, Some("p_1")).unwrap();
        assert_eq!(rows[0].request.pool_id(), "p_9");
        let bad = "DestinationProviderName,Bogus\nx,y\n";
        assert!(matches!(parse_rows(bad, None), Err(RowsError::Header(m)) if m.contains("Bogus")));
        let missing = "DestinationProviderName,DestinationProviderAttributeValue\nCognito,d\n";
        assert_eq!(
            parse_rows(missing, None),
            Err(RowsError::Header(
                "missing column SourceProviderName".into()
            ))
        );
    }

    #[test]
    fn ragged_csv_lines_name_the_line() {
        let text = "DestinationProviderName,DestinationProviderAttributeValue,SourceProviderName,SourceProviderAttributeName,SourceProviderAttributeValue\nCognito,d,Google\n";
        assert!(matches!(
            parse_rows(text, None),
            Err(RowsError::Line { line: 2, .. })
        ));
    }

    #[test]
    fn reads_json_lines() {
        let text = "\n{\"DestinationUser\":{\"ProviderName\":\"Cognito\",\"ProviderAttributeValue\":\"d\"},\"SourceUser\":{\"ProviderName\":\"Google\",\"ProviderAttributeName\":\"Cognito_Subject\",\"ProviderAttributeValue\":\"1\"}}\n# skip\n";
        let rows = parse_rows(text, Some("p_1")).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].request.pool_id(), "p_1");
        let bad = "{\"DestinationUser\":{\"Value\":\"d\"}}";
        assert!(matches!(
            parse_rows(bad, None),
            Err(RowsError::Line { line: 1, .. })
        ));
    }

    #[test]
    fn empty_files_are_an_error() {
        assert_eq!(parse_rows("", None), Err(RowsError::Empty));
        assert_eq!(
            parse_rows("# only a comment\n", None),
            Err(RowsError::Empty)
        );
        let header_only = "DestinationProviderName,DestinationProviderAttributeValue,SourceProviderName,SourceProviderAttributeName,SourceProviderAttributeValue\n";
        assert_eq!(parse_rows(header_only, None), Err(RowsError::Empty));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 1000, ..Default::default() })]

        #[test]
        fn no_batch_file_makes_the_reader_panic(body in proptest::prelude::prop_oneof![
            proptest::prelude::any::<String>(),
            "[A-Za-z_,\"#\n{}:]{0,200}",
        ]) {
            let _ = parse_rows(&body, Some("p_1"));
            let _ = parse_rows(&format!("DestinationProviderName,DestinationProviderAttributeValue,SourceProviderName,SourceProviderAttributeName,SourceProviderAttributeValue\n{body}"), None);
        }
    }
}
