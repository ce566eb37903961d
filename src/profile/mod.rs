//! Loading, modelling and validating the AWS config and credentials files.

mod files;
mod graph;
mod model;
pub mod parse;
pub use files::{ConfigPaths, FileKind};
pub use graph::{ProfileGraph, DURATION_RANGE};
pub use model::*;
