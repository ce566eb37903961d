#!/usr/bin/env python3
"""Writes a synthetic AWS config + credentials pair with N profiles into DIR.

Usage: gen_config.py N DIR

A mix like a large organisation's: one profile in ten holds static keys (credentials
file), the rest are roles sourced from them, some chained, some with MFA, external ids
and regions. Keys are fake.
"""
import os
import sys


def main(n, out):
    os.makedirs(out, exist_ok=True)
    regions = ["us-east-1", "eu-west-1", "ap-northeast-1", "eu-central-1"]
    cfg, creds = [], []
    for i in range(n):
        name = f"team{i // 10:04d}-profile{i:05d}"
        if i % 10 == 0:
            creds.append(
                f"[{name}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                f"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
            )
            cfg.append(f"[profile {name}]\nregion = {regions[i % 4]}\n")
            base = name
            prev = name
            continue
        account = f"{100000000000 + i:012d}"
        lines = [
            f"[profile {name}]",
            f"role_arn = arn:aws:iam::{account}:role/Role{i}",
            f"source_profile = {prev if i % 3 == 0 else base}",
            f"region = {regions[i % 4]}",
        ]
        if i % 7 == 0:
            lines.append("mfa_serial = arn:aws:iam::123456789012:mfa/bench")
        if i % 5 == 0:
            lines.append(f"external_id = ext-{i}")
            lines.append("duration_seconds = 3600")
        cfg.append("\n".join(lines) + "\n")
        prev = name
    with open(os.path.join(out, "config"), "w") as f:
        f.write("\n".join(cfg))
    with open(os.path.join(out, "credentials"), "w") as f:
        f.write("\n".join(creds))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
