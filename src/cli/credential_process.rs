//! `rolecall credential-process PROFILE`: the bridge the AWS CLI and the SDKs run as a
//! profile's `credential_process` once `rolecall keys import` (or `keys add`) moved its key
//! into rolecall's key store. It prints the `Version: 1` JSON of the profile's session — a
//! GetSessionToken session of the stored key, cached, so fifty `aws` calls make one STS
//! call — or of the key itself with `--no-session`.
//!
//! Stdout carries the JSON and nothing else: the calling SDK parses all of it. Warnings
//! and MFA prompts go to stderr and the terminal; an error is one line on stderr and a
//! non-zero exit, which the SDKs report.

use super::block_on;
use super::complete::profile_candidates;
use super::obtain::{obtain, ObtainArgs};
use crate::context::Context;
use crate::output::{render, Format};
use anyhow::Result;
use clap::Args;
use clap_complete::engine::ArgValueCandidates;
use std::io::Write;

/// `rolecall credential-process`'s arguments.
#[derive(Args, Debug)]
pub struct CredentialProcessArgs {
    /// The profile whose credentials to print.
    #[arg(add = ArgValueCandidates::new(profile_candidates))]
    pub profile: String,
    #[command(flatten)]
    pub obtain: ObtainArgs,
}

/// Prints `profile`'s session as a `credential_process` prints it.
pub fn run(context: &Context, args: CredentialProcessArgs) -> Result<()> {
    let session = block_on(obtain(context, &args.profile, &args.obtain))??;
    // The JSON holds the secret: its buffer is zeroised once written.
    let json = zeroize::Zeroizing::new(render(
        Format::CredentialProcess,
        &session.credentials,
        &session.env(),
    )?);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(json.as_bytes())?;
    stdout.flush()?;
    Ok(())
}
