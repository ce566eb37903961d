//! `rolecall keys`: long-term keys kept in the OS keyring or the encrypted file instead of
//! `~/.aws/credentials` (see docs/KEYS.md): `rotate`.

use crate::context::Context;
use crate::keys::KeyStore;
use crate::term_text::visible;
use anyhow::Result;
use clap::{Args, Subcommand};

/// `rolecall keys`' one action.
#[derive(Args, Debug)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub command: KeysCommand,
}

/// What `keys` does.
#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Replace a profile's stored key by a new one (IAM), then delete the old one.
    Rotate(super::keys_rotate::RotateArgs),
}

/// Runs one `keys` action.
pub fn run(context: &Context, args: KeysArgs) -> Result<()> {
    match args.command {
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
