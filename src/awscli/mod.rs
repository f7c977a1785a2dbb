//! What mirrors the AWS CLI: operation specs and `--cli-input-json` (`input`), shorthand
//! (`shorthand`), skeletons and the equivalent `aws` command (`command`), shell quoting and
//! terminal-safe JSON (`output`). Used by the headless commands and the TUI's review.

pub mod command;
pub mod input;
pub mod output;
pub mod shorthand;
