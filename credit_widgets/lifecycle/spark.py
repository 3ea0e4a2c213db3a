"""Score application files on Spark: the MLflow model as a Spark UDF (`mlflow.pyfunc.spark_udf`), one job for any
number of rows, on a local session or a cluster.

    python -m credit_widgets.lifecycle.spark --model models/ --data data/ --out scores.parquet [--master local[2]]
                                   [--reasons | --explain] [--base DIR] [--batch-rows 1000]

`--data` is one or more application files of the Home Credit schema (CSV, CSV.gz or parquet; local paths or URIs
that Spark reads, such as hdfs:// or s3a://) or local folders holding application_train and/or application_test.
Every row is scored as the API scores a row with `SK_ID_CURR` and application columns: a known client keeps their
credit history (a row of the client base scores exactly as `credit_widgets.lifecycle.batch` scores the file),
an unknown id is a prospect, decided by the application model from the prospect form's columns (the pyfunc routes
each row; `model` says which model decided, `threshold` is its). Known clients are those of the
client base (`--base`, else CREDIT_DATA_DIR, else data/) wherever the Spark workers run. Columns outside the
application schema (TARGET, extras) are left out. The output (a Spark folder of parquet or CSV part files) has
SK_ID_CURR, probability, decision, threshold and model; `--reasons` adds the reasons (JSON), `--explain` the reasons and
the contributions grouped by input (JSON log-odds with "base_value"). Without them the model's fast path scores
each batch at once (`"reasons": false`).

Run as is, the session is local (`local[2]`: loopback only, no UI, quiet logs). Under `spark-submit` the master and
resources are spark-submit's (see docs/scale.md). Only this module imports pyspark (the `spark` extra).
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path

from ..data.schema import APPLICATION_COLUMNS, APPLICATION_TABLES, TABLES

# Rows per Arrow batch, i.e. per call of the model's predict: the pyfunc refuses more than CREDIT_API_MAX_ROWS
# (1000 by default) per call. Batches of 10,000 (with the limit raised to match) were no faster on 356,255 rows
# (2,963 vs 2,900 rows/s, benchmarks/batch.py) and took more memory: the per-row work dominates, not the per-call
# overhead, so the batches fit the API's own limit.
BATCH_ROWS = 1000
PLAIN_FIELDS = ("probability", "decision", "threshold", "model")
_SPARK_TYPES = {"id": "long", "int": "double", "float": "double", "category": "string"}   # as data.load_tables
# PySpark 4.3 warns at every pandas conversion that pandas >= 3 is not fully supported; the project pins pandas 3
# and tests/system/test_spark.py checks that Spark's scores equal the in-process ones, so the warning is silenced here
# (driver) and in the workers (PYTHONWARNINGS). MLflow's advice to add type hints to `predict` (once per worker)
# cannot be: MLflow forces UserWarnings to "once" around model loading.
_PANDAS3 = "PySpark does not yet fully support pandas"
_PANDAS_COPY = "The copy keyword is deprecated"   # pandas 4 deprecation inside pyspark's conversions
warnings.filterwarnings("ignore", message=_PANDAS3, category=FutureWarning)
warnings.filterwarnings("ignore", message=_PANDAS_COPY, module="pyspark")
_LOG4J2 = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
"""


class SparkScoringError(RuntimeError):
    """A scoring job that failed: the model's own message (row, field, what is wrong), without the Java trace."""


def output_fields(reasons: bool = False, explain: bool = False) -> tuple[str, ...]:
    if explain:
        return PLAIN_FIELDS + ("reasons", "contributions")
    return PLAIN_FIELDS + (("reasons",) if reasons else ())


