package io.homefleet.playbook.template;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.Map;

/**
 * The top scope of one render: Jinjava quietly yields nothing for a filter or test it does not
 * know; here that is an error naming it, as in Ansible.
 */
final class StrictContext extends Context {
  StrictContext(Context parent, Map<String, ?> bindings) {
    super(parent, bindings);
  }

  @Override
  public Filter getFilter(String name) {
    Filter filter = super.getFilter(name);
    if (filter == null) {
      throw new AnsibleFilter.FilterException(name, "no filter named '" + name + "'");
    }
    return filter;
  }

  @Override
  public ExpTest getExpTest(String name) {
    ExpTest test = super.getExpTest(name);
    if (test == null) {
      throw new AnsibleFilter.FilterException(name, "no test named '" + name + "'");
    }
    return test;
  }
}
