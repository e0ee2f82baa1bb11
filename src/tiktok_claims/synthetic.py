"""Seeded synthetic claims dataset with the real file's schema and structure.

Everything is drawn with numpy in one vectorised pass; text is assembled from
templates with Arrow compute, batch by batch, and DuckDB writes the file. The
output for a given (rows, seed) is byte-for-byte reproducible.

Structure mirrors the real data: claims get 1k-1M views and opinions 20-10k,
other counts scale with views, verified accounts post mostly opinions, banned
and under-review authors post mostly claims, about 1.5% of rows are unlabeled
(no text, counts `#N/A`). Rows are ordered claims, opinions, unlabeled, as in
the real file. The sentences are written for this generator.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tiktok_claims.ingest import REQUIRED_COLUMNS
from tiktok_claims.paths import DEFAULT_DATASET

DEFAULT_PATH = DEFAULT_DATASET  # the committed sample: DEFAULT_ROWS, DEFAULT_SEED
DEFAULT_ROWS = 20_000
DEFAULT_SEED = 42
BATCH_ROWS = 1_000_000

# The real file's header, in its order: the row number, then the columns ingestion needs.
HEADER = ("#", *REQUIRED_COLUMNS)
COUNT_COLUMNS = HEADER[7:]

# Class mix and per-class attribute shares, close to the real file.
CLASSES = ("claim", "opinion", None)
CLASS_SHARES = (0.4957, 0.4889, 0.0154)
VERIFIED_SHARE = (0.022, 0.105, 0.13)
BAN_STATUSES = ("active", "under review", "banned")
BAN_SHARES = ((0.683, 0.167, 0.150), (0.930, 0.049, 0.021), (0.94, 0.046, 0.014))
VIEW_RANGE = ((1_000, 1_000_000), (20, 10_000), (20, 1_000_000))
MAX_LIKE_RATE = (2 / 3, 4 / 9, 2 / 3)
MAX_SHARES_PER_LIKE = 0.4
MAX_DOWNLOADS_PER_LIKE = 0.025
MAX_COMMENTS_PER_DOWNLOAD = 0.6

# Claims: "<source> <subject> <verb phrase> <number> <unit phrase>".
CLAIM_SOURCES = (
    "a report i read said that",
    "my cousin learned that",
    "a radio host mentioned that",
    "according to a news story,",
    "a teacher told our class that",
    "an online article stated that",
    "i saw in a documentary that",
    "a podcast guest explained that",
    "a survey found that",
    "my coworker discovered that",
)
CLAIM_SUBJECTS = (
    "people in big cities",
    "teenagers",
    "most office workers",
    "dairy farmers",
    "first-year students",
    "retired engineers",
    "train commuters",
    "professional chefs",
    "amateur runners",
    "small bakeries",
    "coastal towns",
    "public libraries",
    "night-shift nurses",
    "regional airlines",
    "indie game studios",
    "beekeepers",
    "long-haul truck drivers",
    "mountain villages",
    "city cyclists",
    "high school coaches",
    "music teachers",
    "online shoppers",
    "home gardeners",
    "freelance designers",
    "local fishermen",
)
CLAIM_FACTS = (
    ("spend", "percent of their budget on coffee"),
    ("walk about", "kilometres more each week than in the nineties"),
    ("waste nearly", "percent of the food they buy"),
    ("check their phones over", "times a day"),
    ("earn", "percent more than they did five years ago"),
    ("lose around", "minutes of sleep every night"),
    ("have grown by", "percent since the last census"),
    ("use", "percent less water than a decade ago"),
    ("read", "books a year on average"),
    ("travel", "kilometres to work every day"),
    ("receive", "complaints for every thousand customers"),
    ("replace their shoes every", "weeks"),
    ("drink", "cups of tea per week"),
    ("have cut their energy bills by", "percent"),
    ("spend", "hours a month in meetings"),
    ("own at least", "houseplants each"),
    ("were fined", "times more often last year"),
    ("throw away", "kilograms of plastic per year"),
    ("produce", "percent of the country's honey"),
    ("visit the dentist only once every", "years"),
    ("doubled their output in", "months"),
    ("answer", "emails before breakfast"),
    ("burn", "calories in an average shift"),
    ("listen to", "hours of music every week"),
    ("plant", "trees every spring"),
)
# Opinions: "<stance> <topic> <judgement><closing>".
OPINION_STANCES = (
    "i honestly believe that",
    "in my opinion,",
    "my friends and i feel that",
    "i am fairly sure that",
    "our book club agrees that",
    "i have always felt that",
    "my sister thinks that",
    "it seems to me that",
    "my view is that",
    "most of my classmates feel that",
)
OPINION_TOPICS = (
    "remote work",
    "weekend markets",
    "board games",
    "city parks",
    "handwritten letters",
    "public transport",
    "morning walks",
    "cooking at home",
    "old cartoons",
    "camping trips",
    "jazz concerts",
    "tiny houses",
    "reality shows",
    "vinyl records",
    "summer festivals",
    "group chats",
    "school uniforms",
    "electric scooters",
    "street food",
    "museum visits",
    "long novels",
    "podcasts",
    "online classes",
    "family dinners",
    "winter holidays",
    "open-plan offices",
    "video calls",
    "home workouts",
    "poetry readings",
    "road trips",
    "comic books",
    "garden parties",
    "coffee shops",
    "silent films",
    "flea markets",
    "travel vlogs",
    "puzzle games",
    "bike lanes",
    "science fairs",
    "karaoke nights",
    "pottery classes",
    "sunday brunches",
    "bird watching",
    "escape rooms",
    "chess clubs",
)
OPINION_JUDGEMENTS = (
    "can be far more relaxing than people admit",
    "should get a lot more attention",
    "would make most weekends better",
    "can bring neighbours closer together",
    "will never go out of style",
    "might be overrated by critics",
    "could use a little more variety",
    "can be surprisingly good for your mood",
    "should be cheaper for students",
    "would be more fun with better planning",
    "can feel exhausting after a while",
    "will keep getting more popular",
    "should be taught more carefully",
    "could help people slow down",
    "can be a waste of an afternoon",
    "would suit older people well",
    "might be the best part of the year",
    "should not be taken so seriously",
    "can spark great conversations",
    "will always feel a bit awkward",
    "could replace a lot of screen time",
    "can be more stressful than expected",
    "should come with clearer rules",
    "would benefit from fewer ads",
    "might inspire younger people",
    "can be quite boring in large doses",
    "should be easier to find in small towns",
    "will look very different in ten years",
    "could be more welcoming to beginners",
    "can make a dull week feel lighter",
    "are worth every minute",
    "are better than their reputation",
)
OPINION_CLOSINGS = (
    "",
    ", at least for me",
    ", if you ask me",
    " most of the time",
    ", in my experience",
    " these days",
    ", to be fair",
    " for sure",
    " in the long run",
    ", and i stand by that",
)
NUMBER_RANGE = (2, 100)

SCHEMA = pa.schema(
    [("#", pa.int64()), ("claim_status", pa.string()), ("video_id", pa.int64())]
    + [("video_duration_sec", pa.int64()), ("video_transcription_text", pa.string())]
    + [("verified_status", pa.string()), ("author_ban_status", pa.string())]
    + [(name, pa.int64()) for name in COUNT_COLUMNS]
)


def _unique_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct 10-digit video ids; collisions are redrawn (few even at 10M rows)."""
    ids = rng.integers(10**9, 10**10, n, dtype=np.int64)
    while True:
        order = np.argsort(ids, kind="stable")
        repeated = order[1:][ids[order[1:]] == ids[order[:-1]]]
        if repeated.size == 0:
            return ids
        ids[repeated] = rng.integers(10**9, 10**10, repeated.size, dtype=np.int64)


