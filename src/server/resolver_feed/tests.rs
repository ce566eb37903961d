use super::*;
use crate::profile::{ConfigPaths, ProfileGraph};
use crate::session::SessionStore;
use crate::sso::Sso;
use std::sync::Arc;

fn feed(config: &str, profile: &str, sso_dir: &std::path::Path) -> ResolverFeed {
    let config = config.to_string();
    let graph = move || {
        ProfileGraph::from_texts(
            ConfigPaths::in_dir("/cfg".as_ref()),
            &config,
            "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
        )
    };
    let mut options = crate::sso::SsoOptions::from_env();
    options.token_cache_dir = sso_dir.to_path_buf();
    let context = Context::new(Arc::new(graph))
        .with_store(SessionStore::memory())
        .with_sso(Sso::new(options));
    ResolverFeed {
        profile: profile.into(),
        context,
        mfa_mode: MfaMode::SessionToken,
    }
}

#[tokio::test]
async fn a_refresh_that_needs_the_user_says_what_and_never_prompts() {
    let dir = tempfile::tempdir().unwrap();
    let mfa = feed(
            "[profile secure]\nrole_arn = arn:aws:iam::111111111111:role/S\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n",
            "secure",
            dir.path(),
        );
    let err = mfa.obtain(false).await.unwrap_err();
    assert_eq!(err.needs_user, Some(UserAction::MfaCode));
    assert!(
        err.message.contains("arn:aws:iam::123456789012:mfa/me")
            && err.message.contains("rolecall export secure"),
        "{}",
        err.message
    );
    let sso = feed(
            "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
             [profile dev]\nsso_session = corp\nsso_account_id = 000000000001\nsso_role_name = Dev\n",
            "dev",
            dir.path(),
        );
    let err = sso.obtain(true).await.unwrap_err();
    assert_eq!(err.needs_user, Some(UserAction::SsoSignIn));
    assert!(
        err.message
            .contains("rolecall sso login --sso-session corp"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn a_refresh_never_runs_the_devices_mfa_process() {
    // Nobody watches a refresh: a device blinking for a touch would only stall the program.
    let dir = tempfile::tempdir().unwrap();
    let ran = dir.path().join("device-ran");
    let config = format!(
        "[profile secure]\nrole_arn = arn:aws:iam::111111111111:role/S\nsource_profile = base\n\
         mfa_serial = arn:aws:iam::123456789012:mfa/me\n\
         mfa_process = touch {}; echo 123456\n",
        ran.display()
    );
    let err = feed(&config, "secure", dir.path())
        .obtain(true)
        .await
        .unwrap_err();
    assert_eq!(err.needs_user, Some(UserAction::MfaCode));
    assert!(!ran.exists(), "the refresh ran the mfa_process");
}
