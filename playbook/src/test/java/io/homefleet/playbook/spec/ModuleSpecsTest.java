package io.homefleet.playbook.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModuleSpecsTest {
  @Test
  void find_byShortNameOrFqcn_givesTheSameSpec() {
    assertThat(ModuleSpecs.find("ansible.builtin.command")).isEqualTo(ModuleSpecs.find("command"));
    assertThat(ModuleSpecs.find("command")).get().extracting(ModuleSpec::freeForm).isNotNull();
    assertThat(ModuleSpecs.find("copyy")).isEmpty();
  }
}
