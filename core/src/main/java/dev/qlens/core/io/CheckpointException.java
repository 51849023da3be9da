package dev.qlens.core.io;

import dev.qlens.core.QlensException;
import java.nio.file.Path;

/** A checkpoint file that cannot be read as what it claims to be. The message names the file and tensor. */
public class CheckpointException extends QlensException {
    private static final long serialVersionUID = 1L;

    /** An error about the file as a whole. */
    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
    }

    /** An error about one tensor of the file. */
    public CheckpointException(Path file, String tensor, String problem) {
        super(file + ": tensor '" + tensor + "': " + problem);
    }

    /** An error with a cause. */
    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }

    /** An already composed message. */
    public CheckpointException(String message) {
        super(message);
    }
}
