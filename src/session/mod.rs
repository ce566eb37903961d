//! Active sessions and the on-disk store that keeps them across restarts.
