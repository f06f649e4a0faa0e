package io.homefleet.playbook.template;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.AstTuple;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.ExtendedScanner;
import java.math.BigInteger;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ELContext;

/**
 * Where Jinjava's expression syntax differs from Jinja2's, read as Jinja2 reads it:
 *
 * <ul>
 *   <li>{@code x+1}: Jinjava's scanner takes {@code +1} for a unary plus wherever it stands; here
 *       it is one only where an operand is expected, after an operator or an opening bracket;
 *   <li>{@code foo.null}, {@code foo.true}: after a dot a keyword is an attribute name;
 *   <li>{@code %}: Python's string formatting when its left operand is a string
 *       ({@link PyFormat}), Python's modulo (the sign of the divisor) for numbers.
 * </ul>
 */
final class AnsibleSyntax {
  private AnsibleSyntax() {}

  /** Builds trees with {@link SyntaxParser}; the factory makes one with its features. */
  static final class SyntaxBuilder extends ExtendedSyntaxBuilder {
    private static final long serialVersionUID = 1L;

    SyntaxBuilder(Builder.Feature... features) {
      super(features);
    }

    @Override
    protected Parser createParser(String expression) {
      return new SyntaxParser(this, expression);
    }
  }

  private static final class SyntaxParser extends ExtendedParser {
    SyntaxParser(Builder context, String input) {
      super(context, input);
    }

    @Override
    protected Scanner createScanner(String expression) {
      return new SyntaxScanner(expression);
    }

    @Override
    protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
      return super.createAstBinary(left, right, operator == AstBinary.MOD ? PERCENT : operator);
    }
  }

  private static final class SyntaxScanner extends ExtendedScanner {
    SyntaxScanner(String input) {
      super(input);
    }

    @Override
    protected Token nextEval() throws ScanException {
      Token previous = getToken();
      if (getInput().charAt(getPosition()) == '+' && endsOperand(previous)) {
        return fixed(Symbol.PLUS);
      }
      Token next = super.nextEval();
      if (previous != null && previous.getSymbol() == Symbol.DOT && next.getSymbol() != Symbol.IDENTIFIER
          && isName(next.getImage())) {
        return token(Symbol.IDENTIFIER, next.getImage(), next.getSize());
      }
      return next;
    }

    /** True when {@code token} ends an operand, so that a {@code +} after it adds. */
    private static boolean endsOperand(Token token) {
      if (token == null) {
        return false;
      }
      switch (token.getSymbol()) {
        case IDENTIFIER, INTEGER, FLOAT, STRING, TRUE, FALSE, NULL, RPAREN, RBRACK:
          return true;
        case EXTENSION:
          return "}".equals(token.getImage());
        default:
          return false;
      }
    }

    private static boolean isName(String image) {
      if (image == null || image.isEmpty() || !Character.isJavaIdentifierStart(image.charAt(0))) {
        return false;
      }
      for (int i = 1; i < image.length(); i++) {
        if (!Character.isJavaIdentifierPart(image.charAt(i))) {
          return false;
        }
      }
      return true;
    }
  }

  /** Python's {@code %}: formatting for a string on the left, modulo for numbers. */
  private static final AstBinary.Operator PERCENT = new AstBinary.Operator() {
    @Override
    public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
      Object l = left.eval(bindings, context);
      Object r = right.eval(bindings, context);
      if (l instanceof Undefined u) {
        throw u.error();
      }
      if (Py.isString(l)) {
        return PyFormat.format(l.toString(), r, right instanceof AstTuple);
      }
      if (r instanceof Undefined u) {
        throw u.error();
      }
      return modulo(l, r);
    }

    @Override
    public String toString() {
      return "%";
    }
  };

  /** Python's modulo: the result takes the divisor's sign. */
  static Object modulo(Object a, Object b) {
    if (!(a instanceof Number || a instanceof Boolean) || !(b instanceof Number || b instanceof Boolean)) {
      throw new PyFormat.FormatException("unsupported operand type(s) for %: '" + Py.typeName(a) + "' and '"
          + Py.typeName(b) + "'");
    }
    if ((Py.isInteger(a) || a instanceof Boolean) && (Py.isInteger(b) || b instanceof Boolean)) {
      BigInteger x = integer(a);
      BigInteger y = integer(b);
      if (y.signum() == 0) {
        throw new PyFormat.FormatException("integer division or modulo by zero");
      }
      BigInteger m = x.mod(y.abs());
      if (y.signum() < 0 && m.signum() != 0) {
        m = m.add(y);
      }
      return m.bitLength() < 64 ? (Object) m.longValue() : m;
    }
    double x = ((a instanceof Boolean ba) ? (ba ? 1 : 0) : ((Number) a).doubleValue());
    double y = ((b instanceof Boolean bb) ? (bb ? 1 : 0) : ((Number) b).doubleValue());
    if (y == 0) {
      throw new PyFormat.FormatException("float modulo");
    }
    double m = x % y;
    if (m != 0 && (m < 0) != (y < 0)) {
      m += y;
    }
    return m;
  }

  private static BigInteger integer(Object v) {
    if (v instanceof Boolean b) {
      return b ? BigInteger.ONE : BigInteger.ZERO;
    }
    if (v instanceof BigInteger i) {
      return i;
    }
    if (v instanceof java.math.BigDecimal d) {
      return d.toBigInteger();
    }
    return BigInteger.valueOf(((Number) v).longValue());
  }
}
