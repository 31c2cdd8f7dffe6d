"""Offline checks of what an administrator enters, as they type: no network, stable message codes.

`check_field(key, raw, values)` cleans a value (pasted whitespace) and returns it with messages. Lengths and patterns
come from botocore's service models (IAM and STS shapes) wherever the model has them; the few rules the models lack
are hard-coded below with a comment saying so. The models' patterns are Java regexes in which `\\w` means
[A-Za-z0-9_]; compiling them with re.ASCII gives Python the same meaning.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import re
import secrets as _secrets
import unicodedata
from collections.abc import Callable, Mapping
from typing import NamedTuple
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from wizard.core import arn as arns
from wizard.core import fields, regions, services
from wizard.core.connection import METHOD_IDS, SERVICE_IDS, Connection, Secrets
from wizard.core.i18n import Words, localized


def words(text: str, **values) -> Words:
    """Mark `text` (a template when values are given) as words to translate where the message is shown;
    tools/translations.py collects the literals of these calls."""
    return Words(text, "validation", values=tuple(values.items()))


def label_of(key: str) -> Words:
    """A field's label as it reads inside a sentence ("access key ID"), translated as the field catalogue's label."""
    f = fields.field(key)
    return Words(f.noun, "fields", f.label)


@dataclass(frozen=True)
class Message:
    level: str  # "error" | "warning" | "info"
    code: str
    text: str  # in English, values filled in
    # For a message made with values: the catalogue's text with {placeholders} and the values, so that it is
    # translated as one text and the values put in afterwards (`localized`). Not part of equality.
    template: str = field(default="", compare=False, repr=False)
    values: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)

    def localized(self, translate: Callable[[str, str], str] | None = None) -> str:
        """The text in the user's language (`translate`: wizard.core.i18n's, or the window's)."""
        return localized(Words(self.template or self.text, "validation", values=self.values), translate)


def in_language(value, translate: Callable[[str, str], str] | None = None) -> str:
    """`value` (words, a field's label, or a plain value) as the user reads it."""
    return localized(value, translate)


def message(level: str, code: str, template: str, **values) -> Message:
    """A message made with values: `template` ("...{n} characters...") is the text the catalogue holds."""
    if not values:
        return Message(level, code, template)
    return Message(level, code, template.format(**values), template, tuple(values.items()))


@dataclass(frozen=True)
class Check:
    value: str  # the cleaned value (what should be saved)
    messages: tuple[Message, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if m.level == "error")

    @property
    def warnings(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if m.level == "warning")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.messages)


@dataclass(frozen=True)
class Limit:
    min: int | None
    max: int | None
    pattern: str | None  # regex for the whole value, matched with re.ASCII

    def matches(self, value: str) -> bool:
        return self.pattern is None or re.fullmatch(self.pattern, value, re.ASCII) is not None

    def bad_characters(self, value: str) -> list[str]:
        """Characters the pattern refuses (the patterns used this way are one character class with a quantifier)."""
        return [c for c in dict.fromkeys(value) if not self.matches(c)]


class _FromModel(NamedTuple):
    """Where a field's rule stands in a service's model: a shape, or an operation's input member."""

    shape: str = ""
    operation: str = ""
    member: str = ""
    pattern: str | None = None  # a pattern to use instead of the model's


def _model_limits(service: str, wanted: dict[str, _FromModel]) -> dict[str, Limit]:
    """{key: Limit} for `wanted` from botocore's model of `service`. A model the program's clients read anyway (STS, the
    tested services) comes from the shared loader, parsed once; any other (IAM's, ~4 MB parsed) through a loader of its
    own, dropped once the few numbers are taken."""
    import botocore.loaders
    import botocore.model

    from wizard.core.botocore_data import LOADER

    loader = LOADER if service in ("sts", *SERVICE_IDS) else botocore.loaders.create_loader()
    model = botocore.model.ServiceModel(loader.load_service_model(service, "service-2"), service_name=service)
    found = {}
    for key, where in wanted.items():
        meta = (model.operation_model(where.operation).input_shape.members[where.member] if where.operation
                else model.shape_for(where.shape)).metadata
        pattern = meta.get("pattern") if where.pattern is None else where.pattern
        found[key] = Limit(meta.get("min"), meta.get("max"), pattern)
    return found


