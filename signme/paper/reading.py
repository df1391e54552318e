"""What a scan or photo of a sheet says: where the page is, which rows hold
writing and how sure we are of each, and the serial from its barcode.

The page is found from its registration marks with a homography (OpenCV), so
a phone photo's perspective is undone; a sheet printed before the marks is
found from its QR code's corners instead. The table is then straightened into
a small image of its own, where each cell is judged:

- against the paper's own brightness around it (a shadow is not ink),
- between its ruled lines as found on the scan (a line is not ink either: the
  lines the sheet printed are found and masked, not assumed where they should
  be),
- with specks and JPEG noise ignored.

A row whose cells are clearly empty or clearly written is certain; anything
in between, or a row whose ruled lines were not where the registration put
them, is "unsure", for a person to count.
"""

from collections import Counter
from dataclasses import asdict, dataclass, field, replace

import cv2
import numpy as np
import zxingcpp
from PIL import Image

from . import layout as L

# The straightened table: pixels per point (5 per millimetre).
PX = 5 / 2.8346
PAD = 4 * 2.8346  # points of page kept around the table
# Share of a cell's inside that must be ink (after specks are dropped) for the
# cell to be written; below BLANK it is empty; between, unsure.
WRITTEN = 0.012
BLANK = 0.004
# Darker than this share of the paper around it is ink.
INK = 0.72
# A printed line is at least this dark (see darkness()) along its length.
LINE = 0.08
# A speck smaller than this (square millimetres) is dust, not writing.
SPECK_MM2 = 0.6
# How far from where the registration puts it a ruled line is looked for
# (points): the nearest other line is 8 mm away.
SEARCH = 3.2 * 2.8346
INSET = 1.0 * 2.8346  # inside the ruled lines found
READ_COLUMNS = ("name", "address", "signature")

BLANK_STATE, WRITTEN_STATE, UNSURE_STATE = "blank", "written", "unsure"


@dataclass
class RowReading:
    row: int
    state: str  # blank, written or unsure
    confidence: float  # 0 to 1: how sure the state is
    ink: float  # share of the most written cell that is ink
    box: list[int]  # the row's crop in image pixels: left, top, right, bottom
    quad: list[list[float]]  # the row's corners in image pixels

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class SheetReading:
    method: str  # "marks", "qr" (a sheet without marks) or "none"
    rows: list[RowReading] = field(default_factory=list)
    barcode_serial: str = ""

    @property
    def written(self) -> list[int]:
        return [r.row for r in self.rows if r.state == WRITTEN_STATE]

    @property
    def unsure(self) -> list[int]:
        return [r.row for r in self.rows if r.state == UNSURE_STATE]

    @property
    def certain(self) -> bool:
        return bool(self.rows) and not self.unsure

    @property
    def tally(self) -> int | None:
        """The tally, only when every row is certain."""
        return len(self.written) if self.certain else None


def gray_of(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))


# --- Registration ---------------------------------------------------------------


