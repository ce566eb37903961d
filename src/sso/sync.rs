//! `rolecall sso sync`: one profile per discovered role, written into the config file inside
//! a marked block (one block per `[sso-session]`).
//!
//! Everything outside the block is kept byte for byte; the block is rebuilt from the
//! discovery each time, so running sync again with nothing changed writes nothing. Names
//! come from a template (default [`DEFAULT_TEMPLATE`]), are cut to the characters the
//! config file format allows in profile names, and are made unique: a role that a profile
//! outside the block already configures (same sso-session, account and role) is skipped,
//! and a name taken by any other profile gets `-2`, `-3`, … The text work is pure (text in,
//! text out: [`updated_text`]); [`sync_config_file`] adds the reading and the atomic write.
//!
//! The portal's names are outside text: every line of the block is built by
//! [`crate::profile::writable`], which refuses what cannot be written as one safe line. A
//! role whose account id, role name or profile name is refused is left out (and listed in
//! [`ProfileChanges::refused`]); the rest of the sync goes on. An sso-session name or a region that
//! is refused stops the sync before anything is written.

use super::{pair_with_profiles, DiscoveredRole, SsoError, SsoSessionConfig};
use crate::fsutil;
use crate::profile::writable::{self, check_profile_name, check_value, shown, Unwritable};
use crate::profile::{ConfigPaths, ProfileGraph};
use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The default profile-name template.
pub const DEFAULT_TEMPLATE: &str = "{account_name}.{role_name}";

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 4] = ["account_name", "account_id", "role_name", "sso_session"];

/// A parsed profile-name template: literal text and `{placeholder}`s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameTemplate {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Placeholder(usize),
}

impl NameTemplate {
    /// Parses `text`; an unknown placeholder or a lone brace is an error naming the
    /// placeholders there are.
    pub fn parse(text: &str) -> Result<Self, SsoError> {
        let bad = |why: String| {
            SsoError::Config(format!(
                "template '{text}': {why} (placeholders: {})",
                PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
            ))
        };
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            match rest.find(['{', '}']) {
                None => {
                    parts.push(Part::Literal(rest.to_string()));
                    break;
                }
                Some(i) if rest.as_bytes()[i] == b'}' => {
                    return Err(bad("a '}' without '{'".into()))
                }
                Some(i) => {
                    if i > 0 {
                        parts.push(Part::Literal(rest[..i].to_string()));
                    }
                    let close = rest[i..]
                        .find('}')
                        .ok_or_else(|| bad("a '{' without '}'".into()))?;
                    let name = &rest[i + 1..i + close];
                    let index = PLACEHOLDERS
                        .iter()
                        .position(|p| *p == name)
                        .ok_or_else(|| bad(format!("unknown placeholder {{{name}}}")))?;
                    parts.push(Part::Placeholder(index));
                    rest = &rest[i + close + 1..];
                }
            }
        }
        if !parts.iter().any(|p| matches!(p, Part::Placeholder(_))) {
            return Err(bad(
                "it has no placeholder, so every profile would get the same name".into(),
            ));
        }
        Ok(NameTemplate { parts })
    }

    /// The name for `role`, before sanitising.
    pub fn render(&self, role: &DiscoveredRole) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Placeholder(i) => out.push_str(match PLACEHOLDERS[*i] {
                    "account_name" => &role.account_name,
                    "account_id" => &role.account_id,
                    "role_name" => &role.role_name,
                    _ => &role.sso_session,
                }),
            }
        }
        out
    }
}

/// Cuts `raw` to the characters profile names may hold (`A-Za-z0-9_-/.%@:+`): each run of
/// other characters becomes one `-`, and `-` at either end is dropped.
pub fn sanitize_profile_name(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut replacing = false;
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c) {
            out.push(c);
            replacing = false;
        } else if !replacing {
            out.push('-');
            replacing = true;
        }
    }
    out.trim_matches('-').to_string()
}

/// A profile the block defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncedProfile {
    pub name: String,
    pub role: DiscoveredRole,
}

/// Which profiles a block defines, and which roles it leaves out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileChanges {
    pub profiles: Vec<SyncedProfile>,
    /// Roles already configured outside the block, with that profile's name.
    pub skipped: Vec<(DiscoveredRole, String)>,
    /// Roles whose names cannot be written into the config file.
    pub refused: Vec<Refusal>,
}

