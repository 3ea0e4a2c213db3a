"""Read the Home Credit tables as Kaggle ships them (csv, csv.gz or parquet).

Every table comes out the same way, whatever the file format or column order:
- SK_ID_* keys are int64; every other number is float64 (one dtype, and missing values fit);
- text columns are pandas strings (pandas 3 "str") with missing as NaN;
- official columns come first in the official order, absent optional ones added empty; other columns follow untouched;
- Home Credit's codes for "nothing" are missing values: 365243 in DAYS_* columns, XNA and XAP in text columns.
Anything wrong with a file raises a DataError naming the file and the column, never a pandas traceback.
"""
from __future__ import annotations

import csv
import gzip
import os
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from .schema import APPLICATION_TABLES, NO_DATE, TABLE_NAMES, TABLES

NOT_APPLICABLE = ("XNA", "XAP")
BUREAU_STATUSES = ("C", "X", "0", "1", "2", "3", "4", "5")
SUFFIXES = (".csv", ".csv.gz", ".parquet")
_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"
_SNIFF_BYTES = 1 << 16
_TEXT = pd.StringDtype(na_value=np.nan)  # pandas 3's default "str": missing is NaN, as numpy-minded code expects


class DataError(ValueError):
    """A data file (or table) that cannot be used as it is.

    `file` is the file name (or the table or folder), `column` the column to blame or None, `detail` what is wrong,
    `row` the 1-based data row (header not counted) when one row is to blame. str() is one sentence with all that.
    """

    def __init__(self, file, column: str | None = None, detail: str = "", row: int | None = None):
        self.file = str(file)
        self.column = column
        self.detail = detail
        self.row = row
        where = f"{self.file}, column {column}" if column else self.file
        super().__init__(f"Cannot use {where}: {detail.rstrip('.') or 'invalid data'}.")

    def __reduce__(self):  # the default would rebuild it from the message alone (e.g. across worker processes)
        return type(self), (self.file, self.column, self.detail, self.row)


