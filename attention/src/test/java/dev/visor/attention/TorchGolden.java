package dev.visor.attention;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the golden files written by {@code src/test/python/gen_mha_golden.py} and {@code gen_torch_masks_golden.py}. */
final class TorchGolden {
    /** One case: its keys in file order. */
    record Case(String name, Map<String, String> values) {
        String word(String key) {
            String v = values.get(key);
            if (v == null) {
                throw new IllegalArgumentException("case " + name + " has no '" + key + "'");
            }
            return v;
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        int integer(String key) {
            return Integer.parseInt(word(key));
        }

        boolean flag(String key) {
            return Boolean.parseBoolean(word(key));
        }

        int[] ints(String key) {
            String v = word(key).trim();
            return v.isEmpty() ? new int[0] : Arrays.stream(v.split(" ")).mapToInt(Integer::parseInt).toArray();
        }

        float[] floats(String key) {
            String[] parts = word(key).trim().split(" ");
            float[] out = new float[parts.length];
            for (int i = 0; i < parts.length; i++) {   // Python writes inf, -inf and nan
                out[i] = switch (parts[i]) {
                    case "inf" -> Float.POSITIVE_INFINITY;
                    case "-inf" -> Float.NEGATIVE_INFINITY;
                    case "nan" -> Float.NaN;
                    default -> Float.parseFloat(parts[i]);
                };
            }
            return out;
        }

        int[] shape(String key) {
            return ints(key + ".shape");
        }

        dev.visor.tensor.Tensor tensor(String key) {
            return dev.visor.tensor.Tensor.of(floats(key), shape(key));
        }

        /** Tensor keys starting with {@code prefix}, prefix removed, in file order. */
        List<String> tensorsUnder(String prefix) {
            List<String> out = new ArrayList<>();
            for (String k : values.keySet()) {
                if (k.startsWith(prefix) && !k.endsWith(".shape")) {
                    out.add(k.substring(prefix.length()));
                }
            }
            return out;
        }
    }

    private TorchGolden() {}

    static List<Case> load(String resource) {
        InputStream in = TorchGolden.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + resource);
        }
        List<Case> cases = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String name = null;
            Map<String, String> values = null;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                int sp = line.indexOf(' ');
                String key = sp < 0 ? line : line.substring(0, sp);
                String rest = sp < 0 ? "" : line.substring(sp + 1);
                if (key.equals("case")) {
                    if (name != null) {
                        cases.add(new Case(name, values));
                    }
                    name = rest;
                    values = new LinkedHashMap<>();
                } else {
                    values.put(key, rest);
                }
            }
            if (name != null) {
                cases.add(new Case(name, values));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }
}
