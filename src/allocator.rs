//! The global allocator of every binary, test and bench of the crate (so benches measure
//! what ships): mimalloc, built without transparent huge pages (Cargo.toml), and set up
//! before `main` to give memory back by resetting it rather than decommitting it.
//!
//! Against glibc's malloc, measured on 2 cores (README, "A million users"): `users` of
//! 10,000 users 22x the AWS CLI instead of 16x; the TUI's table of 1,000,000 users listed
//! twice as fast in no more memory.
//!
//! Purging: mimalloc hands memory it has not used for a second back to the system. By
//! default it decommits it (`MADV_DONTNEED`), so using it again faults every page in anew:
//! a few milliseconds for the buffers of a filtered million-user table, at random in a
//! frame. A reset (`MADV_FREE`) lets the system take the pages when it needs them and
//! costs nothing when they are used again first; the fuzzy-filter bench's slowest frame
//! went from 16 to 13 ms. The price: `top` shows such pages as still resident until the
//! system takes them.

use std::ffi::{c_int, c_long};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc v3's `mi_option_purge_decommits` (`mi_option_t` in its `mimalloc.h`). The
/// indices are mimalloc's and move between its major versions: the test below checks that
/// the option ten places on, `mi_option_purge_delay`, has that option's default.
const PURGE_DECOMMITS: c_int = 5;
#[cfg(test)]
const PURGE_DELAY: c_int = 15;

unsafe extern "C" {
    fn mi_option_set(option: c_int, value: c_long);
    #[cfg(test)]
    fn mi_option_get(option: c_int) -> c_long;
}

/// Runs before `main` (and before any test or bench), as the loader runs constructors.
#[used]
#[unsafe(link_section = ".init_array")]
static CONFIGURE: extern "C" fn() = configure;

extern "C" fn configure() {
    // SAFETY: mimalloc's option setter takes any option index and value at any time; an
    // index out of its range is ignored.
    unsafe { mi_option_set(PURGE_DECOMMITS, 0) }
}

#[cfg(test)]
mod tests {
    use super::{PURGE_DECOMMITS, PURGE_DELAY, mi_option_get};

    #[test]
    fn purged_memory_is_reset_from_the_start() {
        // SAFETY: a read of an option.
        let decommits = unsafe { mi_option_get(PURGE_DECOMMITS) };
        assert_eq!(decommits, 0, "the constructor ran before the tests");
    }

    #[test]
    fn the_option_indices_are_those_of_the_mimalloc_linked() {
        // SAFETY: a read of an option.
        let delay = unsafe { mi_option_get(PURGE_DELAY) };
        assert_eq!(
            delay, 1000,
            "mi_option_purge_delay's default, in milliseconds"
        );
    }
}
