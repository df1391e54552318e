"""Loading the ONS postcode directory (ONSPD) or the National Statistics
Postcode Lookup (NSPL), and the ONS names-and-codes files.

The file is read a row at a time and written in batches (COPY on
PostgreSQL), so 2.7 million rows never sit in memory. The whole load is one
transaction: until it commits, signing keeps reading the edition before,
and a bad row leaves that edition exactly as it was."""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .lookup import GSS_CODE
from .models import AREA_TYPES, Area, Edition, Postcode

BATCH = 10_000

# Each field, and the header names ONS has used for it across editions and
# between the two products, in order of preference. Recent editions name
# columns by the year of the boundaries: lad25cd, wd25cd, pcon24cd.
COLUMNS = {
    "postcode": ["pcds", "pcd", "pcd2", "pcd7", "pcd8"],
    "terminated": ["doterm"],
    "country": ["ctry", r"ctry\d\dcd"],
    "region": ["rgn", r"rgn\d\dcd"],
    "county": ["oscty", "cty", r"cty\d\dcd"],
    "district": ["oslaua", "laua", "lad", r"lad\d\dcd"],
    "division": ["ced", r"ced\d\dcd"],
    "ward": ["osward", "ward", r"wd\d\dcd", r"ward\d\dcd"],
    "constituency": ["pcon", r"pcon\d\dcd"],
}
# The code letters of the names files, e.g. LAD23CD / LAD23NM.
NAME_PREFIXES = {
    "CTRY": "country",
    "RGN": "region",
    "GOR": "region",
    "CTY": "county",
    "LAD": "district",
    "LAUA": "district",
    "CED": "division",
    "WD": "ward",
    "WARD": "ward",
    "PCON": "constituency",
}

