"""Password hashing with scrypt (memory-hard) and a per-user salt; the password rules."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from desktop_app.accounts.models import USER_FIELDS
from desktop_app.errors import Finding

# 16 MiB of memory and ~50 ms per hash on a modest PC: slow for an attacker, fine at login.
N, R, P = 2**14, 8, 1
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(salt_hex),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest_hex) // 2,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def check_password_rules(password: str, *, username: str = "", field: str = "new_password") -> list[Finding]:
    """What is wrong with ``password``, as findings about the form field keyed ``field`` (one of the
    password fields of USER_FIELDS: new_password, initial_password, temporary_password, password)."""
    findings = []
    if len(password) < MIN_LENGTH:
        findings.append(USER_FIELDS.finding(field, f"密码至少 {MIN_LENGTH} 位。"))
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        findings.append(USER_FIELDS.finding(field, "密码须同时包含字母和数字。"))
    if username and password.lower() == username.lower():
        findings.append(USER_FIELDS.finding(field, "密码不能与用户名相同。"))
    return findings


def temporary_password() -> str:
    """A readable one-time password an administrator can dictate (no 0/O, 1/l)."""
    letters = "abcdefghjkmnpqrstuvwxyz"
    digits = "23456789"
    body = [secrets.choice(letters) for _ in range(5)] + [secrets.choice(digits) for _ in range(3)]
    secrets.SystemRandom().shuffle(body)
    return "".join(body)
