package dev.qlens.core.io.onnx;

import dev.qlens.core.io.onnx.ProtoReader.ProtoException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code ModelProto} that qlens needs: every tensor stored in the model
 * (graph initializers, Constant node values, and those of subgraphs) and every node's name, type,
 * inputs and integer attributes. Field numbers follow {@code onnx.proto}.
 */
final class OnnxModel {
    /** Where a tensor's values are stored. */
    enum Storage { RAW, FLOAT_DATA, DOUBLE_DATA, INT32_DATA, INT64_DATA, UINT64_DATA, EXTERNAL, NONE, UNSUPPORTED }

    /** A parsed TensorProto (values are referenced by position, not copied). */
    static final class TensorProto {
        String name = "";
        long[] dims = new long[0];
        int dataType;
        Storage storage = Storage.NONE;
        /** Byte range of raw_data or of a packed repeated field. */
        int start;
        int end;
        /** Values of non-packed repeated numeric fields. */
        List<Long> unpacked;
        Map<String, String> external;
        String unsupportedReason;
        /** "initializer" or "Constant node <name>". */
        String source = "initializer";
    }

    /** A parsed NodeProto. */
    static final class Node {
        String name = "";
        String opType = "";
        final List<String> inputs = new ArrayList<>();
        final List<String> outputs = new ArrayList<>();
        final Map<String, Long> intAttributes = new LinkedHashMap<>();
    }

    final List<TensorProto> tensors = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();
    final Map<String, String> info = new LinkedHashMap<>();
    int sparseInitializers;

    static OnnxModel parse(ByteBuffer buf) {
        OnnxModel m = new OnnxModel();
        ProtoReader r = new ProtoReader(buf, 0, buf.limit());
        boolean sawGraph = false;
        StringBuilder opsets = new StringBuilder();
        while (r.hasNext()) {
            int f = r.nextField();
            if (f == 1 && r.wireType() == ProtoReader.VARINT) {
                m.info.put("onnx.ir_version", Long.toString(r.readVarint()));
            } else if (f == 2 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
                m.info.put("onnx.producer_name", r.readString());
            } else if (f == 3 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
                m.info.put("onnx.producer_version", r.readString());
            } else if (f == 7 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
                sawGraph = true;
                m.parseGraph(r.readMessage(), 0);
            } else if (f == 8 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
                ProtoReader o = r.readMessage();
                String domain = "";
                long version = 0;
                while (o.hasNext()) {
                    int g = o.nextField();
                    if (g == 1 && o.wireType() == ProtoReader.LENGTH_DELIMITED) {
                        domain = o.readString();
                    } else if (g == 2 && o.wireType() == ProtoReader.VARINT) {
                        version = o.readVarint();
                    } else {
                        o.skip();
                    }
                }
                if (opsets.length() > 0) {
                    opsets.append(", ");
                }
                opsets.append(domain.isEmpty() ? "ai.onnx" : domain).append(':').append(version);
            } else {
                r.skip();
            }
        }
        if (!sawGraph) {
            throw new ProtoException("no graph in the model (not an ONNX model file?)");
        }
        if (opsets.length() > 0) {
            m.info.put("onnx.opset_import", opsets.toString());
        }
        return m;
    }

    private void parseGraph(ProtoReader g, int depth) {
        if (depth > 32) {
            throw new ProtoException("subgraphs nested more than 32 levels deep");
        }
        while (g.hasNext()) {
            int f = g.nextField();
            if (g.wireType() != ProtoReader.LENGTH_DELIMITED) {
                g.skip();
                continue;
            }
            switch (f) {
                case 1:
                    parseNode(g.readMessage(), depth);
                    break;
                case 5:
                    tensors.add(parseTensor(g.readMessage()));
                    break;
                case 15:
                    sparseInitializers++;
                    g.skip();
                    break;
                default:
                    g.skip();
                    break;
            }
        }
    }

    private void parseNode(ProtoReader n, int depth) {
        Node node = new Node();
        List<TensorProto> constantValues = new ArrayList<>();
        while (n.hasNext()) {
            int f = n.nextField();
            int wire = n.wireType();
            if (wire != ProtoReader.LENGTH_DELIMITED) {
                n.skip();
                continue;
            }
            switch (f) {
                case 1:
                    node.inputs.add(n.readString());
                    break;
                case 2:
                    node.outputs.add(n.readString());
                    break;
                case 3:
                    node.name = n.readString();
                    break;
                case 4:
                    node.opType = n.readString();
                    break;
                case 5:
                    parseAttribute(n.readMessage(), node, constantValues, depth);
                    break;
                default:
                    n.skip();
                    break;
            }
        }
        if (node.opType.equals("Constant") && !node.outputs.isEmpty()) {
            for (TensorProto t : constantValues) {
                t.name = node.outputs.get(0);
                t.source = "Constant node " + (node.name.isEmpty() ? node.outputs.get(0) : node.name);
                tensors.add(t);
            }
        }
        nodes.add(node);
    }

