//! Fuzzy matching of the filter text against profiles: name, account, role, region.
//!
//! Each whitespace-separated term of the query must match, as a subsequence, one of a
//! profile's fields; the score prefers contiguous runs and matches at word starts, and a
//! match in the name counts more than one in the other fields. Like fzf and helix's
//! nucleo, a term is case-insensitive unless it holds an uppercase letter (smart case),
//! and an all-ASCII term also matches accented Latin letters (`zurich` finds `zürich`).
//! Compared with nucleo-matcher in `benches/filter_compare.rs` (docs: fuzzy matcher):
//! nucleo ranks exact names and contiguous runs lower, and is 2-10x slower here.
//! Haystacks are prepared once when the profiles load, so a keystroke over 10,000
//! profiles costs a few hundred microseconds, not an allocation per row.

/// The four searchable fields of one profile in one string (name, account, role, region).
#[derive(Clone, Debug, Default)]
struct Fields {
    text: String,
    /// Where each field ends in `text`.
    ends: [usize; 4],
    /// Which ASCII bytes each field contains: a term whose bytes are not all there cannot
    /// match, and most fields are rejected with one AND instead of a scan.
    masks: [u128; 4],
}

impl Fields {
    fn new(fields: [&str; 4], map: impl Fn(&str, &mut String)) -> Self {
        let mut text = String::with_capacity(fields.iter().map(|f| f.len()).sum());
        let mut ends = [0; 4];
        for (field, end) in fields.iter().zip(&mut ends) {
            map(field, &mut text);
            *end = text.len();
        }
        let mut made = Fields {
            text,
            ends,
            masks: [0; 4],
        };
        made.masks = [0, 1, 2, 3].map(|i| ascii_mask(made.field(i).as_bytes()));
        made
    }

