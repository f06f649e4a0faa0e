package io.homefleet.agent.play;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.homefleet.playbook.source.Unsafe;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlayMessagesTest {
  private static final ObjectMapper BOUND = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  @Test
  void json_plainResults_areTheBytesTheDataBindingWrites() throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("changed", true);
    result.put("msg", "caf\u00e9 \"quoted\" \\ back\nslash \u0001 \ud83d\ude00 </script>");
    result.put("rc", 0);
    result.put("size", 12345678901L);
    result.put("ratio", 0.1);
    result.put("nan", Double.NaN);
    result.put("huge", new BigInteger("123456789012345678901234567890"));
    result.put("exact", new BigDecimal("1.50"));
    result.put("nothing", null);
    result.put("results", List.of(Map.of("item", "a"), List.of(), Map.of()));
    result.put("lines", new ArrayList<>(Arrays.asList("x", null, "z")));
    result.put("set", new LinkedHashSet<>(List.of("b", "a")));

    assertThat(PlayMessages.json(result).toByteArray()).isEqualTo(BOUND.writeValueAsBytes(result));
    assertThat(PlayMessages.json(List.of(1, "two")).toByteArray()).isEqualTo(BOUND.writeValueAsBytes(List.of(1, "two")));
    assertThat(PlayMessages.json("text").toByteArray()).isEqualTo(BOUND.writeValueAsBytes("text"));
  }

  @Test
  void json_otherObjects_goThroughTheDataBinding() throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("data", new Unsafe("{{ x }}"));
    result.put("path", Path.of("/etc/motd"));
    result.put("n", 1.5f);
    Map<Object, Object> intKeys = new LinkedHashMap<>();
    intKeys.put(1, "one");
    result.put("intKeys", intKeys);

    assertThat(PlayMessages.json(result).toByteArray()).isEqualTo(BOUND.writeValueAsBytes(result));
  }
}
