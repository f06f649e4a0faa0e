package io.homefleet.playbook.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModuleSpecsTest {
  @Test
  void find_byShortNameOrFqcn_givesTheSameSpec() {
    assertThat(ModuleSpecs.find("ansible.builtin.command")).isEqualTo(ModuleSpecs.find("command"));
    assertThat(ModuleSpecs.find("command").orElseThrow().freeForm()).contains("_raw_params");
    assertThat(ModuleSpecs.find("copy").orElseThrow().freeForm()).isEmpty();
    assertThat(ModuleSpecs.find("copyy")).isEmpty();
  }

  @Test
  void aliasesAndChoices_areAnsibles() {
    ModuleSpec file = ModuleSpecs.find("ansible.builtin.file").orElseThrow();
    assertThat(file.argsByName().get("dest").name()).isEqualTo("path");
    assertThat(file.argsByName().get("state").choices()).contains("absent", "directory", "file", "hard", "link", "touch");
    assertThat(file.argsByName().get("path").required()).isTrue();
    assertThat(ModuleSpecs.find("lineinfile").orElseThrow().argsByName()).containsKeys("regex", "destfile", "value",
        "mode", "owner");
    assertThat(ModuleSpecs.find("apt").orElseThrow().argsByName().get("pkg").name()).isEqualTo("name");
    assertThat(ModuleSpecs.find("ansible.builtin.systemd_service")).isEqualTo(ModuleSpecs.find("systemd"));
  }

  @Test
  void setFact_takesKeysOfTheUsersChoosing_othersDoNot() {
    assertThat(ModuleSpecs.find("set_fact").orElseThrow().anyKeys()).isTrue();
    assertThat(ModuleSpecs.find("copy").orElseThrow().anyKeys()).isFalse();
  }
}