# Length and pattern rules by field key, read when a check first needs one: a service's model is read once, for all
# of its keys (checking an access key ID reads IAM's, never bedrock-runtime's).
_FROM_MODELS: dict[str, dict[str, _FromModel]] = {
    "iam": {"access_key_id": _FromModel("accessKeyIdType"), "role": _FromModel("roleNameType"),
            "role_path": _FromModel("pathType")},
    "sts": {"role_arn": _FromModel(operation="AssumeRole", member="RoleArn"),
            "external_id": _FromModel(operation="AssumeRole", member="ExternalId"),
            "session_name": _FromModel(operation="AssumeRole", member="RoleSessionName"),
            "duration": _FromModel(operation="AssumeRole", member="DurationSeconds"),
            "mfa_serial": _FromModel(operation="GetSessionToken", member="SerialNumber"),
            "mfa_code": _FromModel(operation="GetSessionToken", member="TokenCode")},
    # bedrock-runtime's modelId pattern is a long alternation of ARN forms; only its length is taken, and the
    # characters model ids and ARNs use are checked.
    "bedrock-runtime": {"model_id": _FromModel(operation="InvokeModel", member="modelId", pattern=r"[\w.:/-]+")},
}
_FIXED = {
    # Not in the models (accessKeySecretType and tokenType carry no length or pattern): AWS issues 40-character
    # base64 secrets, and session tokens are base64 text several hundred characters long.
    "secret_access_key": Limit(40, 40, r"[A-Za-z0-9/+]+"),
    "session_token": Limit(100, 8192, r"[A-Za-z0-9/+=]+"),
    # S3's BucketName shape has no rules: these are the S3 naming rules for general purpose buckets.
    "bucket": Limit(3, 63, r"[a-z0-9.-]+"),
}
_SERVICE_OF = {key: service for service, keys in _FROM_MODELS.items() for key in keys}


@functools.cache
def _limits_of(service: str) -> dict[str, Limit]:
    return _model_limits(service, _FROM_MODELS[service])


def limit(key: str) -> Limit:
    """The length and pattern rule of one field key (KeyError for a key that has none)."""
    return _FIXED[key] if key in _FIXED else _limits_of(_SERVICE_OF[key])[key]


@functools.cache
def limits() -> dict[str, Limit]:
    """Length and pattern rules by field key (also available as the module attribute LIMITS); parses every model."""
    return {key: limit(key) for key in (*_SERVICE_OF, *_FIXED)}


def __getattr__(name: str):
    if name == "LIMITS":
        return limits()
    raise AttributeError(name)


# ---------------------------------------------------------------------------------------------------------- helpers

Checker = Callable[[str, Mapping[str, str]], list[Message]]

_KEY_FIELDS = ("access_key_id", "secret_access_key", "session_token")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters web pages and chat tools slip into a paste
_OPTIONAL = tuple(f.key for f in fields.CATALOGUE if f.optional)  # an empty value is no error
LABELS = {f.key: f.noun for f in fields.CATALOGUE}  # the field catalogue's labels, as they read inside a sentence


def _error(code: str, text: str, **values) -> Message:
    return message("error", code, text, **values)


def _warning(code: str, text: str, **values) -> Message:
    return message("warning", code, text, **values)


def _info(code: str, text: str, **values) -> Message:
    return message("info", code, text, **values)


def _count(n: int, one: str, many: str) -> Words:
    return words(one) if n == 1 else words(many, n=n)


def N_(text: str) -> str:  # marks a text of the "validation" context (see tools/translations.py)
    return text


