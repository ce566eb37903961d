//! `rolecall keys`: long-term keys kept in the OS keyring or the encrypted file instead of
//! `~/.aws/credentials` (see docs/KEYS.md): `add`, `list`, `rm`, `rotate`.

use super::complete::profile_candidates;
use super::key_sessions::forget_sessions_of_old_key;
use super::list::ListFormat;
use super::terminal::warn;
use crate::context::Context;
use crate::keys::add::{plan_bridge, write_bridge, BridgePlan};
use crate::keys::rotate::rotation_of;
use crate::keys::{
    check_access_key_id, check_secret_access_key, KeyBackend, KeyStore, LongTermKey, StoredKey,
};
use crate::secret::{mask, Secret};
use crate::term_text::{visible, write_json_pretty, Visible};
use anyhow::{bail, Context as _, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Args, Subcommand};
use clap_complete::engine::ArgValueCandidates;
use serde_json::json;
use std::io::{BufRead, IsTerminal, Write};
use zeroize::Zeroizing;

/// `rolecall keys`' one action.
#[derive(Args, Debug)]
#[command(
    after_help = "Where keys are kept: ROLECALL_KEYRING=secret-service|keyutils|file|keychain|credential-manager; \
unset, the Secret Service when one answers on the D-Bus session bus, else the encrypted file \
(ROLECALL_KEYRING_FILE, default ~/.local/share/rolecall/keys.age), whose passphrase is asked \
on the terminal or taken from ROLECALL_KEYRING_PASSPHRASE. See docs/KEYS.md."
)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub command: KeysCommand,
}

/// What `keys` does.
#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Store a profile's access key id and secret (asked without echo, or two lines on stdin).
    Add {
        #[arg(add = ArgValueCandidates::new(profile_candidates))]
        profile: String,
    },
    /// List the stored keys: profile, key id (masked), where stored, age.
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Remove a profile's stored key.
    Rm {
        #[arg(add = ArgValueCandidates::new(profile_candidates))]
        profile: String,
    },
    /// Move static keys from ~/.aws/credentials (and ~/.aws/config) into the store, and
    /// point each profile at `rolecall credential-process PROFILE`.
    Import(super::keys_import::KeysImportArgs),
    /// Replace a profile's stored key by a new one (IAM), then delete the old one.
    Rotate(super::keys_rotate::RotateArgs),
}

/// Runs one `keys` action.
pub fn run(context: &Context, args: KeysArgs) -> Result<()> {
    match args.command {
        KeysCommand::Add { profile } => add(context, &profile),
        KeysCommand::List { format } => list(context, format == ListFormat::Json),
        KeysCommand::Rm { profile } => rm(context, &profile),
        KeysCommand::Import(args) => {
            let store = announced_store(context)?;
            warn_if_cache_only(store.backend());
            super::keys_import::run(context, store, args)
        }
        KeysCommand::Rotate(args) => {
            super::keys_rotate::run(context, announced_store(context)?, args)
        }
    }
}

/// The key store, said in one line on stderr: every `keys` command names where keys are.
pub fn announced_store(context: &Context) -> Result<&KeyStore> {
    let store = context.keys()?;
    crate::term_eprintln!(
        "rolecall: keys are kept in {}",
        visible(&store.backend().describe())
    );
    Ok(store)
}

/// When `backend` forgets its keys at a reboot (keyutils), says that a key kept there is
/// a cache, not a store: for the commands that put keys in (`add`, `import`).
pub fn warn_if_cache_only(backend: &KeyBackend) {
    if !backend.forgets_at_reboot() {
        return;
    }
    warn(&format!(
        "{} is a cache, not a store: a reboot empties it (and its persistent keyring expires \
         after days unused); keep the key somewhere else too, or choose another keyring",
        backend.describe()
    ));
}

