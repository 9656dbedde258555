package dev.visor.tensor;

/**
 * The element-wise front of {@link Tensor}: arithmetic, unary functions and comparisons with
 * NumPy broadcasting ({@code ElementwiseOps}).
 */
abstract class ElementwiseFront extends MovementFront {
    ElementwiseFront(float[] data, int[] shape, int[] strides, int offset, GradFn gradFn) {
        super(data, shape, strides, offset, gradFn);
    }

    // ------------------------------------------------------------------ element-wise (broadcasting; see ElementwiseOps)

    /**
     * {@code this + other}, broadcast.
     *
     * @param other the other operand, broadcast against this one
     * @return {@code this + other}, broadcast
     */
    public Tensor add(Tensor other) {
        return ElementwiseOps.add(self(), other);
    }

    /**
     * {@code this + s}.
     *
     * @param s the scalar
     * @return {@code this + s}
     */
    public Tensor add(float s) {
        return ElementwiseOps.add(self(), s);
    }

    /**
     * {@code this − other}, broadcast.
     *
     * @param other the other operand, broadcast against this one
     * @return {@code this − other}, broadcast
     */
    public Tensor sub(Tensor other) {
        return ElementwiseOps.sub(self(), other);
    }

    /**
     * {@code this − s}.
     *
     * @param s the scalar
     * @return {@code this − s}
     */
    public Tensor sub(float s) {
        return ElementwiseOps.sub(self(), s);
    }

    /**
     * {@code s − this}.
     *
     * @param s the scalar
     * @return {@code s − this}
     */
    public Tensor rsub(float s) {
        return ElementwiseOps.rsub(self(), s);
    }

    /**
     * {@code this · other}, broadcast.
     *
     * @param other the other operand, broadcast against this one
     * @return {@code this · other}, broadcast
     */
    public Tensor mul(Tensor other) {
        return ElementwiseOps.mul(self(), other);
    }

    /**
     * {@code this · s}.
     *
     * @param s the scalar
     * @return {@code this · s}
     */
    public Tensor mul(float s) {
        return ElementwiseOps.mul(self(), s);
    }

    /**
     * {@code this / other}, broadcast.
     *
     * @param other the other operand, broadcast against this one
     * @return {@code this / other}, broadcast
     */
    public Tensor div(Tensor other) {
        return ElementwiseOps.div(self(), other);
    }

    /**
     * {@code this / s}.
     *
     * @param s the scalar
     * @return {@code this / s}
     */
    public Tensor div(float s) {
        return ElementwiseOps.div(self(), s);
    }

    /**
     * {@code s / this}.
     *
     * @param s the scalar
     * @return {@code s / this}
     */
    public Tensor rdiv(float s) {
        return ElementwiseOps.rdiv(self(), s);
    }

    /**
     * {@code this ^ exponent}, broadcast; the exponent's gradient {@code out · ln this} is 0 where this is 0.
     *
     * @param exponent the exponent
     * @return {@code this ^ exponent}, broadcast; the exponent's gradient {@code out · ln this} is 0 where this is 0
     */
    public Tensor pow(Tensor exponent) {
        return ElementwiseOps.pow(self(), exponent);
    }

    /**
     * {@code this ^ p}.
     *
     * @param p the probability
     * @return {@code this ^ p}
     */
    public Tensor pow(float p) {
        return ElementwiseOps.pow(self(), p);
    }

    /**
     * Element-wise maximum, broadcast; ties give each side half the gradient.
     *
     * @param other the other operand, broadcast against this one
     * @return element-wise maximum, broadcast; ties give each side half the gradient
     */
    public Tensor maximum(Tensor other) {
        return ElementwiseOps.maximum(self(), other);
    }

    /**
     * Element-wise minimum, broadcast; ties give each side half the gradient.
     *
     * @param other the other operand, broadcast against this one
     * @return element-wise minimum, broadcast; ties give each side half the gradient
     */
    public Tensor minimum(Tensor other) {
        return ElementwiseOps.minimum(self(), other);
    }

    /**
     * {@code −this}.
     *
     * @return {@code −this}
     */
    public Tensor neg() {
        return ElementwiseOps.neg(self());
    }

    /**
     * {@code e^this}.
     *
     * @return {@code e^this}
     */
    public Tensor exp() {
        return ElementwiseOps.exp(self());
    }

    /**
     * Natural logarithm.
     *
     * @return natural logarithm
     */
    public Tensor log() {
        return ElementwiseOps.log(self());
    }

    /**
     * Hyperbolic tangent.
     *
     * @return hyperbolic tangent
     */
    public Tensor tanh() {
        return ElementwiseOps.tanh(self());
    }

    /**
     * Square root.
     *
     * @return the square root of every element
     */
    public Tensor sqrt() {
        return ElementwiseOps.sqrt(self());
    }

    /**
     * Absolute value; its gradient at 0 is 0.
     *
     * @return absolute value; its gradient at 0 is 0
     */
    public Tensor abs() {
        return ElementwiseOps.abs(self());
    }

