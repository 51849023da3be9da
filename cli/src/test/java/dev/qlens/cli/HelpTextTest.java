package dev.qlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Help texts read as written: whole sentences, no hard breaks for picocli to wrap again. */
class HelpTextTest {
    private static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        CommandLine root = new CommandLine(new Main());
        all.add(root);
        all.addAll(root.getSubcommands().values());
        return all;
    }

    /** A paragraph ends like a sentence; a fragment (a hard break) does not. */
    private static boolean whole(String s) {
        String t = s.strip();
        return t.endsWith(".") || t.endsWith(".)") || t.endsWith("`") || t.endsWith(")");
    }

    @Test
    void everyCommandHasAOneSentenceSummaryAndWholeParagraphs() {
        for (CommandLine c : commands()) {
            CommandSpec spec = c.getCommandSpec();
            String name = spec.qualifiedName();
            if (name.equals("qlens help")) {
                continue;
            }
            if (!name.equals("qlens")) {
                String[] header = spec.usageMessage().header();
                assertEquals(1, header.length, name + " needs a one-line header (the command list shows it)");
                assertTrue(header[0].endsWith("."), name + ": " + header[0]);
                assertFalse(header[0].substring(0, header[0].length() - 1).contains(". "), name + ": one sentence");
            }
            for (String p : spec.usageMessage().description()) {
                assertTrue(whole(p), name + ": description paragraph ends mid-sentence (a hard break?): " + p);
            }
            for (OptionSpec o : spec.options()) {
                String[] d = o.description();
                for (int i = 0; i < d.length - 1; i++) {
                    assertTrue(whole(d[i]), name + " " + o.longestName() + ": hard break after: " + d[i]);
                }
            }
        }
    }

    @Test
    void noCommandPrintsUsageOnStderrAndExits2() {
        CliRunner.Result r = CliRunner.run();
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Usage: qlens"), r.err());
        assertTrue(r.err().contains("Exit codes:"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void completionScriptsNameEveryCommand() {
        CliRunner.Result bash = CliRunner.run("completion", "bash");
        assertEquals(0, bash.exitCode(), bash.err());
        assertTrue(bash.out().contains("complete -F"), "a bash completion function");
        for (String cmd : new CommandLine(new Main()).getSubcommands().keySet()) {
            assertTrue(bash.out().contains(cmd), cmd);
        }
        CliRunner.Result zsh = CliRunner.run("completion", "zsh");
        assertEquals(0, zsh.exitCode());
        assertTrue(zsh.out().startsWith("autoload -U +X compinit"), "zsh loads its bash completion support");
        assertEquals(2, CliRunner.run("completion", "fish").exitCode());
    }
}
