"""The audit log as a table for the model-risk view (`monitor.py`), and what it is compared with.

    frame = read_log("audit/decisions.sqlite")            # or an AuditLog object (any backend)
    ref = reference()                                      # the champion's training data and its scores
    outcomes = read_outcomes("loans.csv")                  # SK_ID_CURR, TARGET of granted loans

One row per logged decision, oldest first, with the officer's last recorded outcome (an amendment replaces the
first). Simulations ("what would change the answer") are logged too but are no applications: `read_log` drops them
unless asked. The SQLite file is read with one SQL query and the decisions' `inputs` JSON parsed by Arrow in blocks
(a million decisions in seconds); another backend is read through `AuditLog.decisions()`.
Flags: `borderline` is recomputed from probability and threshold when the log does not hold it; `rare_profile` is
only known when the page stored the decision's flags (inputs["flags"]), otherwise it is missing and said so.
"""
from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

# What the page logs of an application (the inputs JSON): the inputs watched for drift.
MONITORED = ["AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE", "NAME_CONTRACT_TYPE", "DAYS_BIRTH",
             "DAYS_EMPLOYED", "NAME_INCOME_TYPE", "NAME_EDUCATION_TYPE", "NAME_FAMILY_STATUS", "CNT_CHILDREN",
             "NAME_HOUSING_TYPE", "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"]
CATEGORICAL = {"NAME_CONTRACT_TYPE", "NAME_INCOME_TYPE", "NAME_EDUCATION_TYPE", "NAME_FAMILY_STATUS",
               "NAME_HOUSING_TYPE"}


def logged_inputs(decision, simulation: dict | None = None, shadow: dict | None = None) -> dict:
    """The `inputs` JSON the page writes with a decision, which `read_log` reads back: a prospect's whole form, a
    client's id and MONITORED inputs; a simulation names the decision it starts from, its changes and steps; the
    flags shown and the shadow challenger's answer (never shown to the officer) serve the model-risk view."""
    d = decision
    inputs = d.inputs if d.client_id is None else {"SK_ID_CURR": d.client_id, **{k: d.inputs.get(k) for k in MONITORED}}
    if simulation is not None:
        inputs = {**inputs, "simulation": simulation}
    return {**inputs, "flags": {"borderline": d.borderline, "rare_profile": d.rare_profile, "thin_file": d.thin_file},
            **(shadow or {})}


SCORE = "score"           # the champion's probability, watched like an input
BORDERLINE_BAND = 0.02    # the model card's band, when the log has no flags
COSTS = (10.0, 1.0)       # a missed default, a good client refused: model.fitting.Costs, for a model without them
_BLOCK = 100_000

# One pass over the table: a decision's row is mostly its inputs JSON, so every column read costs a full scan.
_BASE = ["seq", "jd", "client_id", "model_version", "probability", "threshold", "decision", "officer", "lang",
         "main_reason"]
_SQL = """SELECT rowid, julianday(time), client_id, model_version, probability, threshold, decision, officer, lang,
       json_extract(reasons, '$[0]'), inputs FROM decisions WHERE rowid > ? ORDER BY rowid"""
# Outcomes change under old decisions (an amendment), so they are read whole each time: short rows, one per meeting.
_OUTCOMES_SQL = """WITH last AS MATERIALIZED (SELECT decision_id, action, reason, officer FROM outcomes
                        WHERE rowid IN (SELECT max(rowid) FROM outcomes GROUP BY decision_id))
SELECT d.rowid, last.action, last.reason, last.officer FROM last JOIN decisions d ON d.id = last.decision_id"""
CACHE_VERSION = 1
_REWRITE_AFTER = 1000   # new decisions before the cache is written again


# Few distinct values each: categories keep a million rows small and their group-bys fast.
_LEVELS = ["model_version", "decision", "officer", "lang", "main_reason", "action", "outcome_reason",
           "outcome_officer", "shadow_version", "shadow_decision", *sorted(CATEGORICAL)]


def _arrow_schema():
    import pyarrow as pa

    fields = [(c, pa.string() if c in CATEGORICAL else pa.float64()) for c in MONITORED]
    fields += [("flags", pa.struct([("borderline", pa.bool_()), ("rare_profile", pa.bool_())])),
               ("shadow", pa.struct([("version", pa.string()), ("probability", pa.float64()),
                                     ("decision", pa.string())])),
               ("simulation", pa.struct([("of", pa.string())]))]
    return pa.schema(fields)


