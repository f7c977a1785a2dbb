//! The byte table of a `UserRecord`: where each piece of the user's text ends, and its parsed
//! identities as spans of that text. Offsets are 2 bytes when the text is shorter than
//! 64 KiB (every user of a real pool), else 4.
//!
//! Layout: the parts, each `end` then `kind` (1 byte); then the identities, each the spans
//! (start, end) of `user_id`, `provider_name`, `provider_type` and `issuer`, a flags byte
//! (`PRIMARY`, `HAS_ISSUER`) and `date_created` (8 bytes, little-endian).

/// An identity flag: the user's own sign-in identity.
pub(super) const PRIMARY: u8 = 1;
/// An identity flag: `issuer` is not null.
pub(super) const HAS_ISSUER: u8 = 2;

/// How wide each offset of a table is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Width(usize);

impl Width {
    pub(super) fn for_text(len: usize) -> Width {
        Width(if len <= u16::MAX as usize { 2 } else { 4 })
    }

    fn part(self) -> usize {
        self.0 + 1
    }

    fn identity(self) -> usize {
        8 * self.0 + 1 + 8
    }
}

/// An identity's pieces as spans of the user's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct IdentitySpans {
    pub user_id: (usize, usize),
    pub provider_name: (usize, usize),
    pub provider_type: (usize, usize),
    pub issuer: (usize, usize),
    pub flags: u8,
    pub date_created: i64,
}

/// Writes a table; `parts` are (end, kind).
pub(super) fn encode(
    width: Width,
    parts: &[(usize, u8)],
    identities: &[IdentitySpans],
) -> Box<[u8]> {
    let mut out =
        Vec::with_capacity(parts.len() * width.part() + identities.len() * width.identity());
    let put = |out: &mut Vec<u8>, v: usize| {
        let bytes = (v as u32).to_le_bytes();
        out.extend_from_slice(&bytes[..width.0]);
    };
    for &(end, kind) in parts {
        put(&mut out, end);
        out.push(kind);
    }
    for id in identities {
        for (start, end) in [id.user_id, id.provider_name, id.provider_type, id.issuer] {
            put(&mut out, start);
            put(&mut out, end);
        }
        out.push(id.flags);
        out.extend_from_slice(&id.date_created.to_le_bytes());
    }
    out.into_boxed_slice()
}

/// Reads a table written by `encode` with `parts` parts.
#[derive(Clone, Copy)]
pub(super) struct Table<'a> {
    pub bytes: &'a [u8],
    pub width: Width,
    pub parts: usize,
}

impl Table<'_> {
    fn offset(&self, at: usize) -> usize {
        match (self.width.0, self.bytes.get(at..)) {
            (2, Some(&[a, b, ..])) => u16::from_le_bytes([a, b]).into(),
            (_, Some(&[a, b, c, d, ..])) => u32::from_le_bytes([a, b, c, d]) as usize,
            _ => 0,
        }
    }

    /// Part `i`: (end, kind), or `None` past the last.
    pub fn part(&self, i: usize) -> Option<(usize, u8)> {
        if i >= self.parts {
            return None;
        }
        let at = i * self.width.part();
        Some((self.offset(at), *self.bytes.get(at + self.width.0)?))
    }

    /// How many identities the table holds.
    pub fn identity_count(&self) -> usize {
        let start = self.parts * self.width.part();
        self.bytes.len().saturating_sub(start) / self.width.identity()
    }

    /// Identity `i`, or `None` past the last.
    pub fn identity(&self, i: usize) -> Option<IdentitySpans> {
        if i >= self.identity_count() {
            return None;
        }
        let at = self.parts * self.width.part() + i * self.width.identity();
        let span = |k: usize| {
            let o = at + 2 * k * self.width.0;
            (self.offset(o), self.offset(o + self.width.0))
        };
        let flags_at = at + 8 * self.width.0;
        let date = self.bytes.get(flags_at + 1..flags_at + 9)?;
        Some(IdentitySpans {
            user_id: span(0),
            provider_name: span(1),
            provider_type: span(2),
            issuer: span(3),
            flags: *self.bytes.get(flags_at)?,
            date_created: i64::from_le_bytes(date.try_into().ok()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: usize) -> IdentitySpans {
        IdentitySpans {
            user_id: (n, n + 1),
            provider_name: (n + 2, n + 3),
            provider_type: (n + 4, n + 5),
            issuer: (0, 0),
            flags: PRIMARY,
            date_created: -(n as i64),
        }
    }

    #[test]
    fn tables_read_back_in_both_widths() {
        for (text_len, big) in [(10, 60_000), (70_000, 4_000_000_000)] {
            let width = Width::for_text(text_len);
            let parts = [(3, 1), (big, u8::MAX), (big, 0)];
            let ids = [id(big), id(7)];
            let bytes = encode(width, &parts, &ids);
            let table = Table {
                bytes: &bytes,
                width,
                parts: parts.len(),
            };
            let read: Vec<_> = (0..).map_while(|i| table.part(i)).collect();
            assert_eq!(read, parts);
            assert_eq!(table.identity_count(), 2);
            assert_eq!(table.identity(0), Some(ids[0]));
            assert_eq!(table.identity(1), Some(ids[1]));
            assert_eq!(table.identity(2), None);
        }
    }

    #[test]
    fn short_texts_take_two_byte_offsets() {
        assert_eq!(Width::for_text(65_535), Width(2));
        assert_eq!(Width::for_text(65_536), Width(4));
    }
}