def _listed(parts: list[Words]) -> Words:
    """ "a, b and c" of words, translated as a whole."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    for part in parts[1:-1]:
        first = words("{first}, {next}", first=first, next=part)
    return words("{first} and {last}", first=first, last=parts[-1])


def _describe_removed(removed: str) -> Words:
    """ "2 spaces and a line break" for the blank characters taken out of a value (\r\n counts as one line break)."""
    breaks = len(re.findall(r"\r\n|\r|\n", removed))
    rest = re.sub(r"\r\n|\r|\n", "", removed)
    spaces = sum(c in " \u00a0" for c in rest)
    tabs = rest.count("\t")
    invisible = sum(c in _INVISIBLE for c in rest)
    other = len(rest) - spaces - tabs - invisible
    parts = [
        _count(n, one, many)
        for n, one, many in (
            (spaces, N_("a space"), N_("{n} spaces")),
            (tabs, N_("a tab"), N_("{n} tabs")),
            (breaks, N_("a line break"), N_("{n} line breaks")),
            (invisible, N_("an invisible character"), N_("{n} invisible characters")),
            (other, N_("another blank character"), N_("{n} other blank characters")),
        )
        if n
    ]
    return _listed(parts)


def _clean(key: str, raw: str) -> tuple[str, str]:
    """(cleaned value, removed characters). Keys and secrets lose all blanks; other values only surrounding ones."""
    raw = raw or ""
    if key in _KEY_FIELDS:
        kept = [c for c in raw if not (c.isspace() or c in _INVISIBLE)]
        value = "".join(kept)
        removed = "".join(c for c in raw if c.isspace() or c in _INVISIBLE)
        return value, removed
    value = _SURROUNDING.sub("", raw)
    if value == raw:
        return value, ""
    start = raw.find(value) if value else len(raw)
    return value, raw[:start] + raw[start + len(value) :]


_SURROUNDING = re.compile(rf"\A[\s{_INVISIBLE}]+|[\s{_INVISIBLE}]+\Z")  # blanks and invisible characters, mixed
# Characters no saved value may hold: control characters (line breaks, NUL, NEL U+0085, form feed...), line and
# paragraph separators, and format characters (zero-width, bidirectional overrides). A value written into an AWS file
# must be a single line an administrator can read.
_UNSAFE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")


def unsafe_characters(value: str) -> list[str]:
    """The characters of `value` that may not be saved or written into a file (see _UNSAFE_CATEGORIES)."""
    return [c for c in dict.fromkeys(value) if unicodedata.category(c) in _UNSAFE_CATEGORIES]


def _other(values: Mapping[str, str] | None, key: str) -> str:
    return _clean(key, str((values or {}).get(key) or ""))[0]


def _show(c: str) -> str:
    return f'"{c}"' if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}"


def _chars_message(bad: list[str], thing: Words, allowed: Words) -> Message:
    if any(c.isspace() for c in bad):
        return _error("bad-characters", "Remove the spaces: AWS never puts spaces in {thing}.", thing=thing)
    shown = ", ".join(_show(c) for c in bad)
    return _error("bad-characters", "Remove {shown}: {thing} only contains {allowed}.", shown=shown, thing=thing,
                  allowed=allowed)


def _size(value: str, limit: Limit, thing: Words) -> list[Message]:
    n = len(value)
    if limit.min is not None and n < limit.min:
        return [_error("too-short", "This has {n} characters; {thing} has at least {min}. Copy all of it.", n=n,
                       thing=thing, min=limit.min)]
    if limit.max is not None and n > limit.max:
        return [_error("too-long", "This has {n} characters; {thing} has at most {max}.", n=n, thing=thing,
                       max=limit.max)]
    return []


def _size_and_chars(value: str, key: str, thing: Words, allowed: Words) -> list[Message]:
    rule = limit(key)
    bad = rule.bad_characters(value)
    return _size(value, rule, thing) + ([_chars_message(bad, thing, allowed)] if bad else [])


NAME_CHARACTERS = "letters, digits and + = , . @ _ -"


def _name_characters() -> Words:
    return words("letters, digits and + = , . @ _ -")

# ------------------------------------------------------------------------------------------------------------ keys

_PREFIX_MEANING = {  # unique-ID prefixes people paste instead of an access key ID
    "AIDA": words("an IAM user's unique ID"),
    "AROA": words("an IAM role's unique ID"),
    "AGPA": words("an IAM group's unique ID"),
    "ANPA": words("a policy's unique ID"),
    "ABIA": words("an STS service bearer token"),
}


def _access_key_id(value: str, values: Mapping[str, str]) -> list[Message]:
    if re.fullmatch(r"[A-Za-z0-9/+]{40}", value) and re.search(r"[/+]", value):
        return [_error("bad-characters", "This looks like the secret access key. The access key ID is the shorter "
                       "value that starts with AKIA or ASIA.")]
    messages = _size_and_chars(value, "access_key_id", words("an access key ID"), words("letters and digits"))
    if messages:
        return messages
    prefix = value[:4].upper()
    if len(value) == 40 and prefix not in ("AKIA", "ASIA") and value != value.upper():
        return [_warning("unusual-prefix", "This looks like a secret access key. The access key ID is the shorter "
                         "value that starts with AKIA or ASIA.")]
    if prefix in ("AKIA", "ASIA") and value != value.upper():
        return [_warning("unusual-prefix", "AWS issues access key IDs in upper case; check the key was not retyped.")]
    if prefix in _PREFIX_MEANING:
        return [_warning("unusual-prefix", "This starts with {prefix}: that is {meaning}, not an access key ID "
                         "(those start with AKIA or ASIA).", prefix=prefix, meaning=_PREFIX_MEANING[prefix])]
    if prefix not in ("AKIA", "ASIA") or len(value) != 20:
        return [_warning("unusual-prefix", "Access key IDs are usually 20 characters starting with AKIA (long-term "
                         "key) or ASIA (temporary key). Check you copied the access key ID.")]
    return []


def _looks_like_key_id(value: str) -> bool:
    return re.fullmatch(r"A[SK]IA[A-Z0-9]{16}", value) is not None


def _secret_access_key(value: str, values: Mapping[str, str]) -> list[Message]:
    if _looks_like_key_id(value):
        return [_error("secret-length", "This looks like an access key ID. The secret access key is the 40-character "
                       "value shown next to it when the key was created.")]
    messages = []
    if len(value) != 40:
        messages.append(_error("secret-length", "A secret access key is exactly 40 characters; this has {n}. Copy "
                               "it again from the .csv file saved when the key was created.", n=len(value)))
    bad = limit("secret_access_key").bad_characters(value)
    if bad:
        messages.append(_chars_message(bad, words("a secret access key"), words("letters, digits, / and +")))
    return messages


def _session_token(value: str, values: Mapping[str, str]) -> list[Message]:
    prefix = _other(values, "access_key_id")[:4].upper()
    if not value:
        if prefix == "ASIA":
            return [_error("token-missing", "This key starts with ASIA (temporary credentials): paste the session "
                           "token that was issued with it.")]
        return []
    if prefix == "AKIA":
        return [_error("token-not-expected", "This key starts with AKIA (a long-term key): leave the session token "
                       "empty.")]
    if len(value) == 40 and value == _other(values, "secret_access_key"):
        return [_error("too-short", "This is the secret access key. The session token is a much longer value "
                       "issued by AWS STS together with the ASIA key.")]
    return _size_and_chars(value, "session_token", words("a session token"), words("letters, digits, / + and ="))


# ----------------------------------------------------------------------------------------------------------- roles


def _role_name(value: str) -> list[Message]:
    if ":" in value or "/" in value:
        return [_error("role-name", "Enter just the role name (e.g. ReadOnlyRobot) or the full role ARN starting "
                       "with arn: (e.g. arn:aws:iam::123456789012:role/ReadOnlyRobot).")]
    return _size_and_chars(value, "role", words("a role name"), _name_characters())


_ARN = re.compile(r"arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)", re.DOTALL)
_ARN_EXAMPLE = "arn:aws:iam::123456789012:role/NAME"


def _role_arn_parts(value: str) -> tuple[list[Message], str]:
    """Messages for a role ARN, and its partition ("" when the ARN is malformed)."""
    sized = _size(value, limit("role_arn"), words("a role ARN"))
    if sized:
        return sized, ""
    m = _ARN.fullmatch(value)
    if not m:
        return [_error("bad-arn", "A role ARN looks like {example}.", example=_ARN_EXAMPLE)], ""
    partition, service, region, account, resource = m.groups()
    if service == "sts" and resource.startswith("assumed-role/"):
        role = arns.parse(value).role_name
        return [_error("bad-arn", "This is the ARN of a session of an assumed role. Use the role's own ARN: "
                       "{arn} (add the role's path if it has one).",
                       arn=f"arn:{partition}:iam::{account}:role/{role}")], ""
    if service != "iam":
        return [_error("bad-arn", "This is not an IAM ARN: a role ARN looks like {example}.", example=_ARN_EXAMPLE)], ""
    if region:
        return [_error("bad-arn", 'IAM ARNs have no region: remove "{region}" ({example}).', region=region,
                       example=_ARN_EXAMPLE)], ""
    if not re.fullmatch(r"[0-9]{12}", account):
        return [_error("bad-arn", 'The account ID in a role ARN is 12 digits; found "{account}".', account=account)], ""
    kind, _, rest = resource.partition("/")
    if kind != "role" or not rest:
        return [_error("bad-arn", "This is the ARN of a {kind}, not of a role ({example}).", kind=kind or "resource",
                       example=_ARN_EXAMPLE)], ""
    inner, _, name = rest.rpartition("/")
    path = f"/{inner}/" if inner else "/"
    name_limit, path_limit = limit("role"), limit("role_path")
    if not (name_limit.matches(name) and name_limit.min <= len(name) <= name_limit.max):
        return [_error("bad-arn", 'The role name "{name}" at the end of the ARN must be {min}-{max} {allowed}.',
                       name=name, min=name_limit.min, max=name_limit.max, allowed=_name_characters())], ""
    if not (path_limit.matches(path) and len(path) <= path_limit.max):
        return [_error("bad-arn", 'The role path "{path}" may only use printable characters without spaces.',
                       path=path)], ""
    if partition not in regions.partition_ids():
        return [_error("unknown-partition", 'Unknown partition "{partition}": most accounts use aws; China uses '
                       "aws-cn and GovCloud aws-us-gov.", partition=partition)], ""
    return [], partition


def _role_arn_with_region(value: str, values: Mapping[str, str]) -> list[Message]:
    messages, partition = _role_arn_parts(value)
    region = _other(values, "region")
    region_partition = regions.partition_of(region) if region else None
    if partition and region_partition and region_partition != partition:
        messages.append(_error("partition-mismatch", "This role is in the {partition} partition but region "
                               "{region} is in {region_partition}: choose a region of the role's partition.",
                               partition=partition, region=region, region_partition=region_partition))
    return messages


def _role(value: str, values: Mapping[str, str]) -> list[Message]:
    if value[:4].lower() == "arn:":
        return _role_arn_with_region(value, values)
    return _role_name(value)


def _role_arn(value: str, values: Mapping[str, str]) -> list[Message]:
    if value[:4].lower() != "arn:":
        return [_error("bad-arn", "Enter the full ARN of the role in the other account, e.g. "
                       "arn:aws:iam::123456789012:role/PartnerAccess (a role name alone is not enough).")]
    return _role_arn_with_region(value, values)


# ------------------------------------------------------------------------------------------------------ external id

_GUESSABLE_WORDS = (  # removed before judging what is left; longest first so "externalid" goes before "id"
    "externalid", "production", "changeme", "password", "passw0rd", "external", "welcome", "company", "default",
    "example", "letmein", "secret", "sample", "amazon", "uipath", "qwerty", "testing", "account", "admin", "hello",
    "staging", "test", "demo", "prod", "role", "user", "aws", "dev", "key", "my", "id",
)
_SEQUENCES = ("0123456789", "9876543210", "abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba", "qwertyuiop",
              "asdfghjkl", "zxcvbnm")


def _without_sequences(text: str) -> str:
    """`text` with every run of 3+ consecutive characters from a common sequence (123, abc, qwe...) removed."""
    out, i = [], 0
    while i < len(text):
        best = 0
        for seq in _SEQUENCES:
            j = seq.find(text[i : i + 3])
            if len(text) - i >= 3 and j >= 0:
                n = 3
                while i + n < len(text) and j + n < len(seq) and text[i + n] == seq[j + n]:
                    n += 1
                best = max(best, n)
        if best:
            i += best
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def weak_external_id_reason(value: str) -> str:
    """Why an External ID is easy to guess, or "" when it is not (words to translate, `Words`, when it is)."""
    if len(value) < 16:
        return words("This External ID is short ({n} characters); use at least 16.", n=len(value))
    low = value.lower()
    if len(set(low)) < 6:
        return words("This External ID repeats a few characters; it is easy to guess.")
    if value.isdigit():
        return words("This External ID is only digits (like an account number or a date); it is easy to guess.")
    rest = low
    for word in _GUESSABLE_WORDS:
        rest = rest.replace(word, "")
    rest = _without_sequences(re.sub(r"[^a-z0-9]", "", rest))
    if len(rest) < 8 or rest.isdigit():
        return words("This External ID is made of common words, dates or sequences; it is easy to guess.")
    return ""


def _external_id(value: str, values: Mapping[str, str]) -> list[Message]:
    messages = _size_and_chars(value, "external_id", words("an External ID"),
                               words("letters, digits and + = , . @ : / _ -"))
    if messages:
        return messages
    reason = weak_external_id_reason(value)
    if reason:
        return [_warning("weak-external-id", "{reason} A guessable External ID weakens the protection against the "
                         "confused deputy problem: use Generate for a random one.", reason=reason)]
    return []


def generate_external_id() -> str:
    """A random External ID: 160 bits from `secrets`, written as 40 hex digits (allowed by the ExternalId pattern)."""
    while True:
        value = _secrets.token_hex(20)
        if not weak_external_id_reason(value):  # a random draw is practically never weak; never return one that is
            return value


# ---------------------------------------------------------------------------------------------------- role session


def _session_name(value: str, values: Mapping[str, str]) -> list[Message]:
    return _size_and_chars(value, "session_name", words("a role session name"), _name_characters())


def _duration(value: str, values: Mapping[str, str]) -> list[Message]:
    rule = limit("duration")
    if not re.fullmatch(r"[0-9]{1,9}", value) or not rule.min <= int(value) <= rule.max:
        return [_error("duration-range", "Enter the session duration in whole seconds from {min} ({minutes} minutes) "
                       "to {max} ({hours} hours).", min=rule.min, minutes=rule.min // 60, max=rule.max,
                       hours=rule.max // 3600)]
    if int(value) > 3600:
        return [_info("role-max-duration", "AWS refuses durations above the role's maximum session duration "
                      "(1 hour unless the role's settings raise it).")]
    return []


def _source(value: str, values: Mapping[str, str]) -> list[Message]:
    from wizard.core.profiles import NAME_PATTERN  # the profile file's own rule for names

    if value in ("default", "instance") or (value.startswith("profile:") and NAME_PATTERN.match(value[8:])):
        return []
    return [_error("unknown-source", "Choose who assumes the role: default (this machine's credentials), instance "
                   "(the EC2 instance role) or profile:NAME (a saved profile).")]


# ------------------------------------------------------------------------------------------------ region & service


def _region_hint(value: str) -> Words:
    low = value.lower()
    if regions.find_region(low):
        return words("Region IDs are lower case: {region}.", region=low)
    if re.fullmatch(r".*-\d+[a-z]", low) and regions.find_region(low[:-1]):
        return words("That is an availability zone; its region is {region}.", region=low[:-1])
    for rid in regions.all_region_ids():
        region = regions.find_region(rid)
        if region and region.name.lower() == low:
            return words("Use the region's ID: {region} ({name}).", region=rid, name=region.name)
    return words("Choose a region from the list, e.g. us-east-1.")


def _region(value: str, values: Mapping[str, str]) -> list[Message]:
    if not regions.find_region(value):
        if regions.partition_of(value):
            return [_warning("unknown-region", "{region} is not in this program's list of regions (it may be newer "
                             "than the installed AWS data). Check the spelling.", region=value)]
        return [_error("unknown-region", 'Unknown region "{region}". {hint}', region=value, hint=_region_hint(value))]
    service = _other(values, "service").lower()
    if service not in SERVICE_IDS:
        return []
    title = Words(services.SERVICES[service].title, "services")
    available = services.availability(service, value)
    if available == "unavailable":
        return [_warning("region-unavailable", "AWS's endpoint data does not list {service} in {region}: the "
                         "service is probably not offered there.", service=title, region=value)]
    if available == "unknown":
        return [_info("availability-unknown", "Availability of {service} in {region} is unknown (not in the "
                      "installed AWS data); the connection test will tell.", service=title, region=value)]
    return []


def _service(value: str, values: Mapping[str, str]) -> list[Message]:
    if value in SERVICE_IDS:
        return []
    if "bedrock" in value:
        return [_error("bedrock-not-runtime", services.BEDROCK_WARNING)]
    return [_error("unknown-service", "Choose one of: {choices}.", choices=", ".join(SERVICE_IDS))]


# -------------------------------------------------------------------------------------------------- probe options

_RESERVED_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def _bucket(value: str, values: Mapping[str, str]) -> list[Message]:
    if value.lower().startswith(("s3://", "arn:")) or "/" in value:
        return [_error("bucket-name", "Enter just the bucket name, e.g. my-bucket (without s3://, arn: or a path).")]
    if value != value.lower():
        return [_error("bad-characters", "Bucket names are lower case.")]
    messages = _size_and_chars(value, "bucket", words("a bucket name"),
                               words("lower-case letters, digits, dots and hyphens"))
    if messages:
        return messages
    try:
        ipaddress.IPv4Address(value)
        is_ip = True
    except ValueError:
        is_ip = False
    if (not (value[0].isalnum() and value[-1].isalnum()) or ".." in value or is_ip
            or value.startswith(_RESERVED_BUCKET_PREFIXES) or value.endswith(_RESERVED_BUCKET_SUFFIXES)):
        return [_error("bucket-name", "Not a valid bucket name: it must start and end with a letter or digit, have "
                       "no two dots in a row, not look like an IP address, and not use a prefix or suffix AWS "
                       "reserves (xn--, sthree-, -s3alias, ...).")]
    return []


def _model_id(value: str, values: Mapping[str, str]) -> list[Message]:
    return _size_and_chars(value, "model_id", words("a model ID"), words(
        "letters, digits and . : / _ - (e.g. anthropic.claude-3-haiku-20240307-v1:0)"))


# ----------------------------------------------------------------------------------------------------------- network


def _url(value: str, example: str) -> list[Message]:
    bad = _error("bad-url", "Enter a full URL starting with https:// or http://, e.g. {example}.", example=example)
    if not re.fullmatch(r"[\x21-\x7e]+", value):  # one line of visible ASCII: no space, control or other character
        return [bad]
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        return [bad]
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        return [bad]
    return []


def _endpoint_url(value: str, values: Mapping[str, str]) -> list[Message]:
    return _url(value, "https://vpce-0123-abcd.s3.us-east-1.vpce.amazonaws.com")


def _proxy(value: str, values: Mapping[str, str]) -> list[Message]:
    messages = _url(value, "http://proxy.example.com:3128")
    if not messages and urlsplit(value).password is not None:  # the file would hold it in plain text
        messages.append(_error("credentials-in-url", "Take the password out of the proxy URL: enter the user name and "
                               "password in their own fields (the password is kept in the keychain only)."))
    return messages


def _ca_bundle(value: str, values: Mapping[str, str]) -> list[Message]:
    missing = _error("file-missing", "There is no file at {path}. Choose the PEM file with your organisation's "
                     "certificate authorities.", path=value)
    try:
        path = Path(value).expanduser()
    except RuntimeError:  # ~user of a user that does not exist
        return [missing]
    try:
        if not path.is_file():
            return [missing]
        if not os.access(path, os.R_OK):
            return [_error("file-missing", "The file {path} cannot be read: check its permissions.", path=path)]
        with path.open("rb") as f:
            head = f.read(1 << 20)
    except (OSError, ValueError) as exc:  # a name too long, a file that refuses reading (/proc/self/mem)...
        reason = getattr(exc, "strerror", None) or words("it cannot be read")
        return [_error("file-missing", "The file {path} cannot be used as a CA bundle: {reason}.", path=path,
                       reason=reason)]
    if b"-----BEGIN CERTIFICATE-----" not in head:
        return [_warning("not-pem", "This file does not look like PEM certificates (no -----BEGIN CERTIFICATE-----).")]
    return []


_CHECKERS: dict[str, Checker] = {
    "access_key_id": _access_key_id,
    "secret_access_key": _secret_access_key,
    "session_token": _session_token,
    "role": _role,
    "role_arn": _role_arn,
    "external_id": _external_id,
    "source": _source,
    "session_name": _session_name,
    "duration": _duration,
    "region": _region,
    "service": _service,
    "bucket": _bucket,
    "model_id": _model_id,
    "endpoint_url": _endpoint_url,
    "proxy": _proxy,
    "ca_bundle": _ca_bundle,
}
KEYS = tuple(_CHECKERS)


def check_field(key: str, raw: str, values: Mapping[str, str] | None = None) -> Check:
    """Clean and check one field. `values`: the other fields' current values (keys as in `KEYS`)."""
    if key not in _CHECKERS:
        raise KeyError(f"no such field: {key}")
    value, removed = _clean(key, "" if raw is None else str(raw))
    if key == "service":
        value = value.lower()
    messages = []
    if removed:
        messages.append(_info("whitespace-removed", "Removed {removed} from the pasted value.",
                              removed=_describe_removed(removed)))
    if not value and key != "session_token":
        if key not in _OPTIONAL:
            messages.append(_error("required", "Enter the {field}.", field=label_of(key)))
        return Check(value, tuple(messages))
    unsafe = unsafe_characters(value)
    if unsafe:
        shown = ", ".join(_show(c) for c in unsafe[:5])
        messages.append(_error("bad-characters", "The {field} contains {shown}: control or invisible characters (a "
                               "line break, for one) are never allowed in it.", field=label_of(key), shown=shown))
        return Check(value, tuple(messages))
    messages += _CHECKERS[key](value, values or {})
    return Check(value, tuple(messages))


