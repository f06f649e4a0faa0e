package io.homefleet.playbook.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.homefleet.playbook.model.JsonValues;
import io.homefleet.playbook.model.RunAs;
import io.homefleet.playbook.source.Unsafe;
import io.homefleet.playbook.vars.Precedence;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link HostPlan} as bytes (compact JSON), for the one protobuf {@code bytes} field that
 * carries it to the agent, and back.
 *
 * <p>Values keep their types: numbers stay integers or floats, {@code !unsafe} strings stay
 * unsafe (written as Ansible writes them, {@code {"__ansible_unsafe": "..."}}), bundle files are
 * base64. Empty fields are left out; unknown fields are ignored, so a newer controller may add
 * fields an older agent does not read. {@link #FORMAT} changes only when a plan would mean
 * something else to an older agent.
 *
 * <p>The controller encodes with Jackson's data binding; the agent decodes with the streaming
 * parser alone ({@link io.homefleet.playbook.model.JsonValues}), then builds the records by hand,
 * because the data binding's deserializers are costly to build on a small agent.
 * {@code PlanCompilerTest} holds the two to the same plans.
 */
public final class PlanCodec {
  /**
   * The plan format this code writes and reads: 3 since tasks carry who they run as (RunAs), which
   * an older agent would ignore and run the task as its own user.
   */
  public static final int FORMAT = 3;

  private static final String UNSAFE_KEY = JsonValues.UNSAFE_KEY;
  private static final JsonFactory JSON = new JsonFactory();

  private PlanCodec() {}

  /** The plan as bytes. */
  public static byte[] encode(HostPlan plan) {
    try {
      return Encoder.MAPPER.writeValueAsBytes(plan);
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
    Map<String, Object> o;
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a plan is a JSON object, not " + p.currentToken());
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> root = (Map<String, Object>) JsonValues.read(p, true);
      o = root;
      if (p.nextToken() != null) {
        throw new IOException("more after the plan's object: " + p.currentToken());
      }
    } catch (IOException | RuntimeException e) {
      throw new PlanException("cannot read the plan: " + e.getMessage(), e);
    }
    // The format first: a plan of another format may not even read as this one.
    if (!(o.get("format") instanceof Number format) || format.intValue() != FORMAT) {
      throw new PlanException("plan format " + o.get("format") + " is not the one this agent reads (" + FORMAT
          + "): upgrade the agent");
    }
    try {
      return hostPlan(o);
    } catch (IOException | RuntimeException e) {
      throw new PlanException("cannot read the plan: " + e.getMessage(), e);
    }
  }

  // ---- decoding: plain values first (JsonValues), then the records from them

  private static HostPlan hostPlan(Map<String, Object> o) throws IOException {
    Map<String, byte[]> files = null;
    if (o.get("files") instanceof Map<?, ?> f) {
      files = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : f.entrySet()) {
        files.put((String) e.getKey(), e.getValue() == null ? null
            : Base64Variants.getDefaultVariant().decode(string(e.getValue(), "files")));
      }
    }
    TagSelection tags = null;
    if (o.get("tags") instanceof Map<?, ?> t) {
      tags = new TagSelection(strings(t.get("tags"), "tags"), strings(t.get("skipTags"), "skipTags"));
    }
    return new HostPlan(integer(o.get("format"), "format"), string(o.get("play"), "play"),
        string(o.get("location"), "location"), items(o.get("items"), "items"), handlers(o.get("handlers")),
        roles(o.get("roles")), layers(o.get("vars")), tags,
        bool(o.get("check")), bool(o.get("diff")), bool(o.get("forceHandlers")), files,
        strings(o.get("secrets"), "secrets"));
  }

  /** The variables by level; a level this agent does not know is refused rather than dropped. */
  private static Map<Precedence, Map<String, Object>> layers(Object v) throws IOException {
    Map<String, Object> byName = map(v, "vars");
    Map<Precedence, Map<String, Object>> out = new EnumMap<>(Precedence.class);
    if (byName != null) {
      for (Map.Entry<String, Object> e : byName.entrySet()) {
        Precedence level;
        try {
          level = Precedence.valueOf(e.getKey());
        } catch (IllegalArgumentException ex) {
          throw new IOException("vars: the plan has variables at a level this agent does not know ("
              + e.getKey() + "): upgrade the agent");
        }
        out.put(level, map(e.getValue(), "vars." + e.getKey()));
      }
    }
    return out;
  }

  private static List<PlanItem> items(Object v, String field) throws IOException {
    return each(v, field, PlanCodec::item);
  }

  /** A list field of objects, each made into a record by {@code reader}; null when left out. */
  private static <T> List<T> each(Object v, String field, Reader<T> reader) throws IOException {
    if (v == null) {
      return null;
    }
    List<T> out = new ArrayList<>();
    for (Object o : list(v, field)) {
      out.add(reader.read(map(o, field)));
    }
    return out;
  }

  /** One record from its object's values. */
  private interface Reader<T> {
    T read(Map<String, Object> o) throws IOException;
  }

  private static PlanItem item(Map<String, Object> o) throws IOException {
    Object kind = o.get("k");
    if ("task".equals(kind)) {
      return task(o);
    }
    if ("block".equals(kind)) {
      return new PlanBlock(integer(o.get("id"), "id"), string(o.get("path"), "path"), string(o.get("name"), "name"),
          string(o.get("location"), "location"), items(o.get("block"), "block"), items(o.get("rescue"), "rescue"),
          items(o.get("always"), "always"));
    }
    if ("include".equals(kind)) {
      return new PlanInclude(integer(o.get("id"), "id"), string(o.get("path"), "path"), string(o.get("name"), "name"),
          string(o.get("location"), "location"), string(o.get("kind"), "kind"), string(o.get("file"), "file"),
          integer(o.get("scope"), "scope"), strings(o.get("when"), "when"), map(o.get("contextVars"), "contextVars"),
          map(o.get("params"), "params"), loop(o.get("loop")), bool(o.get("resolved")), items(o.get("items"), "items"));
    }
    throw new IOException("a plan item of unknown kind '" + kind + "' (field k)");
  }

  private static PlanTask task(Map<String, Object> o) throws IOException {
    Map<String, String> files = null;
    if (o.get("files") != null) {
      files = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : map(o.get("files"), "files").entrySet()) {
        files.put(e.getKey(), string(e.getValue(), "files"));
      }
    }
    Optional<PlanRetry> retry = Optional.empty();
    if (o.get("retry") != null) {
      Map<String, Object> r = map(o.get("retry"), "retry");
      retry = Optional.of(new PlanRetry(strings(r.get("until"), "until"), r.get("retries"), r.get("delay")));
    }
    return new PlanTask(integer(o.get("id"), "id"), string(o.get("path"), "path"), string(o.get("name"), "name"),
        string(o.get("location"), "location"), string(o.get("module"), "module"), map(o.get("args"), "args"), files,
        integer(o.get("scope"), "scope"), strings(o.get("when"), "when"), strings(o.get("tags"), "tags"),
        map(o.get("vars"), "vars"), map(o.get("environment"), "environment"),
        string(o.get("ignoreErrors"), "ignoreErrors"), string(o.get("checkMode"), "checkMode"),
        string(o.get("diff"), "diff"), string(o.get("noLog"), "noLog"), loop(o.get("loop")),
        string(o.get("register"), "register"), strings(o.get("notifies"), "notifies"),
        strings(o.get("changedWhen"), "changedWhen"), strings(o.get("failedWhen"), "failedWhen"), retry,
        bool(o.get("implicit")), delegation(o.get("delegation")), runAs(o.get("runAs")));
  }

  private static PlanDelegation delegation(Object v) throws IOException {
    Map<String, Object> d = map(v, "delegation");
    if (d == null) {
      return PlanDelegation.NONE;
    }
    return new PlanDelegation(string(d.get("delegateTo"), "delegateTo"), string(d.get("delegateFacts"), "delegateFacts"),
        string(d.get("runOnce"), "runOnce"), d.get("throttle"));
  }

  private static RunAs runAs(Object v) throws IOException {
    if (v == null) {
      return RunAs.NONE;
    }
    Map<String, Object> r = map(v, "runAs");
    return new RunAs(text(r, "become"), text(r, "becomeUser"), text(r, "becomeMethod"), text(r, "becomeFlags"),
        text(r, "remoteUser"), text(r, "async"), text(r, "poll"));
  }

  /** A string field of {@code r}, empty when left out. */
  private static String text(Map<String, Object> r, String key) throws IOException {
    String s = string(r.get(key), key);
    return s == null ? "" : s;
  }

  private static Optional<PlanLoop> loop(Object v) throws IOException {
    if (v == null) {
      return Optional.empty();
    }
    Map<String, Object> l = map(v, "loop");
    return Optional.of(new PlanLoop(string(l.get("kind"), "kind"), l.get("items"), string(l.get("loopVar"), "loopVar"),
        string(l.get("label"), "label"), string(l.get("indexVar"), "indexVar"), l.get("pause"),
        bool(l.get("extended"))));
  }

  private static List<PlanHandler> handlers(Object v) throws IOException {
    return each(v, "handlers", h -> new PlanHandler(strings(h.get("names"), "names"),
        h.get("task") == null ? null : task(map(h.get("task"), "task"))));
  }

  private static List<RoleScope> roles(Object v) throws IOException {
    return each(v, "roles", r -> new RoleScope(string(r.get("role"), "role"), string(r.get("bundleDir"), "bundleDir"),
        map(r.get("defaults"), "defaults"), map(r.get("vars"), "vars"), map(r.get("params"), "params"),
        bool(r.get("exported"))));
  }

  /** A mapping field; null when left out. A mapping that happens to look unsafe is a mapping here. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v, String field) throws IOException {
    if (v == null || v instanceof Map<?, ?>) {
      return (Map<String, Object>) v;
    }
    if (v instanceof Unsafe u) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(UNSAFE_KEY, u.text());
      return m;
    }
    throw new IOException("field " + field + " is not a mapping: " + v);
  }

  private static List<?> list(Object v, String field) throws IOException {
    if (v instanceof List<?> l) {
      return l;
    }
    throw new IOException("field " + field + " is not a list: " + v);
  }

  private static List<String> strings(Object v, String field) throws IOException {
    if (v == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Object o : list(v, field)) {
      out.add(string(o, field));
    }
    return out;
  }

  /** A string field, null when left out; scalars are taken as their text, as the data binding does. */
  private static String string(Object v, String field) throws IOException {
    if (v == null || v instanceof String) {
      return (String) v;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    throw new IOException("field " + field + " is not a string: " + v);
  }

  private static int integer(Object v, String field) throws IOException {
    if (v == null) {
      return 0;
    }
    if (v instanceof Integer i) {
      return i;
    }
    throw new IOException("field " + field + " is not an int: " + v);
  }

  private static boolean bool(Object v) {
    return Boolean.TRUE.equals(v);
  }

  // ---- encoding

  /** The data binding, built only where plans are encoded (the controller): the agent never needs it. */
  private static final class Encoder {
    private static final ObjectMapper MAPPER = mapper();
  }

  private static ObjectMapper mapper() {
    SimpleModule values = new SimpleModule("homefleet-plan-values");
    values.addSerializer(Unsafe.class, new UnsafeSerializer());
    values.addSerializer(PlanDelegation.class, new DelegationSerializer());
    return JsonMapper.builder()
        .addModule(new Jdk8Module())
        .addModule(values)
        // Empty fields of the plan's records are left out; entries of maps (vars: x: ~) are kept.
        .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY,
            JsonInclude.Include.ALWAYS))
        .build();
  }

  /** A task's delegation keywords, left out when none is given (most tasks). */
  private static final class DelegationSerializer extends StdSerializer<PlanDelegation> {
    private static final long serialVersionUID = 1L;

    DelegationSerializer() {
      super(PlanDelegation.class);
    }

    @Override
    public boolean isEmpty(SerializerProvider provider, PlanDelegation value) {
      return value == null || value.isNone();
    }

    @Override
    public void serialize(PlanDelegation value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeStartObject();
      if (!value.delegateTo().isEmpty()) {
        gen.writeStringField("delegateTo", value.delegateTo());
      }
      if (!value.delegateFacts().isEmpty()) {
        gen.writeStringField("delegateFacts", value.delegateFacts());
      }
      if (!value.runOnce().isEmpty()) {
        gen.writeStringField("runOnce", value.runOnce());
      }
      if (value.throttle() != null) {
        gen.writeObjectField("throttle", value.throttle());
      }
      gen.writeEndObject();
    }
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
}
