package io.homefleet.playbook.plan;

import java.util.Objects;

/**
 * A task's or include's loop, as written: {@code items} is a list (each element templated at run
 * time) or one template that yields a list.
 *
 * @param kind {@code loop}, {@code with_items} (flattened one level), {@code with_list} or
 *     {@code with_dict} (a mapping becomes {@code {key, value}} items)
 * @param items the list or template
 * @param loopVar the name the item goes by ({@code item})
 * @param label a template shown for each item instead of the item, empty for the item itself
 * @param indexVar the name of a variable holding the item's index, empty for none
 * @param pause seconds between items (a number or a template)
 * @param extended whether {@code ansible_loop} is set
 */
public record PlanLoop(String kind, Object items, String loopVar, String label, String indexVar, Object pause,
    boolean extended) {

  public PlanLoop {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(items, "items");
    loopVar = loopVar == null || loopVar.isEmpty() ? "item" : loopVar;
    label = label == null ? "" : label;
    indexVar = indexVar == null ? "" : indexVar;
    pause = pause == null ? 0 : pause;
  }
}