def connection_values(conn: Connection, secrets: Secrets) -> dict[str, str]:
    """Every field's value as text, keyed like `check_field`'s keys."""
    return fields.values(conn, secrets)


def relevant_keys(conn: Connection) -> list[str]:
    """The fields that matter for this connection, in the order the wizard asks for them (the field catalogue says)."""
    return list(fields.keys_for(conn))


def check_connection(conn: Connection, secrets: Secrets) -> dict[str, Check]:
    """A check of every field that applies to the connection (its method and service)."""
    return fields.check_connection(conn, secrets)


def present_value_errors(conn: Connection, secrets: Secrets | None = None) -> list[tuple[str, Message]]:
    """(field, error) for every value present in `conn` (and `secrets`, when given) that fails its check: what import
    and export demand of a profile that came from a file (an empty field is left to the method's own rules).

    A connection read from a foreign file may hold anything (a list where a name belongs); it fails here, never raises.
    """
    try:
        keys = relevant_keys(conn)
    except (ValueError, TypeError):
        return [("method", _error("unknown-method", "Unknown method: choose one of {choices}.",
                                  choices=", ".join(METHOD_IDS)))]
    texts = fields.values(conn, secrets)
    found = []
    for key in keys:
        f = fields.field(key)
        if f.secret and secrets is None:
            continue
        check = f.check(texts.get(key, ""), texts)
        found += [(key, m) for m in check.errors if m.code != "required"]
    return found


