//! `rolecall keys rotate PROFILE`: a new access key for the stored one (see
//! [`crate::keys::rotate`]), each step said on stderr.

use super::complete::profile_candidates;
use super::obtain::{mfa_prompt, ObtainArgs};
use crate::context::Context;
use crate::iam::{Iam, IamTarget};
use crate::keys::rotate::{crash_if_asked, AwsRotationCalls, Patience, Rotation, RotationHooks};
use crate::keys::KeyStore;
use crate::profile::ProfileGraph;
use crate::resolve::plan::{partition_default_region, partition_of_region};
use crate::resolve::{MfaAsk, MfaMode};
use crate::source::MfaProcess;
use crate::sts::{MfaCode, StsTarget};
use crate::term_text::visible;
use anyhow::{anyhow, Result};
use clap::Args;
use clap_complete::engine::ArgValueCandidates;
use std::sync::Mutex;
use std::time::Duration;

/// `keys rotate PROFILE [--mfa-code CODE] [--wait SECONDS]`.
#[derive(Args, Debug, Clone)]
pub struct RotateArgs {
    /// The profile whose stored key is replaced by a new one.
    #[arg(add = ArgValueCandidates::new(profile_candidates))]
    pub profile: String,
    /// The six-digit MFA code when the profile has mfa_serial (otherwise asked on the
    /// terminal): the IAM calls are then made with an MFA session.
    #[arg(long)]
    pub mfa_code: Option<String>,
    /// How long the new key may take to work (IAM makes keys usable within seconds)
    /// before it is deleted again and the old one kept.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub wait: u64,
}

/// Rotates the key stored for `args.profile` in `store`, or finishes a rotation an earlier
/// run began.
pub fn run(context: &Context, store: &KeyStore, args: RotateArgs) -> Result<()> {
    let graph = context.graph_for(&args.profile);
    let sts_target = sts_target(context, &graph, &args.profile);
    let iam_target = IamTarget {
        region: partition_default_region(partition_of_region(&sts_target.region)).to_string(),
        endpoint_url: crate::endpoint_url::from_lookup("IAM", &|name| context.vars().get(name)),
    };
    let old_id = store
        .get(&args.profile)
        .ok()
        .flatten()
        .map(|k| k.access_key_id);
    super::block_on(async {
        let mfa = mfa_code(&graph, &args).await?;
        let calls = AwsRotationCalls {
            sts: context.sts().clone(),
            sts_target,
            iam: Iam::new(),
            iam_target,
            mfa: Mutex::new(mfa),
        };
        let say = |line: &str| crate::term_eprintln!("rolecall: {}", visible(line));
        let rotation = Rotation {
            profile: &args.profile,
            slots: store,
            calls: &calls,
            patience: Patience {
                total: Duration::from_secs(args.wait),
            },
            hooks: RotationHooks {
                say: &say,
                reached: &crash_if_asked,
            },
        };
        let summary = rotation.run().await?;
        super::key_sessions::forget_sessions_of_old_key(context, &args.profile);
        if let Some(old_id) = old_id.filter(|id| *id != summary.key_id) {
            warn_plaintext_copies(context, &args.profile, &old_id);
        }
        Ok(())
    })?
}

/// Names, one line each, the profiles whose config or credentials file still holds the
/// old key in plaintext: IAM deleted it, so they no longer work, and the line is a copy
/// of a key that was meant to live in the key store only.
fn warn_plaintext_copies(context: &Context, profile: &str, old_id: &str) {
    let graph = context.graph();
    let holders = graph.profiles().iter().filter(|p| {
        p.static_keys.is_some()
            && graph
                .load_static_keys(&p.name)
                .ok()
                .flatten()
                .is_some_and(|keys| keys.access_key_id == old_id)
    });
    for holder in holders {
        let in_credentials = holder.static_keys.is_some_and(|k| k.in_credentials);
        let file = if in_credentials {
            &graph.paths.credentials
        } else {
            &graph.paths.config
        };
        crate::term_eprintln!(
            "rolecall: profile '{}' in {} still holds the old key {} in plaintext, which IAM \
             no longer has: remove its key lines there (the new key is in the key store, for '{}')",
            visible(&holder.name),
            visible(&file.display().to_string()),
            crate::secret::mask(old_id),
            visible(profile)
        );
    }
}

/// Where GetCallerIdentity and GetSessionToken go: as for the profile's own STS calls, or
/// by the environment alone for a key no profile of the files names.
fn sts_target(context: &Context, graph: &ProfileGraph, profile: &str) -> StsTarget {
    match graph.get(profile) {
        Some(p) => context
            .planner(graph, MfaMode::SessionToken)
            .sts_target(p, "aws"),
        None => {
            let var = |name: &str| context.vars().get(name);
            let region = var("AWS_REGION")
                .or_else(|| var("AWS_DEFAULT_REGION"))
                .unwrap_or_else(|| "us-east-1".to_string());
            StsTarget {
                endpoint_url: crate::endpoint_url::from_lookup("STS", &var),
                ..StsTarget::in_region(region)
            }
        }
    }
}

/// The MFA serial and code when the profile has `mfa_serial`: `--mfa-code`, else asked.
async fn mfa_code(graph: &ProfileGraph, args: &RotateArgs) -> Result<Option<(String, MfaCode)>> {
    let Some(profile) = graph.get(&args.profile) else {
        return Ok(None);
    };
    let Some(serial) = profile.mfa_serial.as_deref() else {
        return Ok(None);
    };
    // The profile's own device, when it has one (`mfa_process`), prints the code.
    let device = profile
        .settings()
        .mfa_process
        .as_deref()
        .map(|command| MfaProcess {
            command: command.to_string(),
            profile: profile.name.clone(),
        });
    let prompt = mfa_prompt(&ObtainArgs {
        mfa_code: args.mfa_code.clone(),
        ..ObtainArgs::default()
    })?;
    let ask = MfaAsk {
        profile: &args.profile,
        serial,
        device: device.as_ref(),
    };
    let code = prompt.code(ask).await?.ok_or_else(|| {
        anyhow!(
            "profile '{}' has mfa_serial {}: give its code with --mfa-code, or run on a terminal",
            visible(&args.profile),
            visible(serial)
        )
    })?;
    Ok(Some((serial.to_string(), code)))
}
