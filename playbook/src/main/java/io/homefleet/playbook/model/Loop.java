package io.homefleet.playbook.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A task's loop: {@code loop:} or one of the {@code with_*} forms homefleet takes as loop
 * equivalents. The items stay as written (a list, or a template that yields one at run time).
 *
 * @param kind how the items become loop items
 * @param lookup for {@link Kind#WITH_LOOKUP}, the lookup's name ({@code sequence}); else empty
 * @param items a list, or a template string
 * @param control {@code loop_control}
 */
public record Loop(Kind kind, String lookup, Object items, LoopControl control) {

  /** How the written items become the loop's items, as Ansible's lookups do it. */
  public enum Kind {
    /** {@code loop:} the list as it is. */
    LOOP,
    /** {@code with_items:} lists inside the list are flattened one level. */
    WITH_ITEMS,
    /** {@code with_list:} the list as it is. */
    WITH_LIST,
    /** {@code with_dict:} a mapping becomes a list of {@code {key, value}} items ({@code dict2items}). */
    WITH_DICT,
    /** {@code with_<lookup>:} the items are the terms of that lookup ({@code with_sequence}, {@code with_together}). */
    WITH_LOOKUP
  }

  /** A loop of one of the built-in kinds. */
  public Loop(Kind kind, Object items, LoopControl control) {
    this(kind, "", items, control);
  }

  public Loop {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(lookup, "lookup");
    Objects.requireNonNull(items, "items");
    items = Values.freezeValue(items);
    Objects.requireNonNull(control, "control");
  }

  /**
   * {@code loop_control}.
   *
   * @param loopVar the name the item goes by ({@code item})
   * @param label what to print for each item instead of the whole item (a template)
   * @param indexVar the name of a variable holding the item's index
   * @param pause seconds between items (a number or a template), 0 for none
   * @param extended whether {@code ansible_loop} is set
   */
  public record LoopControl(String loopVar, Optional<String> label, Optional<String> indexVar, Object pause,
      boolean extended) {
    public static final LoopControl DEFAULT = new LoopControl("item", Optional.empty(), Optional.empty(), 0, false);

    public LoopControl {
      Objects.requireNonNull(loopVar, "loopVar");
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(indexVar, "indexVar");
      Objects.requireNonNull(pause, "pause");
    }
  }
}
