package io.homefleet.playbook.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import java.util.Properties;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeBuilder;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.javax.el.ExpressionFactory;

/**
 * Jinjava whose expressions are read with {@link AnsibleSyntax}'s parser, so that what Jinja2
 * reads ({@code x+1}, {@code foo.null}, {@code '%s' % x}) parses and means the same here. Both
 * the renderer ({@link Templar}) and the load-time syntax check use it, so they agree on what is
 * an expression.
 */
public final class AnsibleJinjava extends Jinjava {
  private final ExpressionFactory expressions = new Factory();

  public AnsibleJinjava(JinjavaConfig config) {
    super(config);
  }

  @Override
  public ExpressionFactory getExpressionFactory() {
    return expressions;
  }

  /** Jinjava's own factory (its type converter, a tree cache) with our tree builder. */
  private static final class Factory extends ExpressionFactoryImpl {
    Factory() {
      super(new Properties(), new TruthyTypeConverter());
    }

    @Override
    protected TreeBuilder createTreeBuilder(Properties properties, Builder.Feature... features) {
      return new AnsibleSyntax.SyntaxBuilder(features);
    }
  }
}
