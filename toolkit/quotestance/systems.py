"""The system interface, the registry of systems, and safe model files.

A *system* is fitted on gold articles and predicts articles in the prediction format (the article
format with the layers it predicts filled in). It follows scikit-learn's conventions: no work in
``__init__`` (constructor arguments are its settings, returned by ``get_params``), ``fit``
returns ``self``, and learned state ends in ``_``. A system declares what it predicts::

    class MySystem(System):
        name = "my-system"
        tasks = frozenset({"speakers"})
        param_grid = {"window": [1, 2]}       # settings the benchmark tries on validation

        def __init__(self, window: int = 1):
            self.window = window

        def fit(self, articles):
            ...
            return self

        def predict_article(self, article):
            return dataclasses.replace(article, quotes=...)

Systems are found through the ``quotestance.systems`` entry-point group, so a user's package
that declares ``[project.entry-points."quotestance.systems"] my-system = "pkg.mod:MySystem"`` is
benchmarked and usable with ``quotestance predict`` without editing this toolkit.

Model files hold no pickle: a model is one ``.npz`` file of plain numeric arrays plus a JSON
header (``__meta__``), read with ``numpy.load(allow_pickle=False)``; loading refuses any file
that holds Python objects.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator

from .records import Article

TASKS = ("quotes", "speakers", "stance")
ENTRY_POINT_GROUP = "quotestance.systems"
MODEL_FORMAT = "quotestance-model"
MODEL_FORMAT_VERSION = 1
_META_KEY = "__meta__"


class ModelFileError(Exception):
    """A model file cannot be loaded safely; the text is ``path: what is wrong``."""


class System(BaseEstimator):
    """Base class of all systems (see the module docstring)."""

    name: ClassVar[str] = ""
    tasks: ClassVar[frozenset[str]] = frozenset()
    #: False for systems with nothing to learn (rules): ``predict`` works without ``fit``.
    requires_fit: ClassVar[bool] = True
    #: Settings the benchmark tries, fitting on train and choosing on validation.
    param_grid: ClassVar[dict[str, list[Any]]] = {}

    def fit(self, articles: Sequence[Article]) -> "System":
        return self

    def predict_article(self, article: Article) -> Article:
        raise NotImplementedError

    def predict(self, articles: Iterable[Article]) -> list[Article]:
        return [self.predict_article(a) for a in articles]

    # -- learned state --------------------------------------------------------------------
    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Learned state as (JSON-able dict, plain numeric arrays). Default: nothing learned."""
        return {}, {}

    def set_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Restore what ``get_state`` returned."""

    def is_fitted(self) -> bool:
        return not self.requires_fit or any(
            k.endswith("_") and not k.startswith("__") for k in vars(self))

    def save(self, path: str | os.PathLike[str]) -> None:
        save_model(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "System":
        return load_model(path)


def setting_of(system: System | type[System]) -> str:
    """The benchmark setting a system is run in: ``e2e`` when it predicts all three layers
    from raw text, ``quotes`` when it extracts quotes, otherwise its single task."""
    tasks = set(system.tasks)
    unknown = tasks - set(TASKS)
    if not tasks or unknown:
        raise ValueError(f"{getattr(system, 'name', system)!r}: tasks must be a non-empty "
                         f"subset of {set(TASKS)}; got {sorted(tasks)}")
    if tasks == set(TASKS):
        return "e2e"
    if "quotes" in tasks:
        return "quotes"
    if tasks == {"speakers"} or tasks == {"stance"}:
        return next(iter(tasks))
    raise ValueError(f"{system.name!r}: tasks {sorted(tasks)} have no benchmark setting; "
                     "declare one task, quotes (+ others) from raw text, or all three")


# -- registry -------------------------------------------------------------------------------

def _entry_points() -> dict[str, Any]:
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available_systems() -> list[str]:
    """Names of the registered systems, sorted."""
    return sorted(_entry_points())


def system_class(name: str) -> type[System]:
    eps = _entry_points()
    if name not in eps:
        raise ValueError(f"The 'system' parameter must be one of {{{', '.join(sorted(eps))}}}. "
                         f"Got {name!r} instead.")
    obj = eps[name].load()
    if not (isinstance(obj, type) and issubclass(obj, System)):
        raise ValueError(f"entry point {name!r} ({eps[name].value}) is not a System subclass")
    return obj


def get_system(name: str, **params: Any) -> System:
    """A new, unfitted instance of a registered system with the given settings."""
    return system_class(name)(**params)


# -- safe model files -----------------------------------------------------------------------

def save_model(system: System, path: str | os.PathLike[str]) -> None:
    """Write a fitted system as ``.npz``: plain arrays + a JSON header, renamed into place."""
    from .jsonl import atomic_writer

    if not system.is_fitted():
        raise ValueError(f"{system.name}: fit the system before saving it")
    state, arrays = system.get_state()
    for k, a in arrays.items():
        if k == _META_KEY or np.asarray(a).dtype.hasobject:
            raise ValueError(f"array {k!r}: model arrays must be numeric, not objects")
    meta = {"format": MODEL_FORMAT, "format_version": MODEL_FORMAT_VERSION,
            "system": system.name, "params": system.get_params(), "state": state}
    from . import __version__

    meta["toolkit_version"] = __version__
    header = np.frombuffer(json.dumps(meta, ensure_ascii=False, sort_keys=True).encode(),
                           dtype=np.uint8)
    with atomic_writer(path) as f:
        np.savez_compressed(f, **{_META_KEY: header}, **{k: np.asarray(v)
                                                           for k, v in arrays.items()})


def load_model(path: str | os.PathLike[str], expect: str | None = None) -> System:
    """Read a model written by ``save_model``. Refuses pickled or foreign files with a clear
    ``ModelFileError``; never executes code from the file."""
    p = os.fspath(path)
    if not os.path.isfile(p):
        raise ModelFileError(f"{p}: no such model file")
    if not zipfile.is_zipfile(p):
        raise ModelFileError(f"{p}: not a QuoteStance model (expected an .npz file written by "
                             "`quotestance train`); pickle files are never loaded")
    try:
        with np.load(p, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except ValueError as e:
        if "pickle" in str(e).lower() or "object" in str(e).lower():
            raise ModelFileError(f"{p}: refusing to load: the file holds pickled Python objects, "
                                 "which could run code; QuoteStance models are JSON + plain "
                                 "numeric arrays") from None
        raise ModelFileError(f"{p}: not a valid model file ({e})") from None
    except (OSError, zipfile.BadZipFile, EOFError) as e:
        raise ModelFileError(f"{p}: cannot read model file ({e})") from None
    header = arrays.pop(_META_KEY, None)
    if header is None or header.dtype != np.uint8:
        raise ModelFileError(f"{p}: not a QuoteStance model (no {_META_KEY} header)")
    try:
        meta = json.loads(header.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ModelFileError(f"{p}: the model header is not valid JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT:
        raise ModelFileError(f"{p}: not a QuoteStance model (format {meta.get('format')!r})"
                             if isinstance(meta, dict) else f"{p}: bad model header")
    if meta.get("format_version") != MODEL_FORMAT_VERSION:
        raise ModelFileError(f"{p}: model format version {meta.get('format_version')!r} is not "
                             f"supported (this toolkit reads {MODEL_FORMAT_VERSION})")
    name = meta.get("system")
    if expect is not None and name != expect:
        raise ModelFileError(f"{p}: the model is for system {name!r}, not {expect!r}")
    try:
        cls = system_class(str(name))
    except ValueError as e:
        raise ModelFileError(f"{p}: {e}") from None
    params = meta.get("params") or {}
    if not isinstance(params, dict):
        raise ModelFileError(f"{p}: the model's 'params' must be an object of settings, got "
                             f"{params!r}")
    system = cls()
    allowed = system.get_params()
    bad = [k for k in params if k not in allowed]
    if bad:
        raise ModelFileError(f"{p}: unknown settings {bad} for system {name!r}")
    for k, v in params.items():
        if not _same_kind(v, allowed[k]):
            raise ModelFileError(f"{p}: setting {k!r} of system {name!r} is {v!r}; expected a "
                                 f"value like its default {allowed[k]!r}")
    system.set_params(**params)
    state = meta.get("state") or {}
    if not isinstance(state, dict):
        raise ModelFileError(f"{p}: the model's 'state' must be an object, got {state!r}")
    try:
        system.set_state(state, arrays)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as e:
        raise ModelFileError(f"{p}: the model state does not fit system {name!r} "
                             f"({type(e).__name__}: {e})") from None
    return system


def _same_kind(value: Any, default: Any) -> bool:
    """Whether a setting read from a model file has the JSON kind of the setting's default
    (a whole number is a fine float; a default of None takes any scalar)."""
    if default is None:
        return value is None or isinstance(value, (bool, int, float, str))
    if isinstance(default, bool) or isinstance(value, bool):
        return type(value) is type(default)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    return type(value) is type(default)


# -- helpers for systems built on scikit-learn linear models ---------------------------------

def pack_linear(model: Any, prefix: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """State of a fitted linear classifier (``coef_``, ``intercept_``, ``classes_``)."""
    classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
    return ({f"{prefix}classes": classes, f"{prefix}class": type(model).__name__},
            {f"{prefix}coef": np.asarray(model.coef_, dtype=np.float64),
             f"{prefix}intercept": np.asarray(model.intercept_, dtype=np.float64)})


def unpack_linear(meta: dict[str, Any], arrays: dict[str, np.ndarray], prefix: str) -> Any:
    """A linear classifier rebuilt from ``pack_linear``'s state (predicts like the original)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    kinds = {"LogisticRegression": LogisticRegression, "LinearSVC": LinearSVC}
    kind = meta[f"{prefix}class"]
    if kind not in kinds:
        raise ValueError(f"unsupported model class {kind!r}")
    m = kinds[kind]()
    m.classes_ = np.asarray(meta[f"{prefix}classes"])
    m.coef_ = np.asarray(arrays[f"{prefix}coef"], dtype=np.float64)
    m.intercept_ = np.asarray(arrays[f"{prefix}intercept"], dtype=np.float64)
    m.n_features_in_ = m.coef_.shape[1]
    return m


