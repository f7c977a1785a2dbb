//! How a command prints its result: coglink's own `table` and `csv`, or one of the AWS CLI
//! v2's formats with `--query` (`awscli::result`).

use clap::ValueEnum;

use super::{CmdError, write_result};
use crate::awscli::query::Query;
use crate::awscli::result::{ResultError, ResultWriter, V2Format};
use crate::cli::args::{OutputArgs, OutputFormat};

/// The printing a command's `--output` and `--query` ask for.
#[derive(Debug)]
pub enum Output {
    Table,
    Csv,
    V2(ResultWriter),
}

impl Output {
    /// Checks `--query` (compiled once, before anything is read) and that the format takes it.
    pub fn from_args(args: &OutputArgs) -> Result<Output, CmdError> {
        let query = args
            .query
            .as_deref()
            .map(Query::compile)
            .transpose()
            .map_err(CmdError::bad_input)?;
        let v2 = match args.output {
            OutputFormat::Table | OutputFormat::Csv => {
                if query.is_some() {
                    return Err(CmdError::bad_input(format!(
                        "--query: applies to --output json, yaml, yaml-stream or text, not {} \
                         (its columns are fixed)",
                        name(args.output)
                    )));
                }
                return Ok(if args.output == OutputFormat::Table {
                    Output::Table
                } else {
                    Output::Csv
                });
            }
            OutputFormat::Json => V2Format::Json,
            OutputFormat::Yaml => V2Format::Yaml,
            OutputFormat::YamlStream => V2Format::YamlStream,
            OutputFormat::Text => V2Format::Text,
        };
        Ok(Output::V2(ResultWriter::new(v2, query)))
    }
}

/// The format's name as `--output` takes it.
fn name(format: OutputFormat) -> String {
    format
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

/// A printed result as the command's outcome: a failing `--query` is bad input (exit 2),
/// a closed pipe ends the command quietly, another write error is reported.
/// Standard output, locked, gathering what is printed until it is flushed: stdout alone
/// flushes at every line, a system call per user of a listing.
pub fn buffered_stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock())
}

pub fn printed(r: Result<(), ResultError>) -> Result<(), CmdError> {
    match r {
        Ok(()) => Ok(()),
        Err(ResultError::Query(message)) => Err(CmdError::bad_input(message)),
        Err(ResultError::Write(e)) => write_result(Err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(output: OutputFormat, query: Option<&str>) -> OutputArgs {
        OutputArgs {
            output,
            query: query.map(str::to_owned),
        }
    }

    #[test]
    fn a_query_needs_a_v2_format_and_a_valid_expression() {
        assert!(matches!(
            Output::from_args(&args(OutputFormat::Text, Some("[].a"))),
            Ok(Output::V2(_))
        ));
        let e = Output::from_args(&args(OutputFormat::Table, Some("a"))).unwrap_err();
        assert_eq!(e.code, crate::exit::EXIT_BAD_INPUT);
        assert!(e.message.contains("not table"), "{}", e.message);
        let e = Output::from_args(&args(OutputFormat::Json, Some("[?"))).unwrap_err();
        assert!(
            e.message.contains("--query: not a valid JMESPath"),
            "{}",
            e.message
        );
        assert!(matches!(
            Output::from_args(&args(OutputFormat::Csv, None)),
            Ok(Output::Csv)
        ));
    }
}