/// A role left out of the block because something it would write is not one safe line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub role: DiscoveredRole,
    /// What could not be written: `account id`, `role name` or `profile name`.
    pub field: &'static str,
    pub why: Unwritable,
}

impl Refusal {
    /// The warning for the user: the account and role (escaped and cut, as they may hold
    /// anything), what was refused and why.
    pub fn warning(&self) -> String {
        format!(
            "account {} role {} not synced: its {} cannot be written into the config file ({})",
            shown(&self.role.account_id),
            shown(&self.role.role_name),
            self.field,
            self.why
        )
    }
}

/// The role's values the block writes, each checked: the first that is refused.
fn refusal(role: &DiscoveredRole) -> Option<Refusal> {
    [
        ("account id", &role.account_id),
        ("role name", &role.role_name),
    ]
    .into_iter()
    .find_map(|(field, value)| {
        check_value(value).err().map(|why| Refusal {
            role: role.clone(),
            field,
            why,
        })
    })
}

/// The profile name for `role` before it is made unique: the template's, or
/// `ACCOUNT_ID.ROLE_NAME` when the template's has no letter or digit left; refused when
/// that is no usable name either.
fn base_name(role: &DiscoveredRole, template: &NameTemplate) -> Result<String, Refusal> {
    let mut base = sanitize_profile_name(&template.render(role));
    if !base.bytes().any(|b| b.is_ascii_alphanumeric()) {
        base = sanitize_profile_name(&format!("{}.{}", role.account_id, role.role_name));
    }
    check_profile_name(&base).map_err(|why| Refusal {
        role: role.clone(),
        field: "profile name",
        why,
    })?;
    Ok(base)
}

/// Names every role: `outside` is the configuration without the block (both files), whose
/// profiles keep their names and whose SSO profiles make the same role unnecessary.
pub fn profile_changes(
    roles: &[DiscoveredRole],
    template: &NameTemplate,
    outside: &ProfileGraph,
) -> ProfileChanges {
    profile_changes_reserving(roles, template, outside, &HashSet::new())
}

/// [`profile_changes`], where no generated name is one of `reserved` either.
fn profile_changes_reserving(
    roles: &[DiscoveredRole],
    template: &NameTemplate,
    outside: &ProfileGraph,
    reserved: &HashSet<String>,
) -> ProfileChanges {
    let mut sorted: Vec<&DiscoveredRole> = roles.iter().collect();
    sorted.sort_by(|a, b| {
        (&a.account_name, &a.account_id, &a.role_name).cmp(&(
            &b.account_name,
            &b.account_id,
            &b.role_name,
        ))
    });
    sorted.dedup();
    let owned: Vec<DiscoveredRole> = sorted.iter().map(|r| (*r).clone()).collect();
    let configured = pair_with_profiles(outside, &owned);
    let mut taken: HashSet<String> = outside.profiles().iter().map(|p| p.name.clone()).collect();
    taken.extend(reserved.iter().cloned());
    // A generated `default` would silently become the profile every tool uses.
    taken.insert("default".to_string());
    let mut result = ProfileChanges::default();
    for (role, existing) in owned.into_iter().zip(configured) {
        if let Some(existing) = existing {
            result.skipped.push((role, existing.to_string()));
            continue;
        }
        if let Some(refused) = refusal(&role) {
            result.refused.push(refused);
            continue;
        }
        let base = match base_name(&role, template) {
            Ok(base) => base,
            Err(refused) => {
                result.refused.push(refused);
                continue;
            }
        };
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(name.clone());
        result.profiles.push(SyncedProfile { name, role });
    }
    result
}

/// The first line of `session`'s block (what identifies it is everything up to the `)`).
pub fn begin_marker(session: &str) -> String {
    format!("# BEGIN rolecall sso sync (sso-session {session})")
}

/// The last line of `session`'s block.
pub fn end_marker(session: &str) -> String {
    format!("# END rolecall sso sync (sso-session {session})")
}

/// Refuses an sso-session name the block cannot write (in its markers and in every
/// profile's `sso_session`): it must be a profile-name identifier, as aws-config reads them.
pub fn check_session_name(session: &str) -> Result<(), SsoError> {
    check_profile_name(session).map_err(|why| {
        SsoError::Config(format!(
            "sso-session {} cannot be written into the config file ({why}); rename the [sso-session] section and the sso_session lines that use it",
            shown(session)
        ))
    })
}

