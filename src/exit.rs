//! Exit codes of every command, in one place. Documented in README ("Exit codes"):
//! 0 done (and every dry run), 1 rejected (by Cognito, or refused locally because Cognito
//! would reject it) or Cognito could not be reached, 2 bad input (the message names the field
//! and the rule; `--read-only` refusals too), 3 the audit journal could not be written.
//! The AWS CLI v2's codes map onto these (README): its 252 is our 2; its 253, 254 and 255
//! are our 1; our 3 has no counterpart.

/// A change or read refused by the service, or the service not reached.
pub const EXIT_REJECTED: u8 = 1;
/// Bad input (named field and rule on stderr).
pub const EXIT_BAD_INPUT: u8 = 2;
/// The journal could not be written (the change may have been made).
pub const EXIT_JOURNAL: u8 = 3;