    private void parseAttribute(ProtoReader a, Node node, List<TensorProto> constantValues, int depth) {
        String name = "";
        Long intValue = null;
        TensorProto tensor = null;
        while (a.hasNext()) {
            int f = a.nextField();
            int wire = a.wireType();
            if (f == 1 && wire == ProtoReader.LENGTH_DELIMITED) {
                name = a.readString();
            } else if (f == 3 && wire == ProtoReader.VARINT) {
                intValue = a.readVarint();
            } else if (f == 5 && wire == ProtoReader.LENGTH_DELIMITED) {
                tensor = parseTensor(a.readMessage());
            } else if ((f == 6 || f == 11) && wire == ProtoReader.LENGTH_DELIMITED) {
                parseGraph(a.readMessage(), depth + 1);
            } else {
                a.skip();
            }
        }
        if (intValue != null) {
            node.intAttributes.put(name, intValue);
        }
        if (tensor != null && name.equals("value")) {
            constantValues.add(tensor);
        }
    }

    private TensorProto parseTensor(ProtoReader t) {
        TensorProto p = new TensorProto();
        List<Long> dims = new ArrayList<>();
        while (t.hasNext()) {
            int f = t.nextField();
            int wire = t.wireType();
            switch (f) {
                case 1:
                    if (wire == ProtoReader.VARINT) {
                        dims.add(t.readVarint());
                    } else if (wire == ProtoReader.LENGTH_DELIMITED) {
                        ProtoReader d = t.readMessage();
                        while (d.hasNext()) {
                            dims.add(d.readVarint());
                        }
                    } else {
                        t.skip();
                    }
                    break;
                case 2:
                    if (wire == ProtoReader.VARINT) {
                        p.dataType = (int) t.readVarint();
                    } else {
                        t.skip();
                    }
                    break;
                case 3:
                    p.storage = Storage.UNSUPPORTED;
                    p.unsupportedReason = "segmented tensors are not supported";
                    t.skip();
                    break;
                case 4:
                    typed(t, p, Storage.FLOAT_DATA, ProtoReader.FIXED32);
                    break;
                case 5:
                    typed(t, p, Storage.INT32_DATA, ProtoReader.VARINT);
                    break;
                case 6:
                    p.storage = Storage.UNSUPPORTED;
                    p.unsupportedReason = "string tensors have no numeric values";
                    t.skip();
                    break;
                case 7:
                    typed(t, p, Storage.INT64_DATA, ProtoReader.VARINT);
                    break;
                case 8:
                    if (wire == ProtoReader.LENGTH_DELIMITED) {
                        p.name = t.readString();
                    } else {
                        t.skip();
                    }
                    break;
                case 9:
                    if (wire == ProtoReader.LENGTH_DELIMITED) {
                        int[] r = t.readRange();
                        p.storage = Storage.RAW;
                        p.start = r[0];
                        p.end = r[1];
                    } else {
                        t.skip();
                    }
                    break;
                case 10:
                    typed(t, p, Storage.DOUBLE_DATA, ProtoReader.FIXED64);
                    break;
                case 11:
                    typed(t, p, Storage.UINT64_DATA, ProtoReader.VARINT);
                    break;
                case 13:
                    if (wire == ProtoReader.LENGTH_DELIMITED) {
                        ProtoReader e = t.readMessage();
                        String key = "";
                        String value = "";
                        while (e.hasNext()) {
                            int g = e.nextField();
                            if (g == 1 && e.wireType() == ProtoReader.LENGTH_DELIMITED) {
                                key = e.readString();
                            } else if (g == 2 && e.wireType() == ProtoReader.LENGTH_DELIMITED) {
                                value = e.readString();
                            } else {
                                e.skip();
                            }
                        }
                        if (p.external == null) {
                            p.external = new LinkedHashMap<>();
                        }
                        p.external.put(key, value);
                    } else {
                        t.skip();
                    }
                    break;
                case 14:
                    if (wire == ProtoReader.VARINT && t.readVarint() == 1) {
                        p.storage = Storage.EXTERNAL;
                    } else if (wire != ProtoReader.VARINT) {
                        t.skip();
                    }
                    break;
                default:
                    t.skip();
                    break;
            }
        }
        if (p.external != null && p.storage != Storage.UNSUPPORTED) {
            p.storage = Storage.EXTERNAL;
        }
        p.dims = new long[dims.size()];
        for (int i = 0; i < p.dims.length; i++) {
            p.dims[i] = dims.get(i);
        }
        return p;
    }

    /** Records a typed repeated field, packed (one range) or not (values collected). */
    private static void typed(ProtoReader t, TensorProto p, Storage storage, int elementWire) {
        if (p.storage == Storage.UNSUPPORTED) {
            t.skip();
            return;
        }
        if (t.wireType() == ProtoReader.LENGTH_DELIMITED) {
            int[] r = t.readRange();
            if (p.storage == storage && p.unpacked == null) {
                throw new ProtoException("tensor '" + p.name + "' has its values in several packed runs");
            }
            p.storage = storage;
            p.start = r[0];
            p.end = r[1];
        } else if (t.wireType() == elementWire) {
            if (p.unpacked == null) {
                p.unpacked = new ArrayList<>();
            }
            p.storage = storage;
            p.unpacked.add(elementWire == ProtoReader.VARINT ? t.readVarint()
                    : elementWire == ProtoReader.FIXED32 ? t.readFixed32() & 0xFFFFFFFFL : t.readFixed64());
        } else {
            t.skip();
        }
    }
}
