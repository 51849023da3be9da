package dev.qlens.core.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's WordPiece tokenizer, read from a Hugging Face {@code tokenizer.json} ({@code BertNormalizer},
 * {@code BertPreTokenizer}, {@code WordPiece}, {@code [CLS] $A [SEP]}): text cleaning (control characters
 * dropped, whitespace made spaces), CJK characters split off, accents stripped and lower-casing as the
 * file says, whitespace and punctuation splitting, greedy longest-match-first word pieces with the
 * continuation prefix, {@code [UNK]} for words with no split or over the length limit.
 *
 * <p>Truncation: sequences are cut to {@code maxTokens} including the two special tokens. The caller
 * chooses it; the truncation a tokenizer file declares (MiniLM's says 128) is reported by
 * {@link #declaredMaxLength()} but not applied here.
 */
public final class BertTokenizer {
    private final Map<String, Integer> vocab;
    private final String unk;
    private final String prefix;
    private final int maxCharsPerWord;
    private final boolean lowercase;
    private final boolean stripAccents;
    private final boolean handleChinese;
    private final boolean cleanText;
    private final int cls;
    private final int sep;
    private final int declaredMaxLength;
    /** Added tokens matched literally in the raw text (BERT's [CLS], [SEP], ...), longest first. */
    private final List<Map.Entry<String, Integer>> addedTokens;

    private BertTokenizer(Map<String, Integer> vocab, String unk, String prefix, int maxCharsPerWord, boolean lowercase,
                          boolean stripAccents, boolean handleChinese, boolean cleanText, int declaredMaxLength,
                          List<Map.Entry<String, Integer>> addedTokens) {
        this.vocab = vocab;
        this.unk = unk;
        this.prefix = prefix;
        this.maxCharsPerWord = maxCharsPerWord;
        this.lowercase = lowercase;
        this.stripAccents = stripAccents;
        this.handleChinese = handleChinese;
        this.cleanText = cleanText;
        this.cls = id("[CLS]");
        this.sep = id("[SEP]");
        this.declaredMaxLength = declaredMaxLength;
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(addedTokens);
        sorted.sort((a, b) -> Integer.compare(b.getKey().length(), a.getKey().length()));
        this.addedTokens = List.copyOf(sorted);
    }

    private int id(String token) {
        Integer i = vocab.get(token);
        if (i == null) {
            throw new IllegalArgumentException("the vocabulary has no " + token + " token");
        }
        return i;
    }

    /**
     * Reads a {@code tokenizer.json}.
     *
     * @throws IllegalArgumentException when it is not a WordPiece tokenizer with a BERT normalizer
     */
    public static BertTokenizer read(Reader json) throws IOException {
        JsonObject root;
        try {
            com.google.gson.JsonElement parsed = JsonParser.parseReader(json);
            if (!parsed.isJsonObject()) {
                throw new IllegalArgumentException("not a tokenizer.json file (no JSON object)");
            }
            root = parsed.getAsJsonObject();
        } catch (com.google.gson.JsonParseException e) {
            throw new IllegalArgumentException("the tokenizer file is " + dev.qlens.core.io.JsonErrors.describe(e));
        }
        JsonObject model = root.getAsJsonObject("model");
        if (model == null || !"WordPiece".equals(model.get("type").getAsString())) {
            throw new IllegalArgumentException("not a WordPiece tokenizer (model.type is "
                    + (model == null ? "missing" : model.get("type")) + ")");
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (Map.Entry<String, JsonElement> e : model.getAsJsonObject("vocab").entrySet()) {
            vocab.put(e.getKey(), e.getValue().getAsInt());
        }
        JsonObject norm = root.has("normalizer") && root.get("normalizer").isJsonObject()
                ? root.getAsJsonObject("normalizer") : new JsonObject();
        boolean lower = bool(norm, "lowercase", true);
        boolean strip = norm.has("strip_accents") && !norm.get("strip_accents").isJsonNull()
                ? norm.get("strip_accents").getAsBoolean() : lower;
        int declared = 0;
        JsonElement t = root.get("truncation");
        if (t != null && t.isJsonObject() && t.getAsJsonObject().has("max_length")) {
            declared = t.getAsJsonObject().get("max_length").getAsInt();
        }
        List<Map.Entry<String, Integer>> added = new ArrayList<>();
        if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
            for (JsonElement e : root.getAsJsonArray("added_tokens")) {
                JsonObject t2 = e.getAsJsonObject();
                // Tokens matched on normalized text, or only as whole words / with stripped spaces, are not
                // BERT's; they are left to the word-piece model.
                if (!bool(t2, "normalized", false) && !bool(t2, "single_word", false) && !bool(t2, "lstrip", false)
                        && !bool(t2, "rstrip", false)) {
                    added.add(Map.entry(t2.get("content").getAsString(), t2.get("id").getAsInt()));
                }
            }
        }
        return new BertTokenizer(vocab, model.get("unk_token").getAsString(),
                model.has("continuing_subword_prefix") ? model.get("continuing_subword_prefix").getAsString() : "##",
                model.has("max_input_chars_per_word") ? model.get("max_input_chars_per_word").getAsInt() : 100, lower,
                strip, bool(norm, "handle_chinese_chars", true), bool(norm, "clean_text", true), declared, added);
    }

    private static boolean bool(JsonObject o, String key, boolean def) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsBoolean() : def;
    }

    /** The truncation length the tokenizer file declares (0 when none). */
    public int declaredMaxLength() {
        return declaredMaxLength;
    }

    /** Vocabulary size. */
    public int vocabSize() {
        return vocab.size();
    }

    /**
     * Token ids of one text: [CLS], the word pieces (cut to maxTokens - 2), [SEP]. Added tokens written
     * in the text (such as "[MASK]") become their ids, as the Hugging Face tokenizers library does.
     */
    public int[] encode(String text, int maxTokens) {
        List<Integer> ids = new ArrayList<>();
        ids.add(cls);
        int room = Math.max(0, maxTokens - 2);
        int from = 0;
        while (from <= text.length() && ids.size() - 1 < room) {
            int at = text.length();
            Map.Entry<String, Integer> hit = null;
            for (Map.Entry<String, Integer> a : addedTokens) {
                int i = text.indexOf(a.getKey(), from);
                if (i >= 0 && i < at) {
                    at = i;
                    hit = a;
                }
            }
            for (String word : words(normalize(text.substring(from, at)))) {
                if (ids.size() - 1 >= room) {
                    break;
                }
                wordPieces(word, ids, room + 1);
            }
            if (hit == null) {
                break;
            }
            if (ids.size() - 1 < room) {
                ids.add(hit.getValue());
            }
            from = at + hit.getKey().length();
        }
        ids.add(sep);
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.get(i);
        }
        return out;
    }

    /** The normalizer: cleaning, CJK spacing, accent stripping and lower-casing, in BertNormalizer's order. */
    String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || isControl(c)) {
                    continue;
                }
                if (isWhitespace(c)) {
                    sb.append(' ');
                    continue;
                }
            }
            if (handleChinese && isChinese(c)) {
                sb.append(' ').appendCodePoint(c).append(' ');
            } else {
                sb.appendCodePoint(c);
            }
        }
        String s = sb.toString();
        if (stripAccents) {
            String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
            StringBuilder t = new StringBuilder(nfd.length());
            for (int i = 0; i < nfd.length(); ) {
                int c = nfd.codePointAt(i);
                i += Character.charCount(c);
                if (Character.getType(c) != Character.NON_SPACING_MARK) {
                    t.appendCodePoint(c);
                }
            }
            s = t.toString();
        }
        return lowercase ? s.toLowerCase(java.util.Locale.ROOT) : s;
    }

    /** BertPreTokenizer: split on whitespace, and every punctuation character is a word of its own. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (isWhitespace(c)) {
                flush(cur, out);
            } else if (isPunctuation(c)) {
                flush(cur, out);
                out.add(new String(Character.toChars(c)));
            } else {
                cur.appendCodePoint(c);
            }
        }
        flush(cur, out);
        return out;
    }

    private static void flush(StringBuilder cur, List<String> out) {
        if (cur.length() > 0) {
            out.add(cur.toString());
            cur.setLength(0);
        }
    }

    /** Greedy longest-match-first word pieces; [UNK] when a piece cannot be found or the word is too long. */
    private void wordPieces(String word, List<Integer> ids, int limit) {
        int chars = word.codePointCount(0, word.length());
        if (chars > maxCharsPerWord) {
            ids.add(vocab.get(unk));
            return;
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer found = null;
            while (end > start) {
                String piece = word.substring(start, end);
                if (start > 0) {
                    piece = prefix + piece;
                }
                found = vocab.get(piece);
                if (found != null) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found == null) {
                pieces.clear();
                pieces.add(vocab.get(unk));
                break;
            }
            pieces.add(found);
            start = end;
        }
        for (int p : pieces) {
            if (ids.size() >= limit) {
                return;
            }
            ids.add(p);
        }
    }

    /** Rust's char::is_whitespace (Unicode White_Space), with tab, newline and carriage return. */
    static boolean isWhitespace(int c) {
        switch (c) {
            case '\t': case '\n': case 0x0B: case 0x0C: case '\r': case ' ': case 0x85: case 0xA0: case 0x1680:
            case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
                return true;
            default:
                return c >= 0x2000 && c <= 0x200A;
        }
    }

    /** Control characters as BERT defines them: Unicode categories C* except tab, newline, carriage return. */
    static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int t = Character.getType(c);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE
                || t == Character.PRIVATE_USE || t == Character.UNASSIGNED;
    }

    /** ASCII punctuation (which includes symbols such as $ + < = > ^ ` | ~) and Unicode P* categories. */
    static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
            return true;
        }
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION || t == Character.START_PUNCTUATION
                || t == Character.END_PUNCTUATION || t == Character.INITIAL_QUOTE_PUNCTUATION
                || t == Character.FINAL_QUOTE_PUNCTUATION || t == Character.OTHER_PUNCTUATION;
    }

    /** The CJK Unified Ideograph blocks BERT pads with spaces. */
    static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
