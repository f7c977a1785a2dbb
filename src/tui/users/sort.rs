//! Ranking every user for a sort order, fast enough for 1,000,000 users: users are sorted by
//! 16-byte chunks of their sort text (for `Links` the link count, then the case-folded
//! username), and only users whose chunks tie are compared further, chunk by chunk. Where
//! two sort texts are equal to their end, `SortOrder::compare` decides, so the result is the
//! order `compare` defines.

use super::SortOrder;
use crate::domain::UserRecord;
use crate::tui::fuzzy::FuzzyFilter;

const CHUNK: usize = 16;

/// A user's sort text, as bytes: for `Links` the link count (descending: one byte when
/// every count is under 255, else 4 big-endian), then the username ASCII-folded.
struct SortText<'a> {
    links: &'a [u8],
    name: &'a [u8],
}

/// The link count prefix of each user's sort text, for `Links`: computed once, as reading a
/// count decodes the user's identities.
struct LinkPrefixes {
    bytes: Vec<u8>,
    width: usize,
}

impl LinkPrefixes {
    fn of(users: &[UserRecord], sort: SortOrder) -> LinkPrefixes {
        if sort != SortOrder::Links {
            return LinkPrefixes {
                bytes: Vec::new(),
                width: 0,
            };
        }
        let counts: Vec<u32> = users
            .iter()
            .map(|u| u32::try_from(u.link_count()).unwrap_or(u32::MAX))
            .collect();
        let width = if counts.iter().all(|&c| c < 255) {
            1
        } else {
            4
        };
        let mut bytes = Vec::with_capacity(counts.len() * width);
        for c in counts {
            let descending = (u32::MAX - c).to_be_bytes();
            bytes.extend_from_slice(&descending[4 - width..]);
        }
        LinkPrefixes { bytes, width }
    }

    fn text<'a>(&'a self, users: &'a [UserRecord], i: usize) -> SortText<'a> {
        SortText {
            links: self
                .bytes
                .get(i * self.width..(i + 1) * self.width)
                .unwrap_or_default(),
            name: users[i].username().as_bytes(),
        }
    }
}

impl<'a> SortText<'a> {
    fn len(&self) -> usize {
        self.links.len() + self.name.len()
    }

    /// Bytes `[CHUNK * depth, CHUNK * (depth + 1))`, zero-padded, as two numbers that order as
    /// the bytes do.
    fn chunk(&self, depth: usize) -> (u64, u64) {
        let mut out = [0u8; CHUNK];
        let mut at = CHUNK * depth;
        let mut slot = 0;
        for part in [self.links, self.name] {
            if at >= part.len() {
                at -= part.len();
                continue;
            }
            let take = (part.len() - at).min(CHUNK - slot);
            out[slot..slot + take].copy_from_slice(&part[at..at + take]);
            slot += take;
            at = 0;
        }
        // The link count's bytes are a number: only the name's are folded.
        let link_bytes = self.links.len().saturating_sub(CHUNK * depth).min(CHUNK);
        out[link_bytes..].make_ascii_lowercase();
        (
            u64::from_be_bytes(out[..8].try_into().unwrap_or_default()),
            u64::from_be_bytes(out[8..].try_into().unwrap_or_default()),
        )
    }
}

/// Every user index in `sort` order (`sort` is not `Loaded`).
pub(super) fn rank(users: &[UserRecord], fuzzy: &FuzzyFilter, sort: SortOrder) -> Vec<usize> {
    let prefixes = LinkPrefixes::of(users, sort);
    let keyed_at = |depth: usize, i: u32| {
        let (hi, lo) = prefixes.text(users, i as usize).chunk(depth);
        (hi, lo, i)
    };
    let mut keyed: Vec<(u64, u64, u32)> = (0..users.len() as u32).map(|i| keyed_at(0, i)).collect();
    keyed.sort_unstable();
    // Runs of equal chunks still to order: (start, end, depth of their equal chunk).
    let mut ties = Vec::new();
    push_ties(&keyed, 0, 0, &mut ties);
    while let Some((start, end, depth)) = ties.pop() {
        let run = &mut keyed[start..end];
        let longer = run
            .iter()
            .any(|&(_, _, i)| prefixes.text(users, i as usize).len() > CHUNK * (depth + 1));
        if longer {
            for entry in run.iter_mut() {
                *entry = keyed_at(depth + 1, entry.2);
            }
            run.sort_unstable();
            push_ties(run, start, depth + 1, &mut ties);
        } else {
            // Equal sort texts to their end: the full comparison (case, then load order).
            run.sort_unstable_by(|a, b| sort.compare(users, fuzzy, a.2 as usize, b.2 as usize));
        }
    }
    keyed.into_iter().map(|(_, _, i)| i as usize).collect()
}

/// Pushes each run of 2 or more equal keys of `keyed` (which starts at `offset`).
fn push_ties(
    keyed: &[(u64, u64, u32)],
    offset: usize,
    depth: usize,
    ties: &mut Vec<(usize, usize, usize)>,
) {
    let mut start = 0;
    while start < keyed.len() {
        let key = (keyed[start].0, keyed[start].1);
        let end = start
            + keyed[start..]
                .iter()
                .take_while(|e| (e.0, e.1) == key)
                .count();
        if end - start > 1 {
            ties.push((offset + start, offset + end, depth));
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::tui::testdata::with_links;

    /// Every index ordered by `compare` itself.
    fn by_compare(users: &[UserRecord], sort: SortOrder) -> Vec<usize> {
        let fuzzy = FuzzyFilter::default();
        let mut all: Vec<usize> = (0..users.len()).collect();
        all.sort_by(|&a, &b| sort.compare(users, &fuzzy, a, b));
        all
    }

    /// Names sharing long prefixes, differing only in case, past 16 and 32 bytes, with NUL
    /// and non-ASCII bytes: what the chunks must get right.
    fn name() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("corpsaml_aiko.kowalski".to_owned()),
            Just("CorpSAML_Aiko.Kowalski".to_owned()),
            Just("google_10000000000000000".to_owned()),
            Just("\0".to_owned()),
            Just("é".to_owned()),
            "[a-cA-C0-1]{0,3}",
        ];
        proptest::collection::vec(piece, 0..4).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn ranks_as_compare_orders(users in proptest::collection::vec((name(), 0usize..3), 0..60)) {
            let users: Vec<UserRecord> = users.iter().map(|(n, links)| with_links(n, *links)).collect();
            for sort in [SortOrder::Name, SortOrder::Links] {
                prop_assert_eq!(rank(&users, &FuzzyFilter::default(), sort), by_compare(&users, sort));
            }
        }
    }

    #[test]
    fn counts_past_254_take_a_wider_prefix() {
        let users = vec![
            with_links("a", 256),
            with_links("b", 300),
            with_links("c", 254),
            with_links("a", 3),
        ];
        let ranked = rank(&users, &FuzzyFilter::default(), SortOrder::Links);
        assert_eq!(ranked, [1, 0, 2, 3]);
        assert_eq!(ranked, by_compare(&users, SortOrder::Links));
    }

    #[test]
    fn equal_names_keep_load_order_and_case_breaks_folded_ties() {
        let names = ["bob", "Bob", "bob", "BOB"];
        let users: Vec<UserRecord> = names.iter().map(|n| with_links(n, 0)).collect();
        let ranked = rank(&users, &FuzzyFilter::default(), SortOrder::Name);
        assert_eq!(ranked, [3, 1, 0, 2]);
    }
}