    /// Field `i` (0 name, 1 account, 2 role, 3 region).
    fn field(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

/// The searchable fields of one profile, prepared for each kind of term.
#[derive(Clone, Debug, Default)]
pub struct Haystack {
    /// Lowercased: for case-insensitive terms.
    lower: Fields,
    /// Lowercased with Latin accents folded, for ASCII terms; only when it differs.
    folded: Option<Box<Fields>>,
    /// As written, for terms with an uppercase letter; only when it differs.
    exact: Option<Box<Fields>>,
}

/// One bit per ASCII byte of `bytes`; non-ASCII bytes are ignored.
fn ascii_mask(bytes: &[u8]) -> u128 {
    bytes
        .iter()
        .filter(|b| b.is_ascii())
        .fold(0, |m, &b| m | 1u128 << b)
}

/// How much a match in each field counts: name, account, role, region.
const FIELD_BONUS: [i32; 4] = [6, 0, 2, 0];

/// One query term; ASCII terms (nearly all) are matched on bytes, which is exact for
/// UTF-8 haystacks and several times faster than decoding characters.
pub struct Term {
    chars: Vec<char>,
    /// The term's bytes when it is all ASCII.
    ascii: Option<Vec<u8>>,
    mask: u128,
    /// It holds an uppercase letter: matched as written (smart case).
    case_sensitive: bool,
}

fn push_lowercase(field: &str, out: &mut String) {
    if field.is_ascii() {
        out.extend(field.bytes().map(|b| b.to_ascii_lowercase() as char));
    } else {
        out.push_str(&field.to_lowercase());
    }
}

/// The ASCII letter each of U+00C0..U+017F (Latin-1 Supplement, Latin Extended-A) folds
/// to, lowercased; letters without one (æ, ß, þ, œ…) stay as they are. Made from Unicode's
/// canonical decompositions, plus ø, đ, ł, ħ, ı, ŧ, ŀ, which have none.
const LATIN_FOLD: &str = "aaaaaaæceeeeiiiiðnooooo×ouuuuyþßaaaaaaæceeeeiiiiðnooooo÷ouuuuyþyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiĳĳjjkkĸllllllllllnnnnnnŉŋŋooooooœœrrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzſ";

fn fold_char(c: char) -> Option<char> {
    let i = (c as u32).checked_sub(0xC0)?;
    LATIN_FOLD.chars().nth(i as usize).filter(|f| f.is_ascii())
}

fn push_folded(field: &str, out: &mut String) {
    for c in field.chars().flat_map(char::to_lowercase) {
        out.push(fold_char(c).unwrap_or(c));
    }
}

impl Haystack {
    /// Builds the haystack from the displayed fields (missing ones are empty).
    pub fn new(name: &str, account: &str, role: &str, region: &str) -> Self {
        let raw = [name, account, role, region];
        let lower = Fields::new(raw, push_lowercase);
        let exact = (0..4)
            .any(|i| lower.field(i) != raw[i])
            .then(|| Box::new(Fields::new(raw, |f, out| out.push_str(f))));
        let folded = raw
            .iter()
            .any(|f| f.chars().any(|c| fold_char(c).is_some()))
            .then(|| Box::new(Fields::new(raw, push_folded)));
        Haystack {
            lower,
            folded,
            exact,
        }
    }

    /// The fields a term is matched against.
    fn fields_for(&self, term: &Term) -> &Fields {
        let special = if term.case_sensitive {
            &self.exact
        } else if term.ascii.is_some() {
            &self.folded
        } else {
            &None
        };
        special.as_deref().unwrap_or(&self.lower)
    }

    /// The score of the query's terms, or `None` when a term matches no field.
    pub fn score(&self, terms: &[Term]) -> Option<i32> {
        let mut total = 0;
        for term in terms {
            let fields = self.fields_for(term);
            let best = (0..4)
                .map(|i| fields.field(i))
                .zip(fields.masks)
                .zip(FIELD_BONUS)
                .filter(|((_, mask), _)| term.mask & !mask == 0)
                .filter_map(|((field, _), bonus)| {
                    let score = if let Some(bytes) = &term.ascii {
                        score_field(field.as_bytes(), bytes, |b| is_separator(b as char))
                    } else {
                        let chars: Vec<char> = field.chars().collect();
                        score_field(&chars, &term.chars, is_separator)
                    };
                    score.map(|s| s + bonus)
                })
                .max()?;
            total += best;
        }
        Some(total)
    }
}

/// Splits the filter text into terms; an empty result matches everything.
pub fn terms(query: &str) -> Vec<Term> {
    query
        .split_whitespace()
        .map(|t| {
            let case_sensitive = t.chars().any(char::is_uppercase);
            let chars: Vec<char> = if case_sensitive {
                t.chars().collect()
            } else {
                t.chars().flat_map(char::to_lowercase).collect()
            };
            let ascii = t.is_ascii().then(|| {
                if case_sensitive {
                    t.as_bytes().to_vec()
                } else {
                    t.to_ascii_lowercase().into_bytes()
                }
            });
            Term {
                mask: ascii.as_deref().map_or(0, ascii_mask),
                ascii,
                chars,
                case_sensitive,
            }
        })
        .collect()
}

fn is_separator(c: char) -> bool {
    matches!(c, '-' | '_' | '/' | '.' | ' ' | ':' | '@')
}

/// Scores one term against one field: the best of a greedy forward match from each place
/// the term's first character occurs (cheap, and close to the optimal alignment in practice).
fn score_field<T: Copy + PartialEq>(
    field: &[T],
    term: &[T],
    is_sep: impl Fn(T) -> bool + Copy,
) -> Option<i32> {
    let first = *term.first()?;
    if term.len() > field.len() {
        return None;
    }
    let mut best: Option<i32> = None;
    for start in 0..=field.len() - term.len() {
        if field[start] != first {
            continue;
        }
        let Some(score) = greedy_from(field, term, start, is_sep) else {
            // No match from here means no match from any later start either.
            break;
        };
        best = Some(best.map_or(score, |b: i32| b.max(score)));
    }
    best
}

fn greedy_from<T: Copy + PartialEq>(
    field: &[T],
    term: &[T],
    start: usize,
    is_sep: impl Fn(T) -> bool,
) -> Option<i32> {
    let mut score = 0;
    let mut pos = start;
    let mut prev: Option<usize> = None;
    for &c in term {
        let i = pos + field[pos..].iter().position(|&f| f == c)?;
        score += 1;
        if i == 0 || is_sep(field[i - 1]) {
            // Where a term starts matters most; later word starts help less.
            score += if prev.is_none() { 8 } else { 4 };
        }
        match prev {
            Some(p) if p + 1 == i => score += 6,
            Some(p) => score -= (2 * (i - p - 1) as i32).min(6),
            None => {}
        }
        prev = Some(i);
        pos = i + 1;
    }
    if start == 0 && pos == field.len() {
        // The whole field: an exact match beats any partial one.
        score += 10;
    }
    Some(score)
}

/// Indices of the haystacks matching `query`, best first; ties keep the original order
/// (profiles come sorted by name).
pub fn rank(haystacks: &[Haystack], query: &str) -> Vec<usize> {
    rank_among(haystacks, query, 0..haystacks.len())
}

/// Like [`rank`], over a subset: when the user extends the query, only the previous
/// matches can still match.
pub fn rank_among(
    haystacks: &[Haystack],
    query: &str,
    candidates: impl IntoIterator<Item = usize>,
) -> Vec<usize> {
    let terms = terms(query);
    if terms.is_empty() {
        let mut all: Vec<usize> = candidates.into_iter().collect();
        all.sort_unstable();
        return all;
    }
    let mut scored: Vec<(i32, usize)> = candidates
        .into_iter()
        .filter_map(|i| haystacks[i].score(&terms).map(|s| (s, i)))
        .collect();
    scored.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests;
