//! The AWS config and credentials file format, read in one pass over the borrowed text.
//!
//! This is the AWS SDKs' profile-file spec, the one aws-config implements, with two
//! differences that are not about meaning:
//! - it never gives up on a file: a line the spec rejects becomes a [`ParseError`] with its
//!   line number and is skipped (a broken section header starts a section that is thrown
//!   away, so its properties do not join the section above), and parsing goes on;
//! - it keeps where each section and property stands, and borrows every name and value
//!   from the text, so a 5,000-profile config costs one allocation per profile, not per key.
//!
//! `tests/parser_oracle.rs` holds it to aws-config's parser on the spec's own test suite,
//! the conformance corpus and generated files.

use super::files::FileKind;
use crate::parallel::map_in_parts;
use std::borrow::Cow;
use std::collections::HashMap;

/// The spec's whitespace: only space and tab (`str::trim` would also strip other characters).
const WHITESPACE: [char; 2] = [' ', '\t'];
const COMMENT: [char; 2] = ['#', ';'];

/// What a section header declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    /// `[profile NAME]` or `[default]` in the config file, `[NAME]` in the credentials file.
    Profile,
    /// `[sso-session NAME]` in the config file.
    SsoSession,
    /// `[services NAME]` in the config file: per-service settings a profile can name.
    Services,
    /// Another prefixed section of the config file; not a profile.
    Other,
    /// A section the spec ignores; the reason is in [`Section::ignored`].
    Ignored,
}

/// One section header and the properties under it, as written (not merged).
#[derive(Debug, PartialEq, Eq)]
pub struct Section<'a> {
    pub kind: SectionKind,
    /// The profile or sso-session name; for other sections the header's text.
    pub name: &'a str,
    /// 1-based line of the header.
    pub line: usize,
    /// `[profile default]` (which the spec prefers over `[default]` in the same file).
    pub prefixed_default: bool,
    /// Why the spec ignores this section, for a diagnostic; `None` when the header itself
    /// did not parse (its [`ParseError`] says why).
    pub ignored: Option<String>,
    /// Each key once, with its last value in this section.
    pub properties: Vec<Property<'a>>,
}

/// A `key = value` line, with its continuation lines joined by `\n` as the spec says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property<'a> {
    /// Lower-cased, as the spec compares keys.
    pub key: Cow<'a, str>,
    pub value: Cow<'a, str>,
    /// The file and 1-based line of the `key =` line.
    pub set_at: FileLine,
}

/// A line the spec rejects; the line is skipped and parsing goes on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    /// aws-config's wording, e.g. "Expected an '=' sign defining a property".
    pub message: String,
    /// Why, when aws-config's wording cannot show it (an invisible byte order mark).
    pub hint: Option<&'static str>,
}

/// The hint of an error on a first line that starts with a byte order mark. aws-config
/// does not skip one (nor does botocore), so the line is no section header for them either:
/// rolecall reads it as they do and says why.
pub const BOM_HINT: &str = "the file starts with a UTF-8 byte order mark, U+FEFF, which the \
     AWS CLI and SDKs do not accept either: save it as UTF-8 without a BOM";

/// One file, parsed.
#[derive(Debug, PartialEq, Eq)]
pub struct ParsedFile<'a> {
    pub kind: FileKind,
    pub sections: Vec<Section<'a>>,
    pub errors: Vec<ParseError>,
}

/// Where the parser is: in which section and on which property a continuation line lands.
struct Cursor {
    /// Index into the current section's properties.
    property: Option<usize>,
    /// The property's first line had no value, so continuation lines are sub-properties.
    sub_properties: bool,
}

/// Parses one file's text. Never fails: rejected lines are listed in `errors`.
pub fn parse_file(kind: FileKind, text: &str) -> ParsedFile<'_> {
    parse_lines(kind, text, 1)
}

