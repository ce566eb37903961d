//! Loading, modelling and validating the AWS config and credentials files.

pub mod bridge;
mod chain;
mod files;
mod graph;
pub mod key_lines;
mod model;
pub mod parse;
mod suggest;
pub mod writable;
pub use chain::{Chain, ChainDisplay};
pub use files::{ConfigPaths, FileKind};
pub use graph::{
    ProfileGraph, StaticKeysError, DURATION_RANGE, MAX_FILE_BYTES, MFA_SESSION_DURATION_RANGE,
    ROLE_CHAINING_LIMIT,
};
pub use model::*;

/// Why a profile with `role_arn` but no `source_profile` or `credential_source` cannot be
/// assumed: `check` lists it, and resolving the profile fails with it.
pub const ROLE_WITHOUT_SOURCE: &str = "role_arn is set but neither source_profile nor credential_source says where its source credentials come from";
