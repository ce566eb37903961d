//! The container endpoint's rules for EKS Pod Identity, checked before aws-config's
//! provider is asked, so that what is wrong is said in rolecall's words: which hosts
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI` may name, and the authorization token file.
//!
//! aws-config (`ecs.rs`, `validate_full_uri`) fetches from a full URI over https from any
//! host, and over http only from a loopback address, 169.254.170.2 (ECS), or
//! 169.254.170.23 and fd00:ec2::23 (EKS Pod Identity); a host name must resolve to these
//! only. An IP literal is checked here, without connecting; a host name is left to
//! aws-config, which resolves it. `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` wins over
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`, and is read at every call (EKS rotates it).

use super::token_file::read_token_text;
use super::SourceError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

/// The most of an authorization token file that is read: a pod identity token is a JWT
/// of a few kilobytes.
pub const MAX_AUTHORIZATION_TOKEN_BYTES: u64 = 16 * 1024;

/// The addresses besides loopback that an http full URI may name (aws-config's
/// `is_full_uri_ip_allowed`).
const ALLOWED_HOSTS: [IpAddr; 3] = [
    IpAddr::V4(Ipv4Addr::new(169, 254, 170, 2)),
    IpAddr::V4(Ipv4Addr::new(169, 254, 170, 23)),
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x23)),
];

/// Refuses a full URI the SDKs would refuse, when its host is an IP literal.
pub fn check_full_uri(uri: &str) -> Result<(), SourceError> {
    let refuse = |why: &str| {
        Err(SourceError::Container(format!(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI {uri} {why}"
        )))
    };
    let Ok(parsed) = uri.parse::<hyper::Uri>() else {
        return refuse("is not a URL");
    };
    if parsed.scheme_str() == Some("https") {
        return Ok(());
    }
    let Some(host) = parsed.host() else {
        return refuse("names no host");
    };
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    match literal.parse::<IpAddr>() {
        Ok(ip) if ip.is_loopback() || ALLOWED_HOSTS.contains(&ip) => Ok(()),
        Ok(_) => refuse(
            "is refused: over http, credentials are fetched only from a loopback address, \
             169.254.170.2 (ECS), or 169.254.170.23 and fd00:ec2::23 (EKS Pod Identity), as \
             the AWS SDKs do; use one of these, or https",
        ),
        Err(_) => Ok(()),
    }
}

/// Checks the authorization token file the endpoint is called with, as it is now: that
/// it can be read, is not too large, and can be sent as a header (no line break, which
/// the SDKs refuse too).
pub fn check_authorization_token_file(file: &Path) -> Result<(), SourceError> {
    let error = |problem: String| {
        SourceError::Container(format!(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {} {problem}",
            file.display()
        ))
    };
    let token = read_token_text(
        file,
        MAX_AUTHORIZATION_TOKEN_BYTES,
        "the pod identity token",
    )
    .map_err(error)?;
    if token.expose().contains(['\r', '\n']) {
        return Err(error(
            "holds a line break, which an HTTP header cannot carry: write the token without one"
                .into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