/// [`parse_file`] on up to `parts` threads, for large files: the text is cut before lines
/// that start with `[`, where the parser's state starts afresh whatever came before (every
/// such line is a section header, good or broken), so the result is the same.
pub fn parse_file_in_parts(kind: FileKind, text: &str, parts: usize) -> ParsedFile<'_> {
    let chunks = split_at_headers(text, parts);
    if chunks.len() < 2 {
        return parse_file(kind, text);
    }
    let parsed = map_in_parts(chunks.len(), chunks.len(), |i| {
        let (first_line, chunk) = chunks[i];
        parse_lines(kind, chunk, first_line)
    });
    let mut all = ParsedFile {
        kind,
        sections: Vec::with_capacity(parsed.iter().map(|p| p.sections.len()).sum()),
        errors: Vec::new(),
    };
    for part in parsed {
        all.sections.extend(part.sections);
        all.errors.extend(part.errors);
    }
    all
}

/// Cuts `text` into about `parts` pieces, each but the first starting with a `[` line;
/// returns each piece with the number of its first line.
fn split_at_headers(text: &str, parts: usize) -> Vec<(usize, &str)> {
    let mut pieces = Vec::with_capacity(parts);
    let (mut start, mut first_line) = (0, 1);
    for part in 1..parts {
        let target = (text.len() * part / parts).max(start);
        // Bytes, not `str`: `target` may fall inside a character; the cut never does.
        let Some(found) = text.as_bytes()[target..]
            .windows(2)
            .position(|w| w == b"\n[")
        else {
            break;
        };
        let cut = target + found + 1;
        pieces.push((first_line, &text[start..cut]));
        first_line += text.as_bytes()[start..cut]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        start = cut;
    }
    pieces.push((first_line, &text[start..]));
    pieces
}

/// `str::lines`, on a SIMD search for the line ends: the lines of `text`, each without its
/// `\n` or `\r\n`.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        let line = match ends.next() {
            Some(end) => {
                let line = &text[start..end];
                start = end + 1;
                line.strip_suffix('\r').unwrap_or(line)
            }
            None if start < text.len() => {
                let line = &text[start..];
                start = text.len();
                line
            }
            None => return None,
        };
        Some(line)
    })
}

/// Parses `text`, whose first line is line `first_line` of its file.
fn parse_lines(kind: FileKind, text: &str, first_line: usize) -> ParsedFile<'_> {
    let mut sections: Vec<Section<'_>> = Vec::new();
    let mut errors = Vec::new();
    let mut cursor: Option<Cursor> = None;
    // The current section's properties gather here and move to the section, at their exact
    // size, when it ends: one allocation a section and no spare capacity.
    let mut current: Vec<Property<'_>> = Vec::new();
    for (index, line) in lines(text).enumerate() {
        let number = index + first_line;
        let mut fail = |message: String| {
            errors.push(ParseError {
                line: number,
                message,
                hint: (number == 1 && line.starts_with('\u{feff}')).then_some(BOM_HINT),
            })
        };
        if is_blank(line) || line.starts_with(COMMENT) {
            continue;
        }
        if line.starts_with('[') {
            let section = match header_name(line) {
                Ok(inner) => Section::classify(kind, inner, number),
                Err(message) => {
                    fail(message.to_string());
                    Section::broken(number)
                }
            };
            close_section(&mut sections, &mut current);
            sections.push(section);
            cursor = Some(Cursor {
                property: None,
                sub_properties: false,
            });
            continue;
        }
        let Some(at) = cursor.as_mut() else {
            fail("Expected a profile definition".to_string());
            continue;
        };
        if line.starts_with(WHITESPACE) {
            let Some(property) = at.property else {
                fail("Expected a property definition, found continuation".to_string());
                continue;
            };
            if at.sub_properties {
                if let Err(e) = property_line(line) {
                    fail(e.message("sub-property"));
                    continue;
                }
            }
            let value = current[property].value.to_mut();
            value.push('\n');
            value.push_str(trim(line));
            continue;
        }
        match property_line(line) {
            Ok((key, value)) => {
                at.sub_properties = value.is_empty();
                let set_at = FileLine {
                    file: kind,
                    line: number,
                };
                at.property = Some(set(&mut current, key, Cow::Borrowed(value), set_at));
            }
            Err(e) => fail(e.message("property")),
        }
    }
    close_section(&mut sections, &mut current);
    ParsedFile {
        kind,
        sections,
        errors,
    }
}

fn is_blank(line: &str) -> bool {
    trim(line).is_empty()
}

