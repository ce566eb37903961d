//! Loading, modelling and validating the AWS config and credentials files.

mod model;
pub use model::*;