    /**
     * Values clamped into {@code [min, max]} (use ±infinity for one side); the gradient passes where
     * {@code min ≤ this ≤ max}.
     *
     * @param min the lower bound
     * @param max the upper bound
     * @return the values clamped into {@code [min, max]}
     */
    public Tensor clamp(float min, float max) {
        return ElementwiseOps.clamp(self(), min, max);
    }

    /**
     * 1 where {@code this == other} (broadcast), else 0; no gradient.
     *
     * @param other the other operand, broadcast against this one
     * @return 1 where {@code this == other} (broadcast), else 0; no gradient
     */
    public Tensor eq(Tensor other) {
        return ElementwiseOps.compare(ElementwiseKernels.Binary.EQ, self(), other);
    }

    /**
     * 1 where {@code this == s}, else 0; no gradient.
     *
     * @param s the scalar
     * @return 1 where {@code this == s}, else 0; no gradient
     */
    public Tensor eq(float s) {
        return ElementwiseOps.compare(ElementwiseKernels.Unary.EQ_S, self(), s);
    }

    /**
     * 1 where {@code this != other} (broadcast), else 0; no gradient.
     *
     * @param other the other operand, broadcast against this one
     * @return 1 where {@code this != other} (broadcast), else 0; no gradient
     */
    public Tensor ne(Tensor other) {
        return ElementwiseOps.compare(ElementwiseKernels.Binary.NE, self(), other);
    }

    /**
     * 1 where {@code this != s}, else 0; no gradient.
     *
     * @param s the scalar
     * @return 1 where {@code this != s}, else 0; no gradient
     */
    public Tensor ne(float s) {
        return ElementwiseOps.compare(ElementwiseKernels.Unary.NE_S, self(), s);
    }

    /**
     * 1 where {@code this > other} (broadcast), else 0; no gradient.
     *
     * @param other the other operand, broadcast against this one
     * @return 1 where {@code this > other} (broadcast), else 0; no gradient
     */
    public Tensor gt(Tensor other) {
        return ElementwiseOps.compare(ElementwiseKernels.Binary.GT, self(), other);
    }

    /**
     * 1 where {@code this > s}, else 0; no gradient.
     *
     * @param s the scalar
     * @return 1 where {@code this > s}, else 0; no gradient
     */
    public Tensor gt(float s) {
        return ElementwiseOps.compare(ElementwiseKernels.Unary.GT_S, self(), s);
    }

    /**
     * 1 where {@code this >= other} (broadcast), else 0; no gradient.
     *
     * @param other the other operand, broadcast against this one
     * @return 1 where {@code this >= other} (broadcast), else 0; no gradient
     */
    public Tensor ge(Tensor other) {
        return ElementwiseOps.compare(ElementwiseKernels.Binary.GE, self(), other);
    }

    /**
     * 1 where {@code this >= s}, else 0; no gradient.
     *
     * @param s the scalar
     * @return 1 where {@code this >= s}, else 0; no gradient
     */
    public Tensor ge(float s) {
        return ElementwiseOps.compare(ElementwiseKernels.Unary.GE_S, self(), s);
    }

    /**
     * 1 where {@code this < other} (broadcast), else 0; no gradient.
     *
     * @param other the other operand, broadcast against this one
     * @return 1 where {@code this < other} (broadcast), else 0; no gradient
     */
    public Tensor lt(Tensor other) {
        return ElementwiseOps.compare(ElementwiseKernels.Binary.LT, self(), other);
    }

    /**
     * 1 where {@code this < s}, else 0; no gradient.
     *
     * @param s the scalar
     * @return 1 where {@code this < s}, else 0; no gradient
     */
    public Tensor lt(float s) {
        return ElementwiseOps.compare(ElementwiseKernels.Unary.LT_S, self(), s);
    }

    /**
     * 1 where {@code this <= other} (broadcast), else 0; no gradient.
     *
     * @param other the other operand, broadcast against this one
     * @return 1 where {@code this <= other} (broadcast), else 0; no gradient
     */
    public Tensor le(Tensor other) {
        return ElementwiseOps.compare(ElementwiseKernels.Binary.LE, self(), other);
    }

    /**
     * 1 where {@code this <= s}, else 0; no gradient.
     *
     * @param s the scalar
     * @return 1 where {@code this <= s}, else 0; no gradient
     */
    public Tensor le(float s) {
        return ElementwiseOps.compare(ElementwiseKernels.Unary.LE_S, self(), s);
    }

    /**
     * {@code a} where {@code condition} is non-zero, else {@code b}; all three broadcast together.
     * Gradients flow to {@code a} and {@code b}, never to the condition.
     *
     * @param condition where true, take from {@code a}
     * @param a taken where {@code condition} is true
     * @param b taken where {@code condition} is false
     * @return {@code a} where {@code condition} is non-zero, else {@code b}; all three broadcast together
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return ElementwiseOps.where(condition, a, b);
    }

}