def _draw(rows: int, seed: int) -> dict[str, np.ndarray]:
    """All random choices, as numeric arrays (text as template indices)."""
    rng = np.random.default_rng(seed)
    cls = np.sort(rng.choice(len(CLASSES), size=rows, p=CLASS_SHARES)).astype(np.int8)

    verified = rng.random(rows) < np.take(VERIFIED_SHARE, cls)
    u = rng.random(rows)
    shares = np.asarray(BAN_SHARES)[cls]
    ban = (u > shares[:, 0]).astype(np.int8) + (u > shares[:, 0] + shares[:, 1])

    lo, hi = np.asarray(VIEW_RANGE).T
    views = rng.integers(np.take(lo, cls), np.take(hi, cls))
    likes = np.floor(views * rng.random(rows) * np.take(MAX_LIKE_RATE, cls)).astype(np.int64)
    share_count = np.floor(likes * rng.random(rows) * MAX_SHARES_PER_LIKE).astype(np.int64)
    downloads = np.floor(likes * rng.random(rows) * MAX_DOWNLOADS_PER_LIKE).astype(np.int64)
    comments = np.floor(downloads * rng.random(rows) * MAX_COMMENTS_PER_DOWNLOAD).astype(np.int64)

    return {
        "cls": cls,
        "video_id": _unique_ids(rng, rows),
        "duration": rng.integers(5, 61, rows, dtype=np.int64),
        "verified": verified,
        "ban": ban,
        "counts": np.stack([views, likes, share_count, downloads, comments]),
        # template slots in [0, 1): lead, middle, tail, closing; scaled to each list's length
        "slots": rng.random((4, rows), dtype=np.float32),
        "number": rng.integers(*NUMBER_RANGE, rows, dtype=np.int64),
    }


