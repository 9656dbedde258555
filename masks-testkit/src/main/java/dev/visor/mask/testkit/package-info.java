/**
 * The test kit for mask-strategy authors: {@link dev.visor.mask.testkit.MaskStrategyContract}, the
 * jqwik contract a plugin's test class implements, plus generators
 * ({@link dev.visor.mask.testkit.MaskArbitraries}) and the enumerating oracle
 * ({@link dev.visor.mask.testkit.MaskOracle}). Depend on it with test scope.
 *
 * <pre>{@code
 * class MyMaskContractProperties implements MaskStrategyContract {
 *     public MaskStrategy subject() { return new MyMask.Strategy(); }
 * }
 * }</pre>
 */
package dev.visor.mask.testkit;
