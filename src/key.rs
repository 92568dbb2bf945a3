//! One hasher for every cache key: `serve`'s pages, bodies, search items and theme are each
//! recognised as unchanged by a key from here, so two keys of the same value always agree.
//!
//! xxh3 with a fixed seed: fast on megabytes of bodies, and stable from run to run (unlike the
//! standard library's randomly seeded hasher), which lets a key be kept on disk.

use std::hash::{Hash, Hasher as _};

pub(crate) use xxhash_rust::xxh3::Xxh3 as Hasher;

/// The key of `value`: everything it is made of, hashed.
pub(crate) fn of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = hasher();
    value.hash(&mut h);
    h.finish()
}

/// A hasher to feed piece by piece, for keys made in a loop.
pub(crate) fn hasher() -> Hasher {
    Hasher::new()
}

/// The key of a byte string, such as a file's text.
pub(crate) fn of_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_have_equal_keys_and_different_values_differ() {
        assert_eq!(of(&("a", 1)), of(&(String::from("a"), 1)));
        assert_ne!(of(&("a", 1)), of(&("a", 2)));
        let mut h = hasher();
        ("a", 1).hash(&mut h);
        assert_eq!(h.finish(), of(&("a", 1)));
        assert_eq!(of_bytes(b"abc"), xxhash_rust::xxh3::xxh3_64(b"abc"));
    }
}
