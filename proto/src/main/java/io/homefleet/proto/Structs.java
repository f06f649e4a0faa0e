package io.homefleet.proto;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversions between protobuf {@link Struct} and plain Java maps, lists and scalars: the one
 * hand-written class in this module, shared by both ends of the wire so they cannot disagree.
 */
public final class Structs {
  private Structs() {}

  public static Struct toStruct(Map<String, ?> map) {
    Struct.Builder b = Struct.newBuilder();
    map.forEach((k, v) -> b.putFields(k, toValue(v)));
    return b.build();
  }

  public static Value toValue(Object v) {
    if (v == null) {
      return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    } else if (v instanceof String s) {
      return Value.newBuilder().setStringValue(s).build();
    } else if (v instanceof Boolean bo) {
      return Value.newBuilder().setBoolValue(bo).build();
    } else if (v instanceof Number n) {
      return Value.newBuilder().setNumberValue(n.doubleValue()).build();
    } else if (v instanceof Map<?, ?> m) {
      Struct.Builder b = Struct.newBuilder();
      m.forEach((k, x) -> b.putFields(String.valueOf(k), toValue(x)));
      return Value.newBuilder().setStructValue(b).build();
    } else if (v instanceof Iterable<?> it) {
      ListValue.Builder l = ListValue.newBuilder();
      it.forEach(x -> l.addValues(toValue(x)));
      return Value.newBuilder().setListValue(l).build();
    }
    return Value.newBuilder().setStringValue(String.valueOf(v)).build();
  }

  public static Map<String, Object> toMap(Struct s) {
    Map<String, Object> out = new LinkedHashMap<>();
    s.getFieldsMap().forEach((k, v) -> out.put(k, fromValue(v)));
    return out;
  }

  public static Object fromValue(Value v) {
    return switch (v.getKindCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case NUMBER_VALUE -> {
        double d = v.getNumberValue();
        yield d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
      }
      case STRUCT_VALUE -> toMap(v.getStructValue());
      case LIST_VALUE -> {
        List<Object> l = new ArrayList<>();
        v.getListValue().getValuesList().forEach(x -> l.add(fromValue(x)));
        yield l;
      }
      case NULL_VALUE, KIND_NOT_SET -> null;
    };
  }
}
