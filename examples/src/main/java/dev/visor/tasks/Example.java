package dev.visor.tasks;

import java.util.List;

/**
 * One source → target pair of a sequence-to-sequence task, as symbols (no special tokens).
 *
 * @param source the input symbols
 * @param target the expected output symbols
 */
public record Example(List<String> source, List<String> target) {
    /** Copies both lists. */
    public Example {
        source = List.copyOf(source);
        target = List.copyOf(target);
    }

    @Override
    public String toString() {
        return String.join("", source) + " → " + String.join("", target);
    }
}