/// The text between `[` and `]`, after a trailing comment is cut (in a header, `#` and `;`
/// start a comment wherever they stand).
fn header_name(line: &str) -> Result<&str, &'static str> {
    let line = strip_header_comment(line);
    line.strip_prefix('[')
        .ok_or("Profile definition must start with '['")?
        .strip_suffix(']')
        .ok_or("Profile definition must end with ']'")
}

impl<'a> Section<'a> {
    /// Sorts a header into what it declares, by the spec's rules for each file.
    fn classify(kind: FileKind, inner: &'a str, line: usize) -> Self {
        let inner = trim(inner);
        let (prefix, name) = match inner.split_once(WHITESPACE) {
            Some((prefix, rest)) => (Some(prefix.trim()), rest.trim()),
            None => (None, inner.trim()),
        };
        let mut section = Section {
            kind: SectionKind::Ignored,
            name,
            line,
            prefixed_default: false,
            ignored: None,
            properties: Vec::new(),
        };
        let bad_name = |what: &str, name: &str| {
            Some(format!(
                "{what} '{name}' is ignored: AWS SDKs accept only ASCII letters, digits and _ - / . % @ : + in {what} names"
            ))
        };
        match (kind, prefix) {
            (FileKind::Config, Some(prefix)) if !is_identifier(name) => {
                if prefix == "profile" || prefix == "sso-session" {
                    section.ignored = bad_name(prefix, name);
                }
                section.name = inner;
            }
            (FileKind::Config, Some("profile")) => {
                section.kind = SectionKind::Profile;
                section.prefixed_default = name == "default";
            }
            (FileKind::Config, Some("sso-session")) => section.kind = SectionKind::SsoSession,
            (FileKind::Config, Some("services")) => section.kind = SectionKind::Services,
            (FileKind::Config, Some(_)) => {
                section.kind = SectionKind::Other;
                section.name = inner;
            }
            (FileKind::Config, None) if name == "default" => section.kind = SectionKind::Profile,
            (FileKind::Config, None) => {
                section.ignored = Some(format!(
                    "section [{name}] is ignored: in the config file a profile is written [profile {name}] (only [default] goes without the prefix)"
                ));
            }
            (FileKind::Credentials, Some("profile")) => {
                section.ignored = Some(format!(
                    "section [{inner}] is ignored: in the credentials file a profile is written [{name}], without the 'profile' prefix"
                ));
            }
            (FileKind::Credentials, Some(_)) => {
                section.ignored = bad_name("profile", inner);
                section.name = inner;
            }
            (FileKind::Credentials, None) if !is_identifier(name) => {
                section.ignored = bad_name("profile", name);
            }
            (FileKind::Credentials, None) => section.kind = SectionKind::Profile,
        }
        section
    }

    /// The section started by a header that did not parse: its lines are read (and checked)
    /// but belong to nothing.
    fn broken(line: usize) -> Self {
        Section {
            kind: SectionKind::Ignored,
            name: "",
            line,
            prefixed_default: false,
            ignored: None,
            properties: Vec::new(),
        }
    }
}

/// Moves the gathered properties into the last section.
fn close_section<'a>(sections: &mut [Section<'a>], current: &mut Vec<Property<'a>>) {
    if let Some(last) = sections.last_mut() {
        // Not `mem::take`: the section gets an exact-size vector, the scratch keeps its room.
        let mut exact = Vec::with_capacity(current.len());
        exact.append(current);
        last.properties = exact;
    }
}

/// Sets `key` in a section's properties (its last assignment wins); returns its index.
fn set<'a>(
    properties: &mut Vec<Property<'a>>,
    key: Cow<'a, str>,
    value: Cow<'a, str>,
    set_at: FileLine,
) -> usize {
    if let Some(i) = properties.iter().position(|p| p.key == key) {
        properties[i].value = value;
        properties[i].set_at = set_at;
        return i;
    }
    properties.push(Property { key, value, set_at });
    properties.len() - 1
}

/// Why a property line is rejected.
enum PropertyError {
    NoEquals,
    NoName,
}

impl PropertyError {
    fn message(self, what: &str) -> String {
        match self {
            PropertyError::NoEquals => format!("Expected an '=' sign defining a {what}"),
            PropertyError::NoName => {
                let mut what = what.to_string();
                what[..1].make_ascii_uppercase();
                format!("{what} did not have a name")
            }
        }
    }
}

