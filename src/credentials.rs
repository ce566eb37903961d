//! The credentials a session holds. The environment that hands them to a program is
//! built in [`crate::session::env`].

use crate::secret::{mask, Secret};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// AWS credentials: an access key pair, the session token of temporary credentials, and when they expire.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    pub expiration: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &mask(&self.access_key_id))
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field("expiration", &self.expiration)
            .finish()
    }
}
