"""User-facing errors and the one loader that turns TOML files into validated objects.

Every mistake a user can make in an input file (a scenario, an experiment
spec) ends up as an :class:`InputError`: one line naming the file, the key,
what was expected and what was given. The command line prints that line and
exits with status 2, before anything is written.
"""

from __future__ import annotations

import difflib
import errno
import stat
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_args, get_origin

if TYPE_CHECKING:  # imported where used: the command loads this module before its signal handler
    import pydantic

EXIT_USAGE = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130

M = TypeVar("M", bound="pydantic.BaseModel")


class InputError(Exception):
    """A mistake in user input, explained in one line.

    Attributes:
        file: the file the mistake is in (or None when it came from code).
        key: dotted path of the offending key, e.g. ``interventions[2].start``.
        expected: what would have been accepted.
        given: what was found.
    """

    def __init__(self, file: str | Path | None, key: str, expected: str, given: Any):
        self.file = str(file) if file is not None else None
        self.key = key
        self.expected = expected
        self.given = given
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = f"{self.file}: " if self.file else ""
        key = f"{self.key}: " if self.key else ""
        return f"{where}{key}expected {self.expected}, got {self.given}"


class RunFailed(RuntimeError):
    """Something failed while running that is not a mistake in the input (a worker
    died, runs failed, an analysis could not be made): one line, exit status 1."""


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or another termination signal), handled like Ctrl-C."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"signal {signum}")