/// Refuses a region the block cannot write as one line; `source` says where it came from
/// (`--region`, or the sso-session's `sso_region`) and `remedy` what to do.
pub fn check_region(region: &str, source: &str, remedy: &str) -> Result<(), SsoError> {
    check_value(region).map_err(|why| {
        SsoError::Config(format!(
            "{source} {} cannot be written into the config file ({why}); nothing was written: {remedy}",
            shown(region)
        ))
    })
}

/// The block's text, newline-terminated, in `newline` style (`\n` or `\r\n`). Every line
/// is built by [`writable`]; a session name or region it refuses is an error.
pub fn render_block(
    session: &str,
    region: Option<&str>,
    changes: &ProfileChanges,
    newline: &str,
) -> Result<String, SsoError> {
    check_session_name(session)?;
    if let Some(region) = region {
        check_region(region, "the region", "give a region such as eu-west-1")?;
    }
    let mut out = format!(
        "{} - managed by rolecall: `rolecall sso sync` rewrites everything up to the END line{newline}",
        begin_marker(session)
    );
    for (i, p) in changes.profiles.iter().enumerate() {
        if i > 0 {
            out.push_str(newline);
        }
        let lines = profile_lines(session, region, p, newline).map_err(|why| {
            SsoError::Config(format!(
                "profile {} cannot be written into the config file ({why}); nothing was written",
                shown(&p.name)
            ))
        })?;
        out.push_str(&lines);
    }
    out.push_str(&end_marker(session));
    out.push_str(newline);
    Ok(out)
}

/// One synced profile's section.
fn profile_lines(
    session: &str,
    region: Option<&str>,
    p: &SyncedProfile,
    newline: &str,
) -> Result<String, Unwritable> {
    let mut out = writable::profile_header(&p.name, newline)?;
    out.push_str(&writable::property_line("sso_session", session, newline)?);
    out.push_str(&writable::property_line(
        "sso_account_id",
        &p.role.account_id,
        newline,
    )?);
    out.push_str(&writable::property_line(
        "sso_role_name",
        &p.role.role_name,
        newline,
    )?);
    if let Some(region) = region {
        out.push_str(&writable::property_line("region", region, newline)?);
    }
    Ok(out)
}

/// Where `session`'s block is in `text` (from its BEGIN line to the end of its END line),
/// or `None`. A BEGIN without END, an END without BEGIN, or two blocks are errors: the
/// file was edited by hand and guessing could lose lines.
pub fn find_block(text: &str, session: &str) -> Result<Option<Range<usize>>, SsoError> {
    let begin = begin_marker(session);
    let end = end_marker(session);
    let mut start: Option<usize> = None;
    let mut found: Option<Range<usize>> = None;
    let mut offset = 0;
    let problem = |what: &str| {
        SsoError::Config(format!(
            "the config file has {what} for sso-session {session}; fix the '{begin}' / '{end}' lines by hand and run sync again"
        ))
    };
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        let line_end = offset + line.len();
        let is_begin = bare
            .strip_prefix(begin.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '));
        if is_begin {
            if start.is_some() || found.is_some() {
                return Err(problem("two BEGIN lines"));
            }
            start = Some(offset);
        } else if bare == end {
            match start.take() {
                Some(s) => found = Some(s..line_end),
                None => return Err(problem("an END line without its BEGIN line")),
            }
        }
        offset = line_end;
    }
    if start.is_some() {
        return Err(problem("a BEGIN line without its END line"));
    }
    Ok(found)
}

/// `text` with `session`'s block put in place of the old one, or appended after a blank
/// line when there was none.
pub fn replace_block(text: &str, session: &str, block: &str) -> Result<String, SsoError> {
    Ok(match find_block(text, session)? {
        Some(range) => format!("{}{block}{}", &text[..range.start], &text[range.end..]),
        None => {
            let newline = newline_of(text);
            let mut out = text.to_string();
            if !out.is_empty() {
                if !out.ends_with('\n') {
                    out.push_str(newline);
                }
                if !out.ends_with(&format!("{newline}{newline}")) {
                    out.push_str(newline);
                }
            }
            out.push_str(block);
            out
        }
    })
}

/// `text` without `session`'s block: the configuration as the user wrote it.
pub fn without_block(text: &str, session: &str) -> Result<String, SsoError> {
    Ok(match find_block(text, session)? {
        Some(range) => format!("{}{}", &text[..range.start], &text[range.end..]),
        None => text.to_string(),
    })
}

