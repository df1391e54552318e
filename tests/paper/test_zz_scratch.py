import numpy as np
from PIL import Image
from signme.paper import scans, reading as R
from .test_scans import filled

def test_dump(petition, sheets):
    image = filled(petition, sheets[0].serial, [2])
    arr = np.asarray(image).copy()
    rng = np.random.default_rng(3)
    ys, xs = rng.integers(0, arr.shape[0], 4000), rng.integers(0, arr.shape[1], 4000)
    arr[ys, xs] = 0
    specked = Image.fromarray(arr)
    specked.save("/tmp/scan/specked.png")
    q = scans.read_code(specked)
    r = R.read_sheet(specked, petition.target, q.corners)
    print(r.method)
    for row in r.rows: print(row.row, row.state, row.confidence)
    assert 0
