package dev.visor.mask;

import java.util.Collection;
import java.util.Optional;

/**
 * "Did you mean" suggestions by optimal-string-alignment edit distance (transpositions cost 1).
 * The cost is bounded whatever the input: a candidate whose length differs from the word by more
 * than the allowed distance is skipped without computing anything (the distance is at least the
 * length difference), so at most O(candidates × (longest candidate + 3)²) work is done, and names
 * quoted in messages are shortened to {@link #SHOWN} characters.
 */
final class Names {
    /** The most characters of a user's name that a message quotes. */
    static final int SHOWN = 64;

    private Names() {}

    /**
     * The closest candidate within a distance that scales with the word (1 for short words, up to 3),
     * ties broken alphabetically.
     */
    static Optional<String> closest(String word, Collection<String> candidates) {
        int limit = Math.max(1, Math.min(3, word.length() / 3));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            if (Math.abs(c.length() - word.length()) > limit) continue;
            int d = distance(word, c);
            if (d <= limit && (d < bestDistance || (d == bestDistance && c.compareTo(best) < 0))) {
                best = c;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** "; did you mean 'x'? label: [a, b]" or "; label: [a, b]" (or "none" when there are no candidates). */
    static String suggest(String word, Collection<String> candidates, String label) {
        String list = candidates.isEmpty() ? "none" : candidates.toString();
        return closest(word, candidates).map(c -> "; did you mean '" + c + "'? ").orElse("; ") + label + ": " + list;
    }

    /** The name in quotes, cut to its first {@link #SHOWN} characters with its length when longer. */
    static String quote(String name) {
        if (name.length() <= SHOWN) return "'" + name + "'";
        return "'" + name.substring(0, SHOWN) + "...' (" + name.length() + " characters)";
    }

    /** Optimal string alignment distance between two strings. */
    static int distance(String a, String b) {
        int n = a.length();
        int m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) d[i][0] = i;
        for (int j = 0; j <= m; j++) d[0][j] = j;
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[n][m];
    }
}
