//! Loading, modelling and validating the AWS config and credentials files.

mod files;
mod graph;
mod model;
pub mod parse;
pub mod writable;
pub use files::{ConfigPaths, FileKind};
pub use graph::{
    ProfileGraph, StaticKeysError, DURATION_RANGE, MAX_FILE_BYTES, MFA_SESSION_DURATION_RANGE,
    ROLE_CHAINING_LIMIT,
};
pub use model::*;
