package dev.qlens.core;

/**
 * An error caused by the user's input (a bad file, a missing tensor, an unsupported option), as
 * opposed to a bug. The message is written for the user: it names the file, the tensor and what
 * is wrong, and the command line prints it without a stack trace.
 */
public class QlensException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an error with a user-facing message. */
    public QlensException(String message) {
        super(message);
    }

    /** Creates an error with a user-facing message and its cause. */
    public QlensException(String message, Throwable cause) {
        super(message, cause);
    }
}