/// `key = value  # comment` → (lower-cased key, value).
///
/// One pass finds both the first `=` and where a comment starts (`#` or `;` after
/// whitespace, so `url=http://x#y` keeps its `#`): this runs on every line of the files.
fn property_line(line: &str) -> Result<(Cow<'_, str>, &str), PropertyError> {
    let line = trim(line);
    let bytes = line.as_bytes();
    let mut equals = None;
    let mut end = bytes.len();
    for i in memchr::memchr3_iter(b'=', b'#', b';', bytes) {
        match bytes[i] {
            b'=' => {
                equals.get_or_insert(i);
            }
            _ if after_whitespace(line, i) => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let equals = equals.ok_or(PropertyError::NoEquals)?;
    let key = trim(&line[..equals]);
    if key.is_empty() {
        return Err(PropertyError::NoName);
    }
    let key = if key.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(key.to_ascii_lowercase())
    } else {
        Cow::Borrowed(key)
    };
    Ok((key, trim(&line[equals + 1..end])))
}

/// Whether the character before byte `i` is whitespace ("whitespace" before a comment is
/// any Unicode whitespace, as in aws-config).
fn after_whitespace(line: &str, i: usize) -> bool {
    match line.as_bytes()[..i].last() {
        None => false,
        Some(&prev) if prev.is_ascii() => (prev as char).is_whitespace(),
        Some(_) => line[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace),
    }
}

/// Trims the spec's whitespace (space and tab) from both ends.
fn trim(s: &str) -> &str {
    let bytes = s.as_bytes();
    let is_ws = |b: &u8| *b == b' ' || *b == b'\t';
    let start = bytes.iter().position(|b| !is_ws(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_ws(b))
        .map_or(start, |i| i + 1);
    // Space and tab are ASCII, so both ends fall on character boundaries.
    &s[start..end]
}

/// Trims a header line and cuts a comment: in a header, `#` and `;` start one anywhere.
fn strip_header_comment(line: &str) -> &str {
    let line = trim(line);
    match memchr::memchr2(b'#', b';', line.as_bytes()) {
        Some(i) => trim(&line[..i]),
        None => line,
    }
}

/// A region name as the SDKs build host names from it (`eu-west-1`): lower-case letters,
/// digits and dashes. Checked before a region goes into a URL, so a setting like
/// `evil.example/x#` cannot send the browser or a call to another host.
pub fn is_region_name(r: &str) -> bool {
    !r.is_empty()
        && r.len() <= 64
        && r.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What a region that is not a region name is told to be.
pub const REGION_NAME_RULE: &str =
    "is not a region name (lower-case letters, digits and dashes, like eu-west-1)";

/// The spec's identifiers (profile names, keys): `[A-Za-z0-9_\-/.%@:+]*`.
pub fn is_identifier(s: &str) -> bool {
    s.bytes().all(|b| IDENTIFIER_BYTES[usize::from(b)])
}

/// Which bytes an identifier may hold (a table: this runs on every key of every profile).
const IDENTIFIER_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(c, b'_' | b'-' | b'/' | b'.' | b'%' | b'@' | b':' | b'+');
        b += 1;
    }
    table
};

/// FNV-1a: profile names come from the user's own files, so a keyed hash (std's SipHash,
/// a defence against crafted collisions) buys nothing and costs a tenth of the merge.
#[derive(Clone, Copy, Default)]
pub struct NameHasher(u64);

impl std::hash::Hasher for NameHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

type NameMap<'a> = HashMap<&'a str, usize, std::hash::BuildHasherDefault<NameHasher>>;

/// Where a value was set: which of the two files, and the line of its (winning)
/// assignment. Not a [`super::Location`], which names the file by its path for a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileLine {
    pub file: FileKind,
    pub line: usize,
}

/// A profile or sso-session with both files merged: the credentials file's values win over
/// the config file's, and a later assignment over an earlier one.
#[derive(Debug)]
pub struct MergedSection<'a> {
    pub name: &'a str,
    pub properties: Vec<Property<'a>>,
    /// The first header line in the config file and in the credentials file.
    pub config_line: Option<usize>,
    pub credentials_line: Option<usize>,
}

