package io.homefleet.playbook.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

/**
 * Jinjava's interpreter with Ansible's undefined handling: a name that no scope defines is an
 * {@link Undefined} (not null, which is None), so {@code x is defined} and {@code x | default}
 * work while any other use of {@code x} fails with its name.
 */
final class AnsibleInterpreter extends JinjavaInterpreter {
  private final ControllerLookup controllerLookup;

  AnsibleInterpreter(Jinjava jinjava, Context context, JinjavaConfig config, ControllerLookup controllerLookup) {
    super(jinjava, context, config);
    this.controllerLookup = controllerLookup;
  }

  /** Who answers this render's controller lookups; null when nobody does. */
  ControllerLookup controllerLookup() {
    return controllerLookup;
  }

  @Override
  public Object retraceVariable(String variable, int lineNumber, int startPosition) {
    Object value = super.retraceVariable(variable, lineNumber, startPosition);
    if (value != null || variable == null || variable.isBlank()) {
      return value;
    }
    if (variable.equals("None") || variable.equals("none") || definedInScope(variable)) {
      return null;
    }
    return new Undefined(variable);
  }

  /** Output as Python's str() (True, None, ['a', 1]), as Jinja2 prints values. */
  @Override
  public String getAsString(Object object) {
    if (object == null) {
      return "";
    }
    if (object instanceof Boolean || object instanceof java.util.Map<?, ?> || object instanceof java.util.Collection<?>
        || object instanceof Double || object instanceof Float) {
      return Py.str(object);
    }
    return super.getAsString(object);
  }

  private boolean definedInScope(String name) {
    for (Context c = getContext(); c != null; c = c.getParent()) {
      if (c.getScope().containsKey(name)) {
        return true;
      }
    }
    return false;
  }
}
