//! The DPoP proof (RFC 9449) the sign-in service asks for with a refresh: a JWT signed
//! with ES256 by the session's P-256 key, as the AWS CLI builds it (botocore's
//! `_build_dpop_header`):
//!
//! - header `{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","x":…,"y":…,"crv":"P-256"}}`;
//! - claims `{"htm":"POST","htu":<the request URL>,"iat":<seconds>,"jti":<a fresh UUID>}`;
//! - the signature as `r || s`, 32 bytes each, base64url without padding like the rest.

use crate::secret::Secret;
use aws_smithy_types::base64;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};

/// A session's DPoP key. `Debug` shows nothing of it; it is zeroised when dropped (p256's
/// own `Drop`).
pub struct DpopKey {
    key: SigningKey,
}

impl std::fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DpopKey(..)")
    }
}

impl DpopKey {
    /// The key in a cache's `dpopKey`: a SEC 1 PEM (`BEGIN EC PRIVATE KEY`) of a P-256
    /// key; `None` when it is not one.
    pub fn from_pem(pem: &Secret) -> Option<DpopKey> {
        let secret = p256::SecretKey::from_sec1_pem(pem.expose()).ok()?;
        Some(DpopKey {
            key: SigningKey::from(&secret),
        })
    }

    /// A new random key (for a sign-in, and for the tests' sessions).
    pub fn generate() -> DpopKey {
        loop {
            let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
            getrandom::getrandom(&mut bytes[..]).expect("the system's random numbers");
            if let Ok(secret) = p256::SecretKey::from_slice(&bytes[..]) {
                return DpopKey {
                    key: SigningKey::from(&secret),
                };
            }
        }
    }

    /// The key as the cache's `dpopKey` holds it.
    pub fn to_pem(&self) -> Secret {
        let secret = p256::SecretKey::from(&self.key);
        let pem = secret
            .to_sec1_pem(p256::pkcs8::LineEnding::LF)
            .expect("a P-256 key encodes as PEM");
        Secret::new(pem.as_str())
    }

    /// The public key's `x` and `y`, base64url: the proof header's `jwk`.
    pub fn jwk_coordinates(&self) -> (String, String) {
        let point = self.key.verifying_key().to_encoded_point(false);
        let x = point.x().expect("an uncompressed point has x");
        let y = point.y().expect("an uncompressed point has y");
        (base64url(x), base64url(y))
    }

    /// The proof for a POST to `url` at `iat` (seconds since the epoch).
    pub fn proof(&self, url: &str, iat: i64) -> String {
        let (x, y) = self.jwk_coordinates();
        let header = serde_json::json!({
            "typ": "dpop+jwt",
            "alg": "ES256",
            "jwk": {"kty": "EC", "x": x, "y": y, "crv": "P-256"},
        });
        let claims = serde_json::json!({
            "htm": "POST",
            "htu": url,
            "iat": iat,
            "jti": uuid_v4(),
        });
        let signing_input = format!(
            "{}.{}",
            base64url(header.to_string().as_bytes()),
            base64url(claims.to_string().as_bytes())
        );
        let signature: Signature = self.key.sign(signing_input.as_bytes());
        format!("{signing_input}.{}", base64url(&signature.to_bytes()))
    }
}

/// base64url without padding (RFC 7515's encoding of every part of a JWT).
pub fn base64url(bytes: &[u8]) -> String {
    base64::encode(bytes)
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

/// base64url, with or without padding, back to bytes; `None` when it is not that.
pub fn unbase64url(text: &str) -> Option<Vec<u8>> {
    let mut padded = text.replace('-', "+").replace('_', "/");
    while !padded.len().is_multiple_of(4) {
        padded.push('=');
    }
    base64::decode(&padded).ok()
}

/// A random (version 4) UUID: the proof's `jti`, unique per proof.
pub(crate) fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    getrandom::getrandom(&mut b).expect("the system's random numbers");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests;