def cleaned(conn: Connection, secrets: Secrets) -> tuple[Connection, Secrets]:
    """Copies of `conn` and `secrets` holding each passing field's cleaned value (surrounding blanks removed...): the
    field catalogue's `cleaned`, which checks every field that applies (method, timeouts and proxy user included)."""
    conn, secrets, _checks = fields.cleaned(conn, secrets)
    return conn, secrets


def first_error(conn: Connection, secrets: Secrets) -> Message | None:
    for check in check_connection(conn, secrets).values():
        if check.errors:
            return check.errors[0]
    return None


# ------------------------------------------------------------------------------------------------------------- MFA
# An MFA device named on a profile (`mfa_serial`) and the six-digit code typed for it. STS's model gives the limits of
# SerialNumber ([\w+=/:,.@-]*, 9-256 characters) and TokenCode (6 digits); the two forms a serial takes come from
# STS's documentation: the ARN of a virtual (or, today, any IAM-registered) device, arn:aws:iam::123456789012:mfa/NAME,
# or a legacy hardware token's serial number such as GAHT12345678.

MFA_DEVICE_NOTE = (
    "Use a virtual authenticator app or a hardware TOTP token. FIDO security keys (passkeys, YubiKey in FIDO mode) "
    "can't be used with STS calls such as GetSessionToken or AssumeRole, so they can't sign in here."
)
_MFA_ARN_EXAMPLE = "arn:aws:iam::123456789012:mfa/NAME"
_HARDWARE_SERIAL = re.compile(r"[A-Z0-9]{9,}")  # GAHT12345678: letters and digits, no ARN