/// `keys add PROFILE`: reads the key, checks it, stores it, and points the profile at the
/// bridge (refusing, before reading the key, a profile that runs another
/// `credential_process`).
fn add(context: &Context, profile: &str) -> Result<()> {
    crate::profile::writable::check_profile_name(profile)
        .map_err(|why| anyhow::anyhow!("'{}' cannot be a profile name: {why}", visible(profile)))?;
    let store = announced_store(context)?;
    warn_if_cache_only(store.backend());
    let graph = context.files_graph();
    let plan = plan_bridge(&graph, profile, &super::keys_import::program_for_files()?)
        .map_err(anyhow::Error::msg)?;
    let key = read_key(profile)?;
    store.put(profile, &key)?;
    crate::term_eprintln!(
        "rolecall: stored the key {} of profile '{}' in {}",
        mask(&key.access_key_id),
        visible(profile),
        visible(&store.backend().describe())
    );
    forget_sessions_of_old_key(context, profile);
    if let BridgePlan::Write(line) = &plan {
        let file = write_bridge(&graph, profile, line).map_err(|why| {
            anyhow::anyhow!("the key is stored, but the profile does not use it yet: {why}")
        })?;
        crate::term_eprintln!(
            "rolecall: {} now runs `{}` for profile '{}'",
            file.display(),
            visible(line.trim_start_matches("credential_process = ")),
            visible(profile)
        );
    }
    warn_if_plaintext_left(&graph, profile, &key);
    Ok(())
}

/// Says so when the files still hold static keys for `profile`, which the AWS CLI reads
/// before the bridge: `keys import` takes out the key just added; another key is named.
fn warn_if_plaintext_left(graph: &crate::profile::ProfileGraph, profile: &str, key: &LongTermKey) {
    let Some(keys) = graph.get(profile).and_then(|p| p.static_keys) else {
        return;
    };
    let path = if keys.in_credentials {
        &graph.paths.credentials
    } else {
        &graph.paths.config
    };
    let name = visible(profile);
    let held = graph.load_static_keys(profile).ok().flatten();
    match held {
        Some(held) if held.access_key_id != key.access_key_id => warn(&format!(
            "{} still holds another key ({}) for profile '{name}' in plaintext, which the AWS CLI \
             uses before the stored one: delete its lines once it is no longer needed",
            path.display(),
            mask(&held.access_key_id)
        )),
        _ => warn(&format!(
            "{} still holds this key for profile '{name}' in plaintext: \
             `rolecall keys import {name}` takes it out",
            path.display()
        )),
    }
}

/// The key to store: asked with echo off on a terminal, else two lines read from stdin.
fn read_key(profile: &str) -> Result<LongTermKey> {
    let (id, secret) = if std::io::stdin().is_terminal() {
        let who = visible(profile);
        let id = ask(&format!("Access key id for profile '{who}': "))?;
        let secret = ask(&format!("Secret access key for profile '{who}': "))?;
        (id, secret)
    } else {
        read_two_lines()?
    };
    let id = id.trim();
    check_access_key_id(id).map_err(anyhow::Error::msg)?;
    check_secret_access_key(&secret).map_err(anyhow::Error::msg)?;
    Ok(LongTermKey {
        access_key_id: id.to_string(),
        secret_access_key: Secret::new(secret.as_str()),
        created: Some(Utc::now()),
    })
}

fn ask(prompt: &str) -> Result<Zeroizing<String>> {
    match crate::tty::read_hidden(prompt).context("cannot read from the terminal")? {
        Some(answer) => Ok(answer),
        None => bail!("no answer on the terminal: nothing stored"),
    }
}

/// The key id and the secret, one line each, from stdin (their line endings dropped).
fn read_two_lines() -> Result<(Zeroizing<String>, Zeroizing<String>)> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut next = |what: &str| -> Result<Zeroizing<String>> {
        let mut line = Zeroizing::new(String::new());
        if input.read_line(&mut line)? == 0 {
            bail!("stdin ended before the {what}: give the access key id and the secret access key, one line each");
        }
        let kept = line.trim_end_matches(['\n', '\r']).len();
        line.truncate(kept);
        Ok(line)
    };
    let id = next("access key id")?;
    let secret = next("secret access key")?;
    Ok((id, secret))
}

