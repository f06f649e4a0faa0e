package io.homefleet.playbook.template;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.objects.collections.PyList;

/**
 * One Jinja test ({@code x is name(args)}) with Ansible's semantics. An {@link Undefined} subject
 * is an error unless the test is about definedness.
 */
final class AnsibleTest implements ExpTest {
  /** What a test decides. */
  @FunctionalInterface
  interface Body {
    boolean test(Object value, Args args) throws Exception;
  }

  private final String name;
  private final boolean acceptsUndefined;
  private final Body body;

  private AnsibleTest(String name, boolean acceptsUndefined, Body body) {
    this.name = name;
    this.acceptsUndefined = acceptsUndefined;
    this.body = body;
  }

  static AnsibleTest of(String name, Body body) {
    return new AnsibleTest(name, false, body);
  }

  static AnsibleTest acceptingUndefined(String name, Body body) {
    return new AnsibleTest(name, true, body);
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
    if (var instanceof Undefined u && !acceptsUndefined) {
      throw u.error();
    }
    Object[] all = flatten(args);
    List<Object> positional = new ArrayList<>();
    Map<String, Object> keywords = new LinkedHashMap<>();
    for (Object o : all) {
      if (o instanceof NamedParameter p) {
        keywords.put(p.getName(), p.getValue());
      } else {
        positional.add(o);
      }
    }
    Args a = new Args(name, positional.toArray(), keywords);
    a.rejectUndefined();
    try {
      return body.test(var, a);
    } catch (Undefined.UndefinedVariableException | AnsibleFilter.FilterException e) {
      throw e;
    } catch (Exception e) {
      throw new AnsibleFilter.FilterException("test " + name, e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  private static Object[] flatten(Object[] args) {
    if (args == null) {
      return new Object[0];
    }
    // Jinjava hands 'x is t(a, b)' over as one tuple argument (exactly a PyList); a list literal
    // or a list variable is another type.
    if (args.length == 1 && args[0] != null && args[0].getClass() == PyList.class) {
      return ((PyList) args[0]).toArray();
    }
    return args;
  }
}
