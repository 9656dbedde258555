package dev.visor.cli;

/** English counts for messages: "1 step", "2 steps". */
final class Plural {
    private Plural() {}

    /**
     * The noun for a count.
     *
     * @param count how many
     * @param noun the singular, made plural with "s"
     * @return e.g. "step" for 1, "steps" otherwise
     */
    static String of(long count, String noun) {
        return count == 1 ? noun : noun + "s";
    }

    /**
     * A count with its noun.
     *
     * @param count how many
     * @param noun the singular
     * @return e.g. "1 layer", "4 layers"
     */
    static String count(long count, String noun) {
        return count + " " + of(count, noun);
    }
}