def suggest(name: str, candidates) -> str:
    """' (did you mean "x"?)' for the closest candidate, or '' when none is close."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def loc_to_key(loc: tuple) -> str:
    key = ""
    for part in loc:
        if isinstance(part, int):
            key += f"[{part}]"
        else:
            # pydantic adds the tag of a discriminated union to the path; drop it
            if key.endswith("]") and part and part[0].islower() and "-" not in part:
                key += f".{part}"
            else:
                key += f".{part}" if key else str(part)
    return key


def _strip_union_tags(loc: tuple, model: type[pydantic.BaseModel]) -> tuple:
    """pydantic reports discriminated-union members as an extra loc element
    (the tag, e.g. ``training``); users never wrote that, so remove it."""
    tags = getattr(model, "__union_tags__", set())
    # a plain union's member is named by its type (``list[Mix]``, ``literal['pareto']``):
    # no key a user writes has brackets, so those go too
    return tuple(p for p in loc if not (isinstance(p, str) and (p in tags or "[" in p)))


def _fields_at(model: type[pydantic.BaseModel], loc: tuple) -> list[str]:
    """Field names valid at the parent of ``loc`` (for did-you-mean suggestions)."""
    current: Any = model
    keyed = False  # the part before was a table of tables: this part is a name the user chose
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None) or {}
        if part in fields:
            current = _innermost_model(fields[part].annotation) or current
            keyed = _is_mapping(fields[part].annotation)
            continue
        if keyed:
            keyed = False
            continue
        # the tag of a discriminated union names the member class (e.g. "budget_cut")
        tagged = getattr(model, "__union_tags__", {})
        if not (isinstance(tagged, dict) and part in tagged):
            return []
        current = tagged[part]
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _length_bounds(model: type[pydantic.BaseModel], loc: tuple) -> tuple[int, int | None]:
    """(min_length, max_length) of the list field at ``loc`` (0, None if unknown)."""
    parent: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(parent, "model_fields", None) or {}
        tagged = getattr(model, "__union_tags__", {})
        if part in fields:
            parent = _innermost_model(fields[part].annotation) or parent
        elif isinstance(tagged, dict) and part in tagged:
            parent = tagged[part]
    field = (getattr(parent, "model_fields", None) or {}).get(loc[-1]) if loc else None
    lo, hi = 0, None
    for m in getattr(field, "metadata", []):
        lo = getattr(m, "min_length", None) or lo
        hi = getattr(m, "max_length", None) or hi
    return lo, hi


def _is_mapping(ann: Any) -> bool:
    """Whether a field holds a table of named entries (``dict[str, ...]``)."""
    if get_origin(ann) is dict:
        return True
    return any(_is_mapping(arg) for arg in get_args(ann))


def _innermost_model(ann: Any) -> type[pydantic.BaseModel] | None:
    import pydantic

    if isinstance(ann, type) and issubclass(ann, pydantic.BaseModel):
        return ann
    for arg in getattr(ann, "__args__", ()) or ():
        found = _innermost_model(arg)
        if found is not None:
            return found
    return None


def from_validation_error(
    err: pydantic.ValidationError, file: str | Path | None, model: type[pydantic.BaseModel]
) -> InputError:
    """The first problem pydantic found, as one InputError."""
    first = err.errors(include_url=False)[0]
    raw_loc = tuple(first["loc"])
    loc = _strip_union_tags(raw_loc, model)
    key = loc_to_key(loc)
    kind = first["type"]
    given = first.get("input")
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        allowed = _fields_at(model, raw_loc)  # with the union tag: the member's own fields
        hint = suggest(name, allowed)
        listed = ", ".join(sorted(allowed)) if allowed else "no other keys"
        return InputError(file, key, f"one of the known keys ({listed})", f'unknown key "{name}"{hint}')
    if kind == "missing":
        return InputError(file, key, "this key to be present", "nothing")
    ctx = first.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=",
              "less_than": "<"}[kind]
        bound = next(iter(ctx.values()), "?")
        return InputError(file, key, f"a number {op} {bound}", repr(given))
    if kind == "union_tag_not_found":
        field = ctx.get("discriminator", "'type'").strip("'")
        tags = sorted(getattr(model, "__union_tags__", {}))
        return InputError(file, f"{key}.{field}" if key else field, "this key to be present"
                          + (f" (one of {', '.join(tags)})" if tags else ""), "nothing")
    if kind in ("too_short", "too_long"):
        lo, hi = _length_bounds(model, raw_loc)
        want = (f"of {lo} values" if lo == hi else f"of {lo} to {hi} values" if hi is not None
                else f"of at least {lo} value{'s' if lo != 1 else ''}")
        return InputError(file, key, f"a list {want}",
                          f"{shown_value(given)} ({ctx.get('actual_length', '?')} values)")
    if kind == "finite_number":
        return InputError(file, key, "a finite number", repr(given))
    if kind == "union_tag_invalid":
        tags = ctx.get("expected_tags", "")
        tag = ctx.get("tag", given)
        hint = suggest(str(tag), [t.strip(" '") for t in str(tags).split(",")])
        return InputError(file, key, f"a type among {tags}", f'"{tag}"{hint}')
    if kind == "literal_error":
        expected = ctx.get("expected", "one of the allowed values")
        hint = suggest(str(given), [t.strip(" '") for t in str(expected).replace(" or ", ",").split(",")])
        return InputError(file, key, f"one of {expected}", f"{given!r}{hint}")
    if kind == "value_error":
        msg = first["msg"].removeprefix("Value error, ")
        return InputError(file, key, msg, "that" if given is None else shown_value(given)
                          if isinstance(given, (list, tuple, dict, bool)) else repr(given))
    if kind in _KIND_WORDS:  # a wrong kind of value, in the project's words
        return InputError(file, key, _KIND_WORDS[kind], shown_value(given))
    # pydantic's own wording for type errors is clear enough ("Input should be a valid integer")
    expected = first["msg"].removeprefix("Input should be ").rstrip(".")
    return InputError(file, key, expected, f"{given!r} ({type(given).__name__})")


#: pydantic's kinds of wrong value, in the project's words (what was expected)
_KIND_WORDS = {
    "int_from_float": "a whole number", "int_parsing": "a whole number", "int_type": "a whole number",
    "float_parsing": "a number", "float_type": "a number", "bool_parsing": "true or false",
    "bool_type": "true or false", "string_type": 'text (in quotes: "2024")',
    "list_type": "a list [ ... ]", "tuple_type": "a list [ ... ]", "dict_type": "a table { ... }",
    "model_type": "a table { ... }",
}


def shown_value(value: Any) -> str:
    """A value as a TOML file writes it, and what kind it is when that is the mistake:
    true, 2.5, 'text' (text), [0.5, true]."""
    def toml(v):
        if isinstance(v, bool):
            return str(v).lower()
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(toml(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k} = {toml(x)}" for k, x in v.items()) + "}"
        return repr(v)

    text = toml(value)
    if isinstance(value, str):
        return f"{text} (text)"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{text} (a number)"
    return text


def os_error_text(exc: OSError) -> str:
    """An OSError in words, without the path (the message names it already):
    ``"No space left on device (ENOSPC)"``."""
    name = errno.errorcode.get(exc.errno or 0)
    text = exc.strerror or str(exc) or type(exc).__name__
    return f"{text} ({name})" if name else text


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


def check_regular_file(path: str | Path, key: str = "", what: str = "a regular file") -> None:
    """regular_files_only: an input is read only if it is a regular file, so that a
    FIFO or a device never makes a command wait forever. Raises InputError."""
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(p, key, "an existing file", "a path that does not exist") from None
    except OSError as exc:
        raise InputError(p, key, "a readable file", os_error_text(exc)) from None
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise InputError(p, key, what, kind)


def read_toml(path: str | Path) -> dict:
    """Read a TOML file, turning a missing, special, unreadable or malformed file
    into an InputError."""
    p = Path(path)
    check_regular_file(p, what="a TOML file")
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        return _raise(InputError(p, "", "valid TOML", f"a syntax error ({exc})"))
    except UnicodeDecodeError:
        return _raise(InputError(p, "", "a UTF-8 text file", "undecodable bytes"))
    except OSError as exc:
        return _raise(InputError(p, "", "a readable file", os_error_text(exc)))


def _raise(err: InputError):
    raise err


def load_model(model: type[M], data: dict, file: str | Path | None = None, *,
               truth_values: bool = True) -> M:
    """Validate ``data`` against ``model``; any problem becomes one InputError, and so
    does true or false where a number is wanted (:func:`truth_read_as_number`; with
    ``truth_values=False`` the caller checks that itself)."""
    import pydantic

    try:
        out = model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise from_validation_error(exc, file, model) from None
    where = truth_read_as_number(data, out) if truth_values else None
    if where is not None:
        loc, given, value = where
        raise truth_error(file, loc_to_key(loc), given, value)
    return out


def truth_error(file: str | Path | None, key: str, given: Any, value: Any) -> InputError:
    """What was given at ``key`` (true or false, text, or a number) where the value made
    of it is of another kind (a number, or true or false): numbers_not_guessed."""
    if isinstance(value, bool):
        return InputError(file, key, "true or false" + (" (written without quotes)" if isinstance(given, str) else ""),
                          repr(given))
    kind = "a whole number" if isinstance(value, int) else "a number"
    if isinstance(given, str):
        return InputError(file, key, f"{kind} (written without quotes)", repr(given))
    return InputError(file, key, f"{kind} (not true or false)", str(given).lower())


def truth_read_as_number(data: Any, value: Any, loc: tuple = ()) -> tuple | None:
    """numbers_not_guessed: the first place (location, what was given, what it became)
    where ``data`` had true or false, or text, and the validated ``value`` holds a number
    there, or text or a number where it holds true or false (pydantic reads true as 1,
    "0.1" as 0.1, "no" and 0 as false: a value the model cannot use as written is
    refused, not guessed); None when there is none."""
    import pydantic

    if isinstance(data, (bool, str)):
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if number or (isinstance(data, str) and isinstance(value, bool)):  # "true", "no" read as a truth
            return loc, data, value
        return None
    if isinstance(data, (int, float)) and isinstance(value, bool):  # 1 or 0 read as true or false
        return loc, data, value
    if isinstance(data, dict):
        for k, d in data.items():
            fields = value.__dict__ if isinstance(value, pydantic.BaseModel) else value
            if not isinstance(fields, dict) or k not in fields:
                continue
            sub = fields[k]
            found = truth_read_as_number(d, sub, (*loc, k))
            if found is not None:
                return found
    elif isinstance(data, list) and isinstance(value, (list, tuple)) and len(data) == len(value):
        for i, (d, v) in enumerate(zip(data, value, strict=True)):
            found = truth_read_as_number(d, v, (*loc, i))
            if found is not None:
                return found
    return None


def load_toml_model(model: type[M], path: str | Path) -> M:
    """Read a TOML file and validate it against a pydantic model."""
    return load_model(model, read_toml(path), path)