def _flatten(records: list[dict]) -> pd.DataFrame:
    """The watched parts of `inputs` dicts, one row each (the generic path, and Arrow's fallback)."""
    def number(v):
        try:
            return float(v)
        except (TypeError, ValueError):
            return np.nan
    rows = []
    for inputs in records:
        flags, shadow = inputs.get("flags") or {}, inputs.get("shadow") or {}
        row = {c: (inputs.get(c) if c in CATEGORICAL else number(inputs.get(c))) for c in MONITORED}
        row.update({"flag_borderline": flags.get("borderline"), "rare_profile": flags.get("rare_profile"),
                    "shadow_version": shadow.get("version"), "shadow_probability": number(shadow.get("probability")),
                    "shadow_decision": shadow.get("decision"), "simulation": bool(inputs.get("simulation"))})
        rows.append(row)
    return pd.DataFrame(rows, columns=MONITORED + ["flag_borderline", "rare_profile", "shadow_version",
                                                   "shadow_probability", "shadow_decision", "simulation"])


def _parse_block(texts: list[str]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.json as pj

    # the log writes NaN and infinities as strings ("nan"): missing, for the monitor
    raw = "\n".join(texts).encode()
    for word in (b'"nan"', b'"inf"', b'"-inf"'):
        if word in raw:   # a search is several times cheaper than a copy, and these are rare
            raw = raw.replace(b":" + word, b":null")
    try:
        table = pj.read_json(io.BytesIO(raw), read_options=pj.ReadOptions(use_threads=False, block_size=1 << 26),
                             parse_options=pj.ParseOptions(explicit_schema=_arrow_schema(),
                                                           unexpected_field_behavior="ignore"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):   # a value of an odd type: the slow, lenient way
        import json
        return _flatten([json.loads(t) for t in texts])
    flags, shadow, simulation = (table.column(n).combine_chunks() for n in ("flags", "shadow", "simulation"))
    out = pd.DataFrame({c: table.column(c).to_pandas() for c in MONITORED})
    out["flag_borderline"] = flags.field("borderline").to_pandas()
    out["rare_profile"] = flags.field("rare_profile").to_pandas()
    out["shadow_version"] = shadow.field("version").to_pandas()
    out["shadow_probability"] = shadow.field("probability").to_pandas()
    out["shadow_decision"] = shadow.field("decision").to_pandas()
    out["simulation"] = simulation.is_valid().to_pandas()
    return out


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _cache_files(path: Path, cache_dir: Path | None):
    if cache_dir is None:
        return None, None
    import hashlib

    key = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    return Path(cache_dir) / f"{key}.parquet", Path(cache_dir) / f"{key}.json"


def _cached(conn, data: Path | None, meta: Path | None) -> tuple[pd.DataFrame | None, int]:
    """The decisions already parsed, if the log still begins with them: the hash chain of an append-only log
    proves it, the last cached row's hash being where it was."""
    import json

    if data is None or not (data.exists() and meta.exists()):
        return None, 0
    try:
        info = json.loads(meta.read_text())
        row = conn.execute("SELECT row_hash FROM decisions WHERE rowid = ?", (info["seq"],)).fetchone()
        if info.get("version") != CACHE_VERSION or row is None or row[0] != info["row_hash"]:
            return None, 0
        return pd.read_parquet(data), int(info["seq"])
    except (OSError, ValueError, KeyError):
        return None, 0


def _save(conn, frame: pd.DataFrame, data: Path, meta: Path) -> None:
    import json
    import os

    seq = int(frame["seq"].iloc[-1])
    row_hash = conn.execute("SELECT row_hash FROM decisions WHERE rowid = ?", (seq,)).fetchone()[0]
    try:
        data.parent.mkdir(parents=True, exist_ok=True)
        tmp = data.with_suffix(f".{os.getpid()}.tmp")
        frame.to_parquet(tmp)
        tmp.replace(data)
        meta.write_text(json.dumps({"version": CACHE_VERSION, "seq": seq, "row_hash": row_hash}))
    except (OSError, ValueError):
        pass   # no cache: the next view reads the whole log again, nothing worse


def _read_sqlite(path: Path, cache_dir: Path | None) -> pd.DataFrame:
    data, meta = _cache_files(path, cache_dir)
    conn = sqlite3.connect(path, timeout=30)
    bases, parts = [], []
    try:
        conn.execute("BEGIN")     # one snapshot, while the page keeps appending
        cached, since = _cached(conn, data, meta)
        cursor = conn.execute(_SQL, (since,))
        while block := cursor.fetchmany(_BLOCK):
            columns = list(zip(*block))
            bases.append(pd.DataFrame({name: pd.Series(values, dtype=object if i >= 3 else None)
                                       for i, (name, values) in enumerate(zip(_BASE, columns[:-1]))}))
            parts.append(_parse_block(columns[-1]))
        new = (pd.concat([pd.concat(bases, ignore_index=True), pd.concat(parts, ignore_index=True)], axis=1)
               if bases else None)
        frames = [f for f in (cached, new) if f is not None and len(f)]
        decisions = (pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0] if frames else
                     pd.concat([pd.DataFrame(columns=_BASE), _flatten([])], axis=1))
        if data is not None and new is not None and (cached is None or len(new) >= _REWRITE_AFTER):
            _save(conn, decisions, data, meta)
        outcomes = pd.DataFrame(conn.execute(_OUTCOMES_SQL).fetchall(),
                                columns=["seq", "action", "outcome_reason", "outcome_officer"])
        conn.execute("COMMIT")
    finally:
        conn.close()
    for column in ("probability", "threshold", "jd"):
        decisions[column] = decisions[column].astype(float)
    decisions["seq"] = decisions["seq"].astype("int64")
    return decisions.merge(outcomes, on="seq", how="left", validate="one_to_one")


def _read_records(log) -> pd.DataFrame:
    records = log.decisions()
    base = []
    for i, r in enumerate(records):
        last = r["outcomes"][-1] if r["outcomes"] else {}
        reasons = r.get("reasons") or []
        base.append({"seq": i + 1, "time": r["time"], "client_id": r.get("client_id"),
                     "model_version": r["model_version"], "probability": r["probability"],
                     "threshold": r["threshold"], "decision": r["decision"], "officer": r.get("officer"),
                     "lang": r.get("lang"), "main_reason": reasons[0] if reasons else None,
                     "action": last.get("action"), "outcome_reason": last.get("reason"),
                     "outcome_officer": last.get("officer")})
    frame = pd.DataFrame(base, columns=["seq", "time", "client_id", "model_version", "probability", "threshold",
                                        "decision", "officer", "lang", "main_reason", "action", "outcome_reason",
                                        "outcome_officer"])
    return pd.concat([frame, _flatten([r["inputs"] for r in records])], axis=1)


def default_cache_dir() -> Path:
    import os

    env = os.environ.get("CREDIT_MONITOR_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "credit_widgets" / "journal"


def read_log(source=None, simulations: bool = False, band: float = BORDERLINE_BAND, cache: bool = True
             ) -> pd.DataFrame:
    """The audit log as a DataFrame (see the module docstring); `source` is a path, an AuditLog, or None for the
    page's log (CREDIT_AUDIT_LOG). A SQLite log's decisions, once parsed, are cached (CREDIT_MONITOR_CACHE, else
    ~/.cache/credit_widgets/journal): the log is append-only, so the next reading parses only the new decisions
    (and reads every outcome again, amendments included)."""
    from ..audit.log import default_log_path

    source = default_log_path() if source is None else source
    path = Path(source) if isinstance(source, (str, Path)) else getattr(source, "path", None)
    if path is not None and _is_sqlite(Path(path)):
        frame = _read_sqlite(Path(path), default_cache_dir() if cache else None)
        frame["time"] = pd.to_datetime((frame.pop("jd") - 2440587.5) * 86400.0, unit="s", utc=True)
    elif isinstance(source, (str, Path)):
        raise FileNotFoundError(f"{source} is not an audit log (no SQLite database there)")
    else:
        frame = _read_records(source)
        frame["time"] = pd.to_datetime(frame["time"], utc=True, format="ISO8601")
    if not simulations:
        frame = frame[~frame["simulation"].astype(bool)].reset_index(drop=True)
    return _derive(frame, band)


def _derive(frame: pd.DataFrame, band: float) -> pd.DataFrame:
    frame["officer"] = frame["officer"].astype(object).where(frame["officer"].notna(),
                                                             frame["outcome_officer"].astype(object))
    for column in _LEVELS:
        frame[column] = frame[column].astype(object).astype("category")
    frame["week"] = frame["time"].dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time
    frame["favourable"] = frame["decision"].eq("favourable")
    frame["recorded"] = frame["action"].notna()
    frame["overridden"] = frame["action"].eq("overrides")
    # the loan is granted when the officer follows a favourable advice or overrides an unfavourable one
    frame["granted"] = (frame["favourable"] ^ frame["overridden"]).astype(float).where(frame["recorded"])
    computed = (frame["probability"] - frame["threshold"]).abs() < band
    frame["borderline"] = frame["flag_borderline"].astype("boolean").fillna(computed).astype(bool)
    frame["contract"] = frame["NAME_CONTRACT_TYPE"]
    frame["shadow_favourable"] = frame["shadow_decision"].eq("favourable").astype(float).where(
        frame["shadow_decision"].notna())
    frame["reason_kind"] = reason_kind(frame["main_reason"])
    return frame


def reason_kind(texts: pd.Series) -> pd.Series:
    """A reason sentence without the applicant's figures ("External score 2", "The credit is # times monthly
    income"), so that the same reason counts as one whatever the values."""
    def kind(text: str) -> str:
        text = re.sub(r"\s*\(.*\)\s*$", "", str(text))
        if ": " in text:            # "Label: value": the label names the input
            return text.split(": ")[0].strip()
        return re.sub(r"\d[\d.,\u202f ]*", "#", text).strip()
    texts = pd.Series(texts)
    return texts.map({c: kind(c) for c in pd.unique(texts.dropna())})


def read_outcomes(path) -> pd.DataFrame:
    """The bank's export of what became of granted loans: SK_ID_CURR, TARGET (1 defaulted, 0 repaid)."""
    from ..data.tables import DataError

    path = Path(path)
    if not path.is_file():
        raise DataError(path.name, None, "the outcomes file does not exist")
    frame = pd.read_csv(path)
    for column in ("SK_ID_CURR", "TARGET"):
        if column not in frame.columns:
            raise DataError(path.name, column, "the column is missing (expected SK_ID_CURR, TARGET)")
    target = pd.to_numeric(frame["TARGET"], errors="coerce")
    if not target.dropna().isin([0, 1]).all():
        raise DataError(path.name, "TARGET", "TARGET must be 0 (repaid) or 1 (defaulted)")
    # one outcome per client: the latest line of the export stands
    return (pd.DataFrame({"SK_ID_CURR": frame["SK_ID_CURR"].astype("int64"), "TARGET": target})
            .dropna().drop_duplicates("SK_ID_CURR", keep="last"))


def model_costs(model_dir=None) -> tuple[float, float]:
    """(a missed default, a good client refused) as the deciding model was trained with (its metadata's `costs`,
    from `--cost-fn` / `--cost-fp`): the override costs the view shows are the ones the threshold was chosen for."""
    import json

    from ..model.artifacts import META_FILE, artifacts_dir, default_model_dir

    meta_file = artifacts_dir(Path(model_dir) if model_dir else default_model_dir()) / META_FILE
    if not meta_file.exists():
        return COSTS
    costs = json.loads(meta_file.read_text()).get("costs") or {}
    return (float(costs.get("false_negative", COSTS[0])), float(costs.get("false_positive", COSTS[1])))


def reference(model_dir=None, data_dir=None) -> pd.DataFrame:
    """The champion's training applications (`MONITORED` columns) and its score on them, cached beside the
    client-base cache for the (model, data) pair: a warm view does not load the model."""
    import hashlib

    from ..data.tables import default_data_dir
    from ..explain.population import data_fingerprint
    from ..model.artifacts import BOOSTER_FILE, FEATURES_FILE, artifacts_dir, default_model_dir, hash_files

    model_dir = Path(model_dir) if model_dir else default_model_dir()
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    folder = artifacts_dir(model_dir)
    key = hashlib.sha256(f"{hash_files(folder / BOOSTER_FILE, folder / FEATURES_FILE)}:"
                         f"{data_fingerprint(data_dir)}:{data_dir.resolve()}".encode()).hexdigest()[:16]
    roots = (model_dir / "cache", Path.home() / ".cache" / "credit_widgets")
    for root in roots:
        if (root / f"monitor-{key}.parquet").exists():
            return pd.read_parquet(root / f"monitor-{key}.parquet")
    from ..scoring.service import CreditModel

    population = CreditModel.load(model_dir, data_dir).population
    trained = ~np.isnan(population.target)
    ref = population.applications.loc[trained, MONITORED].reset_index(drop=True)
    for column in CATEGORICAL:
        ref[column] = ref[column].astype(object)
    ref[SCORE] = population.probability[trained].astype(float)
    for root in roots:
        try:
            root.mkdir(parents=True, exist_ok=True)
            tmp = root / f"monitor-{key}.{np.random.randint(1 << 30)}.tmp"
            ref.to_parquet(tmp)
            tmp.replace(root / f"monitor-{key}.parquet")
            break
        except OSError:
            continue
    return ref