impl<'a> MergedSection<'a> {
    fn new(name: &'a str) -> Self {
        MergedSection {
            name,
            properties: Vec::new(),
            config_line: None,
            credentials_line: None,
        }
    }

    /// The value of `key` (lower-case).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.property(key).map(|(value, _)| value)
    }

    /// The value of `key` (lower-case) and where it was set.
    pub fn property(&self, key: &str) -> Option<(&str, FileLine)> {
        self.properties
            .iter()
            .find(|p| p.key == key)
            .map(|p| (p.value.as_ref(), p.set_at))
    }
}

/// A key the spec drops because its name is not an identifier (`a b = c`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoredKey {
    pub file: FileKind,
    pub line: usize,
    pub section: String,
    pub key: String,
}

/// Both files merged into profiles and sso-sessions, in the order they first appear.
#[derive(Debug, Default)]
pub struct ProfileTable<'a> {
    pub profiles: Vec<MergedSection<'a>>,
    pub sso_sessions: Vec<MergedSection<'a>>,
    /// `[services NAME]` sections (config file only).
    pub services: Vec<MergedSection<'a>>,
    profile_index: NameMap<'a>,
    sso_index: NameMap<'a>,
    services_index: NameMap<'a>,
    pub ignored_keys: Vec<IgnoredKey>,
    /// `[default]` sections dropped because the same file has `[profile default]`.
    pub shadowed_defaults: Vec<(FileKind, usize)>,
}

impl<'a> ProfileTable<'a> {
    /// Merges the config file, then the credentials file, as the spec does. The files'
    /// properties move into the table (their sections are left empty).
    pub fn merge<'f>(files: impl IntoIterator<Item = &'f mut ParsedFile<'a>>) -> Self
    where
        'a: 'f,
    {
        let mut table = ProfileTable::default();
        for file in files {
            table.merge_file(file);
        }
        table
    }

    fn merge_file(&mut self, file: &mut ParsedFile<'a>) {
        let has_prefixed_default = file.sections.iter().any(|s| s.prefixed_default);
        for section in &mut file.sections {
            let (entries, index) = match section.kind {
                SectionKind::Profile => {
                    if has_prefixed_default
                        && section.name == "default"
                        && !section.prefixed_default
                    {
                        self.shadowed_defaults.push((file.kind, section.line));
                        continue;
                    }
                    (&mut self.profiles, &mut self.profile_index)
                }
                SectionKind::SsoSession => (&mut self.sso_sessions, &mut self.sso_index),
                SectionKind::Services => (&mut self.services, &mut self.services_index),
                SectionKind::Other | SectionKind::Ignored => continue,
            };
            let at = *index.entry(section.name).or_insert_with(|| {
                entries.push(MergedSection::new(section.name));
                entries.len() - 1
            });
            let merged = &mut entries[at];
            let first_line = match file.kind {
                FileKind::Config => &mut merged.config_line,
                FileKind::Credentials => &mut merged.credentials_line,
            };
            first_line.get_or_insert(section.line);
            let mut properties = std::mem::take(&mut section.properties);
            properties.retain(|p| {
                let valid = is_identifier(&p.key);
                if !valid {
                    self.ignored_keys.push(IgnoredKey {
                        file: file.kind,
                        line: p.set_at.line,
                        section: section.name.to_string(),
                        key: p.key.to_string(),
                    });
                }
                valid
            });
            if merged.properties.is_empty() {
                merged.properties = properties; // the usual case: nothing to merge with
                continue;
            }
            for property in properties {
                match merged.properties.iter_mut().find(|p| p.key == property.key) {
                    Some(slot) => *slot = property,
                    None => merged.properties.push(property),
                }
            }
        }
    }

    /// The profile called `name`.
    pub fn profile(&self, name: &str) -> Option<&MergedSection<'a>> {
        self.profile_index.get(name).map(|&i| &self.profiles[i])
    }

    /// The sso-session called `name`.
    pub fn sso_session(&self, name: &str) -> Option<&MergedSection<'a>> {
        self.sso_index.get(name).map(|&i| &self.sso_sessions[i])
    }

    /// The services section called `name`.
    pub fn services(&self, name: &str) -> Option<&MergedSection<'a>> {
        self.services_index.get(name).map(|&i| &self.services[i])
    }
}

#[cfg(test)]
mod tests;
