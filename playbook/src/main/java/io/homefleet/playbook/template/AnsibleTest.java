package io.homefleet.playbook.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
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
    Args a = new Args(name, unwrapNamed(args), null);
    a.rejectUndefined();
    try {
      return body.test(var, a);
    } catch (Undefined.UndefinedVariableException | AnsibleFilter.FilterException e) {
      throw e;
    } catch (Exception e) {
      throw new AnsibleFilter.FilterException("test " + name, e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  private static Object[] unwrapNamed(Object[] args) {
    if (args == null) {
      return new Object[0];
    }
    Object[] out = new Object[args.length];
    // Jinjava hands 'x is t(a, b)' over as one tuple argument (exactly a PyList); a list literal
    // or a list variable is another type.
    if (args.length == 1 && args[0] != null && args[0].getClass() == PyList.class) {
      return unwrapNamed(((PyList) args[0]).toArray());
    }
    for (int i = 0; i < args.length; i++) {
      out[i] = args[i] instanceof com.hubspot.jinjava.el.ext.NamedParameter p ? p.getValue() : args[i];
    }
    return out;
  }
}