def _mfa_limits() -> tuple[Limit, Limit]:
    return limit("mfa_serial"), limit("mfa_code")


def check_mfa_serial(raw: str) -> Check:
    """Clean and check an MFA device: an IAM MFA ARN of a known partition, or a legacy hardware serial. Offline."""
    value, removed = _clean("mfa_serial", "" if raw is None else str(raw))
    messages = [_info("whitespace-removed", "Removed {removed} from the pasted value.",
                      removed=_describe_removed(removed))] if removed else []
    if not value:
        return Check(value, tuple(messages))  # optional: no device
    messages += _mfa_serial(value)
    return Check(value, tuple(messages))


def _mfa_serial(value: str) -> list[Message]:
    limit = _mfa_limits()[0]
    if value[:4].lower() != "arn:":
        if _HARDWARE_SERIAL.fullmatch(value) and len(value) <= limit.max:
            return []
        return [_error("bad-mfa-serial", "Enter the MFA device's ARN, e.g. {example} (IAM console: your user → "
                       "Security credentials → Multi-factor authentication), or a hardware token's serial number "
                       "such as GAHT12345678.", example=_MFA_ARN_EXAMPLE)]
    sized = _size(value, limit, words("an MFA device ARN"))
    if sized:
        return sized
    bad = limit.bad_characters(value)
    if bad:
        return [_chars_message(bad, words("an MFA device ARN"), words("letters, digits and + = / : , . @ _ -"))]
    m = _ARN.fullmatch(value)
    if not m:
        return [_error("bad-mfa-serial", "An MFA device ARN looks like {example}.", example=_MFA_ARN_EXAMPLE)]
    partition, service, region, account, resource = m.groups()
    kind, _, name = resource.partition("/")
    if service == "iam" and kind in ("user", "role"):
        return [_error("bad-mfa-serial", "This is the ARN of a {kind}, not of its MFA device: the device's ARN has "
                       "mfa/ in place of {kind}/ ({example}).", kind=kind, example=_MFA_ARN_EXAMPLE)]
    if service != "iam" or kind != "mfa":
        return [_error("bad-mfa-serial", "This is not the ARN of an MFA device: it looks like {example}.",
                       example=_MFA_ARN_EXAMPLE)]
    if region:
        return [_error("bad-mfa-serial", 'IAM ARNs have no region: remove "{region}" ({example}).', region=region,
                       example=_MFA_ARN_EXAMPLE)]
    if not re.fullmatch(r"[0-9]{12}", account):
        return [_error("bad-mfa-serial", 'The account ID in an MFA device ARN is 12 digits; found "{account}".',
                       account=account)]
    if not name or name.endswith("/"):
        return [_error("bad-mfa-serial", "The device's name is missing after mfa/ ({example}).",
                       example=_MFA_ARN_EXAMPLE)]
    if partition not in regions.partition_ids():
        return [_error("unknown-partition", 'Unknown partition "{partition}": most accounts use aws; China uses '
                       "aws-cn and GovCloud aws-us-gov.", partition=partition)]
    return []


