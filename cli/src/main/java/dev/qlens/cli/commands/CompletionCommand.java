package dev.qlens.cli.commands;

import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code qlens completion bash|zsh}: the shell completion script, generated from the command model. */
@Command(name = "completion",
        header = "Print the shell completion script for bash or zsh.",
        description = {"Commands, options and enumerated values complete with Tab. Install it with"
                + " `source <(qlens completion bash)` in ~/.bashrc, or `source <(qlens completion zsh)` in ~/.zshrc"
                + " (the script loads zsh's bash completion support itself)."},
        mixinStandardHelpOptions = true)
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Override
    public Integer call() {
        String s = shell.trim().toLowerCase(Locale.ROOT);
        if (!s.equals("bash") && !s.equals("zsh")) {
            throw new ParameterException(spec.commandLine(), "SHELL must be bash or zsh, not '" + shell + "'");
        }
        CommandLine root = spec.commandLine().getParent();
        String script = AutoComplete.bash("qlens", root);
        if (s.equals("zsh")) {
            // picocli's script runs under zsh once bashcompinit is loaded; it checks for that itself too.
            script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
