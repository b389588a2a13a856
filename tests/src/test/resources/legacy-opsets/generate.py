#!/usr/bin/python3
"""Generates ppc's node tests of legacy ONNX opsets (opset < 8), in the ONNX backend-test layout.

The ONNX test data has almost no tests of old operator versions, so these are written here:
each model is built with onnx.helper at an old opset, its expected outputs are computed with
NumPy from the LEGACY semantics as the ONNX changelog states them (not from the modern form ppc
rewrites them into), and saved as

    legacy-opsets/test_NAME/model.onnx
    legacy-opsets/test_NAME/test_data_set_0/input_K.pb, output_K.pb

Models that ppc must refuse (their legacy meaning cannot be proved or has no modern form) go to

    legacy-opsets-refused/test_NAME/model.onnx
    legacy-opsets-refused/test_NAME/error.txt          a fragment of the one-line diagnostic
    legacy-opsets-refused/test_NAME/test_data_set_0/   inputs, so that `ppc run` can be tried

Run from anywhere with Debian's python3-onnx (1.12) and python3-numpy:

    /usr/bin/python3 tests/src/test/resources/legacy-opsets/generate.py

The output is deterministic (fixed seed; onnx.save writes no timestamps).
"""

import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ACCEPTED = HERE
REFUSED = os.path.join(os.path.dirname(HERE), "legacy-opsets-refused")
RNG = np.random.default_rng(20240909)

NP_TO_ONNX = {
    np.dtype(np.float32): TensorProto.FLOAT,
    np.dtype(np.float64): TensorProto.DOUBLE,
    np.dtype(np.int64): TensorProto.INT64,
    np.dtype(np.int32): TensorProto.INT32,
    np.dtype(np.bool_): TensorProto.BOOL,
}


# ---------------------------------------------------------------------------------------------
# Legacy semantics, written from the changelog's text (deliberately not the reshape trick ppc uses)

def legacy_broadcast(op, a, b, broadcast, axis):
    """Binary element-wise op of opset < 7: B is broadcast to A's shape, aligned at `axis`
    (suffix alignment when axis is absent); without broadcast=1 the shapes must be equal."""
    if not broadcast:
        assert a.shape == b.shape, "broadcast=0 needs equal shapes"
        return op(a, b)
    start = a.ndim - b.ndim if axis is None else axis
    out = None
    for idx in np.ndindex(*a.shape):
        bidx = tuple(0 if b.shape[j] == 1 else idx[start + j] for j in range(b.ndim))
        assert all(b.shape[j] in (1, a.shape[start + j]) for j in range(b.ndim))
        v = op(a[idx], b[bidx])
        if out is None:
            out = np.empty(a.shape, dtype=np.asarray(v).dtype)
        out[idx] = v
    return out


def coerced_softmax(x, axis, log=False):
    """Softmax/LogSoftmax before opset 13: the input is coerced to 2-D [prod(d0..d(axis-1)),
    prod(d(axis)..)] and normalized over the second dimension."""
    axis = axis + x.ndim if axis < 0 else axis
    rows = int(np.prod(x.shape[:axis], dtype=np.int64))
    flat = x.reshape(rows, -1).astype(np.float64)
    e = np.exp(flat - flat.max(axis=1, keepdims=True))
    s = e / e.sum(axis=1, keepdims=True)
    out = np.log(s) if log else s
    return out.reshape(x.shape).astype(x.dtype)


# ---------------------------------------------------------------------------------------------

def rand(shape, dtype=np.float32, low=-2.0, high=2.0):
    if dtype == np.bool_:
        return RNG.random(shape) < 0.5
    if np.issubdtype(dtype, np.integer):
        return RNG.integers(-4, 5, size=shape).astype(dtype)
    return RNG.uniform(low, high, size=shape).astype(dtype)


def info(name, arr):
    return helper.make_tensor_value_info(name, NP_TO_ONNX[arr.dtype], list(arr.shape))


