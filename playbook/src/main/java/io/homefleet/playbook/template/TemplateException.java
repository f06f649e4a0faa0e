package io.homefleet.playbook.template;

/** A template or expression that cannot be rendered: a syntax error, an undefined variable, a bad filter. */
public final class TemplateException extends Exception {
  private static final long serialVersionUID = 1L;

  public TemplateException(String message) {
    super(message);
  }

  public TemplateException(String message, Throwable cause) {
    super(message, cause);
  }
}
