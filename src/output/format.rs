//! The names of the output formats, as the CLI accepts them.

use clap::builder::PossibleValue;
use std::fmt;
use std::str::FromStr;

/// An output format: how [`super::render`] writes a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// POSIX shell: `export KEY='value'`, for `eval "$(rolecall export p)"`.
    Sh,
    /// fish: `set -gx KEY 'value';`, for `rolecall export p | source`.
    Fish,
    /// PowerShell: `$Env:KEY = 'value'`, for `… | Invoke-Expression`.
    PowerShell,
    /// A `.env` file: `KEY=value`, read by python-dotenv, compose and `set -a; . ./.env`.
    Dotenv,
    /// The credentials alone as JSON, in the AWS CLI's capitalised field names.
    Json,
    /// The JSON an AWS `credential_process` prints (`"Version": 1`).
    CredentialProcess,
    /// `--env=KEY=value` words for `docker run $(rolecall export p --format docker)`.
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

    /// The format a shell evaluates, from its program name (`fish`, `/usr/bin/zsh`, or a
    /// login shell's `-bash`); `None` for a program that is not a shell rolecall knows.
    pub fn of_shell(program: &str) -> Option<Format> {
        let name = program.rsplit('/').next().unwrap_or(program);
        match name.trim_start_matches('-') {
            "fish" => Some(Format::Fish),
            "pwsh" | "pwsh-preview" | "powershell" => Some(Format::PowerShell),
            "sh" | "bash" | "zsh" | "dash" | "ash" | "busybox" | "ksh" | "ksh93" | "mksh"
            | "lksh" | "oksh" | "pdksh" | "yash" | "posh" => Some(Format::Sh),
            _ => None,
        }
    }

    /// The format `export` prints when none is asked for: that of the shell running
    /// rolecall (`parent`: `eval "$(rolecall export p)"` and `rolecall export p | source`
    /// run it as the shell's child), else that of the login shell (`shell`: `$SHELL`),
    /// else sh.
    pub fn default_for(parent: Option<&str>, shell: Option<&str>) -> Format {
        parent
            .and_then(Format::of_shell)
            .or_else(|| shell.and_then(Format::of_shell))
            .unwrap_or(Format::Sh)
    }

    /// One line on what the format is for (help text and completion descriptions).
    pub fn summary(self) -> &'static str {
        match self {
            Format::Sh => "export lines for sh, bash and zsh: eval \"$(rolecall export p)\"",
            Format::Fish => "set -gx lines for fish: rolecall export p | source",
            Format::PowerShell => "$Env: lines for PowerShell: … | Invoke-Expression",
            Format::Dotenv => "KEY=value lines of a .env file",
            Format::Json => "the credentials as JSON (AccessKeyId, SecretAccessKey, …)",
            Format::CredentialProcess => "the JSON a credential_process prints (Version 1)",
            Format::Docker => "--env=KEY=value words for docker run $(…), one a line",
            Format::Redshift => "the CREDENTIALS string of Redshift COPY and UNLOAD",
        }
    }
}

/// clap reads `--format` through this, so a wrong name is answered with the valid ones
/// (and completion scripts offer them) from the same names as [`Format::name`].
impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()).help(self.summary()))
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
mod tests;
