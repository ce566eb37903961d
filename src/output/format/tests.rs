
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
fn clap_accepts_exactly_the_names() {
    use clap::ValueEnum;
    for f in Format::ALL {
        assert_eq!(<Format as ValueEnum>::from_str(f.name(), false), Ok(f));
    }
    assert!(<Format as ValueEnum>::from_str("yaml", false).is_err());
}

#[test]
fn the_default_follows_the_parent_shell_then_shell_then_sh() {
    let fish = Some("fish");
    assert_eq!(Format::default_for(fish, Some("/bin/bash")), Format::Fish);
    assert_eq!(Format::default_for(Some("-bash"), fish), Format::Sh);
    assert_eq!(Format::default_for(Some("dash"), fish), Format::Sh);
    assert_eq!(Format::default_for(Some("pwsh"), None), Format::PowerShell);
    assert_eq!(Format::default_for(Some("make"), fish), Format::Fish);
    let pwsh = Some("/opt/microsoft/powershell/7/pwsh");
    assert_eq!(Format::default_for(None, pwsh), Format::PowerShell);
    assert_eq!(
        Format::default_for(Some("python3"), Some("/bin/tcsh")),
        Format::Sh
    );
    assert_eq!(Format::default_for(None, None), Format::Sh);
    assert_eq!(Format::default_for(Some(""), Some("")), Format::Sh);
}

#[test]
fn names_are_exact() {
    assert!("SH".parse::<Format>().is_err());
    assert!(" sh".parse::<Format>().is_err());
    assert!("".parse::<Format>().is_err());
}
