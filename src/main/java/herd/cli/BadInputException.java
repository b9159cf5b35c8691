package herd.cli;

/** Bad input to a command other than push: one line for the user, and {@link ExitStatus#BAD_INPUT}. */
final class BadInputException extends Exception {
  BadInputException(String message) {
    super(message);
  }
}
