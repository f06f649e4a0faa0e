package io.homefleet.agent.module.find;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code find} beside ansible-core 2.14's on one real tree: for every case the same files in the
 * same order, each with the same stat fields, and the same {@code matched}, {@code examined},
 * {@code msg} and {@code skipped_paths}.
 */
class FindAnsibleTest {
  static Path tree(Path root) throws Exception {
    Files.createDirectories(root.resolve("sub/.hid"));
    Files.createDirectories(root.resolve("sub/deep/deeper"));
    Files.writeString(root.resolve("a.conf"), "port = 8080\n");
    Files.writeString(root.resolve("abc.txt"), "a\r\nthen b\n");
    Files.writeString(root.resolve("b.log"), "x\n");
    Files.writeString(root.resolve("old.log"), "x\n");
    Files.writeString(root.resolve(".hidden"), "h\n");
    Files.write(root.resolve("big.bin"), new byte[20 * 1024]);
    Files.write(root.resolve("latin.txt"), new byte[] {'p', (byte) 0xe9, '\n'});
    Files.writeString(root.resolve("x.bak"), "b\n");
    Files.writeString(root.resolve("sub/c.conf"), "port = 80\n");
    Files.writeString(root.resolve("sub/.hid/inner.conf"), "i\n");
    Files.writeString(root.resolve("sub/deep/d.conf"), "d\n");
    Files.writeString(root.resolve("sub/deep/deeper/e.conf"), "e\n");
    Files.createSymbolicLink(root.resolve("link"), root.resolve("sub"));
    Files.createSymbolicLink(root.resolve("flink"), root.resolve("a.conf"));
    Files.createSymbolicLink(root.resolve("dangling"), root.resolve("nowhere"));
    return root;
  }

  static List<Map<String, Object>> cases(Path root) {
    String r = root.toString();
    return List.of(
        Map.of("paths", r),
        Map.of("paths", r, "recurse", true),
        Map.of("paths", r + "/", "recurse", true, "hidden", true),
        Map.of("paths", r, "recurse", true, "patterns", List.of("*.conf", "a?c.txt")),
        Map.of("paths", r, "patterns", "[!a]*"),
        Map.of("paths", r, "patterns", List.of("[a-c]*", "[z-a]*")),
        Map.of("paths", r, "use_regex", true, "patterns", List.of(".*\\.log$"), "excludes", List.of("old")),
        Map.of("paths", r, "use_regex", true, "patterns", List.of("a")),
        Map.of("paths", r, "recurse", true, "excludes", "*.bak,*.log"),
        Map.of("paths", r, "recurse", true, "file_type", "directory", "hidden", true),
        Map.of("paths", r, "file_type", "link"),
        Map.of("paths", r, "recurse", true, "file_type", "any", "size", "-1k"),
        Map.of("paths", r, "recurse", true, "depth", 2),
        Map.of("paths", r, "recurse", true, "contains", "port = 80$"),
        Map.of("paths", r, "contains", "then"),
        Map.of("paths", r, "contains", "a\nthen", "read_whole_file", true),
        Map.of("paths", r, "contains", "p."),
        Map.of("paths", r, "size", "10k"),
        Map.of("paths", r, "age", "-1d"),
        Map.of("paths", r, "age", "1W"),
        Map.of("paths", List.of(r + "/missing", r + "/a.conf", r + "/sub")),
        Map.of("paths", r + "/sub," + r + "/sub/deep", "get_checksum", true),
        Map.of("paths", r, "recurse", true, "follow", true, "patterns", "*.conf"));
  }

  @Test
  void everyCase_findsWhatAnsiblesFindFinds(@TempDir Path tmp) throws Exception {
    Path root = tree(Files.createDirectories(tmp.resolve("tree")));
    List<Map<String, Object>> cases = cases(root);
    List<Map<String, Object>> theirs = AnsibleOracle.run(tmp,
        cases.stream().map(c -> new AnsibleOracle.Task("find", c)).toList(), false, false);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Outcome o = Run.of(new FindModule(), cases.get(i)).go();
      Map<String, Object> ours = o.registered();
      Map<String, Object> their = theirs.get(i);
      String where = "case " + i + " " + cases.get(i) + ": ";
      for (String k : List.of("changed", "msg", "matched", "examined", "skipped_paths")) {
        if (!Objects.equals(text(their.get(k)), text(ours.get(k)))) {
          problems.add(where + k + ": Ansible " + their.get(k) + ", homefleet " + ours.get(k));
        }
      }
      List<?> tf = (List<?>) their.get("files");
      List<?> of = (List<?>) ours.get("files");
      List<Object> tp = tf.stream().map(f -> ((Map<?, ?>) f).get("path")).toList().stream().map(x -> (Object) x).toList();
      List<Object> op = of.stream().map(f -> ((Map<?, ?>) f).get("path")).map(x -> (Object) x).toList();
      if (!tp.equals(op)) {
        problems.add(where + "files: Ansible " + tp + ", homefleet " + op);
        continue;
      }
      for (int f = 0; f < tf.size(); f++) {
        Map<String, Object> t = new LinkedHashMap<>((Map<String, Object>) tf.get(f));
        Map<String, Object> mine = new LinkedHashMap<>((Map<String, Object>) of.get(f));
        // Ansible's own read of a file for contains moves its atime; nothing else may differ.
        t.remove("atime");
        mine.remove("atime");
        if (!text(t).equals(text(mine))) {
          problems.add(where + "file " + t.get("path") + ": Ansible " + t + ", homefleet " + mine);
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  /** Maps in key order, numbers by value: Jackson reads small numbers as Integer where the module has Long. */
  private static String text(Object o) {
    return o instanceof Map<?, ?> m ? new java.util.TreeMap<>(m).toString() : String.valueOf(o);
  }
}