/// `keys list`: a table, or JSON with `--format json`.
fn list(context: &Context, json: bool) -> Result<()> {
    let store = announced_store(context)?;
    // A rotation's own entries are no profile's key: they are named, not listed.
    let (slots, keys): (Vec<StoredKey>, Vec<StoredKey>) = store
        .list()?
        .into_iter()
        .partition(|k| rotation_of(&k.profile).is_some());
    let mut unfinished: Vec<&str> = slots
        .iter()
        .filter_map(|k| rotation_of(&k.profile))
        .collect();
    unfinished.dedup();
    for profile in unfinished {
        crate::term_eprintln!(
            "rolecall: the key rotation of '{profile}' did not finish: `rolecall keys rotate {profile}` finishes it"
        );
    }
    let now = Utc::now();
    let mut out = std::io::stdout().lock();
    if json {
        let all: Vec<_> = keys
            .iter()
            .map(|k| key_json(k, store.backend(), now))
            .collect();
        write_json_pretty(&mut out, &all)?;
    } else if keys.is_empty() {
        crate::term_eprintln!("rolecall: no keys stored; `rolecall keys add PROFILE` stores one");
    } else {
        let mut out = Visible::new(out);
        out.write_all(keys_table(&keys, store.backend(), now).as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

/// The `keys list --format json` object of one key: the key id masked, no secret.
pub fn key_json(key: &StoredKey, backend: &KeyBackend, now: DateTime<Utc>) -> serde_json::Value {
    json!({
        "profile": key.profile,
        "access_key_id": mask(&key.access_key_id),
        "stored_in": backend.name(),
        "created": key.created.map(|c| c.to_rfc3339_opts(SecondsFormat::Secs, true)),
        "age_days": key.created.map(|c| (now - c).num_days().max(0)),
    })
}

/// The table `keys list` prints, every cell as a terminal shows it safely.
pub fn keys_table(keys: &[StoredKey], backend: &KeyBackend, now: DateTime<Utc>) -> String {
    let rows: Vec<[String; 4]> = keys
        .iter()
        .map(|k| {
            [
                visible(&k.profile).into_owned(),
                visible(&mask(&k.access_key_id)).into_owned(),
                backend.name().to_string(),
                age(k.created, now),
            ]
        })
        .collect();
    let headers = ["PROFILE", "KEY ID", "STORED IN", "AGE"];
    let mut widths = headers.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [&str; 4]| {
        let head: String = (0..3)
            .map(|i| format!("{:<w$}  ", cells[i], w = widths[i]))
            .collect();
        format!("{head}{}\n", cells[3])
    };
    let mut out = line(headers);
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3]]));
    }
    out
}

/// A key's age as people read it: `93 days`, `1 day`, `today`, or `-` when unknown.
pub fn age(created: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match created.map(|c| (now - c).num_days()) {
        None => "-".into(),
        Some(days) if days <= 0 => "today".into(),
        Some(days) => crate::term_text::count(days as usize, "day", "days"),
    }
}

/// `keys rm PROFILE`: removes the key; a profile with none is an error.
fn rm(context: &Context, profile: &str) -> Result<()> {
    let store = announced_store(context)?;
    // Only to name the key id: a value that is not a key (which `get` refuses) goes too.
    let key = store.get(profile).ok().flatten();
    if !store.remove(profile)? {
        bail!(
            "no key is stored for profile '{}' in {}: `rolecall keys list` shows the stored ones",
            visible(profile),
            visible(&store.backend().describe())
        );
    }
    let id = key.map(|k| format!("the key {}", mask(&k.access_key_id)));
    crate::term_eprintln!(
        "rolecall: removed {} of profile '{}' from {}",
        id.as_deref().unwrap_or("the key"),
        visible(profile),
        visible(&store.backend().describe())
    );
    forget_sessions_of_old_key(context, profile);
    Ok(())
}

#[cfg(test)]
mod tests;