def session(master: str | None = "local[2]", batch_rows: int = BATCH_ROWS, driver_memory: str = "2g",
            app_name: str = "credit-widgets-scoring", conf: dict | None = None):
    """A SparkSession for scoring. `master=None` takes the master that `spark-submit` (or spark-defaults) gives.
    A local master gets a loopback-only driver, no UI, this Python for the workers, the driver memory (the
    executors live in the driver JVM) and SPARK_LOCAL_DIRS (or the temp folder) for scratch files."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    options = {"spark.sql.execution.arrow.maxRecordsPerBatch": str(batch_rows),
               "spark.sql.execution.arrow.pyspark.enabled": "true",
               # every worker accepts a batch of the configured size (the pyfunc reads it at import)
               "spark.executorEnv.CREDIT_API_MAX_ROWS": str(max(batch_rows, 1000)),
               "spark.executorEnv.PYTHONWARNINGS": f"ignore:{_PANDAS3}:FutureWarning"}
    if master is not None:
        builder = builder.master(master)
    if master is not None and master.startswith("local"):
        local_dir = os.environ.get("SPARK_LOCAL_DIRS", tempfile.gettempdir())
        log4j = Path(local_dir) / "credit-widgets-log4j2.properties"   # errors only, on stderr
        if not log4j.exists() or log4j.read_text() != _LOG4J2:
            log4j.write_text(_LOG4J2)
        options.update({"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1",
                        "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
                        "spark.driver.memory": driver_memory, "spark.pyspark.python": sys.executable,
                        "spark.pyspark.driver.python": sys.executable, "spark.local.dir": local_dir,
                        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{log4j}",
                        "spark.sql.shuffle.partitions": "8"})
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")   # else a warning about the host name
    options.update(conf or {})
    for key, value in options.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _is_uri(path) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", str(path)))


def _application_files(path) -> list:
    """The application files of a local folder (application_train and/or application_test), or the path itself
    (a local file, or a URI such as hdfs://... or s3a://... that Spark reads on the cluster)."""
    from ..data.tables import find_table

    if _is_uri(path):
        return [str(path)]
    path = Path(path)
    if path.is_dir():
        found = [find_table(path, name) for name in APPLICATION_TABLES]
        files = [f for f in found if f is not None]
        if not files:
            raise FileNotFoundError(f"no application_train or application_test file in {path}")
        return files
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    return [path]


def read_applications(spark, *paths):
    """The application rows of files or folders (local paths or URIs) as one Spark DataFrame with the schema's
    columns only. Parquet keeps its types; CSV (also .csv.gz) gets the loader's types from its header: ids as
    long, every other number as double, text as string."""
    from pyspark.sql.types import StructType

    kinds = TABLES["application_train"].columns
    frames = []
    for file in [f for path in paths for f in _application_files(path)]:
        name = str(file)
        if name.endswith(".parquet") or (_is_uri(name) and not re.search(r"\.csv(\.gz)?$", name)):
            frame = spark.read.parquet(name)
        else:
            header = spark.read.option("header", True).csv(name).columns
            schema = StructType.fromDDL(", ".join(f"`{c}` {_SPARK_TYPES.get(kinds.get(c), 'string')}"
                                                  for c in header))
            frame = spark.read.csv(name, header=True, schema=schema, enforceSchema=False, mode="FAILFAST")
        columns = [c for c in frame.columns if c in APPLICATION_COLUMNS]
        if "SK_ID_CURR" not in columns:
            raise ValueError(f"{name} has no SK_ID_CURR column")
        frames.append(frame.select(*columns))
    if not frames:
        raise ValueError("no application file given")
    result = frames[0]
    for frame in frames[1:]:
        result = result.unionByName(frame, allowMissingColumns=True)
    return result


def score(spark, applications, model_uri: str, *, reasons: bool = False, explain: bool = False,
          base: Path | str | None = None, partitions: int | None = None, warm_up: bool = True):
    """Spark DataFrame of SK_ID_CURR and `output_fields(reasons, explain)` for every row of `applications` (a
    Spark DataFrame with SK_ID_CURR and application columns; others are left out). Lazy, except `warm_up`: one
    row is scored first so that a client base seen for the first time is summarised (and cached beside the
    worker's copy of the model) once, not by every task at the same time. `partitions`: how many (default: the
    session's parallelism, unless the input already has at least twice that many)."""
    import mlflow.pyfunc
    from pyspark.sql import functions as F

    columns = [c for c in applications.columns if c in APPLICATION_COLUMNS]
    if "SK_ID_CURR" not in columns:
        raise ValueError("the applications have no SK_ID_CURR column")
    fields = output_fields(reasons, explain)
    batch_rows = int(spark.conf.get("spark.sql.execution.arrow.maxRecordsPerBatch"))
    extra_env = {"CREDIT_API_MAX_ROWS": str(max(batch_rows, 1000))}
    if base is not None:
        extra_env["CREDIT_DATA_DIR"] = str(Path(base).absolute())   # read by the workers: a local or mounted folder
    elif os.environ.get("CREDIT_DATA_DIR"):
        extra_env["CREDIT_DATA_DIR"] = os.environ["CREDIT_DATA_DIR"]
    # the answer's SK_ID_CURR is taken from the input row (a prospect without id stays null)
    result_type = ", ".join(f"{f} {'double' if f in ('probability', 'threshold') else 'string'}" for f in fields)
    with _quiet_mlflow():
        predict = mlflow.pyfunc.spark_udf(spark, str(model_uri), result_type=result_type, env_manager="local",
                                          params={"reasons": bool(reasons or explain), "explain": bool(explain)},
                                          extra_env=extra_env)
    rows = applications.select(*columns)
    if warm_up:
        collect(rows.limit(1).select(predict(F.struct(*columns)).alias("s")))
    # A file is one partition per row group (pandas writes one): application_train and application_test are two
    # very unequal partitions, so one core would do most of the work. Few partitions are spread evenly over the
    # cores; many (a large input on a cluster) are left as they are. On a local master each task loads the model.
    cores = spark.sparkContext.defaultParallelism
    have = rows.rdd.getNumPartitions()
    if partitions and partitions != have:
        rows = rows.repartition(partitions)
    elif not partitions and have < 2 * cores:
        rows = rows.repartition(cores)
    scored = rows.select(F.col("SK_ID_CURR"), predict(F.struct(*columns)).alias("_score"))
    return scored.select("SK_ID_CURR", *[F.col(f"_score.{f}").alias(f) for f in fields])


@contextlib.contextmanager
def _quiet_mlflow():
    """No progress bar for the model's copy, no advice to rebuild the environment (env_manager="local" is the
    point: the workers run this very environment)."""
    loggers = [logging.getLogger(n) for n in ("mlflow.pyfunc", "mlflow.models.flavor_backend_registry")]
    levels = [logger.level for logger in loggers]
    bar = os.environ.get("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR")
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
        if bar is None:
            os.environ.pop("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", None)
        else:
            os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = bar


def _clean(error: BaseException) -> str:
    """The model's message out of a Spark failure (Python traceback inside a Java one), else its first line."""
    text = str(error)
    found = re.findall(r"MlflowException: (.+)", text)
    if found:
        return found[-1].strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _run(action):
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        return action()
    except (PySparkException, Py4JJavaError) as error:
        message = _clean(error)
        # the model counts rows within its call: one Arrow batch of a repartitioned job, not the file's line
        message = re.sub(r"^Row \d+", "A row", message)
        raise SparkScoringError(message) from None


def collect(scored):
    """The scores as a pandas DataFrame (small results), or SparkScoringError with the model's message."""
    def to_pandas():
        with warnings.catch_warnings():   # on a failure pyspark warns with the whole trace before raising it
            warnings.filterwarnings("ignore", message="toPandas attempted Arrow optimization")
            return scored.toPandas()

    return _run(to_pandas)


def write(scored, out: Path | str, overwrite: bool = False) -> None:
    """Spark's folder of part files: parquet, or CSV when `out` ends with .csv."""
    writer = scored.write.mode("overwrite" if overwrite else "errorifexists")
    target = str(out)
    _run(lambda: writer.option("header", True).option("escape", "\"").csv(target) if target.endswith(".csv")
         else writer.parquet(target))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m credit_widgets.lifecycle.spark",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models", help="MLflow model: folder, models:/name@alias, runs:/...")
    parser.add_argument("--data", nargs="+", required=True,
                        help="application files or folders (local paths, or URIs Spark reads: hdfs://, s3a://...)")
    parser.add_argument("--out", required=True,
                        help="output folder (path or URI): parquet, or CSV if it ends with .csv")
    parser.add_argument("--master", default=None,
                        help="Spark master (default: spark-submit's, else local[2])")
    parser.add_argument("--base", default=None,
                        help="client base (history) for known ids, a folder every worker can read "
                             "(default: CREDIT_DATA_DIR, else data/)")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--reasons", action="store_true", help="add the reasons (JSON)")
    what.add_argument("--explain", action="store_true", help="add the reasons and grouped contributions (JSON)")
    parser.add_argument("--batch-rows", type=int, default=BATCH_ROWS, help="rows per Arrow batch / predict call")
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    master = args.master
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:   # not launched by spark-submit
        master = "local[2]"
    started = time.perf_counter()
    spark = session(master, batch_rows=args.batch_rows)
    try:
        applications = read_applications(spark, *args.data)
        scored = score(spark, applications, args.model, reasons=args.reasons, explain=args.explain,
                       base=args.base, partitions=args.partitions)
        write(scored, args.out, overwrite=args.overwrite)
        count = spark.read.parquet(args.out).count() if not args.out.endswith(".csv") else None
    except (SparkScoringError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        spark.stop()
    rows = f"{count:,} scores" if count is not None else "scores"
    print(f"wrote {rows} to {args.out} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