# -- prediction over article streams --------------------------------------------------------

class PredictInputError(Exception):
    """An input line cannot be turned into an article; the text is ``path:line: what``."""


def article_from_input(obj: dict[str, Any], path: str, line: int) -> Article:
    """An article record from a prediction input line: a full valid article, or an object
    with ``text`` and optionally ``id``, ``title``, ``targets`` and other article fields."""
    from .incidents import Incident
    from .labels import GENRES, PROVENANCES, target_category_ids
    from .records import Annotation, Target
    from .validate import check_article

    where = f"{path}:{line}"
    if set(obj) >= {"id", "text", "quotes", "entities", "targets", "annotation"}:
        found: list[Incident] = []
        if check_article(obj, path, line, found):
            return Article.from_dict(obj)
        raise PredictInputError(found[0].render() if found else f"{where}: invalid article")
    text = obj.get("text")
    if type(text) is not str or not text:
        raise PredictInputError(f"{where}: every line needs a non-empty string 'text'")
    aid = obj.get("id", f"{os.path.basename(path)}:{line}")
    if type(aid) is not str or not aid:
        raise PredictInputError(f"{where}: 'id' must be a non-empty string; got {aid!r}")
    raw_targets = obj.get("targets") or []
    if type(raw_targets) is not list:
        raise PredictInputError(f"{where}: 'targets' must be a list of objects")
    targets = []
    for k, t in enumerate(raw_targets):
        if type(t) is not dict or type(t.get("name")) is not str or not t["name"]:
            raise PredictInputError(f"{where}: targets[{k}] needs a non-empty string 'name'")
        tid, cat = t.get("id", f"t{k + 1}"), t.get("category")
        if type(tid) is not str or (cat is not None and cat not in target_category_ids()):
            raise PredictInputError(f"{where}: targets[{k}]: 'id' must be a string and "
                                    f"'category' null or one of schema/target_categories.json; "
                                    f"got id {tid!r}, category {cat!r}")
        targets.append(Target(tid, t["name"], cat))
    if len({t.id for t in targets}) != len(targets):
        raise PredictInputError(f"{where}: target ids must be unique")

    def opt(name: str, allowed: tuple[str, ...] | None = None) -> Any:
        v = obj.get(name)
        return v if type(v) is str and (allowed is None or v in allowed) else None

    title = opt("title") or text.split("\n", 1)[0][:200]
    return Article(id=aid, text=text, title=title, outlet=opt("outlet"),
                   published=opt("published"), language=opt("language") or "en",
                   url=opt("url"), source_id=opt("source_id"),
                   provenance=opt("provenance", PROVENANCES) or "real", split=None,
                   genre=opt("genre", GENRES), entities=(), targets=tuple(targets), quotes=(),
                   annotation=Annotation("", (), None))


