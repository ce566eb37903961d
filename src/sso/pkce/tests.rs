//! The PKCE pair and the authorize URL.

use super::*;

#[test]
fn the_challenge_is_rfc_7636_s256() {
    // RFC 7636, appendix B.
    let pair = Pkce::from_verifier(Secret::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    assert_eq!(
        pair.challenge,
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[test]
fn a_generated_verifier_is_64_unreserved_characters_and_never_repeats_or_shows() {
    let a = Pkce::generate().unwrap();
    let b = Pkce::generate().unwrap();
    for pair in [&a, &b] {
        let v = pair.verifier.expose();
        assert_eq!(v.len(), VERIFIER_LEN);
        assert!(v.bytes().all(|c| VERIFIER_ALPHABET.contains(&c)), "{v}");
        assert_eq!(pair.challenge.len(), 43);
        assert_eq!(
            Pkce::from_verifier(pair.verifier.clone()).challenge,
            pair.challenge
        );
        assert!(!format!("{pair:?}").contains(v));
    }
    assert_ne!(a.verifier, b.verifier);
    let (s1, s2) = (random_state().unwrap(), random_state().unwrap());
    assert_eq!(s1.len(), 32);
    assert_ne!(s1, s2);
}

#[test]
fn the_authorize_url_carries_the_aws_cli_s_parameters_encoded() {
    let url = authorize_url(
        "https://oidc.eu-west-1.amazonaws.com/",
        "client id/1",
        "http://127.0.0.1:49152/oauth/callback",
        "0123abcd",
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        &[
            "sso:account:access".to_string(),
            "codewhisperer:completions".to_string(),
        ],
    );
    assert_eq!(
        url,
        "https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code\
         &client_id=client%20id%2F1\
         &redirect_uri=http%3A%2F%2F127.0.0.1%3A49152%2Foauth%2Fcallback\
         &state=0123abcd&code_challenge_method=S256\
         &scopes=sso%3Aaccount%3Aaccess%20codewhisperer%3Acompletions\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}
