//! The non-interactive commands: thin layers over the library, one file each.

pub mod list;
