package io.homefleet.playbook.template;

import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import java.beans.FeatureDescriptor;
import java.util.Iterator;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Property access with Ansible's semantics on top of Jinjava's resolvers: a key a mapping does
 * not have, or any attribute of an undefined value, is {@link Undefined} rather than null, so
 * {@code result.stdout is defined} works and {@code {{ facts.missing }}} fails with its name.
 */
final class StrictResolver extends ELResolver {
  private final ELResolver delegate = JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY;

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    if (base instanceof Undefined u) {
      context.setPropertyResolved(true);
      return u.child(property);
    }
    if (base instanceof Map<?, ?> map && property != null) {
      Object key = property;
      if (!map.containsKey(key) && property instanceof Number n) {
        // Jinjava hands integer subscripts over as Long; YAML keys may be Integer.
        key = map.containsKey(n.intValue()) ? n.intValue() : String.valueOf(n);
      }
      context.setPropertyResolved(true);
      return map.containsKey(key) ? map.get(key) : Undefined.missingKey(property);
    }
    return delegate.getValue(context, base, property);
  }

  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
    if (base instanceof Undefined u) {
      throw u.error();
    }
    Object[] args = params == null ? new Object[0] : params;
    if (method instanceof String name && (Py.isString(base) || base instanceof Map<?, ?>)) {
      for (Object arg : args) {
        if (arg instanceof Undefined u) {
          throw u.error();
        }
      }
      Object result = NO_RESULT;
      if (Py.isString(base)) {
        result = PyMethods.string(base.toString(), name, args);
      } else if (base instanceof Map<?, ?> map) {
        result = PyMethods.dict(map, name, args);
      }
      if (result != NO_RESULT) {
        context.setPropertyResolved(true);
        return result;
      }
    }
    return delegate.invoke(context, base, method, paramTypes, params);
  }

  static final Object NO_RESULT = new Object();

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return delegate.getCommonPropertyType(context, base);
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return delegate.getFeatureDescriptors(context, base);
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return delegate.getType(context, base, property);
  }

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {
    delegate.setValue(context, base, property, value);
  }
}
