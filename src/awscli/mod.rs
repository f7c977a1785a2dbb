//! What mirrors the AWS CLI: operation specs, `--cli-input-json` and `--cli-input-yaml`
//! (`input`), shorthand (`shorthand`), skeletons and the equivalent `aws` command
//! (`command`), shell quoting and terminal-safe JSON (`output`), and the v2 result formats
//! (`result`: `json`, `yaml` and `yaml-stream` (`yaml`), `text` (`text`), with `--query`
//! (`query`)). Used by the headless commands and the TUI's review.

pub mod command;
pub mod input;
pub mod output;
pub mod query;
pub mod result;
pub mod shorthand;
pub mod text;
pub mod yaml;