_CHECKERS["mfa_serial"] = lambda value, values: _mfa_serial(value)  # the field catalogue's `mfa_serial`
KEYS = tuple(_CHECKERS)


def check_mfa_code(raw: str) -> Check:
    """Clean and check a one-time code: exactly six digits (blanks, as in "123 456", are removed)."""
    text = "" if raw is None else str(raw)
    value = "".join(c for c in text if not (c.isspace() or c in _INVISIBLE))
    limit = _mfa_limits()[1]
    if not value:
        return Check(value, (_error("required", "Enter the six-digit code your MFA device shows now."),))
    if not (value.isascii() and value.isdigit()):
        return Check(value, (_error("bad-mfa-code", "The code is six digits, nothing else."),))
    if not limit.min <= len(value) <= limit.max:
        return Check(value, (_error("bad-mfa-code", "The code has six digits; this has {n}.", n=len(value)),))
    return Check(value)


# ------------------------------------------------------------------------------------------- IAM Identity Center (sso)
# The start URL is the "AWS access portal URL": https://NAME.awsapps.com/start (or https://d-1234567890.awsapps.com/
# start), or an organisation's custom domain. Browsers show it with "#/" (or more) after it when copied from the
# address bar; that part is not the start URL. Permission set names: 1-32 characters of [\w+=,.@-].

