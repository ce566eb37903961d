use super::*;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::VerifyingKey;

/// base64url back to bytes.
fn unbase64url(text: &str) -> Vec<u8> {
    super::unbase64url(text).unwrap()
}

#[test]
fn a_proof_is_an_es256_jwt_the_key_in_its_header_verifies() {
    let key = DpopKey::generate();
    let proof = key.proof(
        "https://eu-west-1.signin.aws.amazon.com/v1/token",
        1_700_000_000,
    );
    let parts: Vec<&str> = proof.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: serde_json::Value = serde_json::from_slice(&unbase64url(parts[0])).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&unbase64url(parts[1])).unwrap();
    assert_eq!(header["typ"], "dpop+jwt");
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["jwk"]["kty"], "EC");
    assert_eq!(header["jwk"]["crv"], "P-256");
    assert_eq!(claims["htm"], "POST");
    assert_eq!(
        claims["htu"],
        "https://eu-west-1.signin.aws.amazon.com/v1/token"
    );
    assert_eq!(claims["iat"], 1_700_000_000);
    assert_eq!(claims["jti"].as_str().unwrap().len(), 36);

    let mut point = vec![4u8];
    point.extend(unbase64url(header["jwk"]["x"].as_str().unwrap()));
    point.extend(unbase64url(header["jwk"]["y"].as_str().unwrap()));
    let public = VerifyingKey::from_sec1_bytes(&point).unwrap();
    let signature = Signature::from_slice(&unbase64url(parts[2])).unwrap();
    let input = format!("{}.{}", parts[0], parts[1]);
    public.verify(input.as_bytes(), &signature).unwrap();
    assert!(public.verify(b"something else", &signature).is_err());
}

#[test]
fn every_proof_has_its_own_jti() {
    let key = DpopKey::generate();
    let claims = |proof: String| -> serde_json::Value {
        serde_json::from_slice(&unbase64url(proof.split('.').nth(1).unwrap())).unwrap()
    };
    let a = claims(key.proof("http://127.0.0.1/v1/token", 1));
    let b = claims(key.proof("http://127.0.0.1/v1/token", 1));
    assert_ne!(a["jti"], b["jti"]);
}

#[test]
fn the_key_round_trips_through_the_cache_s_pem_and_never_prints() {
    let key = DpopKey::generate();
    let pem = key.to_pem();
    assert!(pem.expose().starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
    let again = DpopKey::from_pem(&pem).unwrap();
    assert_eq!(again.jwk_coordinates(), key.jwk_coordinates());
    assert_eq!(format!("{again:?}"), "DpopKey(..)");
    assert!(!format!("{pem:?}").contains("PRIVATE"));
    assert!(DpopKey::from_pem(&Secret::new("not a key")).is_none());
}
