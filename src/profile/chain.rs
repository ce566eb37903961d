//! A profile's chain of source profiles, sharing its tail with every chain that joins it.
//!
//! Profiles on one long chain all end at the same base, so each profile's chain is its own
//! name in front of its source profile's chain: N profiles on a chain of N hops hold N links,
//! not N²/2 names (a 10,000-hop chain would otherwise be 50 million strings).

use serde::ser::{Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// How many names at each end [`ChainDisplay`] shows of a long chain.
const SHOWN_AT_EACH_END: usize = 4;

/// Profile names from one profile down to the one holding the base credentials (or, where
/// the chain is broken, as far as it goes). Cheap to clone: clones share the links.
#[derive(Clone)]
pub struct Chain(Arc<Link>);

struct Link {
    name: Arc<str>,
    /// Names in the chain from this link down to the base.
    len: usize,
    /// The base's name, shared by every link of the chain.
    base: Arc<str>,
    /// The last [`SHOWN_AT_EACH_END`] links (the base end), once the chain is longer:
    /// [`ChainDisplay`] reads both ends without walking the chain.
    base_end: Option<Chain>,
    rest: Option<Chain>,
}

impl Chain {
    /// The chain of a profile that is its own base.
    pub fn single(name: &str) -> Chain {
        let name: Arc<str> = name.into();
        Chain(Arc::new(Link {
            base: name.clone(),
            name,
            len: 1,
            base_end: None,
            rest: None,
        }))
    }

    /// `name` in front of `rest`: the chain of a profile whose source profile's chain is
    /// `rest`.
    pub fn then(name: &str, rest: &Chain) -> Chain {
        let base_end = match rest.len() {
            n if n == SHOWN_AT_EACH_END => Some(rest.clone()),
            n if n > SHOWN_AT_EACH_END => rest.0.base_end.clone(),
            _ => None,
        };
        Chain(Arc::new(Link {
            name: name.into(),
            len: rest.len() + 1,
            base: rest.0.base.clone(),
            base_end,
            rest: Some(rest.clone()),
        }))
    }

    /// How many profiles the chain holds (this one included).
    pub fn len(&self) -> usize {
        self.0.len
    }

    /// Never: a chain holds at least its own profile.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The profile at the base of the chain (the last of [`Chain::iter`]).
    pub fn base(&self) -> &str {
        &self.0.base
    }

    /// The names from this profile down to the base.
    pub fn iter(&self) -> Iter<'_> {
        Iter(Some(&self.0))
    }

    /// The chain as people read it, base first: `base → ops → admin`; a chain of more
    /// than a few hops shows both ends and how many are left out between them.
    pub fn display(&self) -> ChainDisplay<'_> {
        ChainDisplay(self)
    }
}

/// [`Chain::iter`].
pub struct Iter<'a>(Option<&'a Link>);

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let link = self.0?;
        self.0 = link.rest.as_ref().map(|rest| &*rest.0);
        Some(&link.name)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.0.map_or(0, |link| link.len);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl Drop for Link {
    /// Unlinks the chain a link at a time: the default drop would recurse once a link and
    /// overflow the stack on a chain of many thousand hops.
    fn drop(&mut self) {
        let mut rest = self.rest.take();
        while let Some(Chain(link)) = rest {
            match Arc::try_unwrap(link) {
                Ok(mut link) => rest = link.rest.take(),
                Err(_) => break, // still shared: its other owner drops it
            }
        }
    }
}

impl PartialEq for Chain {
    fn eq(&self, other: &Chain) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || (self.len() == other.len() && self.iter().eq(other.iter()))
    }
}

impl Eq for Chain {}

impl<S: AsRef<str>> PartialEq<[S]> for Chain {
    fn eq(&self, other: &[S]) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter().map(AsRef::as_ref))
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for Chain {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for Chain {
    fn eq(&self, other: &Vec<S>) -> bool {
        *self == other[..]
    }
}

impl fmt::Debug for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Chain {
    /// The names from this profile down to the base, as a JSON array.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// [`Chain::display`]: a chain, base first, joined by ` → `.
pub struct ChainDisplay<'a>(&'a Chain);

impl fmt::Display for ChainDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chain = self.0;
        let (base_end, left_out) = match &chain.0.base_end {
            Some(end) if chain.len() > 2 * SHOWN_AT_EACH_END + 1 => {
                (end, chain.len() - 2 * SHOWN_AT_EACH_END)
            }
            _ => (chain, 0),
        };
        let mut names: Vec<&str> = base_end.iter().collect();
        names.reverse();
        let mut write = |i: usize, name: &str| {
            if i > 0 {
                f.write_str(" → ")?;
            }
            f.write_str(name)
        };
        for (i, name) in names.iter().enumerate() {
            write(i, name)?;
        }
        if left_out == 0 {
            return Ok(());
        }
        write(1, &format!("… {left_out} more …"))?;
        let near: Vec<&str> = chain.iter().take(SHOWN_AT_EACH_END).collect();
        for name in near.iter().rev() {
            write(1, name)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