def save(root, name, nodes, inputs, outputs, opset, initializers=(), error=None):
    """Writes one test: `inputs` and `outputs` are lists of (name, array)."""
    graph = helper.make_graph(
        nodes, name,
        [info(n, a) for n, a in inputs] + [info(t.name, numpy_helper.to_array(t)) for t in initializers],
        [info(n, a) for n, a in outputs],
        initializer=list(initializers))
    model = helper.make_model(graph, producer_name="ppc-legacy-opsets", opset_imports=[helper.make_opsetid("", opset)])
    # IR version 3 came with opset 1..6 (ONNX 1.0-1.2); later opsets need the IR version of their release.
    model.ir_version = 3 if opset <= 6 else helper.find_min_ir_version_for([helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    d = os.path.join(root, name)
    os.makedirs(os.path.join(d, "test_data_set_0"))
    onnx.save(model, os.path.join(d, "model.onnx"))
    for i, (n, a) in enumerate(inputs):
        write_pb(os.path.join(d, "test_data_set_0", "input_%d.pb" % i), n, a)
    for i, (n, a) in enumerate(outputs):
        write_pb(os.path.join(d, "test_data_set_0", "output_%d.pb" % i), n, a)
    if error is not None:
        with open(os.path.join(d, "error.txt"), "w") as f:
            f.write(error + "\n")


def write_pb(path, name, arr):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(np.asarray(arr), name).SerializeToString())


def accepted(name, nodes, inputs, outputs, opset, initializers=()):
    save(ACCEPTED, name, nodes, inputs, outputs, opset, initializers)


def refused(name, error, nodes, inputs, outputs, opset, initializers=()):
    save(REFUSED, name, nodes, inputs, outputs, opset, initializers, error=error)


# ---------------------------------------------------------------------------------------------

BINARY = {
    "Add": (np.add, np.float32), "Sub": (np.subtract, np.float32), "Mul": (np.multiply, np.float32),
    "Div": (np.divide, np.float32), "Pow": (np.power, np.float32),
    "And": (np.logical_and, np.bool_), "Or": (np.logical_or, np.bool_), "Xor": (np.logical_xor, np.bool_),
    "Equal": (np.equal, np.int64), "Greater": (np.greater, np.float32), "Less": (np.less, np.float32),
}


def binary(name, op, opset, a_shape, b_shape, broadcast=None, axis=None, consumed=False, dtype=None):
    fn, default_dtype = BINARY[op]
    dtype = dtype or default_dtype
    a = rand(a_shape, dtype, 0.5, 2.0) if op == "Pow" else rand(a_shape, dtype)
    b = rand(b_shape, dtype, 0.5, 2.0) if op in ("Div", "Pow") else rand(b_shape, dtype)
    attrs = {}
    if broadcast is not None:
        attrs["broadcast"] = broadcast
    if axis is not None:
        attrs["axis"] = axis
    if consumed:
        attrs["consumed_inputs"] = [0, 0]
    node = helper.make_node(op, ["A", "B"], ["C"], name="/legacy/" + op, **attrs)
    c = legacy_broadcast(fn, a, b, broadcast, axis)
    accepted(name, [node], [("A", a), ("B", b)], [("C", c)], opset)


def unary_chain_opset1():
    """Opset-1 unary ops carry the legacy 'consumed_inputs' hint, which has no meaning for ppc."""
    x = rand((3, 4), np.float32, 0.1, 2.0)
    ops = [("Abs", np.abs), ("Sqrt", np.sqrt), ("Exp", np.exp), ("Log", np.log), ("Reciprocal", np.reciprocal),
           ("Neg", np.negative), ("Relu", lambda v: np.maximum(v, 0)), ("Sigmoid", lambda v: 1 / (1 + np.exp(-v))),
           ("Tanh", np.tanh)]
    nodes, prev, y = [], "X", x.astype(np.float64)
    for i, (op, fn) in enumerate(ops):
        out = "Y" if i == len(ops) - 1 else "t%d" % i
        nodes.append(helper.make_node(op, [prev], [out], name="/legacy/" + op, consumed_inputs=[0]))
        prev, y = out, fn(y)
    accepted("test_unary_consumed_inputs_opset1", nodes, [("X", x)], [("Y", y.astype(np.float32))], 1)


def main():
    for d in (ACCEPTED, REFUSED):
        for entry in os.listdir(d) if os.path.isdir(d) else []:
            if entry.startswith("test_"):
                shutil.rmtree(os.path.join(d, entry))
    os.makedirs(REFUSED, exist_ok=True)

    # Binary element-wise ops before opset 7: limited broadcasting of B to A's shape.
    binary("test_add_bcast_axis0_opset1", "Add", 1, (3, 4), (3,), broadcast=1, axis=0, consumed=True)
    binary("test_add_bcast_axis1_opset1", "Add", 1, (2, 3, 4, 5), (3, 4), broadcast=1, axis=1)
    binary("test_mul_bcast_axis1_opset6", "Mul", 6, (2, 3, 4, 5), (3,), broadcast=1, axis=1)
    binary("test_add_bcast_suffix_opset6", "Add", 6, (2, 3, 4), (4,), broadcast=1)
    binary("test_add_bcast_scalar_opset6", "Add", 6, (2, 3), (), broadcast=1)
    binary("test_add_bcast_one_element_axis_opset6", "Add", 6, (2, 3, 4), (1, 1), broadcast=1, axis=1)
    binary("test_add_bcast_size1_dim_axis0_opset6", "Add", 6, (2, 3), (2, 1), broadcast=1, axis=0)
    binary("test_add_same_shape_opset6", "Add", 6, (2, 3), (2, 3))
    binary("test_add_same_shape_broadcast0_opset1", "Add", 1, (2, 3), (2, 3), broadcast=0, consumed=True)
    binary("test_sub_bcast_axis0_opset6", "Sub", 6, (3, 2, 2), (3, 2), broadcast=1, axis=0)
    binary("test_div_bcast_axis1_opset1", "Div", 1, (2, 3, 4), (3,), broadcast=1, axis=1)
    binary("test_pow_bcast_axis0_opset1", "Pow", 1, (3, 2), (3,), broadcast=1, axis=0)
    binary("test_and_bcast_axis1_opset1", "And", 1, (2, 3, 4), (3,), broadcast=1, axis=1)
    binary("test_or_bcast_axis0_opset1", "Or", 1, (3, 4), (3,), broadcast=1, axis=0)
    binary("test_xor_bcast_suffix_opset1", "Xor", 1, (3, 4), (4,), broadcast=1)
    binary("test_equal_bcast_axis0_opset1", "Equal", 1, (3, 3), (3,), broadcast=1, axis=0)
    binary("test_greater_bcast_axis1_opset1", "Greater", 1, (2, 3, 2), (3,), broadcast=1, axis=1)
    binary("test_less_bcast_axis0_opset1", "Less", 1, (3, 2), (3,), broadcast=1, axis=0)
    # Constant operands (Constant nodes, not weights): clean-up folds the legacy Add, then a kernel adds A.
    a, k1, k2 = rand((3, 4)), rand((3, 4)), rand((3,))
    k = legacy_broadcast(np.add, k1, k2, 1, 0)
    accepted("test_add_bcast_axis0_folded_constants_opset1",
             [helper.make_node("Constant", [], ["K1"], value=numpy_helper.from_array(k1, "K1")),
              helper.make_node("Constant", [], ["K2"], value=numpy_helper.from_array(k2, "K2")),
              helper.make_node("Add", ["K1", "K2"], ["K"], name="/legacy/AddConstants", broadcast=1, axis=0),
              helper.make_node("Add", ["A", "K"], ["C"], name="/legacy/Add")],
             [("A", a)], [("C", a + k)], 1)
    refused("test_add_unequal_shapes_without_broadcast_opset6",
            "Add-6 (the model imports opset 6): the shapes of A f32[2,3] and B f32[3] differ",
            [helper.make_node("Add", ["A", "B"], ["C"], name="/legacy/Add")],
            [("A", rand((2, 3))), ("B", rand((3,)))], [("C", np.zeros((2, 3), np.float32))], 6)
    refused("test_add_bcast_b_larger_than_a_opset6",
            "B f32[3,4] does not broadcast to A f32[3,1]",
            [helper.make_node("Add", ["A", "B"], ["C"], name="/legacy/Add", broadcast=1)],
            [("A", rand((3, 1))), ("B", rand((3, 4)))], [("C", np.zeros((3, 4), np.float32))], 6)
    refused("test_mul_bcast_axis_mismatch_opset6",
            "B f32[3] does not broadcast to A f32[2,3] aligned at axis 0",
            [helper.make_node("Mul", ["A", "B"], ["C"], name="/legacy/Mul", broadcast=1, axis=0)],
            [("A", rand((2, 3))), ("B", rand((3,)))], [("C", np.zeros((2, 3), np.float32))], 6)

    # Gemm before opset 7: C is broadcast only with broadcast=1, otherwise it must be [M, N].
    a, b, c = rand((2, 3)), rand((4, 3)), rand((4,))
    accepted("test_gemm_bcast_c_opset6",
             [helper.make_node("Gemm", ["A", "B", "C"], ["Y"], name="/legacy/Gemm", broadcast=1, transB=1, alpha=0.5, beta=2.0)],
             [("A", a), ("B", b), ("C", c)], [("Y", 0.5 * a @ b.T + 2.0 * c)], 6)
    c2 = rand((2, 4))
    accepted("test_gemm_full_c_opset1",
             [helper.make_node("Gemm", ["A", "B", "C"], ["Y"], name="/legacy/Gemm", transB=1)],
             [("A", a), ("B", b), ("C", c2)], [("Y", a @ b.T + c2)], 1)
    refused("test_gemm_c_without_broadcast_opset6",
            "Gemm-6 (the model imports opset 6): without broadcast=1, C must be [M, N] = [2,4], got f32[4]",
            [helper.make_node("Gemm", ["A", "B", "C"], ["Y"], name="/legacy/Gemm", transB=1)],
            [("A", a), ("B", b), ("C", c)], [("Y", np.zeros((2, 4), np.float32))], 6)

    # Variadic Sum/Max/Min/Mean before opset 8: no broadcasting at all.
    x0, x1, x2 = rand((2, 3)), rand((2, 3)), rand((2, 3))
    for op, fn in (("Sum", lambda *v: v[0] + v[1] + v[2]), ("Max", lambda *v: np.maximum(np.maximum(v[0], v[1]), v[2])),
                   ("Min", lambda *v: np.minimum(np.minimum(v[0], v[1]), v[2])), ("Mean", lambda *v: (v[0] + v[1] + v[2]) / 3)):
        accepted("test_%s_same_shapes_opset1" % op.lower(),
                 [helper.make_node(op, ["x0", "x1", "x2"], ["y"], name="/legacy/" + op, consumed_inputs=[0, 0, 0])],
                 [("x0", x0), ("x1", x1), ("x2", x2)], [("y", fn(x0, x1, x2).astype(np.float32))], 1)
    refused("test_sum_unequal_shapes_opset6",
            "the shapes of x0 f32[2,3] and x1 f32[3] differ",
            [helper.make_node("Sum", ["x0", "x1"], ["y"], name="/legacy/Sum")],
            [("x0", rand((2, 3))), ("x1", rand((3,)))], [("y", np.zeros((2, 3), np.float32))], 6)

    unary_chain_opset1()

    # Reshape before opset 5: the shape is an attribute (0 copies the input's dim, -1 is inferred).
    x = rand((2, 3, 4))
    accepted("test_reshape_attribute_opset1",
             [helper.make_node("Reshape", ["X"], ["Y"], name="/legacy/Reshape", shape=[4, 0, -1], consumed_inputs=[0])],
             [("X", x)], [("Y", x.reshape(4, 3, 2))], 1)
    accepted("test_reshape_attribute_opset4",
             [helper.make_node("Reshape", ["X"], ["Y"], name="/legacy/Reshape", shape=[6, 4])],
             [("X", x)], [("Y", x.reshape(6, 4))], 4)

    # Concat-1: 'axis' is optional and defaults to 1.
    c0, c1 = rand((2, 2, 3)), rand((2, 1, 3))
    accepted("test_concat_default_axis_opset1",
             [helper.make_node("Concat", ["a", "b"], ["y"], name="/legacy/Concat")],
             [("a", c0), ("b", c1)], [("y", np.concatenate([c0, c1], axis=1))], 1)

    # Cast-1: 'to' is the name of the type, a string.
    x = rand((2, 3), np.float32, -3, 3)
    accepted("test_cast_to_string_name_opset1",
             [helper.make_node("Cast", ["x"], ["y"], name="/legacy/Cast", to="INT32")],
             [("x", x)], [("y", x.astype(np.int32))], 1)
    accepted("test_cast_opset6",
             [helper.make_node("Cast", ["x"], ["y"], name="/legacy/Cast", to=TensorProto.DOUBLE)],
             [("x", x)], [("y", x.astype(np.float64))], 6)

    # Clip-1/6: bounds are attributes.
    x = rand((3, 4))
    accepted("test_clip_attributes_opset1",
             [helper.make_node("Clip", ["x"], ["y"], name="/legacy/Clip", min=-0.5, max=0.75, consumed_inputs=[0])],
             [("x", x)], [("y", np.clip(x, -0.5, 0.75))], 1)
    accepted("test_clip_min_only_opset6",
             [helper.make_node("Clip", ["x"], ["y"], name="/legacy/Clip", min=-0.5)],
             [("x", x)], [("y", np.maximum(x, -0.5))], 6)

    # Dropout before opset 12 is the identity at inference (is_test is gone from opset 7 on).
    accepted("test_dropout_is_test_opset1",
             [helper.make_node("Dropout", ["x"], ["y"], name="/legacy/Dropout", is_test=1, ratio=0.3, consumed_inputs=[0])],
             [("x", x)], [("y", x)], 1)
    accepted("test_dropout_ratio_opset7",
             [helper.make_node("Dropout", ["x"], ["y"], name="/legacy/Dropout", ratio=0.3)],
             [("x", x)], [("y", x)], 7)

    # Softmax/LogSoftmax before opset 13 coerce the input to 2-D at 'axis' (default 1).
    x = rand((2, 3, 4))
    accepted("test_softmax_coerced_default_axis_opset1",
             [helper.make_node("Softmax", ["x"], ["y"], name="/legacy/Softmax")],
             [("x", x)], [("y", coerced_softmax(x, 1))], 1)
    accepted("test_logsoftmax_coerced_axis1_opset11",
             [helper.make_node("LogSoftmax", ["x"], ["y"], name="/legacy/LogSoftmax", axis=1)],
             [("x", x)], [("y", coerced_softmax(x, 1, log=True))], 11)
    accepted("test_softmax_coerced_axis0_opset6",
             [helper.make_node("Softmax", ["x"], ["y"], name="/legacy/Softmax", axis=0)],
             [("x", x)], [("y", coerced_softmax(x, 0))], 6)

    # Attribute forms of operands that later opsets take as inputs.
    x = rand((3, 4, 5))
    accepted("test_slice_attributes_opset1",
             [helper.make_node("Slice", ["x"], ["y"], name="/legacy/Slice", starts=[1, -3], ends=[3, 1000], axes=[0, 2])],
             [("x", x)], [("y", x[1:3, :, -3:])], 1)
    accepted("test_slice_attributes_without_axes_opset1",
             [helper.make_node("Slice", ["x"], ["y"], name="/legacy/Slice", starts=[0, 1], ends=[2, -1])],
             [("x", x)], [("y", x[0:2, 1:-1])], 1)
    x = rand((3, 1, 4, 1))
    accepted("test_squeeze_axes_attribute_opset1",
             [helper.make_node("Squeeze", ["x"], ["y"], name="/legacy/Squeeze", axes=[1])],
             [("x", x)], [("y", x.reshape(3, 4, 1))], 1)
    accepted("test_squeeze_all_opset1",
             [helper.make_node("Squeeze", ["x"], ["y"], name="/legacy/Squeeze")],
             [("x", x)], [("y", x.reshape(3, 4))], 1)
    accepted("test_squeeze_negative_axes_opset11",
             [helper.make_node("Squeeze", ["x"], ["y"], name="/legacy/Squeeze", axes=[-1])],
             [("x", x)], [("y", x.reshape(3, 1, 4))], 11)
    x = rand((3, 4))
    accepted("test_unsqueeze_axes_attribute_opset1",
             [helper.make_node("Unsqueeze", ["x"], ["y"], name="/legacy/Unsqueeze", axes=[0, 3])],
             [("x", x)], [("y", x.reshape(1, 3, 4, 1))], 1)
    accepted("test_unsqueeze_negative_axes_opset11",
             [helper.make_node("Unsqueeze", ["x"], ["y"], name="/legacy/Unsqueeze", axes=[-1, 1])],
             [("x", x)], [("y", x.reshape(3, 1, 4, 1))], 11)
    # Split-1 may take its sizes as a second input, typed like the data (float) by the spec.
    x = rand((2, 6))
    accepted("test_split_attribute_opset2",
             [helper.make_node("Split", ["x"], ["y0", "y1"], name="/legacy/Split", axis=1, split=[2, 4])],
             [("x", x)], [("y0", x[:, :2]), ("y1", x[:, 2:])], 2)
    accepted("test_split_negative_axis_opset11",
             [helper.make_node("Split", ["x"], ["y0", "y1"], name="/legacy/Split", axis=-1, split=[5, 1])],
             [("x", x)], [("y0", x[:, :5]), ("y1", x[:, 5:])], 11)
    accepted("test_split_equal_opset1",
             [helper.make_node("Split", ["x"], ["y0", "y1", "y2"], name="/legacy/Split", axis=1)],
             [("x", x)], [("y0", x[:, 0:2]), ("y1", x[:, 2:4]), ("y2", x[:, 4:6])], 1)
    accepted("test_split_input_opset1",
             [helper.make_node("Split", ["x", "split"], ["y0", "y1"], name="/legacy/Split", axis=1)],
             [("x", x)], [("y0", x[:, :1]), ("y1", x[:, 1:])], 1,
             initializers=[numpy_helper.from_array(np.array([1, 5], np.float32), "split")])
    refused("test_split_runtime_input_opset1",
            "Split-1 (the model imports opset 1): its sizes come from input 'split', which is not a constant",
            [helper.make_node("Split", ["x", "split"], ["y0", "y1"], name="/legacy/Split", axis=1)],
            [("x", x), ("split", np.array([1, 5], np.float32))], [("y0", x[:, :1]), ("y1", x[:, 1:])], 1)
    x = rand((2, 3, 4))
    accepted("test_reducesum_axes_attribute_opset1",
             [helper.make_node("ReduceSum", ["x"], ["y"], name="/legacy/ReduceSum", axes=[0, 2], keepdims=0)],
             [("x", x)], [("y", x.sum(axis=(0, 2)))], 1)
    accepted("test_reducemean_axes_attribute_opset1",
             [helper.make_node("ReduceMean", ["x"], ["y"], name="/legacy/ReduceMean", axes=[1])],
             [("x", x)], [("y", x.mean(axis=1, keepdims=True))], 1)
    accepted("test_reducemax_all_axes_opset1",
             [helper.make_node("ReduceMax", ["x"], ["y"], name="/legacy/ReduceMax", keepdims=0)],
             [("x", x)], [("y", np.array(x.max(), np.float32))], 1)
    accepted("test_reducemin_axes_attribute_opset11",
             [helper.make_node("ReduceMin", ["x"], ["y"], name="/legacy/ReduceMin", axes=[-1])],
             [("x", x)], [("y", x.min(axis=-1, keepdims=True))], 11)

    # Ops whose first versions mean what the current ones mean.
    accepted("test_flatten_default_axis_opset1",
             [helper.make_node("Flatten", ["x"], ["y"], name="/legacy/Flatten")],
             [("x", x)], [("y", x.reshape(2, 12))], 1)
    accepted("test_flatten_axis0_opset1",
             [helper.make_node("Flatten", ["x"], ["y"], name="/legacy/Flatten", axis=0)],
             [("x", x)], [("y", x.reshape(1, 24))], 1)
    accepted("test_transpose_default_perm_opset1",
             [helper.make_node("Transpose", ["x"], ["y"], name="/legacy/Transpose")],
             [("x", x)], [("y", x.transpose())], 1)
    accepted("test_argmax_opset1",
             [helper.make_node("ArgMax", ["x"], ["y"], name="/legacy/ArgMax", axis=1, keepdims=0)],
             [("x", x)], [("y", x.argmax(axis=1))], 1)
    m0, m1 = rand((2, 3)), rand((3, 4))
    accepted("test_matmul_opset1",
             [helper.make_node("MatMul", ["a", "b"], ["y"], name="/legacy/MatMul")],
             [("a", m0), ("b", m1)], [("y", m0 @ m1)], 1)
    data, idx = rand((5, 3)), np.array([[0, 4], [2, 2]], np.int64)
    accepted("test_gather_opset1",
             [helper.make_node("Gather", ["data", "idx"], ["y"], name="/legacy/Gather", axis=0)],
             [("data", data), ("idx", idx)], [("y", data[idx])], 1)

    # Tile-1 repeats along one axis given as a run-time input; it has no modern form in ppc.
    t = rand((2, 3))
    refused("test_tile_axis_input_opset1",
            "Tile-1 (the model imports opset 1): its tiles and axis inputs",
            [helper.make_node("Tile", ["x", "tiles", "axis"], ["y"], name="/legacy/Tile")],
            [("x", t), ("tiles", np.array(2, np.int64)), ("axis", np.array(1, np.int64))], [("y", np.tile(t, (1, 2)))], 1)


if __name__ == "__main__":
    main()
