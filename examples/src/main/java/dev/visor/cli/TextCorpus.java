package dev.visor.cli;

import dev.visor.tasks.Vocabulary;
import dev.visor.tensor.Rng;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A text for a character language model: its vocabulary, its characters as ids, a training part and
 * a held-out tail ({@code 10 %} by default), and random windows for batches. Without a file it is the
 * public-domain text shipped with the examples: the opening of Shakespeare's <i>Coriolanus</i>.
 *
 * <pre>{@code
 * TextCorpus c = TextCorpus.read(Path.of("book.txt"), 0.1);
 * int[][] rows = c.trainingWindows(rng, 32, 65);
 * }</pre>
 */
final class TextCorpus {
    /** The bundled text, a class-path resource. */
    static final String BUNDLED = "/dev/visor/examples/coriolanus.txt";

    /** What a checkpoint's data settings say for the bundled text. */
    static final String BUNDLED_KEY = "bundled";

    final String name;
    final Path file;
    final double heldOut;
    final String text;
    final Vocabulary vocab;
    final int[] ids;
    final int split;

    private TextCorpus(String name, Path file, String text, double heldOut) {
        this.name = name;
        this.file = file;
        this.heldOut = heldOut;
        this.text = text;
        this.vocab = Vocabulary.characters(text);
        this.ids = vocab.encode(text);
        this.split = (int) Math.round(ids.length * (1 - heldOut));
    }

    /**
     * Reads a UTF-8 text file, or the bundled text when {@code file} is null.
     *
     * @param file the file, or null
     * @param heldOut the fraction kept for evaluation, in [0.01, 0.5]
     * @return the corpus
     * @throws CliException for a missing, unreadable, non-UTF-8 or too short file
     */
    static TextCorpus read(Path file, double heldOut) {
        if (!(heldOut >= 0.01 && heldOut <= 0.5)) throw CliException.usage("--held-out must be in [0.01, 0.5] but is " + heldOut);
        String text;
        if (file == null) {
            try (InputStream in = TextCorpus.class.getResourceAsStream(BUNDLED)) {
                if (in == null) throw CliException.failure("the bundled text " + BUNDLED + " is missing from the class path");
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw CliException.failure("cannot read the bundled text: " + Errors.oneLine(e), e);
            }
        } else {
            if (!Files.exists(file)) throw CliException.failure("--text " + file + " does not exist");
            if (!Files.isRegularFile(file)) throw CliException.failure("--text " + file + " is not a file");
            if (!Files.isReadable(file)) throw CliException.failure("--text " + file + " is not readable");
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                        .toString();
            } catch (CharacterCodingException e) {
                throw CliException.failure("--text " + file + " is not UTF-8 text", e);
            } catch (IOException e) {
                throw CliException.failure("cannot read --text " + file + ": " + Errors.oneLine(e), e);
            }
        }
        TextCorpus c = new TextCorpus(file == null ? "Coriolanus (bundled)" : file.toString(), file, text, heldOut);
        if (c.vocab.size() > 1024) {
            throw CliException.failure("--text " + file + " has " + (c.vocab.size() - 3) + " distinct characters; "
                    + "a character model takes at most 1021");
        }
        return c;
    }

    /**
     * Reads the text a checkpoint was trained on, from its stored data settings: the same file (or
     * {@code --text}, when given) and the same held-out fraction. Without --text the file must still
     * hold the same text (its SHA-256 is compared), so a resumed run trains on the same data.
     *
     * @param data the checkpoint's {@link #toJson}, empty for checkpoints of older versions (then the bundled text)
     * @param text --text, or null
     * @return the corpus
     * @throws CliException when the stored file is gone or changed
     */
    static TextCorpus stored(Map<String, Object> data, Path text) {
        double heldOut = data.get("held_out") instanceof Number n ? n.doubleValue() : 0.1;
        Object stored = data.get("text");
        Path file = text != null ? text : stored == null || BUNDLED_KEY.equals(stored) ? null : Path.of(String.valueOf(stored));
        if (text == null && file != null && !Files.exists(file)) {
            throw CliException.failure("the checkpoint was trained on " + file + ", which no longer exists; pass --text FILE with that text");
        }
        TextCorpus c = read(file, heldOut);
        if (text == null && data.get("text_sha256") instanceof String sha && !sha.equals(c.sha256())) {
            throw CliException.failure("the text " + c.name + " changed since the checkpoint was saved (its SHA-256 differs); "
                    + "pass --text FILE with the text it was trained on");
        }
        return c;
    }

    /** @return what a checkpoint stores to find this text again: the file (absolute) or "bundled", its SHA-256, the held-out fraction */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", file == null ? BUNDLED_KEY : file.toAbsolutePath().normalize().toString());
        m.put("text_sha256", sha256());
        m.put("held_out", heldOut);
        return m;
    }

    /** @return the SHA-256 of the text's UTF-8 bytes, in hex */
    String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Checks that both parts hold at least one window.
     *
     * @param window the window length
     */
    void checkWindow(int window) {
        if (split - window < 1 || ids.length - split < window + 1) {
            throw CliException.usage("the text " + name + " has " + ids.length + " characters: too short for windows of "
                    + window + " with a held-out tail; use a longer text or a smaller --context");
        }
    }

    /**
     * Random training windows.
     *
     * @param rng the random source
     * @param rows how many
     * @param length characters per window
     * @return the windows' ids
     */
    int[][] trainingWindows(Rng rng, int rows, int length) {
        int[][] out = new int[rows][];
        for (int r = 0; r < rows; r++) {
            int start = rng.nextInt(split - length + 1);
            out[r] = Arrays.copyOfRange(ids, start, start + length);
        }
        return out;
    }

    /**
     * Consecutive windows over the held-out tail.
     *
     * @param length characters per window
     * @param max the most windows
     * @return the windows' ids
     */
    int[][] heldOutWindows(int length, int max) {
        int n = Math.min(max, (ids.length - split) / length);
        int[][] out = new int[Math.max(1, n)][];
        for (int r = 0; r < out.length; r++) out[r] = Arrays.copyOfRange(ids, split + r * length, split + (r + 1) * length);
        return out;
    }
}
