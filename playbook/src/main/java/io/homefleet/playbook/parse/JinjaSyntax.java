package io.homefleet.playbook.parse;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.JinjavaELContext;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.tree.ExpressionNode;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.TreeParser;
import com.hubspot.jinjava.tree.parse.ExpressionToken;
import io.homefleet.playbook.template.AnsibleJinjava;
import io.homefleet.playbook.template.Backslashes;
import io.homefleet.playbook.template.IndexDots;
import io.homefleet.playbook.template.Lookups;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds Jinja syntax errors without rendering anything: the template is parsed into Jinjava's
 * tree (unknown tags, unclosed blocks) and each expression in it is compiled, not evaluated
 * (unbalanced brackets, a dangling operator, an unknown function such as {@code lookup}).
 * Undefined variables and unknown filters are not syntax errors; they surface per host at run
 * time, when the variables are known.
 *
 * <p>Its own engine rather than the shared {@code Templar}: {@code Templar} only renders, and
 * parsing needs Jinjava's tree. One instance per load; not thread-safe.
 */
final class JinjaSyntax {
  private static final Pattern FOR_IN = Pattern.compile("^\\s*(.+?)\\s+in\\s+(.+?)(\\s+if\\s+.+)?(\\s+recursive)?\\s*$",
      Pattern.DOTALL);
  private static final Pattern SET = Pattern.compile("^\\s*[\\w\\s,]+=(.+)$", Pattern.DOTALL);

  private static final Pattern LOOKUP = Pattern.compile("(?<![\\w.])(lookup|query|q)\\s*\\(\\s*(?:['\"]([\\w.]+)['\"])?");

  private final Jinjava jinjava;
  private final JinjavaInterpreter interpreter;
  private final JinjavaELContext elContext;

  JinjaSyntax() {
    jinjava = new AnsibleJinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(false).build());
    interpreter = jinjava.newInterpreter();
    elContext = new JinjavaELContext(interpreter, new JinjavaInterpreterResolver(interpreter));
  }

  /** True when {@code s} contains Jinja markup and so is a template. */
  static boolean isTemplate(String s) {
    return s.contains("{{") || s.contains("{%") || s.contains("{#");
  }

  /** The first syntax error in a template ({@code "port {{ port }}"}), if there is one. */
  Optional<String> checkTemplate(String template) {
    if (!isTemplate(template)) {
      return Optional.empty();
    }
    // A fresh interpreter each time: it collects the parse errors, and they must not pile up.
    JinjavaInterpreter parsing = jinjava.newInterpreter();
    JinjavaInterpreter.pushCurrent(parsing);
    try {
      Node root = new TreeParser(parsing, template).buildTree();
      for (TemplateError e : parsing.getErrorsCopy()) {
        if (e.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR
            || e.getReason() == TemplateError.ErrorReason.UNKNOWN) {
          return Optional.of(clean(e.getMessage()));
        }
      }
      List<String> problems = new ArrayList<>();
      walk(root, problems);
      return problems.stream().findFirst();
    } catch (RuntimeException e) {
      return Optional.of(clean(String.valueOf(e.getMessage())));
    } finally {
      JinjavaInterpreter.popCurrent();
    }
  }

  /** The syntax error in a bare expression ({@code when: x is defined}), if there is one. */
  Optional<String> checkExpression(String expression) {
    if (expression.isBlank()) {
      return Optional.of("empty expression");
    }
    JinjavaInterpreter.pushCurrent(interpreter);
    try {
      return compile(expression);
    } finally {
      JinjavaInterpreter.popCurrent();
    }
  }

  private void walk(Node node, List<String> problems) {
    if (node instanceof ExpressionNode e && e.getMaster() instanceof ExpressionToken t) {
      // Checked as the renderer reads it: with Ansible's doubling of backslashes in its literals.
      String read = Backslashes.inTemplate("{{" + t.getExpr() + "}}");
      compile(read.substring(2, read.length() - 2)).ifPresent(problems::add);
    } else if (node instanceof TagNode tag) {
      String helpers = tag.getHelpers() == null ? "" : tag.getHelpers().trim();
      switch (tag.getName()) {
        case "if", "elif" -> compile(helpers).ifPresent(problems::add);
        case "for" -> {
          Matcher m = FOR_IN.matcher(helpers);
          if (m.matches()) {
            compile(m.group(2)).ifPresent(problems::add);
          } else {
            problems.add("'for' needs 'NAME in EXPRESSION', got '" + helpers + "'");
          }
        }
        case "set" -> {
          Matcher m = SET.matcher(helpers);
          if (m.matches()) {
            compile(m.group(1)).ifPresent(problems::add);
          }
        }
        default -> {
          // Other tags (raw, macro, filter, call...) take arguments Jinjava checks when it renders.
        }
      }
    }
    for (Node child : node.getChildren()) {
      walk(child, problems);
    }
  }

  private Optional<String> compile(String expression) {
    String e = expression.trim();
    if (e.isEmpty()) {
      return Optional.empty();
    }
    Matcher lookup = LOOKUP.matcher(e);
    while (lookup.find()) {
      String plugin = lookup.group(2) == null ? "" : lookup.group(2).replaceFirst("^ansible\\.builtin\\.", "");
      if (!Lookups.NAMES.contains(plugin)) {
        return Optional.of(lookup.group(1) + "() runs an Ansible lookup plugin, which homefleet does not support"
            + " here (it has " + Lookups.LISTED + "; use a variable, "
            + "a fact or a registered result instead)");
      }
    }
    try {
      jinjava.getExpressionFactory().createValueExpression(elContext, "#{" + IndexDots.rewrite(e) + "}", Object.class);
      return Optional.empty();
    } catch (RuntimeException ex) {
      String message = String.valueOf(ex.getMessage());
      if (message.startsWith("Could not resolve function")) {
        // Functions are bound per engine (Templar registers Ansible's); an unknown one surfaces at run time.
        return Optional.empty();
      }
      return Optional.of(clean(message));
    }
  }

  private static String clean(String message) {
    return message.replace("\n", " ").replaceAll("\\s+", " ").trim();
  }
}
