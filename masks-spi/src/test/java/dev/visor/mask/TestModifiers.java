package dev.visor.mask;

import java.util.List;

/** Score-modifier providers for the registry's loading tests, well-behaved and broken. */
final class TestModifiers {
    private TestModifiers() {}

    /** A working plugin: adds a constant. */
    public static final class Shift implements ScoreModifierStrategy {
        @Override
        public String name() {
            return "shift_test";
        }

        @Override
        public List<MaskParameter> parameters() {
            return List.of(MaskParameter.required("by", ParameterType.NUMBER, "added to every score"));
        }

        @Override
        public ScoreModifier create(MaskArguments args, ScoreContext context) {
            double by = args.getNumber("by");
            return new ScoreModifier() {
                public float apply(float s, int b, int h, int q, int k, float[] theta, int at) {
                    return s + (float) by;
                }

                public float derivative(float s, int b, int h, int q, int k, float[] theta, int at) {
                    return 1f;
                }

                public String spec() {
                    return args.toSpec();
                }
            };
        }
    }

    /** Its constructor throws. */
    public static final class Exploding implements ScoreModifierStrategy {
        public Exploding() {
            throw new IllegalStateException("modifier boom");
        }

        @Override
        public String name() {
            return "exploding";
        }

        @Override
        public ScoreModifier create(MaskArguments args, ScoreContext context) {
            throw new AssertionError();
        }
    }

    /** Takes a built-in's name. */
    public static final class DuplicateSoftcap implements ScoreModifierStrategy {
        @Override
        public String name() {
            return "softcap";
        }

        @Override
        public ScoreModifier create(MaskArguments args, ScoreContext context) {
            throw new AssertionError();
        }
    }

    /** Its parameters() throws. */
    public static final class BadParameters implements ScoreModifierStrategy {
        @Override
        public String name() {
            return "bad_parameters";
        }

        @Override
        public List<MaskParameter> parameters() {
            throw new UnsupportedOperationException("no parameters here");
        }

        @Override
        public ScoreModifier create(MaskArguments args, ScoreContext context) {
            throw new AssertionError();
        }
    }
}