_AWSAPPS = ".awsapps.com"
_PERMISSION_SET = re.compile(r"[\w+=,.@-]{1,32}")


def _sso_start_url(value: str, values: Mapping[str, str]) -> list[Message]:
    example = "https://my-company.awsapps.com/start"
    messages = _url(value, example)
    if messages:
        return messages
    parts = urlsplit(value)
    if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return [_error("bad-url", "The start URL starts with https://, e.g. {example}.", example=example)]
    if parts.fragment or parts.query:
        return [_error("bad-url", "Remove what follows the start URL (the \"#/...\" or \"?...\" the browser added): "
                       "it ends with /start, e.g. {example}.", example=example)]
    if (parts.hostname or "").endswith(_AWSAPPS) and parts.path.rstrip("/") != "/start":
        return [_error("bad-url", "An awsapps.com start URL ends with /start, e.g. {example}.", example=example)]
    return []


def _sso_region(value: str, values: Mapping[str, str]) -> list[Message]:
    if regions.find_region(value):
        return []
    if regions.partition_of(value):
        return [_warning("unknown-region", "{region} is not in this program's list of regions (it may be newer "
                         "than the installed AWS data). Check the spelling.", region=value)]
    return [_error("unknown-region", 'Unknown region "{region}". {hint}', region=value, hint=_region_hint(value))]


def _sso_account_id(value: str, values: Mapping[str, str]) -> list[Message]:
    if re.fullmatch(r"[0-9]{12}", value):
        return []
    return [_error("account-id", "An AWS account ID is 12 digits, e.g. 123456789012.")]


def _sso_role_name(value: str, values: Mapping[str, str]) -> list[Message]:
    if _PERMISSION_SET.fullmatch(value):
        return []
    return [_error("role-name", "Enter the role's name as IAM Identity Center shows it (the permission set, e.g. "
                   "ReadOnlyAccess): up to 32 {allowed}.", allowed=_name_characters())]


_CHECKERS.update({"sso_start_url": _sso_start_url, "sso_region": _sso_region, "sso_account_id": _sso_account_id,
                  "sso_role_name": _sso_role_name})
KEYS = tuple(_CHECKERS)
