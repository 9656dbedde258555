package dev.visor.tensor.nn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code torch-golden.txt}, written by {@code src/test/python/make_torch_golden.py}: cases of
 * {@code key values...} lines. Tests never run Python; this file is the frozen PyTorch oracle.
 */
public final class TorchGolden {
    private static final String RESOURCE = "/dev/visor/tensor/nn/torch-golden.txt";
    private static Map<String, Case> cases;

    private TorchGolden() {}

    /** One case's entries. */
    public static final class Case {
        private final String name;
        private final Map<String, String[]> entries = new LinkedHashMap<>();

        Case(String name) {
            this.name = name;
        }

        /** True if the case has {@code key}. */
        public boolean has(String key) {
            return entries.containsKey(key);
        }

        /** The values of {@code key} as float32 (as PyTorch held them). */
        public float[] floats(String key) {
            String[] v = raw(key);
            float[] out = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = (float) parse(v[i]);
            }
            return out;
        }

        /** The values of {@code key} as doubles (for hyper-parameters). */
        public double[] doubles(String key) {
            return Arrays.stream(raw(key)).mapToDouble(Case::parse).toArray();
        }

        /** The single number of {@code key}. */
        public double number(String key) {
            String[] v = raw(key);
            if (v.length != 1) {
                throw new IllegalStateException(name + "." + key + " has " + v.length + " values, expected one");
            }
            return parse(v[0]);
        }

        /** The values of {@code key} as ints. */
        public int[] ints(String key) {
            return Arrays.stream(raw(key)).mapToInt(Integer::parseInt).toArray();
        }

        /** The shape stored under {@code key.shape}. */
        public int[] shape(String key) {
            return ints(key + ".shape");
        }

        /** The single word of {@code key}. */
        public String word(String key) {
            return raw(key)[0];
        }

        private String[] raw(String key) {
            String[] v = entries.get(key);
            if (v == null) {
                throw new IllegalStateException("golden case " + name + " has no '" + key + "'; keys: " + entries.keySet());
            }
            return v;
        }

        private static double parse(String s) {
            return switch (s) {
                case "inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                case "nan" -> Double.NaN;
                default -> Double.parseDouble(s);
            };
        }
    }

    /** The case called {@code name}. */
    public static synchronized Case get(String name) {
        if (cases == null) {
            cases = load();
        }
        Case c = cases.get(name);
        if (c == null) {
            throw new IllegalStateException("no golden case '" + name + "'; have " + cases.keySet());
        }
        return c;
    }

    private static Map<String, Case> load() {
        Map<String, Case> out = new LinkedHashMap<>();
        try (InputStream in = TorchGolden.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + RESOURCE);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Case current = null;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.trim().split(" ");
                if (parts[0].equals("case")) {
                    current = new Case(parts[1]);
                    out.put(parts[1], current);
                } else if (current != null) {
                    current.entries.put(parts[0], Arrays.copyOfRange(parts, 1, parts.length));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
