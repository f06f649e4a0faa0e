package io.homefleet.playbook.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.homefleet.playbook.source.Unsafe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link HostPlan} as bytes (compact JSON), for the one protobuf {@code bytes} field that
 * carries it to the agent, and back.
 *
 * <p>Values keep their types: numbers stay integers or floats, {@code !unsafe} strings stay
 * unsafe (written as Ansible writes them, {@code {"__ansible_unsafe": "..."}}), bundle files are
 * base64. Empty fields are left out; unknown fields are ignored, so a newer controller may add
 * fields an older agent does not read. {@link #FORMAT} changes only when a plan would mean
 * something else to an older agent.
 */
public final class PlanCodec {
  /** The plan format this code writes and reads. */
  public static final int FORMAT = 1;

  private static final String UNSAFE_KEY = "__ansible_unsafe";
  private static final ObjectMapper MAPPER = mapper();

  private PlanCodec() {}

  /** The plan as bytes. */
  public static byte[] encode(HostPlan plan) {
    try {
      return MAPPER.writeValueAsBytes(plan);
    } catch (IOException e) {
      // Plans hold plain values only: a value Jackson cannot write is a programming error.
      throw new IllegalArgumentException("cannot encode the plan for '" + plan.play() + "': " + e.getMessage(), e);
    }
  }

  /**
   * A plan from bytes {@link #encode} wrote.
   *
   * @throws PlanException when the bytes are not a plan, or a plan of a newer format
   */
  public static HostPlan decode(byte[] bytes) throws PlanException {
    HostPlan plan;
    try {
      plan = MAPPER.readValue(bytes, HostPlan.class);
    } catch (IOException | RuntimeException e) {
      throw new PlanException("cannot read the plan: " + e.getMessage(), e);
    }
    if (plan.format() != FORMAT) {
      throw new PlanException("plan format " + plan.format() + " is not the one this agent reads (" + FORMAT
          + "): upgrade the agent");
    }
    return plan;
  }

  private static ObjectMapper mapper() {
    SimpleModule values = new SimpleModule("homefleet-plan-values");
    values.addSerializer(Unsafe.class, new UnsafeSerializer());
    values.addDeserializer(Object.class, new ValueDeserializer());
    return JsonMapper.builder()
        .addModule(new Jdk8Module())
        .addModule(values)
        // Empty fields of the plan's records are left out; entries of maps (vars: x: ~) are kept.
        .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY,
            JsonInclude.Include.ALWAYS))
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
  }

  private static final class UnsafeSerializer extends StdSerializer<Unsafe> {
    private static final long serialVersionUID = 1L;

    UnsafeSerializer() {
      super(Unsafe.class);
    }

    @Override
    public void serialize(Unsafe value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeStartObject();
      gen.writeStringField(UNSAFE_KEY, value.text());
      gen.writeEndObject();
    }
  }

  /** Plain values as YAML gave them: maps keep their order, integers stay integers, unsafe stays unsafe. */
  private static final class ValueDeserializer extends StdDeserializer<Object> {
    private static final long serialVersionUID = 1L;

    ValueDeserializer() {
      super(Object.class);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return value(p.readValueAsTree());
    }

    @Override
    public Object getNullValue(DeserializationContext ctxt) {
      return null;
    }

    private static Object value(JsonNode n) {
      if (n == null || n.isNull() || n.isMissingNode()) {
        return null;
      }
      if (n.isObject()) {
        if (n.size() == 1 && n.has(UNSAFE_KEY) && n.get(UNSAFE_KEY).isTextual()) {
          return new Unsafe(n.get(UNSAFE_KEY).textValue());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          out.put(e.getKey(), value(e.getValue()));
        }
        return out;
      }
      if (n.isArray()) {
        List<Object> out = new ArrayList<>(n.size());
        n.forEach(c -> out.add(value(c)));
        return out;
      }
      if (n.isTextual()) {
        return n.textValue();
      }
      if (n.isBoolean()) {
        return n.booleanValue();
      }
      if (n.isInt()) {
        return n.intValue();
      }
      if (n.isLong()) {
        return n.longValue();
      }
      if (n.isBigInteger()) {
        return n.bigIntegerValue();
      }
      if (n.isNumber()) {
        return n.doubleValue();
      }
      return n.asText();
    }
  }
}
