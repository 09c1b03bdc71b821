"""Crafted ONNX files whose sizes overflow Int64 (issue 14 §4): ConstantOfShape and Reshape
to 2^40 per axis, and friends. Writes /tmp/craft_*.onnx; the overflow ones are committed under
Tests/FrontendTests/Fixtures/onnx/bad/. Needs onnx and numpy."""
import onnx, numpy as np
from onnx import helper, TensorProto, numpy_helper
def save(name, nodes, inits, out_shape=None, in_shape=[1, 4]):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)
    g = helper.make_graph(nodes, name, [x], [y], inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), f"/tmp/craft_{name}.onnx")
big = numpy_helper.from_array(np.array([2**40, 2**40], dtype=np.int64), "s")
save("cos", [helper.make_node("ConstantOfShape", ["s"], ["c"], value=numpy_helper.from_array(np.array([1.0], np.float32))),
             helper.make_node("Add", ["x", "c"], ["y"])], [big])
save("flatten", [helper.make_node("Flatten", ["x"], ["y"], axis=10)], [])
st = numpy_helper.from_array(np.array([0, 0], dtype=np.int64), "st"); en = numpy_helper.from_array(np.array([1, 2], dtype=np.int64), "en")
ax = numpy_helper.from_array(np.array([0, 1], dtype=np.int64), "ax"); sp = numpy_helper.from_array(np.array([1], dtype=np.int64), "sp")
save("slice", [helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])], [st, en, ax, sp])
rs = numpy_helper.from_array(np.array([2**40, 2**40, 2**40], dtype=np.int64), "rs")
save("reshape", [helper.make_node("Reshape", ["x", "rs"], ["y"])], [rs])
neg = numpy_helper.from_array(np.array([-1, -1], dtype=np.int64), "ng")
save("reshape2", [helper.make_node("Reshape", ["x", "ng"], ["y"])], [neg])
zero = numpy_helper.from_array(np.array([0, 0], dtype=np.int64), "z0")
save("slicestep0", [helper.make_node("Slice", ["x", "st", "en", "ax", "z0"], ["y"])], [st, en, ax, zero])
save("pool", [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[1 << 40, 1 << 40])], [], in_shape=[1, 1, 4, 4])
save("convstride", [helper.make_node("Conv", ["x", "w"], ["y"], strides=[0, 0])], [numpy_helper.from_array(np.ones((1,1,1,1),np.float32),"w")], in_shape=[1,1,4,4])
