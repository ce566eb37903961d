
use super::*;

/// Compiles only if the calls the TUI makes can run on its tasks (`Send + 'static` once
/// they own their inputs): sign-in, token, credentials, discovery, logout.
#[allow(dead_code)]
fn calls_can_move_to_a_task(sso: Sso, config: SsoSessionConfig, pending: PendingSignIn) {
    fn task<F: std::future::Future + Send + 'static>(_: F) {}
    let (s, c) = (sso.clone(), config.clone());
    task(async move { s.start_sign_in(&c).await });
    task(pending.finish());
    let (s, c) = (sso.clone(), config.clone());
    task(async move {
        let token = s.token_for(&c).await?;
        s.role_credentials(&c, &token, "111111111111", "Admin")
            .await
    });
    let (s, c) = (sso.clone(), config.clone());
    task(async move { s.discover(&c, false).await });
    task(async move { sso.logout(&config).await });
}
