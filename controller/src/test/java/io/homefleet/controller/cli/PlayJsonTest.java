package io.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PlayJson} reads and prints as Jackson's object mapper did, which the CLI used before. */
class PlayJsonTest {
  private static final ObjectMapper JACKSON = new ObjectMapper();
  private static final ObjectMapper JACKSON_PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final List<String> DOCUMENTS = List.of(
      "{}", "[]", "{\"a\":[]}", "{\"a\":{}}", "\"x\"", "0", "-12", "3.25", "1e3", "-2.5E-3", "true", "null",
      "{\"changed\":false,\"msg\":\"hello\",\"rc\":0}",
      " { \"msg\" : [ 1 , 2 , { \"a\" : true , \"b\" : null } ] , \"n\" : 2147483648 , \"big\" : 123456789012345678901234 } ",
      "{\"s\":\"quote \\\" backslash \\\\ slash \\/ nl \\n tab \\t cr \\r bs \\b ff \\f nul \\u0000 e \\u00e9 snow \\u2603\"}",
      "{\"nested\":{\"deeper\":{\"list\":[[1,[2]],{\"x\":{\"y\":[]}}]}},\"after\":\"z\"}",
      "[{\"a\":1},{\"b\":[{\"c\":2}]}]");

  @Test
  void parse_thenPrint_matchesJacksonCompactAndPretty() throws Exception {
    for (String doc : DOCUMENTS) {
      Object ours = PlayJson.parse(doc);
      Object theirs = JACKSON.readValue(doc, Object.class);
      assertThat(ours).as(doc).isEqualTo(theirs);
      assertThat(PlayJson.compact(ours)).as(doc).isEqualTo(JACKSON.writeValueAsString(theirs));
      assertThat(PlayJson.pretty(ours)).as(doc).isEqualTo(JACKSON_PRETTY.writeValueAsString(theirs));
    }
  }

  @Test
  void parse_invalid_throwsWithTheOffset() {
    for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "{\"a\":1} x", "\"open", "tru", "{a:1}")) {
      assertThatThrownBy(() -> PlayJson.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at offset");
    }
  }
}
