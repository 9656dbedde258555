package dev.visor.mask;

/** Providers for the registry tests: one good, several broken in different ways. */
public final class TestStrategies {
    private TestStrategies() {}

    /** A well-behaved provider. */
    public static final class Good implements MaskStrategy {
        /** For ServiceLoader. */
        public Good() {}

        @Override
        public String name() {
            return "good_test";
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return new GoodMask();
        }
    }

    /** A mask that relies on the enumerating default {@link Mask#classify}. */
    public record GoodMask() implements Mask {
        @Override
        public boolean attends(int batch, int head, int query, int key) {
            return (query + key) % 2 == 0;
        }

        @Override
        public String spec() {
            return "good_test";
        }
    }

    /** A provider whose constructor throws. */
    public static final class Exploding implements MaskStrategy {
        /** Always throws. */
        public Exploding() {
            throw new IllegalStateException("boom");
        }

        @Override
        public String name() {
            return "exploding";
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            throw new AssertionError();
        }
    }

    /** A provider with an invalid name. */
    public static final class BadName implements MaskStrategy {
        /** For ServiceLoader. */
        public BadName() {}

        @Override
        public String name() {
            return "Bad Name";
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            throw new AssertionError();
        }
    }

    /** Listed as a provider but not a MaskStrategy. */
    public static final class NotAStrategy {
        /** For ServiceLoader. */
        public NotAStrategy() {}
    }

    /** Takes a built-in's name. */
    public static final class DuplicateCausal implements MaskStrategy {
        /** For ServiceLoader. */
        public DuplicateCausal() {}

        @Override
        public String name() {
            return "causal";
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            throw new AssertionError();
        }
    }

    /** Returns null from create. */
    public static final class ReturnsNull implements MaskStrategy {
        /** For the registry. */
        public ReturnsNull() {}

        @Override
        public String name() {
            return "returns_null";
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return null;
        }
    }

    /** A provider whose static initialiser throws. */
    public static final class StaticBoom implements MaskStrategy {
        static {
            if (Boolean.parseBoolean("true")) throw new IllegalStateException("static boom");
        }

        /** For ServiceLoader. */
        public StaticBoom() {}

        @Override
        public String name() {
            return "static_boom";
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            throw new AssertionError();
        }
    }

    /** A provider whose parameters() throws, which would break listing later. */
    public static final class BadParameters implements MaskStrategy {
        /** For ServiceLoader. */
        public BadParameters() {}

        @Override
        public String name() {
            return "bad_parameters";
        }

        @Override
        public java.util.List<MaskParameter> parameters() {
            throw new UnsupportedOperationException("no parameters today");
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            throw new AssertionError();
        }
    }
}
