#!/usr/bin/python3
"""Runs pipeline stages exported as ONNX, in order, and compares the model outputs they return
with a fixture's outputs.npz.

    /usr/bin/python3 run_stages.py FIXTURE_DIR STAGE0.onnx STAGE1.onnx ...

Each stage is an ordinary ONNX model: its graph inputs are model inputs (fed from inputs.npz)
or values received from an earlier stage (fed by name from the outputs of the stages run
before it); its graph outputs are the values it sends and the model outputs it returns.
A stage input that neither inputs.npz nor an earlier stage provides is an error. Evaluation
uses fixtures/refeval.py (numpy). Exit status 0 when every output of outputs.npz was produced
by some stage and matches within 1e-4.
"""

import os
import sys

import numpy as np
import onnx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "fixtures"))
import refeval  # noqa: E402


def main(argv):
    fixture, stages = argv[1], argv[2:]
    inputs = dict(np.load(os.path.join(fixture, "inputs.npz")))
    expected = dict(np.load(os.path.join(fixture, "outputs.npz")))
    produced = {}
    for k, path in enumerate(stages):
        model = onnx.load(path)
        initializers = {i.name for i in model.graph.initializer}
        feeds = {}
        for inp in model.graph.input:
            if inp.name in initializers:
                continue
            if inp.name in inputs:
                feeds[inp.name] = inputs[inp.name]
            elif inp.name in produced:
                feeds[inp.name] = produced[inp.name]
            else:
                print("stage %d: input %s is neither a model input nor sent by an earlier stage" % (k, inp.name))
                return 1
        out = refeval.run(model, feeds)
        print("stage %d: %d inputs -> %d outputs" % (k, len(feeds), len(out)))
        produced.update(out)
    worst = 0.0
    for name, ref in expected.items():
        if name not in produced:
            print("output %s was not returned by any stage" % name)
            return 1
        diff = float(np.max(np.abs(produced[name].astype(np.float64) - ref)))
        worst = max(worst, diff)
        print("%s max|diff| %.3g" % (name, diff))
    return 0 if worst <= 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
