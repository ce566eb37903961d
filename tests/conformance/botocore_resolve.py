#!/usr/bin/env python3
"""Resolve every profile of a conformance case the way botocore does.

Usage: botocore_resolve.py [--cross-check] CASE_DIR [CASE_DIR...]  (several: {case: profiles})

CASE_DIR holds `config` and optionally `credentials` (AWS CLI format).
Prints one JSON object to stdout: profile name -> {role_arn, region,
mfa_serial, duration_seconds, chain}; keys sorted.

`chain` lists profile names from the profile down to the one that holds the
base credentials, following botocore's AssumeRoleProvider (see
botocore/credentials.py: _has_assume_role_config_vars, _get_role_config,
_validate_source_profile, _resolve_source_credentials,
_resolve_credentials_from_profile, _has_static_credentials). It is null
where botocore would raise a configuration error (loop, missing source
profile, role_arn with neither/both of source_profile and credential_source,
a source profile with no credentials).

--cross-check additionally runs botocore's real AssumeRoleProvider for each
profile (with leaf credential loading stubbed out, so no network, process or
SSO token is touched), records which profiles it visits, and exits 2 if that
differs from the computed chain.

Each profile also gets `plan`: what botocore's real AssumeRoleProvider does
when asked for its credentials, with an STS client that records every
AssumeRole instead of sending it: the hops in order, each with the credentials
it was made with (`profile:NAME` for a profile's own credentials — static keys,
SSO, `aws login`, credential_process —, `credential_source:NAME`, or `role:ARN` of the hop
before), its external id, MFA serial, duration and configured session name;
and `sts_region`, the region botocore's STS client uses for the selected
profile (its own region; null when it has none and botocore falls back to its
global endpoint). `plan` is [] for a profile that assumes no role and null
where botocore fails.
"""

import datetime

import json
import os
import sys

# configparser reads files in the locale's encoding; force UTF-8 so unicode
# profile names parse the same everywhere.
if not sys.flags.utf8_mode and os.environ.get("PYTHONUTF8") != "1":
    os.environ["PYTHONUTF8"] = "1"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import botocore.credentials  # noqa: E402
import botocore.session  # noqa: E402

CREDENTIAL_SOURCES = ("Environment", "Ec2InstanceMetadata", "EcsContainer")

# Keys whose presence lets botocore's profile providers (web identity, SSO,
# shared credentials, process, config) produce credentials for a profile.
PROVIDER_KEYS = (
    "web_identity_token_file",
    "sso_session",
    "sso_start_url",
    "credential_process",
    "login_session",
)


def has_static(profile):
    # botocore: any of the two keys counts (a partial pair later errors).
    return "aws_access_key_id" in profile or "aws_secret_access_key" in profile


def is_assume_role(profile):
    return "role_arn" in profile and "web_identity_token_file" not in profile


def source_has_credentials(profile):
    if has_static(profile):
        return "aws_access_key_id" in profile and "aws_secret_access_key" in profile
    return any(k in profile for k in PROVIDER_KEYS)


def resolve_chain(name, profiles):
    """Mirror of botocore's AssumeRoleProvider walk. None on config error."""
    if not is_assume_role(profiles[name]):
        return [name]
    visited = [name]
    chain = [name]
    current = name
    while True:
        profile = profiles[current]
        credential_source = profile.get("credential_source")
        source_profile = profile.get("source_profile")
        if credential_source is not None and source_profile is not None:
            return None  # both given
        if credential_source is None and source_profile is None:
            return None  # neither given
        if credential_source is not None:
            if credential_source not in CREDENTIAL_SOURCES:
                return None
            return chain
        if source_profile not in profiles:
            return None
        source = profiles[source_profile]
        if source_profile in visited:
            # Only a direct self reference with static keys is allowed.
            if source_profile != current or not has_static(source):
                return None
        visited.append(source_profile)
        if has_static(source) or not is_assume_role(source):
            if not source_has_credentials(source):
                return None
            if source_profile != current:
                chain.append(source_profile)
            return chain
        chain.append(source_profile)
        current = source_profile


def botocore_chain(session, name):
    """Run botocore's own AssumeRoleProvider, recording visited profiles."""
    fake = botocore.credentials.Credentials("AKIDFAKE", "FAKESECRET")

    class FakeProviderBuilder:
        def providers(self, profile_name, disable_env_vars=False):
            class P(botocore.credentials.CredentialProvider):
                METHOD = "fake"

                def load(self):
                    return fake

            return [P()]

    class FakeSourcer:
        def is_supported(self, source_name):
            return source_name in CREDENTIAL_SOURCES

        def source_credentials(self, source_name):
            return fake

    provider = botocore.credentials.AssumeRoleProvider(
        load_config=lambda: session.full_config,
        client_creator=lambda *a, **k: None,
        cache={},
        profile_name=name,
        credential_sourcer=FakeSourcer(),
        profile_provider_builder=FakeProviderBuilder(),
    )
    visited = [name]
    original = provider._resolve_credentials_from_profile

    def recording(profile_name):
        visited.append(profile_name)
        return original(profile_name)

    provider._resolve_credentials_from_profile = recording
    try:
        provider.load()
    except Exception:  # botocore config errors -> null, like resolve_chain
        return None
    chain = []
    for p in visited:
        if not chain or chain[-1] != p:
            chain.append(p)
    return chain