def find_marks(gray: np.ndarray) -> list[tuple[float, float, float]]:
    """Square marks with a square hole and nothing in it: (x, y, side) each."""
    # Looked for at about 100 dpi, where a mark is still 20 pixels across:
    # quicker, and the ruled lines correct the little precision lost.
    shrink = int(min(gray.shape) // 600)
    if shrink >= 2:  # whole blocks of pixels averaged: quick
        small = cv2.resize(gray, None, fx=1 / shrink, fy=1 / shrink, interpolation=cv2.INTER_AREA)
        return [(x * shrink, y * shrink, side * shrink) for x, y, side in find_marks(small)]
    h, w = gray.shape
    block = max(31, (min(h, w) // 12) | 1)
    # The median drops dust, which would otherwise be "something in the hole".
    binary = cv2.adaptiveThreshold(
        cv2.medianBlur(gray, 3), 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )
    contours, hierarchy = cv2.findContours(binary, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    hierarchy = hierarchy[0]
    smallest, largest = (min(h, w) / 150) ** 2, (min(h, w) / 12) ** 2
    depth = [-1] * len(contours)
    for i in range(len(contours)):
        chain, j = [], i
        while j != -1 and depth[j] < 0:
            chain.append(j)
            j = hierarchy[j][3]
        d = depth[j] if j != -1 else -1
        for k in reversed(chain):
            d += 1
            depth[k] = d
    found = []
    for i, contour in enumerate(contours):
        child = hierarchy[i][2]
        if depth[i] % 2 or child == -1:
            continue  # the edge of a hole, not of something black; or no hole
        if hierarchy[child][0] != -1 or hierarchy[child][2] != -1:
            continue  # more than one hole, or something inside it
        area = cv2.contourArea(contour)
        if not smallest < area < largest:
            continue
        hull = cv2.convexHull(contour)
        if area / max(cv2.contourArea(hull), 1) < 0.88:
            continue
        (cx, cy), (rw, rh), _ = cv2.minAreaRect(contour)
        if not 0.7 < rw / max(rh, 1) < 1.4 or area / max(rw * rh, 1) < 0.8:
            continue
        hole = cv2.contourArea(contours[child])
        if not 0.06 < hole / area < 0.4:
            continue
        m = cv2.moments(contours[child])
        if m["m00"] <= 0:
            continue
        hx, hy = m["m10"] / m["m00"], m["m01"] / m["m00"]
        side = (rw + rh) / 2
        if abs(hx - cx) > 0.15 * side or abs(hy - cy) > 0.15 * side:
            continue
        found.append((cx, cy, side))
    return found


def _pick_by_prediction(candidates, predicted: np.ndarray, radius: float):
    chosen = []
    for px, py in predicted:
        near = [(np.hypot(x - px, y - py), (x, y)) for x, y, _ in candidates]
        near = [n for n in near if n[0] < radius]
        chosen.append(min(near)[1] if near else None)
    return chosen


def _pick_by_shape(candidates):
    """Without a QR code to go by: the four outermost marks, if they make the
    table's shape (the page upright, give or take 45 degrees)."""
    if len(candidates) < 4:
        return [None] * 4
    # The marks are the largest of their kind on the page: letters with a
    # hole (o, a, e) are smaller.
    fourth = sorted((side for _, _, side in candidates), reverse=True)[3]
    pts = np.array([(x, y) for x, y, side in candidates if side >= 0.7 * fourth])
    s, d = pts.sum(axis=1), pts[:, 0] - pts[:, 1]
    quad = [pts[s.argmin()], pts[d.argmax()], pts[s.argmax()], pts[d.argmin()]]
    if len({tuple(p) for p in quad}) < 4:
        return [None] * 4
    sides = [np.hypot(*(quad[i] - quad[(i + 1) % 4])) for i in range(4)]
    expected = (L.mark_centres()[1][0] - L.mark_centres()[0][0]) / (
        L.mark_centres()[3][1] - L.mark_centres()[0][1]
    )
    ratios = (sides[0] / max(sides[1], 1), sides[2] / max(sides[3], 1))
    if not all(expected / 1.6 < r < expected * 1.6 for r in ratios):
        return [None] * 4
    return [tuple(p) for p in quad]


def register(gray: np.ndarray, qr_corners=None) -> tuple[np.ndarray | None, str]:
    """The homography from sheet points to image pixels, and how it was found:
    "marks" (three or four marks, with the QR corners when read), "qr" (the
    QR corners alone: a sheet printed before the marks), or "none"."""
    candidates = find_marks(gray)
    qr_sheet = np.array(L.qr_corners(), dtype=np.float32)
    marks_sheet = np.array(L.mark_centres(), dtype=np.float32)
    h_qr = None
    if qr_corners:
        qr_img = np.array(qr_corners, dtype=np.float32)
        h_qr, _ = cv2.findHomography(qr_sheet, qr_img, 0)
    if h_qr is not None:
        predicted = cv2.perspectiveTransform(marks_sheet[None], h_qr)[0]
        scale = np.hypot(*(qr_img[1] - qr_img[0])) / L.QR_SIZE  # pixels per point
        side = L.MARK_SIZE * scale
        sized = [c for c in candidates if 0.6 * side < c[2] < 1.6 * side]
        chosen = _pick_by_prediction(sized, predicted, radius=40 * 2.8346 * scale)
    else:
        chosen = _pick_by_shape(candidates)
    found = [(marks_sheet[i], p) for i, p in enumerate(chosen) if p is not None]
    if len(found) == 4 or (len(found) == 3 and h_qr is not None):
        src = np.array([s for s, _ in found], dtype=np.float32)
        dst = np.array([p for _, p in found], dtype=np.float32)
        if len(found) == 3:
            src, dst = np.vstack([src, qr_sheet]), np.vstack([dst, qr_img])
        matrix, _ = cv2.findHomography(src, dst, 0)
        if matrix is not None and _plausible(matrix, gray.shape):
            return matrix, "marks"
    if h_qr is not None:
        # Four corners 30 mm apart cannot say how the page tilts 150 mm away:
        # a homography fitted to them alone swings wildly there. An affine
        # fit is right for a flatbed scan, and a photo's rows are then left
        # unsure where their lines are not found.
        affine, _ = cv2.estimateAffine2D(qr_sheet, qr_img, method=cv2.LMEDS)
        if affine is not None:
            return np.vstack([affine, [0, 0, 1]]), "qr"
        return h_qr, "qr"
    return None, "none"


def _plausible(matrix: np.ndarray, shape) -> bool:
    """The page's corners land near the image and the page is not folded."""
    corners = np.array([[(0, 0), (L.PAGE_W, 0), (L.PAGE_W, L.PAGE_H), (0, L.PAGE_H)]], np.float32)
    img = cv2.perspectiveTransform(corners, matrix)[0]
    h, w = shape
    if not (np.all(img[:, 0] > -w) and np.all(img[:, 0] < 2 * w)):
        return False
    return cv2.isContourConvex(img.astype(np.float32)) and cv2.contourArea(img) > 0.1 * w * h


# --- The table, straightened ---------------------------------------------------


def _canvas_matrix() -> np.ndarray:
    """Sheet points -> straightened-table pixels."""
    x0, y0 = L.MARGIN - PAD, L.TABLE_TOP - PAD
    return np.array([[PX, 0, -x0 * PX], [0, PX, -y0 * PX], [0, 0, 1]], dtype=np.float64)


def _canvas_size() -> tuple[int, int]:
    return (
        int(np.ceil((L.CONTENT_W + 2 * PAD) * PX)),
        int(np.ceil((L.TABLE_BOTTOM - L.TABLE_TOP + 2 * PAD) * PX)),
    )


def straighten(gray: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """The table as if scanned flat at 5 pixels a millimetre."""
    to_image = matrix @ np.linalg.inv(_canvas_matrix())
    return cv2.warpPerspective(
        gray,
        to_image,
        _canvas_size(),
        flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )


def darkness(table: np.ndarray) -> np.ndarray:
    """How much darker each pixel is than the paper around it, 0 to 1: a
    shadow darkens the paper and what is on it alike, so it does not count."""
    mm = round(PX * 2.8346)
    # The paper's brightness: closing removes anything dark and thinner than
    # ~3 mm (lines, writing), a blur smooths what is left.
    paper = cv2.morphologyEx(table, cv2.MORPH_CLOSE, np.ones((3 * mm, 3 * mm), np.uint8))
    paper = cv2.blur(paper, (5 * mm, 5 * mm)).astype(np.float32)
    return np.clip(1 - table.astype(np.float32) / np.maximum(paper, 40), 0, 1)


def _find_line(dark: np.ndarray, expected: int, search: int, along: slice, axis: int):
    """The printed line nearest `expected` running through `dark` (across its
    rows when axis is 1, its columns when 0) over the stretch `along`. A
    printed line is dark all along: the median finds it and ignores writing,
    which is dark only in places. Every other pixel along is plenty."""
    lo = max(0, expected - search)
    hi = min(dark.shape[0 if axis == 1 else 1], expected + search + 1)
    if hi - lo < 3:
        return None
    step = slice(along.start, along.stop, 2)
    window = dark[lo:hi, step] if axis == 1 else dark[step, lo:hi].T
    middle = window.shape[1] // 2
    if middle == 0:
        return None
    profile = np.partition(window, middle, axis=1)[:, middle]
    # Nearer where it should be is likelier: a column heading's letters, 4 mm
    # above the first row, can be as dark as the line.
    offset = (np.arange(lo, hi) - expected) / search
    best = int((profile * (1 - 0.5 * offset**2)).argmax())
    if profile[best] < LINE:
        return None
    return lo + best


def read_rows(gray: np.ndarray, matrix: np.ndarray, target, marked: bool) -> list[RowReading]:
    table = straighten(gray, matrix)
    dark = darkness(table)
    writing = (dark > 1 - INK).astype(np.uint8)
    speck = max(2, int(SPECK_MM2 * (PX * 2.8346) ** 2))
    canvas = _canvas_matrix()
    to_image = matrix @ np.linalg.inv(canvas)
    cols = {c.key: c for c in L.columns(target, marked=marked)}
    read = [cols[k] for k in READ_COLUMNS if k in cols]
    all_cols = L.columns(target, marked=marked)
    left = (all_cols[0].x - canvas_x0()) * PX
    right = (all_cols[-1].x + all_cols[-1].width - canvas_x0()) * PX
    search = round(SEARCH * PX)
    inset = round(INSET * PX)
    h, w = gray.shape
    found = {}

    def line(expected, along, axis):
        # A row's bottom line is the next row's top: looked for once.
        key = (expected, along.start, along.stop, axis)
        if key not in found:
            found[key] = _find_line(dark, expected, search, along, axis)
        return found[key]

    out = []
    for row in range(1, L.ROWS + 1):
        top_pt, bottom_pt = L.row_top(row), L.row_top(row) + L.ROW_H
        scores, trusted_row = [], True
        tops, bottoms = [], []
        y0 = round((top_pt - canvas_y0()) * PX)
        y1 = round((bottom_pt - canvas_y0()) * PX)
        for col in read:
            x0 = round((col.x - canvas_x0()) * PX)
            x1 = round((col.x + col.width - canvas_x0()) * PX)
            across, down = slice(x0 + inset, x1 - inset), slice(y0 + inset, y1 - inset)
            top = line(y0, across, 1)
            bottom = line(y1, across, 1)
            left_line = line(x0, down, 0)
            right_line = line(x1, down, 0)
            # Judged between the lines found, the cell is where the sheet put
            # it; a line not found means the registration cannot be trusted.
            if None in (top, bottom, left_line, right_line):
                trusted_row = False
            top, bottom = top if top is not None else y0, bottom if bottom is not None else y1
            cl = left_line if left_line is not None else x0
            cr = right_line if right_line is not None else x1
            tops.append(top)
            bottoms.append(bottom)
            cell = writing[top + inset : bottom - inset + 1, cl + inset : cr - inset + 1]
            scores.append(_ink_share(cell, speck))
        score = max(scores) if scores else 0.0
        state, confidence = _judge(score)
        if not trusted_row and state != UNSURE_STATE:
            state, confidence = UNSURE_STATE, min(confidence, 0.4)
        # The whole row, straightened coordinates -> image pixels.
        top_px, bottom_px = float(np.median(tops)), float(np.median(bottoms))
        quad = cv2.perspectiveTransform(
            np.array([[(left, top_px), (right, top_px), (right, bottom_px), (left, bottom_px)]],
                     np.float32),
            to_image,
        )[0]  # fmt: skip
        pad = 1.0 * 2.8346 * PX
        xs, ys = quad[:, 0], quad[:, 1]
        box = [
            int(max(0, np.floor(xs.min() - pad))),
            int(max(0, np.floor(ys.min() - pad))),
            int(min(w, np.ceil(xs.max() + pad))),
            int(min(h, np.ceil(ys.max() + pad))),
        ]
        out.append(
            RowReading(
                row, state, round(confidence, 2), round(score, 4), box, np.round(quad, 1).tolist()
            )  # fmt: skip
        )
    return out


def canvas_x0() -> float:
    return L.MARGIN - PAD


def canvas_y0() -> float:
    return L.TABLE_TOP - PAD


def _ink_share(cell: np.ndarray, speck: int) -> float:
    if cell.size == 0:
        return 0.0
    n, _, stats, _ = cv2.connectedComponentsWithStats(cell, connectivity=8)
    kept = stats[1:, cv2.CC_STAT_AREA]
    return float(kept[kept >= speck].sum()) / cell.size


def _judge(score: float) -> tuple[str, float]:
    if score >= WRITTEN:
        return WRITTEN_STATE, min(1.0, 0.7 + 0.3 * (score - WRITTEN) / WRITTEN)
    if score <= BLANK:
        return BLANK_STATE, min(1.0, 0.7 + 0.3 * (BLANK - score) / BLANK)
    # Between: the nearer a threshold, the likelier that side, but never sure.
    middle = (WRITTEN + BLANK) / 2
    return UNSURE_STATE, round(0.5 * abs(score - middle) / (middle - BLANK), 2)


# --- The serial barcode --------------------------------------------------------


def barcode_serial(gray: np.ndarray, matrix: np.ndarray | None = None) -> str:
    """The serial in the Code 128 barcode under the QR code: with the page's
    registration, in the straightened strip where it is printed (which also
    shows the page is the right way up); without, anywhere on the page.

    A smudged barcode can be misread even past its check digit, and one
    image can give two different readings. So it is read several ways, and
    a serial counts only when at least two readings give it and none gives
    another."""
    if matrix is not None:
        strip = _barcode_strip(gray, matrix)
        # The reader is particular about how many pixels a bar is.
        variants = [strip] + [cv2.resize(strip, None, fx=f, fy=1) for f in (0.75, 1.5, 2)]
        variants.append(cv2.threshold(strip, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1])
        # Straightened, the bars are upright: averaged down their height they
        # make one clean line, free of the noise and blur across them.
        h = strip.shape[0]
        line = strip[int(h * 0.3) : int(h * 0.7)].mean(axis=0)
        line = cv2.normalize(line, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
        blurred = cv2.GaussianBlur(line.reshape(1, -1), (0, 0), 3).ravel()
        sharp = np.clip(2.0 * line - blurred, 0, 255).astype(np.uint8)
        for one in (line, sharp):
            wide = cv2.resize(one.reshape(1, -1), None, fx=2, fy=1).ravel()
            variants += [np.tile(one, (12, 1)), np.tile(wide, (12, 1))]
    else:
        variants = [gray] + [cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
                             for f in (0.75, 0.5)]  # fmt: skip
    readings = Counter(serial for image in variants for serial in _read_code128(image))
    if len(readings) != 1:
        return ""
    [(serial, count)] = readings.items()
    return serial if count >= 2 else ""


def _barcode_strip(gray: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    scale = 6 / 2.8346  # 6 pixels a millimetre: 2.5 a bar module
    # From just right of the footer's text to near the page's edge.
    x0, y0 = L.QR_X - 7 * 2.8346, L.BARCODE_TOP - 2 * 2.8346
    width, height = L.PAGE_W - 2 * 2.8346 - x0, L.BARCODE_H + 4 * 2.8346
    canvas = np.array([[scale, 0, -x0 * scale], [0, scale, -y0 * scale], [0, 0, 1]])
    strip = cv2.warpPerspective(
        gray,
        matrix @ np.linalg.inv(canvas),
        (int(width * scale), int(height * scale)),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    # Paper beyond the ends: the reader wants a wider quiet zone than the
    # 4 mm printed before the footer's text.
    paper = int(np.percentile(strip, 90))
    return cv2.copyMakeBorder(strip, 0, 0, 30, 30, cv2.BORDER_CONSTANT, value=paper)


def _read_code128(gray: np.ndarray) -> set[str]:
    """Every serial the reader finds in the image (more than one: a misread)."""
    found = set()
    for result in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.Code128):
        found.add(L.serial_from_barcode(result.text) or result.text)
    return found


def blank_row(image: Image.Image, quad) -> Image.Image:
    """The image with the row inside `quad` painted white."""
    arr = np.array(image)
    white = 255 if arr.ndim == 2 else (255,) * arr.shape[2]
    cv2.fillConvexPoly(arr, np.round(np.array(quad)).astype(np.int32), white)
    return Image.fromarray(arr)


def read_sheet(image: Image.Image, target, qr_corners=None) -> SheetReading:
    """Everything the page says beside its QR code."""
    gray = gray_of(image)
    matrix, method = register(gray, qr_corners)
    if matrix is None:
        return SheetReading("none", barcode_serial="" if qr_corners else barcode_serial(gray))
    if method == "marks":
        rows = read_rows(gray, matrix, target, marked=True)
    else:
        # Found by its QR code alone: most likely a sheet printed before the
        # marks, but perhaps one whose marks are out of the picture. Whichever
        # table's lines are found where they should be is the one printed.
        tables = [read_rows(gray, matrix, target, marked=m) for m in (False, True)]
        rows = max(tables, key=lambda rows: sum(r.state != UNSURE_STATE for r in rows))
    in_place = barcode_serial(gray, matrix) if method == "marks" else ""
    if not qr_corners and not in_place:
        # Which way up the page is rests on the marks alone (a page upside
        # down has its marks in the same places): no row is sure, and the
        # barcode is looked for anywhere.
        rows = [replace(r, state=UNSURE_STATE, confidence=min(r.confidence, 0.3)) for r in rows]
        return SheetReading(method, rows, barcode_serial(gray))
    return SheetReading(method, rows, in_place)