# ONS's "no such area here": E99999999, S99999999, L99999999…
_PSEUDO = re.compile(r"^[A-Z]99999999$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
_DOTERM = re.compile(r"^([0-9]{4})([0-9]{2})$")


class DirectoryProblem(Exception):
    """What is wrong with a file, said so that its owner can fix it."""


@dataclass
class Loaded:
    postcodes: int = 0
    terminated: int = 0
    areas: int = 0
    named: int = 0
    by_type: dict = field(default_factory=dict)


class _CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read from it, for the progress bar
    (a text file's tell() cannot be asked while it is being iterated)."""

    def __init__(self, raw):
        self.raw, self.read_bytes = raw, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = self.raw.readinto(buffer)
        self.read_bytes += n or 0
        return n


def _find_columns(header: list[str], path: Path) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    found, missing = {}, []
    for key, patterns in COLUMNS.items():
        for pattern in patterns:
            hit = next((i for i, n in enumerate(names) if re.fullmatch(pattern, n)), None)
            if hit is not None:
                found[key] = hit
                break
        else:
            spellings = " or ".join(p.replace(r"\d\d", "NN") for p in patterns)
            missing.append(f"{key} ({spellings})")
    if missing:
        raise DirectoryProblem(
            f"{path.name}: line 1 is not the header of the ONS postcode directory or "
            f"the NSPL: no column for {', '.join(missing)}."
        )
    return found


def _postcode(value: str) -> str | None:
    compact = re.sub(r"\s+", "", value).upper()
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def _rows(reader, columns: dict[str, int], width: int, path: Path) -> Iterator[tuple]:
    area_columns = [(t, columns[t]) for t in AREA_TYPES]
    for row in reader:
        line = reader.line_num
        if not row:
            continue
        if len(row) != width:
            raise DirectoryProblem(
                f"{path.name}, line {line}: {len(row)} fields where the header has {width}."
            )
        postcode = _postcode(row[columns["postcode"]])
        if postcode is None:
            raise DirectoryProblem(
                f"{path.name}, line {line}: {row[columns['postcode']]!r} is not a postcode."
            )
        terminated = None
        if doterm := row[columns["terminated"]].strip():
            m = _DOTERM.match(doterm)
            if not m or not 1 <= int(m.group(2)) <= 12:
                raise DirectoryProblem(
                    f"{path.name}, line {line}: termination date {doterm!r} is not "
                    f"a year and month like 202401."
                )
            terminated = date(int(m.group(1)), int(m.group(2)), 1)
        codes = []
        for area_type, i in area_columns:
            code = row[i].strip().upper()
            if code and _PSEUDO.match(code):
                code = ""
            elif code and not GSS_CODE.match(code):
                raise DirectoryProblem(
                    f"{path.name}, line {line}: {row[i]!r} in the {area_type} column is "
                    f"not a GSS code like E10000020."
                )
            codes.append(code)
        yield (postcode, terminated, *codes)


def read_names(path: Path) -> dict[str, tuple[str, str]]:
    """code -> (type, name) from an ONS names-and-codes file (LAD23CD,LAD23NM…);
    a lookup file with several code and name pairs gives all of them."""
    names = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = [h.strip().upper() for h in next(reader, [])]
        pairs = []
        for i, h in enumerate(header):
            m = re.fullmatch(r"([A-Z]+?)(\d*)CD", h)
            if not m or m.group(1) not in NAME_PREFIXES:
                continue
            nm = f"{m.group(1)}{m.group(2)}NM"
            if nm in header:
                pairs.append((NAME_PREFIXES[m.group(1)], i, header.index(nm)))
        if not pairs:
            raise DirectoryProblem(
                f"{path.name}: line 1 has no pair of code and name columns SignMe knows, "
                f"such as LAD23CD and LAD23NM."
            )
        for row in reader:
            for area_type, c, n in pairs:
                if max(c, n) >= len(row):
                    raise DirectoryProblem(f"{path.name}, line {reader.line_num}: too few fields.")
                code = row[c].strip().upper()
                if not GSS_CODE.match(code):
                    raise DirectoryProblem(
                        f"{path.name}, line {reader.line_num}: {row[c]!r} is not a GSS code."
                    )
                names[code] = (area_type, row[n].strip())
    return names


_FIELDS = ["postcode", "terminated", *AREA_TYPES]


def _write_postgresql(cursor, rows: Iterator[tuple], every: Callable[[], None]) -> int:
    table = Postcode._meta.db_table
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(_FIELDS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
            if n % BATCH == 0:
                every()
    return n


def _write_in_batches(cursor, rows: Iterator[tuple], every: Callable[[], None]) -> int:
    table = Postcode._meta.db_table
    sql = f"INSERT INTO {table} ({', '.join(_FIELDS)}) VALUES ({', '.join(['%s'] * len(_FIELDS))})"
    n, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            cursor.executemany(sql, batch)
            n += len(batch)
            batch.clear()
            every()
    if batch:
        cursor.executemany(sql, batch)
        n += len(batch)
    return n


def import_directory(
    path: Path, names_files: list[Path] = (), progress: Callable[[int, int], None] | None = None
) -> Loaded:
    """Replace the postcode directory with the one in `path`. progress(done,
    total) is called now and then with the bytes read so far."""
    names: dict[str, tuple[str, str]] = {}
    for names_path in names_files:
        names.update(read_names(names_path))
    size = path.stat().st_size
    loaded = Loaded()
    with open(path, "rb") as raw, transaction.atomic():
        counting = _CountingReader(raw)
        text = io.TextIOWrapper(io.BufferedReader(counting), encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        header = next(reader, None)
        if not header:
            raise DirectoryProblem(f"{path.name} is empty.")
        columns = _find_columns(header, path)
        # The codes seen, by type: a few tens of thousands at most.
        seen: dict[str, set[str]] = {t: set() for t in AREA_TYPES}

        def rows():
            for row in _rows(reader, columns, len(header), path):
                if row[1] is not None:
                    loaded.terminated += 1
                for area_type, code in zip(AREA_TYPES, row[2:], strict=True):
                    if code:
                        seen[area_type].add(code)
                yield row

        def every():
            if progress:
                progress(counting.read_bytes, size)

        Postcode.objects.all().delete()
        with connection.cursor() as cursor:
            try:
                if connection.vendor == "postgresql":
                    loaded.postcodes = _write_postgresql(cursor.cursor, rows(), every)
                else:
                    loaded.postcodes = _write_in_batches(cursor, rows(), every)
            except (IntegrityError, connection.Database.IntegrityError):
                raise DirectoryProblem(
                    f"{path.name} lists the same postcode twice (by line {reader.line_num})."
                ) from None
        areas = {}
        for area_type, codes in seen.items():
            loaded.by_type[area_type] = len(codes)
            for code in codes:
                areas[code] = Area(code=code, type=area_type, name=names.get(code, ("", ""))[1])
        for code, (area_type, name) in names.items():
            areas.setdefault(code, Area(code=code, type=area_type, name=name))
        loaded.named = sum(1 for a in areas.values() if a.name)
        loaded.areas = len(areas)
        Area.objects.all().delete()
        Area.objects.bulk_create(areas.values(), batch_size=2000)
        Edition.objects.all().delete()
        Edition.objects.create(
            file_name=path.name,
            imported_at=timezone.now(),
            postcodes=loaded.postcodes,
            terminated=loaded.terminated,
            areas=loaded.areas,
        )
        if progress:
            progress(size, size)
    return loaded