def predict_stream(system: System, input: str | os.PathLike[str], out: Any,
                   progress: Any = None, every: int = 10_000,
                   chunk: tuple[int, int] | None = None, first_line: int = 1) -> int:
    """Run ``system`` over the lines of a JSONL file (or over a byte ``chunk`` of it whose
    first line is line ``first_line``), writing predicted articles to the binary file ``out``.
    Raises ``PredictInputError`` (``path:line: what``) at the first bad line."""
    import dataclasses

    from . import __version__
    from .jsonl import dumps, read_lines
    from .records import Annotation

    note = Annotation("", (f"system:{system.name}",),
                      f"predicted by quotestance {__version__} system {system.name}")
    shift = first_line - 1
    incidents: list[Any] = []
    n = 0
    for ln in read_lines(input, incidents, strict_json=False, chunk=chunk):
        if incidents:
            break
        art = article_from_input(ln.obj, ln.path, ln.lineno + shift)
        pred = dataclasses.replace(system.predict_article(art), annotation=note)
        out.write(dumps(pred.to_dict()))
        n += 1
        if progress is not None and n % every == 0:
            progress(f"{system.name}: {n} articles")
    errors = [i for i in incidents if i.level == "error"]
    if errors:
        first = errors[0]
        if first.line and shift:
            first = dataclasses.replace(first, line=first.line + shift)
        raise PredictInputError(first.render())
    return n


def predict_file(system: System, input: str | os.PathLike[str], output: str | os.PathLike[str],
                 progress: Any = None, every: int = 10_000) -> int:
    """Run ``system`` over a JSONL file of articles, one line at a time, writing predicted
    articles (corpus format) to ``output`` via a temporary file. Returns the article count.
    (``quotestance.distributed`` runs the same over chunks or shards in several processes.)"""
    from .jsonl import atomic_writer

    with atomic_writer(output, refuse=[input]) as f:
        return predict_stream(system, input, f, progress, every)