def default_data_dir() -> Path:
    """CREDIT_DATA_DIR if set, else the data folder next to the package."""
    env = os.environ.get("CREDIT_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "data"


def find_table(folder, name: str) -> Path | None:
    """The file holding table `name` in `folder`: <name>.csv, .csv.gz or .parquet, the exact or the lower-case name."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    by_lower = {}
    for entry in sorted(folder.iterdir()):
        by_lower.setdefault(entry.name.lower(), entry)
    for suffix in SUFFIXES:
        for candidate in (folder / f"{name}{suffix}", by_lower.get(f"{name}{suffix}".lower())):
            if candidate is not None and candidate.is_file():
                return candidate
    return None


def _schema(name: str):
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}: expected one of {', '.join(TABLE_NAMES)}")
    return TABLES[name]


# --- reading ------------------------------------------------------------------------------------------------------

def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as raw:
        return raw.read(2) == _GZIP_MAGIC


def _csv_header(path: Path, compression) -> list[str]:
    opener = gzip.open if compression == "gzip" else open
    with opener(path, "rb") as stream:
        head = stream.read(_SNIFF_BYTES)
    if not head.strip():
        raise DataError(path.name, None, "the file is empty (not even a header line)")
    if b"\x00" in head:
        raise DataError(path.name, None, "the file is binary, not CSV text")
    return list(pd.read_csv(path, nrows=0, compression=compression, encoding="utf-8").columns)


def _first_text_in_numbers(frame: pd.DataFrame, columns) -> tuple[str, int, str] | None:
    """(column, 0-based row, value) of the earliest cell that is not a number, leftmost column on ties."""
    found = None
    for column in columns:
        values = frame[column].reset_index(drop=True)
        bad = (values.notna() & pd.to_numeric(values, errors="coerce").isna()).to_numpy()
        if bad.any():
            row = int(np.argmax(bad))
            if found is None or row < found[1]:
                found = (column, row, str(values.iloc[row]))
    return found


def _raise_text_in_numbers(file: str, found: tuple[str, int, str]) -> None:
    column, row, value = found
    shown = value if len(value) <= 40 else value[:37] + "..."
    raise DataError(file, column, f"text where a number is expected, first {shown!r} at row {row + 1}", row + 1)


def _read_csv(path: Path, schema) -> pd.DataFrame:
    compression = "gzip" if _is_gzip(path) else None  # whatever the name says
    header = _csv_header(path, compression)
    _check_required(path.name, header, schema)
    # The C parser turns numbers into float64 at C speed; float even for ids and whole counts lets empty cells
    # through, and one numeric dtype keeps every later step simple.
    dtypes = {c: ("str" if schema.columns[c] == "category" else "float64") for c in header if c in schema.columns}
    try:
        # low_memory=False is 4x slower on bureau_balance; with every dtype given, chunks cannot disagree anyway
        return pd.read_csv(path, dtype=dtypes, compression=compression, encoding="utf-8", engine="c")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        raise  # the file itself is broken: read_table explains it
    except ValueError:
        pass  # a cell that is no number, to be found below
    # pandas says which value failed, not where: read the numeric columns again as text to find it
    numeric = [c for c, d in dtypes.items() if d == "float64"]
    as_text = pd.read_csv(path, usecols=numeric, dtype="str", compression=compression, encoding="utf-8")
    found = _first_text_in_numbers(as_text, numeric)
    if found is not None:
        _raise_text_in_numbers(path.name, found)
    # numbers the C parser refuses but pandas.to_numeric takes (stray spaces...): slow, for odd files only
    return pd.read_csv(path, dtype={c: "str" for c in dtypes}, compression=compression, encoding="utf-8")


def _read_parquet(path: Path, schema) -> pd.DataFrame:
    import pyarrow.parquet as pq  # only parquet readers pay for it

    with open(path, "rb") as raw:
        magic = raw.read(4)
    if not magic:
        raise DataError(path.name, None, "the file is empty")
    if magic != _PARQUET_MAGIC:
        raise DataError(path.name, None, "the file is not parquet")
    _check_required(path.name, pq.read_schema(path).names, schema)
    # without the pandas metadata, a key that was saved as the index comes back as the column it is
    return pq.read_table(path).to_pandas(ignore_metadata=True)


def _locate_bad_text(path: Path) -> tuple[int | None, str | None]:
    """(1-based data row, column) of the first bytes that are not UTF-8; pandas only says where in its buffer."""
    opener = gzip.open if _is_gzip(path) else open
    try:
        with opener(path, "rb") as stream:
            header = None
            for number, line in enumerate(stream):
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    field = line[:exc.start].count(b",")  # quoted commas are rare enough to ignore here
                    column = header[field] if header and field < len(header) else None
                    return (number or None), column
                if header is None:
                    header = next(csv.reader([text]))
    except (OSError, EOFError, zlib.error, StopIteration):
        pass
    return None, None


def _why_unreadable(exc: BaseException) -> str:
    if isinstance(exc, (EOFError, zlib.error, gzip.BadGzipFile)):
        return f"the gzip file is damaged or truncated ({exc})"
    if isinstance(exc, pd.errors.EmptyDataError):
        return "the file is empty (not even a header line)"
    message = " ".join(str(exc).split()) or type(exc).__name__
    return f"the file could not be read ({message})"


# --- checks and normalisation -------------------------------------------------------------------------------------

def _count(n, word: str) -> str:
    n = int(n)
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _check_required(file: str, header, schema) -> None:
    missing = [c for c in schema.required if c not in header]
    if missing:
        more = f"; also missing: {', '.join(missing[1:])}" if len(missing) > 1 else ""
        raise DataError(file, missing[0], f"the column is missing and {schema.name} needs it{more}")


def _coerce(name: str, df: pd.DataFrame, file: str) -> None:
    """Give the schema's columns their dtypes and turn the "nothing" codes into missing, in place."""
    schema = TABLES[name]
    for column in [c for c in df.columns if c in schema.columns]:
        kind = schema.columns[column]
        values = df[column]
        if kind == "category":
            if values.dtype != _TEXT:
                values = values.astype(_TEXT)
            df[column] = values.mask(values.isin(NOT_APPLICABLE))
            continue
        if kind == "id" and pd.api.types.is_integer_dtype(values) and not values.hasnans:
            df[column] = values.astype("int64")
            continue
        if not pd.api.types.is_numeric_dtype(values):
            found = _first_text_in_numbers(df, [column])
            if found is not None:
                _raise_text_in_numbers(file, found)
            values = pd.to_numeric(values, errors="coerce")
        numbers = values.astype("float64")
        if column.startswith("DAYS_"):
            numbers = numbers.mask(numbers == NO_DATE)
        df[column] = numbers
        if kind == "id" and not numbers.hasnans:
            with np.errstate(invalid="ignore"):  # inf is caught by _check_ids as a non-integer key
                whole = numbers.to_numpy().astype("int64")
            if (whole == numbers.to_numpy()).all():
                df[column] = pd.Series(whole, index=df.index)


def normalise(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` with the schema's dtypes, and Home Credit's codes for "nothing" as missing values.

    Only the columns present are touched (a typed-in prospect row may hold a few); ids stay float64 while some are
    missing; numbers typed as text ("150000") become numbers. Text that is no number raises DataError. Idempotent.
    """
    _schema(name)
    out = df.copy()
    _coerce(name, out, name)
    return out


def means_nothing(column: str, value) -> bool:
    """One value as `_coerce` sees it: Home Credit's code for "nothing" (rows sent one by one, e.g. to the API)."""
    if isinstance(value, str):
        return value in NOT_APPLICABLE
    return column.startswith("DAYS_") and isinstance(value, (int, float, np.number)) and value == NO_DATE


def _check_ids(file: str, df: pd.DataFrame, schema) -> None:
    for column, kind in schema.columns.items():
        if kind != "id" or column not in df.columns or df[column].dtype == "int64":
            continue
        values = df[column].reset_index(drop=True)
        if values.isna().any():
            row = int(np.argmax(values.isna().to_numpy())) + 1
            raise DataError(file, column, f"{_count(values.isna().sum(), 'row')} without a key, first at row {row}",
                            row)
        numbers = values.to_numpy()
        row = int(np.argmax(~np.isfinite(numbers) | (numbers != np.round(numbers)))) + 1
        raise DataError(file, column, f"a key must be a whole number, not {float(numbers[row - 1])} (row {row})", row)


def _check_unique(file: str, df: pd.DataFrame, schema) -> None:
    column = schema.unique
    if column is None or column not in df.columns:
        return
    repeated = df[column].duplicated(keep=False)
    if repeated.any():
        counts = df.loc[repeated, column].value_counts(sort=False)
        example, times = counts.index[0], int(counts.iloc[0])
        raise DataError(file, column, f"each value must appear once, but {_count(len(counts), 'value')} repeat "
                                      f"(e.g. {example} appears {times} times)")


def _check_statuses(file: str, df: pd.DataFrame) -> None:
    status = df["STATUS"].reset_index(drop=True)
    # an empty cell is an unknown month, like X; only a code outside the list means a broken file
    bad = (status.notna() & ~status.isin(BUREAU_STATUSES)).to_numpy()
    if bad.any():
        row = int(np.argmax(bad)) + 1
        raise DataError(file, "STATUS", f"{_count(bad.sum(), 'value')} not among C, X and 0-5, "
                                        f"first {status.iloc[row - 1]!r} at row {row}", row)


def _in_schema_order(df: pd.DataFrame, schema) -> pd.DataFrame:
    absent = {c: pd.Series(np.nan, index=df.index, dtype=_TEXT if k == "category" else "float64")
              for c, k in schema.columns.items() if c not in df.columns}
    if absent:
        df = pd.concat([df, pd.DataFrame(absent, index=df.index)], axis=1)
    extra = [c for c in df.columns if c not in schema.columns]
    return df[list(schema.columns) + extra]


def read_table(path, name: str) -> pd.DataFrame:
    """One table from a csv, csv.gz or parquet file, checked and normalised (see the module docstring)."""
    schema = _schema(name)
    path = Path(path)
    file = path.name
    try:
        if file.lower().endswith(".parquet"):
            df = _read_parquet(path, schema)
        else:
            df = _read_csv(path, schema)
    except DataError:
        raise
    except FileNotFoundError:
        raise DataError(file, None, "the file does not exist") from None
    except IsADirectoryError:
        raise DataError(file, None, "this is a folder, not a file") from None
    except UnicodeDecodeError:
        row, column = _locate_bad_text(path)
        where = f" (first at row {row})" if row else ""
        raise DataError(file, column, f"the file is not UTF-8 text{where}; save it again as UTF-8", row) from None
    except Exception as exc:  # pandas, pyarrow, gzip and codecs each raise their own; the user needs one
        raise DataError(file, None, _why_unreadable(exc)) from None
    if df.columns.has_duplicates:
        raise DataError(file, str(df.columns[df.columns.duplicated()][0]), "the column appears twice")
    _coerce(name, df, file)
    _check_ids(file, df, schema)
    _check_unique(file, df, schema)
    if name == "bureau_balance":
        _check_statuses(file, df)
    return _in_schema_order(df, schema)


def load_tables(folder=None, tables=None) -> dict[str, pd.DataFrame]:
    """The tables present in `folder` (default: default_data_dir()), keyed by name, in TABLE_NAMES order.

    `tables` restricts what is read. An application table must be there, unless `tables` asks for none of them.
    """
    folder = Path(folder) if folder is not None else default_data_dir()
    wanted = TABLE_NAMES if tables is None else tuple(tables)
    for name in wanted:
        _schema(name)
    applications = [n for n in APPLICATION_TABLES if n in wanted]
    expected = " or ".join(f"{n}.csv" for n in applications)
    if not folder.is_dir():
        raise DataError(str(folder), None, f"the folder does not exist (it should hold {expected or 'the tables'})")
    paths = {name: find_table(folder, name) for name in TABLE_NAMES if name in wanted}
    if applications and not any(paths[n] for n in applications):
        raise DataError(str(folder), None, f"no application table in this folder; expected {expected} "
                                           f"(or the same as .csv.gz or .parquet)")
    return {name: read_table(path, name) for name, path in paths.items() if path is not None}