def _pick(options: tuple[str, ...], slot: np.ndarray) -> pa.Array:
    index = np.minimum((slot * len(options)).astype(np.int64), len(options) - 1)
    return pa.array(options).take(pa.array(index))


def _text(cls: np.ndarray, slots: np.ndarray, number: np.ndarray) -> pa.Array:
    """Transcriptions for one batch: claim or opinion template, NULL when unlabeled."""
    lead, middle, tail, extra = slots
    heads, units = zip(*CLAIM_FACTS, strict=True)
    claim = pc.binary_join_element_wise(
        _pick(CLAIM_SOURCES, lead),
        _pick(CLAIM_SUBJECTS, middle),
        _pick(heads, tail),
        pc.cast(pa.array(number), pa.string()),
        _pick(units, tail),
        " ",
    )
    opinion = pc.binary_join_element_wise(
        pc.binary_join_element_wise(
            _pick(OPINION_STANCES, lead),
            _pick(OPINION_TOPICS, middle),
            _pick(OPINION_JUDGEMENTS, tail),
            " ",
        ),
        _pick(OPINION_CLOSINGS, extra),
        "",
    )
    null = pa.nulls(len(cls), pa.string())
    return pc.case_when(
        pc.make_struct(pa.array(cls == 0), pa.array(cls == 1)), claim, opinion, null
    )


def _batches(draw: dict[str, np.ndarray]) -> Iterator[pa.RecordBatch]:
    rows = len(draw["cls"])
    for start in range(0, rows, BATCH_ROWS):
        part = slice(start, min(start + BATCH_ROWS, rows))
        cls = draw["cls"][part]
        labeled = cls < 2
        counts = {
            name: pa.array(values[part], mask=~labeled)
            for name, values in zip(COUNT_COLUMNS, draw["counts"], strict=True)
        }
        yield pa.RecordBatch.from_pydict(
            schema=SCHEMA,
            mapping={
                "#": pa.array(np.arange(part.start + 1, part.stop + 1, dtype=np.int64)),
                "claim_status": pa.array(np.take(CLASSES, cls), pa.string()),
                "video_id": pa.array(draw["video_id"][part]),
                "video_duration_sec": pa.array(draw["duration"][part]),
                "video_transcription_text": _text(
                    cls, draw["slots"][:, part], draw["number"][part]
                ),
                "verified_status": pa.array(
                    np.where(draw["verified"][part], "verified", "not verified")
                ),
                "author_ban_status": pa.array(np.take(BAN_STATUSES, draw["ban"][part])),
                **counts,
            },
        )


