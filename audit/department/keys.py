"""Ed25519 signing keys for submissions, and the department's file of trusted keys.

A key's id is the first 16 hex digits of the sha256 of its raw public key, so a trusted-keys entry
can be checked against the key it names. The trusted-keys file is YAML the department writes:

```yaml
schema: l3audit/trusted-keys/v1
keys:
  - id: 3f1c0a9b2e7d4c55
    name: "Báo Điện tử Mẫu (Phòng Kỹ thuật)"
    public_key: "base64 of the 32-byte raw key"
    outlets: [bao-mau]          # outlets this signer may submit for; ["*"] for an inspector
    role: outlet                # outlet (default): bundles; reviewer: reviews files; department: bundles
```
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from audit.errors import AuditError
from audit.i18n import phrase, said_by

TRUSTED_SCHEMA = "l3audit/trusted-keys/v1"

ROLES = ("outlet", "reviewer", "department")
"""What a trusted key may sign: an outlet's bundles, a reviewer's decisions, or (department) bundles of its
own scans. An entry without `role` is an outlet's key, so trusted-keys files written before roles still work."""
DEFAULT_ROLE = "outlet"


class KeyFileError(AuditError):
    """A key or trusted-keys file cannot be used."""


def key_id(public: Ed25519PublicKey) -> str:
    """The short id of a public key."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_b64(public: Ed25519PublicKey) -> str:
    """The raw public key in base64 (what trusted-keys files hold)."""
    return base64.b64encode(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


@dataclass(frozen=True)
class TrustedKey:
    """A signer the department accepts, the outlets it may sign for, and its role (see `ROLES`)."""

    id: str
    name: str
    public_key: Ed25519PublicKey
    outlets: tuple[str, ...]
    role: str = DEFAULT_ROLE

    def may_submit_for(self, outlet_id: str) -> bool:
        """Whether this signer may submit results for `outlet_id`."""
        return "*" in self.outlets or outlet_id in self.outlets

    def verify(self, signature: bytes, message: bytes) -> bool:
        """Whether `signature` is this key's signature of `message`."""
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


def generate_key(folder: Path, name: str, outlets: tuple[str, ...], role: str = DEFAULT_ROLE) -> tuple[Path, Path, str]:
    """Write `<name>.key` (private, PEM, mode 0600) and `<name>.pub.yaml` (a trusted-keys entry with `role`).

    Returns both paths and the key id. Refuses to overwrite an existing private key.
    """
    if role not in ROLES:
        raise KeyFileError(phrase("error.keys.role_unknown", role=repr(role), roles=", ".join(ROLES)))
    folder.mkdir(parents=True, exist_ok=True)
    private_path, public_path = folder / f"{name}.key", folder / f"{name}.pub.yaml"
    if os.path.lexists(private_path):
        raise KeyFileError(phrase("error.keys.exists", path=private_path))
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public = private.public_key()
    entry = {"schema": TRUSTED_SCHEMA, "keys": [{
        "id": key_id(public), "name": name, "public_key": public_b64(public), "outlets": list(outlets or ("*",)),
        "role": role}]}
    from audit.userfiles.output import write_bytes_atomic

    write_bytes_atomic(public_path, yaml.safe_dump(entry, allow_unicode=True, sort_keys=False).encode("utf-8"))
    return private_path, public_path, key_id(public)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read an Ed25519 private key written by `l3audit keys generate`."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise KeyFileError(phrase("error.keys.unreadable", path=path, reason=exc.strerror or exc)) from exc
    except (ValueError, TypeError) as exc:
        raise KeyFileError(phrase("error.keys.not_pem", path=path)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(phrase("error.keys.not_ed25519", path=path))
    return key


def load_trusted_keys(path: Path) -> dict[str, TrustedKey]:
    """The trusted keys by id; every entry is checked (id matches key, key decodes)."""
    from audit.errors import LocatedError
    from audit.yamlfile import load_yaml

    try:
        data, _raw = load_yaml(path)
    except LocatedError as exc:
        raise KeyFileError(said_by(exc)) from exc
    if not isinstance(data, dict) or data.get("schema") != TRUSTED_SCHEMA or not isinstance(data.get("keys"), list):
        raise KeyFileError(phrase("error.keys.not_trusted", path=path, schema=TRUSTED_SCHEMA))
    keys: dict[str, TrustedKey] = {}
    for n, entry in enumerate(data["keys"], 1):
        try:
            raw = base64.b64decode(entry["public_key"], validate=True)
            public = Ed25519PublicKey.from_public_bytes(raw)
            outlets = tuple(str(o) for o in entry.get("outlets") or ())
        except (KeyError, TypeError, ValueError) as exc:
            raise KeyFileError(phrase("error.keys.bad_public_key", path=path, n=n, error=str(exc))) from exc
        if entry.get("id") and entry["id"] != key_id(public):
            raise KeyFileError(phrase("error.keys.id_mismatch", path=path, n=n, kid=repr(entry["id"]),
                                      actual=key_id(public)))
        if not outlets:
            raise KeyFileError(phrase("error.keys.no_outlets", path=path, n=n))
        role = entry.get("role") or DEFAULT_ROLE
        if role not in ROLES:
            raise KeyFileError(phrase("error.keys.unknown_role", path=path, n=n, role=repr(role),
                                      roles=", ".join(ROLES), default=DEFAULT_ROLE))
        keys[key_id(public)] = TrustedKey(key_id(public), str(entry.get("name", "")), public, outlets, str(role))
    return keys

