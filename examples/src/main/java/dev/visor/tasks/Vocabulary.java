package dev.visor.tasks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A token vocabulary: three special tokens — padding {@code <pad>} (id 0), begin {@code <s>} (1)
 * and end {@code </s>} (2) — followed by the task's symbols in a fixed order. Symbols are strings;
 * when all are single characters, text converts to and from ids character by character.
 *
 * <pre>{@code
 * Vocabulary v = Vocabulary.of(List.of("a", "b", "c"));
 * int[] ids = v.encode("cab");        // [5, 3, 4]
 * v.decode(new int[] {5, 3, 4, 2});   // "cab" (stops at </s>)
 * }</pre>
 */
public final class Vocabulary {
    /** The padding token. */
    public static final String PAD = "<pad>";
    /** The begin-of-sequence token. */
    public static final String BOS = "<s>";
    /** The end-of-sequence token. */
    public static final String EOS = "</s>";

    private final List<String> tokens;
    private final Map<String, Integer> ids = new HashMap<>();
    private final boolean characters;

    private Vocabulary(List<String> symbols) {
        List<String> all = new ArrayList<>(List.of(PAD, BOS, EOS));
        boolean chars = true;
        for (String s : symbols) {
            Objects.requireNonNull(s, "symbol");
            if (s.isEmpty()) throw new IllegalArgumentException("a vocabulary symbol must not be empty");
            if (s.equals(PAD) || s.equals(BOS) || s.equals(EOS)) {
                throw new IllegalArgumentException("symbol '" + s + "' is reserved for a special token");
            }
            chars &= s.codePointCount(0, s.length()) == 1;
            all.add(s);
        }
        this.tokens = List.copyOf(all);
        for (int i = 0; i < tokens.size(); i++) {
            if (ids.put(tokens.get(i), i) != null) throw new IllegalArgumentException("symbol '" + tokens.get(i) + "' appears twice");
        }
        this.characters = chars;
    }

    /**
     * A vocabulary of the special tokens plus these symbols, in this order.
     *
     * @param symbols distinct, non-empty, not a special token
     * @return the vocabulary
     */
    public static Vocabulary of(List<String> symbols) {
        return new Vocabulary(symbols);
    }

    /**
     * A character vocabulary: every distinct code point of a text, sorted.
     *
     * @param text the text
     * @return the vocabulary
     */
    public static Vocabulary characters(String text) {
        TreeSet<Integer> cps = new TreeSet<>();
        text.codePoints().forEach(cps::add);
        List<String> symbols = new ArrayList<>();
        for (int cp : cps) symbols.add(new String(Character.toChars(cp)));
        return new Vocabulary(symbols);
    }

    /** @return the number of tokens, specials included */
    public int size() {
        return tokens.size();
    }

    /** @return the id of {@code <pad>}, 0 */
    public int padId() {
        return 0;
    }

    /** @return the id of {@code <s>}, 1 */
    public int bosId() {
        return 1;
    }

    /** @return the id of {@code </s>}, 2 */
    public int eosId() {
        return 2;
    }

    /** @return every token, specials first */
    public List<String> tokens() {
        return tokens;
    }

    /** @return the non-special symbols */
    public List<String> symbols() {
        return tokens.subList(3, tokens.size());
    }

    /** @return whether every symbol is one character, so text maps to ids character by character */
    public boolean isCharacterLevel() {
        return characters;
    }

    /**
     * The id of a token.
     *
     * @param token a token of this vocabulary
     * @return its id
     * @throws IllegalArgumentException naming the token and a few known ones
     */
    public int id(String token) {
        Integer id = ids.get(token);
        if (id == null) {
            throw new IllegalArgumentException("'" + token + "' is not in the vocabulary of " + size() + " tokens "
                    + preview());
        }
        return id;
    }

    /**
     * The token of an id.
     *
     * @param id an id in {@code [0, size())}
     * @return the token
     */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) throw new IllegalArgumentException("token id " + id + " is outside [0, " + size() + ")");
        return tokens.get(id);
    }

    /**
     * The ids of a list of symbols.
     *
     * @param symbols the symbols
     * @return their ids
     */
    public int[] encode(List<String> symbols) {
        int[] out = new int[symbols.size()];
        for (int i = 0; i < out.length; i++) out[i] = id(symbols.get(i));
        return out;
    }

    /**
     * The ids of a text, character by character (character-level vocabularies only).
     *
     * @param text the text
     * @return one id per code point
     * @throws IllegalArgumentException naming the first character not in the vocabulary
     */
    public int[] encode(String text) {
        if (!characters) throw new IllegalStateException("this vocabulary has multi-character symbols; encode a list of symbols");
        int[] cps = text.codePoints().toArray();
        int[] out = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            Integer id = ids.get(new String(Character.toChars(cps[i])));
            if (id == null) {
                throw new IllegalArgumentException("character '" + new String(Character.toChars(cps[i])) + "' at position " + i
                        + " of \"" + text + "\" is not in the vocabulary " + preview());
            }
            out[i] = id;
        }
        return out;
    }

    /**
     * The symbols of some ids, stopping at the first {@code </s>} and skipping {@code <s>} and
     * {@code <pad>}.
     *
     * @param ids token ids
     * @return the symbols
     */
    public List<String> decodeSymbols(int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            if (id == eosId()) break;
            if (id == bosId() || id == padId()) continue;
            out.add(token(id));
        }
        return out;
    }

    /**
     * The text of some ids: {@link #decodeSymbols} joined without separators for a character
     * vocabulary, with single spaces otherwise.
     *
     * @param ids token ids
     * @return the text
     */
    public String decode(int[] ids) {
        return String.join(characters ? "" : " ", decodeSymbols(ids));
    }

    private String preview() {
        List<String> s = symbols();
        String shown = s.size() <= 20 ? s.toString() : s.subList(0, 20) + "...";
        return shown.replace("\n", "\\n");
    }

    @Override
    public String toString() {
        return "Vocabulary(" + size() + " tokens: " + PAD + ", " + BOS + ", " + EOS + ", " + preview() + ")";
    }
}
