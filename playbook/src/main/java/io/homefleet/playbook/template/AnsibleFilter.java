package io.homefleet.playbook.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import java.util.Map;

/**
 * One filter with Ansible's semantics, registered on the engine under {@link #getName()}. The
 * body sees the value and its arguments already evaluated; an {@link Undefined} value is an error
 * unless the filter says it accepts one ({@code default}, {@code mandatory}).
 */
final class AnsibleFilter implements AdvancedFilter {
  /** What a filter computes. */
  @FunctionalInterface
  interface Body {
    Object apply(Object value, Args args) throws Exception;
  }

  private final String name;
  private final boolean acceptsUndefined;
  private final Body body;

  private AnsibleFilter(String name, boolean acceptsUndefined, Body body) {
    this.name = name;
    this.acceptsUndefined = acceptsUndefined;
    this.body = body;
  }

  static AnsibleFilter of(String name, Body body) {
    return new AnsibleFilter(name, false, body);
  }

  static AnsibleFilter acceptingUndefined(String name, Body body) {
    return new AnsibleFilter(name, true, body);
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
    if (var instanceof Undefined u && !acceptsUndefined) {
      throw u.error();
    }
    Args a = new Args(name, args, kwargs);
    a.rejectUndefined();
    try {
      return body.apply(var, a);
    } catch (Undefined.UndefinedVariableException | FilterException e) {
      throw e;
    } catch (Exception e) {
      throw new FilterException(name, e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  /** A filter that cannot handle its input; the message names the filter. */
  static final class FilterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FilterException(String filter, String message, Throwable cause) {
      super("filter '" + filter + "': " + message, cause);
    }

    FilterException(String filter, String message) {
      super("filter '" + filter + "': " + message);
    }
  }
}
