//! Where the records of a snapshot go as the pool is listed: a JSON-lines file (or stdout),
//! a `batch` CSV of the links, a [`Comparison`] (`diff --live`), or several of them.

use std::io::{self, Write};

use super::compare::{Comparison, EarlierLines};
use super::format::{Record, to_line};
use super::links::{LINKS_HEADER, link_rows};
use crate::journal::LinkAttributes;

/// Takes the records of a snapshot, in order: header, providers, groups, users, end.
pub trait RecordSink {
    fn record(&mut self, record: &Record) -> io::Result<()>;
}

/// The snapshot file: one record per line.
pub struct JsonLines<W: Write>(pub W);

impl<W: Write> JsonLines<W> {
    /// A record already made into its line by [`to_line`] (a caller that also digests it).
    pub fn line(&mut self, line: &str) -> io::Result<()> {
        self.0.write_all(line.as_bytes())?;
        self.0.write_all(b"\n")
    }
}

impl<W: Write> RecordSink for JsonLines<W> {
    fn record(&mut self, record: &Record) -> io::Result<()> {
        let mut line = to_line(record);
        line.push('\n');
        self.0.write_all(line.as_bytes())
    }
}

/// The links as a `coglink batch` CSV file (a header and one row per link).
pub struct LinksCsv<W: Write> {
    csv: csv::Writer<W>,
    pool_id: String,
    known: LinkAttributes,
    pub rows: u64,
    /// Rows of SAML/OIDC links written with `Cognito_Subject` for want of a recorded name.
    pub attribute_unknown: u64,
}

impl<W: Write> LinksCsv<W> {
    /// `known`: the attribute names the journal recorded for links of `pool_id`.
    pub fn new(out: W, pool_id: &str, known: LinkAttributes) -> io::Result<LinksCsv<W>> {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(LINKS_HEADER)?;
        Ok(LinksCsv {
            csv,
            pool_id: pool_id.to_owned(),
            known,
            rows: 0,
            attribute_unknown: 0,
        })
    }

    /// The writer, everything flushed to it.
    pub fn into_inner(self) -> io::Result<W> {
        self.csv.into_inner().map_err(|e| e.into_error())
    }
}

impl<W: Write> RecordSink for LinksCsv<W> {
    fn record(&mut self, record: &Record) -> io::Result<()> {
        if let Record::User(user) = record {
            for row in link_rows(user, &self.pool_id, &self.known) {
                self.csv.write_record(&row.fields)?;
                self.rows += 1;
                self.attribute_unknown += u64::from(!row.attribute_known);
            }
        }
        Ok(())
    }
}

/// The later side of a comparison, as the live pool is listed.
pub struct Against<'a> {
    pub comparison: &'a mut Comparison,
    pub earlier: &'a mut dyn EarlierLines,
}

impl RecordSink for Against<'_> {
    fn record(&mut self, record: &Record) -> io::Result<()> {
        match record {
            Record::Header(h) => self
                .comparison
                .start_after(h.clone(), self.earlier)
                .map_err(io::Error::other),
            Record::End(_) => Ok(()),
            other => self
                .comparison
                .add_after(other, &to_line(other), self.earlier)
                .map_err(io::Error::other),
        }
    }
}

/// Each record to every sink, in order.
pub struct Tee<'a>(pub Vec<&'a mut dyn RecordSink>);

impl RecordSink for Tee<'_> {
    fn record(&mut self, record: &Record) -> io::Result<()> {
        self.0.iter_mut().try_for_each(|sink| sink.record(record))
    }
}