/// The line ending a file uses: `\r\n` when it has any, else `\n`.
fn newline_of(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// What [`sync_config_file`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// The file written (a symbolic link's target).
    pub path: PathBuf,
    /// False when the file already held exactly this block.
    pub written: bool,
    pub changes: ProfileChanges,
}

/// Writes `roles` of the `[sso-session]` `config` into the config file at `paths.config`.
///
/// One [`fsutil::Rewrite`]: the block is computed from the file as read under the lock, the
/// file keeps its owner and mode and is replaced atomically, and nothing is written when the
/// result is the same text or when the file changed between the read and the rename (an
/// editor saved it): that is an error saying to run sync again. When the file is a symbolic
/// link (a dotfiles repository, say), the link's target is what gets replaced.
pub fn sync_config_file(
    paths: &ConfigPaths,
    config: &SsoSessionConfig,
    roles: &[DiscoveredRole],
    template: &NameTemplate,
    region: Option<&str>,
) -> Result<SyncReport, SsoError> {
    let Some(session) = config.session_name.as_deref() else {
        return Err(SsoError::Config(format!(
            "sync writes profiles that use an [sso-session] section; {} is a legacy profile's start URL: add [sso-session NAME] with sso_start_url and sso_region, and sync that",
            config.start_url
        )));
    };
    let target = resolve_link(&paths.config)?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| SsoError::io("create", dir, &e))?;
    }
    let rewrite = fsutil::Rewrite::begin(&target).map_err(|e| SsoError::io("read", &target, &e))?;
    let original = rewrite.current().map(|b| utf8(b, &target)).transpose()?;
    let text = original.unwrap_or("");
    let credentials = std::fs::read(&paths.credentials)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let (updated, changes) =
        updated_text(paths, text, &credentials, session, roles, template, region)?;
    let written = original.is_none() || updated != text;
    if written {
        rewrite
            .commit(
                updated.as_bytes(),
                fsutil::Mode::KeepOr(fsutil::PRIVATE_FILE_MODE),
            )
            .map_err(|e| SsoError::io("write", &target, &e))?;
    }
    Ok(SyncReport {
        path: target,
        written,
        changes,
    })
}

/// The config file's `text` with `session`'s block rebuilt for `roles`, and the [`ProfileChanges`]
/// it writes; `credentials` is the credentials file's text (its profiles' names are taken).
/// Pure: what [`sync_config_file`] writes, and what the `sso_sync_writer` fuzz target checks.
pub fn updated_text(
    paths: &ConfigPaths,
    text: &str,
    credentials: &str,
    session: &str,
    roles: &[DiscoveredRole],
    template: &NameTemplate,
    region: Option<&str>,
) -> Result<(String, ProfileChanges), SsoError> {
    let outside_text = without_block(text, session)?;
    let outside = ProfileGraph::from_texts(paths.clone(), &outside_text, credentials);
    let reserved = botocore_profile_sections(&outside_text);
    let changes = profile_changes_reserving(roles, template, &outside, &reserved);
    let block = render_block(session, region, &changes, newline_of(text))?;
    Ok((replace_block(text, session, &block)?, changes))
}

/// The names of the `[profile NAME]` sections botocore reads in `text`, among them some the
/// SDKs ignore: Python's `configparser` takes a header's text from its first `[` to its
/// last `]` (`[profile a] x` is `profile a` to it), breaks lines at a bare CR too, and
/// refuses a whole file that has one section twice, so the block must not repeat any.
fn botocore_profile_sections(text: &str) -> HashSet<String> {
    text.split(['\n', '\r'])
        .filter_map(|line| {
            let inner = line.trim().strip_prefix('[')?;
            let inner = &inner[..inner.rfind(']')?];
            inner.strip_prefix("profile ").map(str::to_string)
        })
        .collect()
}

/// `path`, or the file it links to (followed to the end) when it is a symbolic link.
fn resolve_link(path: &Path) -> Result<PathBuf, SsoError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::canonicalize(path).map_err(|e| SsoError::io("follow the link", path, &e))
        }
        _ => Ok(path.to_path_buf()),
    }
}

fn utf8<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a str, SsoError> {
    std::str::from_utf8(bytes).map_err(|_| {
        SsoError::Config(format!(
            "{} is not valid UTF-8; rolecall does not rewrite it",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests;