def generate(rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> pa.RecordBatchReader:
    """The synthetic dataset as a stream of Arrow batches (typed; counts NULL when missing)."""
    if rows < 1:
        raise ValueError(f"rows must be at least 1 (got {rows})")
    return pa.RecordBatchReader.from_batches(SCHEMA, _batches(_draw(rows, seed)))


def write(path: str | Path, rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> Path:
    """Write the dataset to `path`: Parquet if it ends in .parquet, else CSV like the real file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    quoted = str(path).replace("'", "''")
    con = duckdb.connect()
    try:
        con.register("synthetic", generate(rows, seed))
        if path.suffix.lower() == ".parquet":
            con.execute(f"copy synthetic to '{quoted}' (format parquet)")
        else:
            # as in the real file: counts '#N/A' when missing, unlabeled claim_status/text empty
            columns = ", ".join(
                f"coalesce(cast({c} as varchar), '#N/A') as {c}" if c in COUNT_COLUMNS else f'"{c}"'
                for c in HEADER
            )
            con.execute(
                f"copy (select {columns} from synthetic) to '{quoted}' "
                "(format csv, header true, delimiter ',', quote '\"', comment '')"
            )
    finally:
        con.close()
    return path


# ------------------------------------------------------------------ daily inbox batches

# Rows a careless export or a hostile sender adds; each must land in the quarantine with a
# reason (or, for the label, stay out of the queue). {id} is a fresh id, {dup} a batch row's.
HOSTILE_ROWS = (
    ",{id},20,a radio host said the moon is made of glass,not verified,active,-5,1,1,1,1",
    ",,20,someone claims there is no video id here,verified,active,10,1,1,1,1",
    ",{id},20,a friend mentioned views are a word,not verified,active,lots,1,1,1,1",
    ",{id},20,my cousin read that status is unknown,maybe,active,10,1,1,1,1",
    ",{dup},20,the same video id again in one batch,not verified,active,10,1,1,1,1",
    "this line has,too few fields",
    "claim,{id},30,a label already known at intake,verified,active,99,9,1,1,1",
)


def batch_name(day: int) -> str:
    return f"reports_day_{day:03d}.csv"


def _batch_frame(rows: int, seed: int, day: int, directory: Path):
    """`rows` unreviewed reports (transcription and counts, claim_status empty) for `day`;
    the first 5 videos of the day before (its file in `directory`) are reported again."""
    table = generate(rows * 2 + 20, seed + day).read_all()
    frame = table.to_pandas()
    frame = frame[frame["claim_status"].notna()]
    frame = frame.sample(frac=1.0, random_state=seed + day).head(rows).reset_index(drop=True)
    before = directory / batch_name(day - 1)
    if before.is_file() and rows > 10:
        with before.open(newline="") as fh:
            ids = [int(r["video_id"]) for r, _ in zip(csv.DictReader(fh), range(5), strict=False)]
        frame.loc[: len(ids) - 1, "video_id"] = ids
    frame["claim_status"] = None
    frame["#"] = range(1, len(frame) + 1)
    frame[list(COUNT_COLUMNS)] = frame[list(COUNT_COLUMNS)].astype("int64")
    return frame


def write_batch(
    directory: str | Path, day: int = 1, rows: int = 1000, seed: int = DEFAULT_SEED, hostile=True
) -> Path:
    """Write one day's inbox batch (CSV) safely: as <name>.partial, renamed when complete.

    The true class of each report is not written (the reports are unreviewed); the
    transcription templates let `decide` play the moderator.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / batch_name(day)
    partial = path.with_name(path.name + ".partial")
    frame = _batch_frame(rows, seed, day, directory)
    con = duckdb.connect()
    try:
        con.register("batch", frame[list(HEADER)])
        con.execute(
            f"copy batch to '{str(partial).replace(chr(39), chr(39) * 2)}' "
            "(format csv, header true, delimiter ',', quote '\"')"
        )
    finally:
        con.close()
    if hostile:
        rng = np.random.default_rng(seed + 1000 + day)
        fresh = iter(rng.integers(10**9, 10**10, len(HOSTILE_ROWS), dtype=np.int64))
        dup = int(frame["video_id"].iloc[-1])
        with partial.open("a", newline="") as fh:
            for number, row in enumerate(HOSTILE_ROWS, start=len(frame) + 1):
                line = row.format(id=next(fresh), dup=dup)
                fh.write(f"{number}{line if line.count(',') >= 11 else ',' + line}\n")
    partial.rename(path)  # the inbox reads finished files only
    return path


def decide(texts) -> list[str]:
    """A stand-in moderator for synthetic reports: claim when the transcription opens like the
    generator's claims (a source saying something), else opinion."""
    return ["claim" if str(t).startswith(CLAIM_SOURCES) else "opinion" for t in texts]


def write_decisions(path: str | Path | None = None, rows: int | None = None) -> Path:
    """Append decisions on the warehouse's review_today list (the first `rows`, default all)
    to the cumulative decisions CSV (CLAIMS_DECISIONS), plus two rows the build must
    quarantine: an unknown video and an unknown decision. Synthetic data only: `decide`
    knows the generator's wording."""
    import os
    from datetime import UTC, datetime

    from tiktok_claims.paths import DEFAULT_DECISIONS, connect_readonly

    path = Path(path or os.environ.get("CLAIMS_DECISIONS") or DEFAULT_DECISIONS)
    limit = f"limit {int(rows)}" if rows else ""
    with connect_readonly() as con:
        shown = con.sql(
            "select video_id, video_transcription_text from marts.moderation_queue "
            f"where review_today and not needs_manual_review order by queue_rank {limit}"
        ).fetchall()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    lines = [
        f"{video_id},{decision},{now}"
        for (video_id, _), decision in zip(shown, decide(t for _, t in shown), strict=True)
    ]
    lines += [f"1,claim,{now}", f"{shown[0][0] if shown else 2},maybe,{now}"]
    new = not path.is_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", newline="") as fh:
        if new:
            fh.write("video_id,decision,decided_at\n")
        fh.write("\n".join(lines) + "\n")
    return path
