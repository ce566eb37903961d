//! The names of the output formats, as the CLI accepts them.

use std::fmt;
use std::str::FromStr;

/// An output format: how [`super::render`] writes a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// POSIX shell: `export KEY='value'`, for `eval "$(rolecall export p)"`.
    Sh,
    /// fish: `set -gx KEY 'value';`, for `rolecall export -f fish p | source`.
    Fish,
    /// PowerShell: `$Env:KEY = 'value'`, for `… | Invoke-Expression`.
    PowerShell,
    /// A `.env` file: `KEY=value`, read by python-dotenv, compose and `set -a; . ./.env`.
    Dotenv,
    /// The credentials alone as JSON, in the AWS CLI's capitalised field names.
    Json,
    /// The JSON an AWS `credential_process` prints (`"Version": 1`).
    CredentialProcess,
    /// `-e KEY=value` arguments to paste into `docker run`.
    Docker,
    /// The `CREDENTIALS` string of Redshift `COPY` and `UNLOAD`.
    Redshift,
}

impl Format {
    /// Every format, in the order help text lists them.
    pub const ALL: [Format; 8] = [
        Format::Sh,
        Format::Fish,
        Format::PowerShell,
        Format::Dotenv,
        Format::Json,
        Format::CredentialProcess,
        Format::Docker,
        Format::Redshift,
    ];

    /// The name the CLI accepts and prints for this format.
    pub fn name(self) -> &'static str {
        match self {
            Format::Sh => "sh",
            Format::Fish => "fish",
            Format::PowerShell => "powershell",
            Format::Dotenv => "dotenv",
            Format::Json => "json",
            Format::CredentialProcess => "credential-process",
            Format::Docker => "docker",
            Format::Redshift => "redshift",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of [`Format::ALL`]; the message lists the valid names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown output format {given:?}; valid formats are: {}",
    valid_names()
)]
pub struct UnknownFormat {
    /// The name that was given.
    pub given: String,
}

fn valid_names() -> String {
    Format::ALL.map(Format::name).join(", ")
}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFormat {
                given: s.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>(), Ok(f));
            assert_eq!(f.to_string(), f.name());
        }
    }

    #[test]
    fn unknown_name_lists_valid_ones() {
        let err = "bash".parse::<Format>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown output format \"bash\"; valid formats are: sh, fish, powershell, dotenv, \
             json, credential-process, docker, redshift"
        );
    }

    #[test]
    fn names_are_exact() {
        assert!("SH".parse::<Format>().is_err());
        assert!(" sh".parse::<Format>().is_err());
        assert!("".parse::<Format>().is_err());
    }
}
