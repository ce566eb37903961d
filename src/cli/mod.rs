//! The non-interactive commands: thin layers over the library, one file each.

pub mod complete;
pub mod console;
pub mod context;
pub mod env_file;
pub mod exec;
pub mod export;
pub mod list;
pub mod man;
pub mod prompt;
pub mod sessions;
pub mod sso;