def botocore_plan(session, name, profiles):
    """Run botocore's AssumeRoleProvider with a recording STS client: the hops it makes."""
    calls = []

    def source_of(key):
        kind, _, rest = key.partition(":")
        prefix = {"PROFILE": "profile:", "SOURCE": "credential_source:", "ROLE": "role:"}
        if kind in prefix:
            return prefix[kind] + rest
        # Static keys botocore read itself: the profile that holds that key id.
        holders = [n for n, p in profiles.items() if p.get("aws_access_key_id") == key]
        return "profile:" + (holders[0] if len(holders) == 1 else "?")

    class FakeSts:
        def __init__(self, key):
            self.key = key

        def assume_role(self, **kwargs):
            calls.append(
                {
                    "role_arn": kwargs["RoleArn"],
                    "source": source_of(self.key),
                    "external_id": kwargs.get("ExternalId"),
                    "mfa_serial": kwargs.get("SerialNumber"),
                    "duration_seconds": to_int(kwargs.get("DurationSeconds")),
                    "role_session_name": kwargs.get("RoleSessionName")
                    if not kwargs.get("RoleSessionName", "").startswith("botocore-session-")
                    else None,
                }
            )
            expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
            return {
                "Credentials": {
                    "AccessKeyId": "ROLE:" + kwargs["RoleArn"],
                    "SecretAccessKey": "x",
                    "SessionToken": "t",
                    "Expiration": expires,
                }
            }

    def client_creator(service, aws_access_key_id=None, **kwargs):
        return FakeSts(aws_access_key_id)

    class FakeProviderBuilder:
        def providers(self, profile_name, disable_env_vars=False):
            class P(botocore.credentials.CredentialProvider):
                METHOD = "fake"

                def load(self):
                    return botocore.credentials.Credentials("PROFILE:" + profile_name, "x")

            return [P()]

    class FakeSourcer:
        def is_supported(self, source_name):
            return source_name in CREDENTIAL_SOURCES

        def source_credentials(self, source_name):
            return botocore.credentials.Credentials("SOURCE:" + source_name, "x")

    provider = botocore.credentials.AssumeRoleProvider(
        load_config=lambda: session.full_config,
        client_creator=client_creator,
        cache={},
        profile_name=name,
        credential_sourcer=FakeSourcer(),
        profile_provider_builder=FakeProviderBuilder(),
        prompter=lambda prompt: "123456",
    )
    try:
        creds = provider.load()
        if creds is None:
            return []
        creds.get_frozen_credentials()
    except Exception:  # botocore config errors -> null
        return None
    return calls


def to_int(value):
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def resolve_case(case_dir, cross_check):
    """What botocore makes of one case: ({profile: fields}, [cross-check mismatches])."""
    for var in list(os.environ):
        if var.startswith("AWS_"):
            del os.environ[var]
    os.environ["AWS_CONFIG_FILE"] = os.path.join(case_dir, "config")
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(case_dir, "credentials")

    session = botocore.session.Session()
    profiles = session.full_config["profiles"]
    names = sorted(session.available_profiles)

    out = {}
    mismatches = []
    for name in names:
        p = profiles.get(name, {})
        chain = resolve_chain(name, profiles)
        out[name] = {
            "role_arn": p.get("role_arn"),
            "region": p.get("region"),
            "mfa_serial": p.get("mfa_serial"),
            "duration_seconds": to_int(p.get("duration_seconds")),
            "chain": chain,
            "plan": botocore_plan(session, name, profiles),
            "sts_region": p.get("region"),
        }
        if cross_check:
            real = botocore_chain(session, name)
            if real != chain:
                mismatches.append((name, chain, real))
    return out, mismatches


def main(argv):
    cross_check = "--cross-check" in argv
    args = [a for a in argv if a != "--cross-check"]
    if not args:
        sys.stderr.write(__doc__)
        return 64
    results = {}
    mismatches = []
    for case_dir in args:
        case_dir = os.path.abspath(case_dir)
        out, bad = resolve_case(case_dir, cross_check)
        results[os.path.basename(case_dir)] = out
        mismatches += [(os.path.basename(case_dir),) + m for m in bad]
    # One case prints its profiles; several print {case name: profiles}.
    shown = results[os.path.basename(os.path.abspath(args[0]))] if len(args) == 1 else results
    sys.stdout.write(json.dumps(shown, sort_keys=True, indent=2, ensure_ascii=False))
    sys.stdout.write("\n")
    for case, name, mine, real in mismatches:
        sys.stderr.write(
            f"cross-check mismatch in {case} for {name!r}: computed {mine}, botocore {real}\n"
        )
    return 2 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
